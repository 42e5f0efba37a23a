/**
 * The HTTP status-code table with Werkzeug's reason phrases, and status-line helpers.
 *
 * @module
 */

import { STATUS_REASONS } from "../gateway/status_reasons.ts";

/**
 * Reason phrases by status code, spelled as Werkzeug's `HTTP_STATUS_CODES`.
 *
 * @example Looking up a reason phrase
 * ```ts
 * import { HTTP_STATUS_CODES } from "@phial/phial";
 * HTTP_STATUS_CODES[404]; // "Not Found"
 * ```
 */
export const HTTP_STATUS_CODES: Readonly<Record<number, string>> = STATUS_REASONS;

/**
 * The reason phrase for `code` (`"Not Found"`), or `"Unknown Error"` when the table has none.
 *
 * @param code An HTTP status code.
 * @returns The reason phrase, title-cased as in Werkzeug's table.
 */
export function statusReason(code: number): string {
  return HTTP_STATUS_CODES[code] ?? "Unknown Error";
}

/**
 * The status line a Werkzeug response shows for `code`: the code, then the upper-cased
 * reason phrase (`"404 NOT FOUND"`), or `"599 UNKNOWN"` for a code missing from the table.
 *
 * @param code An HTTP status code (100-999).
 * @returns The `"<code> <REASON>"` status string.
 * @example
 * ```ts
 * import { statusLine } from "@phial/phial";
 * statusLine(404); // "404 NOT FOUND"
 * ```
 */
export function statusLine(code: number): string {
  const cached = STATUS_LINES.get(code);
  if (cached !== undefined) return cached;
  const reason = HTTP_STATUS_CODES[code];
  return reason === undefined ? `${code} UNKNOWN` : `${code} ${reason.toUpperCase()}`;
}

const STATUS_LINES: Map<number, string> = new Map(
  Object.entries(HTTP_STATUS_CODES).map(([code, reason]) => [
    Number(code),
    `${code} ${reason.toUpperCase()}`,
  ]),
);
