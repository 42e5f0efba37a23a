/**
 * Flask's session objects: `SecureCookieSession`, the dict stored in the signed cookie, and
 * `NullSession`, what a view gets when no secret key is set.
 *
 * @module
 */

/** What a session can be created from: a plain object or `[key, value]` pairs. */
export type SessionInit = Record<string, unknown> | Iterable<readonly [string, unknown]>;

/**
 * Flask's `SecureCookieSession`: the session dictionary kept in a signed cookie, with the
 * flags the session interface reads when saving it.
 *
 * - `modified` turns `true` on any change through the session's own methods. As in Flask,
 *   changing a nested value in place (`session.get("cart").push(item)`) is invisible: set
 *   `session.modified = true` afterwards, or `set` the value again.
 * - `accessed` turns `true` on any read or write (the response then varies on `Cookie`).
 * - `new` is always `false`: a cookie session cannot tell a new session from an empty one.
 * - `permanent` is stored under the `_permanent` key, as Flask does.
 *
 * Where JavaScript differs: `get` of a missing key gives `undefined` (Python's `None`), and
 * `delete` of a missing key returns `false` instead of raising `KeyError`.
 *
 * @example Counting visits
 * ```ts
 * import { SecureCookieSession } from "@phial/phial";
 * const session = new SecureCookieSession({ visits: 2 });
 * session.set("visits", (session.get("visits", 0) as number) + 1);
 * session.permanent = true;
 * session.toJSON(); // { visits: 3, _permanent: true }
 * session.modified; // true
 * ```
 */
export class SecureCookieSession implements Iterable<[string, unknown]> {
  /** Whether the session changed (through its methods) since it was loaded. */
  modified: boolean = false;
  /** Whether the session was read or written since it was loaded. */
  accessed: boolean = false;
  /** Always `false`: a cookie session cannot tell new from empty (Flask's `new`). */
  new: boolean = false;
  #data: Map<string, unknown>;

