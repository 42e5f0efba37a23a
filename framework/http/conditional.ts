/**
 * Conditional requests (RFC 9110 §13): `isResourceModified`, Werkzeug's decision of
 * whether a cached copy is still fresh from `If-None-Match`, `If-Match`,
 * `If-Modified-Since` and `If-Range`.
 *
 * @module
 */

import type { Environ } from "../gateway/types.ts";
import { parseDate } from "./dates.ts";
import { generateEtag, parseEtags, unquoteEtag } from "./etags.ts";
import { type IfRange, parseIfRangeHeader } from "./range.ts";

/** Options of `isResourceModified`. */
export interface ResourceModifiedOptions {
  /** The resource's entity tag (quoted or not). */
  etag?: string | null;
  /** The resource's bytes, to compute the tag from (exclusive with `etag`). */
  data?: Uint8Array | null;
  /** When the resource last changed (a `Date`, or an HTTP date string). */
  lastModified?: Date | string | null;
  /** Ignore `If-Range` (default true, as Werkzeug). */
  ignoreIfRange?: boolean;
}

/** Something the request headers can be read from. */
export type RequestHeadersSource =
  | Environ
  | { get(name: string): string | null | undefined };

const ENVIRON_KEYS: Record<string, string> = {
  "range": "HTTP_RANGE",
  "if-range": "HTTP_IF_RANGE",
  "if-modified-since": "HTTP_IF_MODIFIED_SINCE",
  "if-none-match": "HTTP_IF_NONE_MATCH",
  "if-match": "HTTP_IF_MATCH",
};

function readHeader(source: RequestHeadersSource, name: string): string | undefined {
  const get = (source as { get?: unknown }).get;
  if (typeof get === "function") {
    const value = (source as { get(name: string): string | null | undefined }).get(name);
    return value ?? undefined;
  }
  const value = (source as Environ)[ENVIRON_KEYS[name]!];
  return typeof value === "string" ? value : undefined;
}

/**
 * Whether the resource must be sent in full (true) or the client's copy is current
 * (false → answer 304, or 412 for a failed `If-Match`), as Werkzeug's
 * `is_resource_modified`.
 *
 * @param source The request's environ, or its headers (anything with `get(name)`).
 * @param options The resource's `etag` (or `data`) and `lastModified`.
 * @returns True when the resource counts as modified.
 * @example
 * ```ts
 * import { isResourceModified } from "@phial/phial";
 * const headers = new Headers({ "If-None-Match": '"v1"' });
 * isResourceModified(headers, { etag: "v1" }); // false: 304 Not Modified
 * isResourceModified(headers, { etag: "v2" }); // true
 * ```
 */
export function isResourceModified(
  source: RequestHeadersSource,
  options: ResourceModifiedOptions = {},
): boolean {
  let etag = options.etag ?? null;
  if (etag === null && options.data !== undefined && options.data !== null) {
    etag = generateEtag(options.data);
  } else if (options.data !== undefined && options.data !== null) {
    throw new TypeError("isResourceModified: both data and etag given");
  }

  let lastModified: Date | null = null;
  if (typeof options.lastModified === "string") lastModified = parseDate(options.lastModified);
  else if (options.lastModified instanceof Date) lastModified = options.lastModified;
  // HTTP dates have no sub-second part: compare whole seconds.
  const lastModifiedSeconds = lastModified === null
    ? null
    : Math.floor(lastModified.getTime() / 1000);

  let ifRange: IfRange | null = null;
  if (options.ignoreIfRange === false && readHeader(source, "range") !== undefined) {
    ifRange = parseIfRangeHeader(readHeader(source, "if-range"));
  }

  const modifiedSince = ifRange !== null && ifRange.date !== null
    ? ifRange.date
    : parseDate(readHeader(source, "if-modified-since"));

  let unmodified = false;
  if (
    modifiedSince !== null && lastModifiedSeconds !== null &&
    lastModifiedSeconds * 1000 <= modifiedSince.getTime()
  ) {
    unmodified = true;
  }

  if (etag) {
    const tag = unquoteEtag(etag)[0]!;
    if (ifRange !== null && ifRange.etag !== null) {
      unmodified = parseEtags(ifRange.etag).contains(tag);
    } else {
      const ifNoneMatch = parseEtags(readHeader(source, "if-none-match"));
      // RFC 9110 §13.1.2: If-None-Match uses the weak comparison.
      if (!ifNoneMatch.empty) unmodified = ifNoneMatch.containsWeak(tag);
      // RFC 9110 §13.1.1: If-Match uses the strong comparison.
      const ifMatch = parseEtags(readHeader(source, "if-match"));
      if (!ifMatch.empty) unmodified = !ifMatch.isStrong(tag);
    }
  }
  return !unmodified;
}
