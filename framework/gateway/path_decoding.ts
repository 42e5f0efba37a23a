/**
 * Percent-decoding of a request path into `PATH_INFO`: `%XX` escapes become the UTF-8
 * text they encode, and an escape that is malformed or not valid UTF-8 stays as written.
 *
 * @module
 */

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

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
      const hi = hexValue(raw.charCodeAt(i + 1));
      const lo = hexValue(raw.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) break;
      bytes.push(hi * 16 + lo);
      i += 3;
    }
    if (bytes.length === 0) {
      pct = raw.indexOf("%", pct + 1);
      continue;
    }
    out += raw.slice(last, pct) + decodeRun(raw, pct, bytes);
    last = i;
    pct = raw.indexOf("%", i);
  }
  return out + raw.slice(last);
}

/** Decodes one run of escaped bytes, keeping invalid UTF-8 as its `%XX` source text. */
function decodeRun(raw: string, start: number, bytes: number[]): string {
  let out = "";
  let k = 0;
  while (k < bytes.length) {
    const b0 = bytes[k]!;
    if (b0 < 0x80) {
      out += String.fromCharCode(b0);
      k++;
      continue;
    }
    let need: number;
    let cp: number;
    let min: number;
    if (b0 >= 0xc2 && b0 <= 0xdf) [need, cp, min] = [1, b0 & 0x1f, 0x80];
    else if (b0 >= 0xe0 && b0 <= 0xef) [need, cp, min] = [2, b0 & 0x0f, 0x800];
    else if (b0 >= 0xf0 && b0 <= 0xf4) [need, cp, min] = [3, b0 & 0x07, 0x10000];
    else [need, cp, min] = [0, -1, 0];
    let ok = need > 0 && k + need < bytes.length;
    for (let j = 1; ok && j <= need; j++) {
      const b = bytes[k + j];
      if (b === undefined || (b & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (b & 0x3f);
    }
    if (ok && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) ok = false;
    if (ok) {
      out += String.fromCodePoint(cp);
      k += need + 1;
    } else {
      out += raw.slice(start + k * 3, start + k * 3 + 3);
      k++;
    }
  }
  return out;
}
