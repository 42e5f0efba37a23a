/**
 * UTF-8 decoding that never fails: each byte that is not part of a valid sequence is
 * written by a caller-chosen escape (percent-decoding keeps such bytes as `%XX` text).
 *
 * @module
 */

/**
 * Decodes `bytes` as UTF-8, writing `escape(i)` for each byte `i` that does not begin a
 * valid, shortest-form sequence of a scalar value (so overlong forms, surrogates and
 * code points above U+10FFFF are escaped byte by byte, and decoding resumes at the next
 * byte).
 *
 * @param bytes The bytes to decode.
 * @param escape The text that stands for the invalid byte at an index.
 * @returns The decoded text.
 * @example
 * ```ts
 * import { decodeUtf8Escaping } from "./utf8_escaping.ts";
 * const bytes = [0x63, 0xc3, 0xa9, 0xff];
 * decodeUtf8Escaping(bytes, (i) => `<${bytes[i]}>`); // "cé<255>"
 * ```
 */
export function decodeUtf8Escaping(
  bytes: ArrayLike<number>,
  escape: (index: number) => string,
): string {
  let out = "";
  const n = bytes.length;
  let k = 0;
  while (k < n) {
    const b0 = bytes[k]!;
    if (b0 < 0x80) {
      out += String.fromCharCode(b0);
      k++;
      continue;
    }
    let need = 0;
    let cp = 0;
    let min = 0;
    if (b0 >= 0xc2 && b0 <= 0xdf) [need, cp, min] = [1, b0 & 0x1f, 0x80];
    else if (b0 >= 0xe0 && b0 <= 0xef) [need, cp, min] = [2, b0 & 0x0f, 0x800];
    else if (b0 >= 0xf0 && b0 <= 0xf4) [need, cp, min] = [3, b0 & 0x07, 0x10000];
    let ok = need > 0 && k + need < n;
    for (let j = 1; ok && j <= need; j++) {
      const b = bytes[k + j]!;
      if ((b & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (b & 0x3f);
    }
    if (ok && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) ok = false;
    if (ok) {
      out += String.fromCodePoint(cp);
      k += need + 1;
    } else {
      out += escape(k);
      k++;
    }
  }
  return out;
}