  /**
   * Creates a session holding the given data; the flags start `false`.
   *
   * @param initial The data loaded from the cookie.
   */
  constructor(initial?: SessionInit | null) {
    // No data (every request's null session): an empty Map, with no array to iterate.
    this.#data = initial == null ? new Map() : new Map(
      Symbol.iterator in initial
        ? initial as Iterable<readonly [string, unknown]>
        : Object.entries(initial),
    );
  }

  #read(): Map<string, unknown> {
    this.accessed = true;
    return this.#data;
  }

  /** Marks the session changed; {@link NullSession} throws here instead. */
  protected write(): Map<string, unknown> {
    this.modified = true;
    this.accessed = true;
    return this.#data;
  }

  /**
   * Reads a value.
   *
   * @param key The key.
   * @param defaultValue Given back when the key is missing.
   * @returns The value, `defaultValue` or `undefined`.
   * @example Reading with a default
   * ```ts
   * import { SecureCookieSession } from "@phial/phial";
   * new SecureCookieSession().get("theme", "light"); // "light"
   * ```
   */
  get<T = unknown>(key: string, defaultValue?: T): T | undefined {
    const data = this.#read();
    return data.has(key) ? data.get(key) as T : defaultValue;
  }

  /**
   * Stores a value (marks the session modified).
   *
   * @param key The key.
   * @param value Anything the session serializer can write (JSON types, `Date`, `Uint8Array`).
   * @returns The session.
   * @example Logging in
   * ```ts
   * import { SecureCookieSession } from "@phial/phial";
   * new SecureCookieSession().set("user_id", 42).modified; // true
   * ```
   */
  set(key: string, value: unknown): this {
    this.write().set(key, value);
    return this;
  }

  /**
   * Says whether a key is present.
   *
   * @param key The key.
   * @returns `true` when present.
   * @example Checking for a login
   * ```ts
   * import { SecureCookieSession } from "@phial/phial";
   * new SecureCookieSession({ user_id: 1 }).has("user_id"); // true
   * ```
   */
  has(key: string): boolean {
    return this.#read().has(key);
  }

  /**
   * Removes a key; the session is marked modified only when the key was there.
   *
   * @param key The key.
   * @returns `true` when the key was present.
   * @example Logging out
   * ```ts
   * import { SecureCookieSession } from "@phial/phial";
   * new SecureCookieSession({ user_id: 1 }).delete("user_id"); // true
   * ```
   */
  delete(key: string): boolean {
    if (!this.#read().has(key)) return false;
    return this.write().delete(key);
  }

  /**
   * Removes a key and gives its value back, as Python's `session.pop(key, default)`; the
   * session is marked modified only when the key was there.
   *
   * @param key The key.
   * @param defaultValue Given back when the key is missing.
   * @returns The removed value, `defaultValue` or `undefined`.
   * @example Flashing a one-time value
   * ```ts
   * import { SecureCookieSession } from "@phial/phial";
   * new SecureCookieSession({ notice: "Saved" }).pop("notice"); // "Saved"
   * ```
   */
  pop<T = unknown>(key: string, defaultValue?: T): T | undefined {
    if (!this.#read().has(key)) return defaultValue;
    const data = this.write();
    const value = data.get(key) as T;
    data.delete(key);
    return value;
  }

  /**
   * Gives the value of a key, storing `defaultValue` first when the key is missing (then
   * the session is marked modified), as Python's `setdefault`.
   *
   * @param key The key.
   * @param defaultValue The value to store when missing (`null` when omitted, like `None`).
   * @returns The value now stored.
   * @example A list kept in the session
   * ```ts
   * import { SecureCookieSession } from "@phial/phial";
   * const session = new SecureCookieSession();
   * (session.setdefault("cart", []) as string[]).push("apple");
   * session.modified = true; // nested changes are not seen: say so
   * ```
   */
  setdefault<T = unknown>(key: string, defaultValue: T | null = null): T | null {
    if (this.#read().has(key)) return this.#data.get(key) as T;
    this.write().set(key, defaultValue);
    return defaultValue;
  }

  /**
   * Stores every key of `other` (marks the session modified), as Python's `update`.
   *
   * @param other A plain object or `[key, value]` pairs.
   * @example Several values at once
   * ```ts
   * import { SecureCookieSession } from "@phial/phial";
   * const session = new SecureCookieSession();
   * session.update({ a: 1, b: 2 });
   * ```
   */
  update(other: SessionInit): void {
    const entries = Symbol.iterator in other
      ? other as Iterable<readonly [string, unknown]>
      : Object.entries(other);
    const data = this.write();
    for (const [key, value] of entries) data.set(key, value);
  }

  /**
   * Removes everything (marks the session modified even when it was empty, as Flask does).
   *
   * @example Logging out of everything
   * ```ts
   * import { SecureCookieSession } from "@phial/phial";
   * const session = new SecureCookieSession({ user_id: 1 });
   * session.clear();
   * session.size; // 0
   * ```
   */
  clear(): void {
    this.write().clear();
  }

  /** The number of keys. */
  get size(): number {
    return this.#read().size;
  }

  /**
   * Whether the session outlives the browser session (`PERMANENT_SESSION_LIFETIME`), kept
   * under the `_permanent` key as Flask does; setting it marks the session modified.
   */
  get permanent(): boolean {
    return Boolean(this.get("_permanent", false));
  }
  set permanent(value: boolean) {
    this.set("_permanent", Boolean(value));
  }

  /**
   * The keys, in insertion order.
   *
   * @returns An iterator of keys.
   * @example Listing keys
   * ```ts
   * import { SecureCookieSession } from "@phial/phial";
   * [...new SecureCookieSession({ a: 1 }).keys()]; // ["a"]
   * ```
   */
  keys(): IterableIterator<string> {
    return this.#read().keys();
  }

  /**
   * The values, in insertion order.
   *
   * @returns An iterator of values.
   * @example Listing values
   * ```ts
   * import { SecureCookieSession } from "@phial/phial";
   * [...new SecureCookieSession({ a: 1 }).values()]; // [1]
   * ```
   */
  values(): IterableIterator<unknown> {
    return this.#read().values();
  }

  /**
   * The `[key, value]` pairs, in insertion order (also what iterating the session gives).
   *
   * @returns An iterator of pairs.
   * @example Listing pairs
   * ```ts
   * import { SecureCookieSession } from "@phial/phial";
   * [...new SecureCookieSession({ a: 1 }).entries()]; // [["a", 1]]
   * ```
   */
  entries(): IterableIterator<[string, unknown]> {
    return this.#read().entries();
  }

  /**
   * Iterates over `[key, value]` pairs.
   *
   * @returns An iterator of pairs.
   */
  [Symbol.iterator](): IterableIterator<[string, unknown]> {
    return this.entries();
  }

  /**
   * The data as a plain object, what the session interface serializes (Flask's
   * `dict(session)`); `JSON.stringify(session)` uses it too.
   *
   * @returns A new plain object.
   * @example Snapshot
   * ```ts
   * import { SecureCookieSession } from "@phial/phial";
   * new SecureCookieSession([["a", 1]]).toJSON(); // { a: 1 }
   * ```
   */
  toJSON(): Record<string, unknown> {
    return Object.fromEntries(this.#read());
  }
}

/**
 * Flask's `NullSession`: the session a request gets when the application has no secret key.
 * It reads as an empty session; any change throws an `Error` that says to set the key.
 *
 * @example Writing without a secret key
 * ```ts
 * import { NullSession } from "@phial/phial";
 * const session = new NullSession();
 * session.get("user_id"); // undefined
 * try { session.set("user_id", 1); } catch (e) { (e as Error).message; } // "The session is unavailable…"
 * ```
 */
export class NullSession extends SecureCookieSession {
  /** Throws: there is no secret key to sign the session with. */
  protected override write(): never {
    throw new Error(
      "The session is unavailable because no secret key was set. Set app.secretKey " +
        "(SECRET_KEY in app.config) to something unique and secret.",
    );
  }

  /**
   * Throws, as Flask's `NullSession` does for any removal.
   *
   * @param _key The key.
   * @returns Never.
   */
  override delete(_key: string): boolean {
    return this.write();
  }

  /**
   * Throws, as Flask's `NullSession` does for any removal.
   *
   * @param _key The key.
   * @param _defaultValue Unused.
   * @returns Never.
   */
  override pop<T = unknown>(_key: string, _defaultValue?: T): T | undefined {
    return this.write();
  }
}
