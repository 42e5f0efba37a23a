/**
 * Telling a promise (or any thenable) from a plain value without awaiting it, for the code
 * that stays synchronous when nothing is async.
 *
 * @module
 */

/**
 * Whether `await value` would wait: an object or function with a `then` method.
 *
 * @param value Anything.
 * @returns `true` for a promise or another thenable.
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function";
}
