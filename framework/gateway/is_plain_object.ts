/**
 * Telling a plain object (an object literal, `Object.create(null)`, parsed JSON) from class
 * instances, arrays and other values.
 *
 * @module
 */

/**
 * Whether a value is a plain object: its prototype is `Object.prototype` or `null`.
 *
 * @param value Anything.
 * @returns `true` for a plain object.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
