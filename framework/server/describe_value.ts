/**
 * How the servers' `TypeError` messages name a value a caller passed by mistake.
 *
 * @module
 */

/**
 * Names `value` for an error message: strings quoted, numbers and booleans as written,
 * `null`, "an array", "an object", or the `typeof` of anything else.
 *
 * @example
 * ```ts
 * import { describeValue } from "./describe_value.ts";
 * describeValue("x"); // "\"x\""
 * describeValue([]); // "an array"
 * ```
 */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : typeof value;
}
