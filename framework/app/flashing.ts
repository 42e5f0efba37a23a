/**
 * Message flashing, as Flask's `flash` and `get_flashed_messages`: a message stored in the
 * session for the next request to show once.
 *
 * @module
 */
import { requireRequestContext, session } from "./globals.ts";
import { messageFlashed } from "./signals.ts";

/** Options of {@linkcode getFlashedMessages}: Flask's keyword arguments. */
export interface GetFlashedMessagesOptions {
  /** Give `[category, message]` pairs instead of the messages alone (default `false`). */
  withCategories?: boolean;
  /** Only the messages of these categories (default: all). */
  categoryFilter?: Iterable<string>;
}

/** The key the flashed messages are kept under in the session. */
const FLASHES_KEY = "_flashes";

/**
 * Flashes a message to the next request, as Flask's `flash`: it is added to the session's
 * `_flashes` list as a `[category, message]` pair (the list is set again, so session
 * backends that store on assignment see the change), and `messageFlashed` is sent with
 * `{ message, category }`. The session needs a `SECRET_KEY`.
 *
 * @param message The message.
 * @param category Its category: Flask suggests `"message"` (the default), `"error"`,
 *   `"info"` or `"warning"`, but any string works.
 * @throws {TypeError} When `message` or `category` is not a string.
 * @throws {Error} Outside a request, or when the session is unavailable (no secret key).
 *
 * @example Flash, redirect, show
 * ```ts
 * import { Application, flash, getFlashedMessages } from "@phial/phial";
 * const app = new Application(import.meta.url);
 * app.secretKey = "dev";
 * app.post("/save", () => {
 *   flash("Saved", "info");
 *   return "ok";
 * });
 * app.get("/", () => getFlashedMessages({ withCategories: true }));
 * const client = app.testClient();
 * await client.post("/save");
 * (await client.get("/")).json; // [["info", "Saved"]]
 * (await client.get("/")).json; // []
 * ```
 */
export function flash(message: string, category: string = "message"): void {
  if (typeof message !== "string") {
    throw new TypeError(`flash(message) needs a string message, got ${typeof message}`);
  }
  if (typeof category !== "string") {
    throw new TypeError(
      `flash(message, category) needs a string category such as "error", got ${typeof category}`,
    );
  }
  const app = requireRequestContext().app;
  const stored = session.get<unknown>(FLASHES_KEY, []);
  const flashes = Array.isArray(stored) ? [...stored] : [];
  flashes.push([category, message]);
  session.set(FLASHES_KEY, flashes);
  messageFlashed.send(app, { message, category });
}

/**
 * The messages flashed to this request, as Flask's `get_flashed_messages`: the first call
 * in a request takes them out of the session (they are shown once); later calls in the same
 * request give the same messages again.
 *
 * @param options `withCategories` for `[category, message]` pairs; `categoryFilter` to
 *   keep only some categories.
 * @returns The messages, or `[category, message]` pairs with `withCategories`.
 * @throws {Error} Outside a request.
 *
 * @example Errors apart from the rest
 * ```ts ignore
 * const errors = getFlashedMessages({ categoryFilter: ["error"] }); // ["Oops"]
 * ```
 */
export function getFlashedMessages(
  options?: GetFlashedMessagesOptions & { withCategories?: false },
): string[];
/**
 * The flashed messages with their categories, as `[category, message]` pairs.
 *
 * @param options `withCategories: true`, and `categoryFilter` to keep only some categories.
 * @returns The pairs.
 */
export function getFlashedMessages(
  options: GetFlashedMessagesOptions & { withCategories: true },
): [string, string][];
/**
 * The flashed messages, with their categories when `withCategories` is set.
 *
 * @param options `withCategories` and `categoryFilter`.
 * @returns The messages, or `[category, message]` pairs.
 */
export function getFlashedMessages(
  options?: GetFlashedMessagesOptions,
): string[] | [string, string][];
export function getFlashedMessages(
  options: GetFlashedMessagesOptions = {},
): string[] | [string, string][] {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      "getFlashedMessages takes an options object, e.g. { withCategories: true }",
    );
  }
  const filter = options.categoryFilter;
  let categories: Set<string> | null = null;
  if (filter !== undefined && filter !== null) {
    if (typeof filter === "string" || typeof filter[Symbol.iterator] !== "function") {
      throw new TypeError(
        'categoryFilter must be a list of categories, e.g. { categoryFilter: ["error"] }',
      );
    }
    categories = new Set(filter);
  }
  const ctx = requireRequestContext();
  let flashes = ctx.flashes;
  if (flashes === null) {
    const stored = session.has(FLASHES_KEY) ? session.pop<unknown>(FLASHES_KEY) : [];
    flashes = Array.isArray(stored) ? stored.map(toPair) : [];
    ctx.flashes = flashes;
  }
  if (categories !== null && categories.size > 0) {
    flashes = flashes.filter(([category]) => categories.has(category));
  }
  if (!options.withCategories) return flashes.map(([, message]) => message);
  return flashes.map(([category, message]): [string, string] => [category, message]);
}

/** A stored pair, as written by `flash` (or by Flask: a tuple loads as an array). */
function toPair(value: unknown): [string, string] {
  if (Array.isArray(value) && value.length === 2) {
    return [String(value[0]), String(value[1])];
  }
  // Not what `flash` stores: keep it visible rather than dropping it.
  return ["message", String(value)];
}
