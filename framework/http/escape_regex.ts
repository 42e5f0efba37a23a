/**
 * Escaping literal text for the regexes rules and converters compile.
 *
 * @module
 */

/**
 * Escapes regex syntax characters (the set valid both with and without the `u` flag).
 *
 * @example
 * ```ts
 * import { escapeRegex } from "./escape_regex.ts";
 * escapeRegex("a.b(c)"); // "a\\.b\\(c\\)"
 * ```
 */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\\/]/g, "\\$&");
}
