/**
 * Percent-decoding of a request path into `PATH_INFO`: `%XX` escapes become the UTF-8
 * text they encode, and an escape that is malformed or not valid UTF-8 stays as written.
 *
 * @module
 */

import { hexDigitValue } from "./hex_digit.ts";
import { decodeUtf8Escaping } from "./utf8_escaping.ts";

/**
 * Percent-decodes a request path the way `PATH_INFO` holds it. Never throws: an invalid
 * escape (`%zz`, a lone `%`) or bytes that are not valid UTF-8 are kept as the original
 * `%XX` text.
 *
 * @param raw The path as sent, such as `/caf%C3%A9`.
 * @returns The decoded path, such as `/café`.
 *
 * @example
 * ```ts
 * import { decodePathInfo } from "@phial/phial";
 * decodePathInfo("/caf%C3%A9/a%2Fb"); // "/café/a/b"
 * decodePathInfo("/bad%FF%zz"); // "/bad%FF%zz"
 * ```
 */
export function decodePathInfo(raw: string): string {
  let pct = raw.indexOf("%");
  if (pct === -1) return raw;
  let out = "";
  let last = 0;
  const n = raw.length;
  while (pct !== -1) {
    // Collect the run of valid %XX escapes starting here.
    const bytes: number[] = [];
    let i = pct;
    while (i + 2 < n && raw.charCodeAt(i) === 37) {
      const hi = hexDigitValue(raw.charCodeAt(i + 1));
      const lo = hexDigitValue(raw.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) break;
      bytes.push(hi * 16 + lo);
      i += 3;
    }
    if (bytes.length === 0) {
      pct = raw.indexOf("%", pct + 1);
      continue;
    }
    // A byte that is not valid UTF-8 stays as its `%XX` source text.
    const run = pct;
    out += raw.slice(last, pct) +
      decodeUtf8Escaping(bytes, (k) => raw.slice(run + k * 3, run + k * 3 + 3));
    last = i;
    pct = raw.indexOf("%", i);
  }
  return out + raw.slice(last);
}
