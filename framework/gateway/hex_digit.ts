/**
 * The value of one hexadecimal digit, for `%XX` escapes and chunk sizes.
 *
 * @module
 */

/**
 * The value (0-15) of the hex digit with char code or byte `code`, either case, or -1
 * when it is not a hex digit.
 *
 * @example
 * ```ts
 * import { hexDigitValue } from "./hex_digit.ts";
 * hexDigitValue("f".charCodeAt(0)); // 15
 * hexDigitValue("g".charCodeAt(0)); // -1
 * ```
 */
export function hexDigitValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}
