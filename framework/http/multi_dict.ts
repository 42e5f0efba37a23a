/**
 * `MultiDict`: a mapping that keeps every value given for a key, as Werkzeug's (query
 * strings and form bodies repeat keys).
 *
 * @module
 */

/** Converts a raw value; throwing (or returning `NaN`) means "use the default". */
export type TypeConverter<V, T> = (value: V) => T;

/** What a `MultiDict` can be built from. */
export type MultiDictInit<V> =
  | Iterable<readonly [string, V]>
  | Record<string, V | readonly V[]>
  | MultiDict<V>;

/** Options of `MultiDict.get`. */
export interface GetOptions<V, T> {
  /** Converts the value; if it throws or gives `NaN`, `default` is returned. */
  type?: TypeConverter<V, T>;
  /** Returned when the key is missing or the conversion fails. */
  default?: T;
}

/**
 * Runs `type` on `value`: a throw, a `NaN`, or `Number` applied to a blank string (which
 * JavaScript turns into 0 where Python's `int("")` fails) all mean "no value".
 */
export function convertValue<V, T>(value: V, type: TypeConverter<V, T>): { ok: true; value: T } | {
  ok: false;
} {
  if (type === (Number as unknown) && typeof value === "string" && value.trim() === "") {
    return { ok: false };
  }
  try {
    const converted = type(value);
    if (typeof converted === "number" && Number.isNaN(converted)) return { ok: false };
    return { ok: true, value: converted };
  } catch {
    return { ok: false };
  }
}

/**
 * An ordered multi-valued mapping (Werkzeug's `MultiDict`): keys in first-insertion
 * order, each with its list of values. `get` gives the first value; `getlist` all.
 * Iteration and `entries()` yield every `[key, value]` pair, grouped by key as Werkzeug's
 * `items(multi=True)`.
 *
 * @example Reading query arguments
 * ```ts
 * import { MultiDict } from "@phial/phial";
 * const args = new MultiDict([["tag", "a"], ["n", "5"], ["tag", "b"]]);
 * args.get("tag");                             // "a"
 * args.getlist("tag");                         // ["a", "b"]
 * args.get("n", { type: Number, default: 0 }); // 5
 * args.get("x", { type: Number, default: 0 }); // 0
 * ```
 */
export class MultiDict<V = string> implements Iterable<[string, V]> {
  #map: Map<string, V[]> = new Map();

  /**
   * Creates a multi-dict, optionally filled from `init`.
   *
   * @param init Pairs, a record (an array value gives several values), or another
   *   `MultiDict` (copied).
   */
  constructor(init?: MultiDictInit<V> | null) {
    if (init === undefined || init === null) return;
    if (init instanceof MultiDict) {
      for (const [key, values] of init.#map) this.#map.set(key, [...values]);
    } else if (typeof (init as Iterable<unknown>)[Symbol.iterator] === "function") {
      for (const pair of init as Iterable<readonly [string, V]>) this.#append(pair[0], pair[1]);
    } else {
      for (const [key, value] of Object.entries(init as Record<string, V | readonly V[]>)) {
        if (Array.isArray(value)) {
          if (value.length > 0) this.#map.set(key, [...value]);
        } else this.#map.set(key, [value as V]);
      }
    }
  }

  /** The number of distinct keys. */
  get size(): number {
    return this.#map.size;
  }

  /**
   * The first value for `key`, optionally converted; the default (or `undefined`) when
   * the key is missing or the conversion fails.
   */
  get(key: string): V | undefined;
  /** The first value for `key` converted with `options.type`; `options.default` when the key is missing or the conversion fails. */
  get<T = V>(key: string, options: GetOptions<V, T> & { default: T }): T;
  /** The first value for `key` converted with `options.type` (if given); `undefined` when the key is missing or the conversion fails. */
  get<T = V>(key: string, options: GetOptions<V, T>): T | undefined;
  get<T = V>(key: string, options?: GetOptions<V, T>): V | T | undefined {
    const values = this.#map.get(key);
    if (values === undefined || values.length === 0) return options?.default;
    const value = values[0] as V;
    if (options?.type === undefined) return value;
    const result = convertValue(value, options.type);
    return result.ok ? result.value : options.default;
  }

  /**
   * Every value for `key` (a fresh array; empty when missing). With `type`, values
   * whose conversion fails are left out, as in Werkzeug.
   */
  getlist(key: string): V[];
  /** Every value for `key` converted with `options.type`; values whose conversion fails are left out. */
  getlist<T>(key: string, options: { type: TypeConverter<V, T> }): T[];
  getlist<T>(key: string, options?: { type?: TypeConverter<V, T> }): (V | T)[] {
    const values = this.#map.get(key);
    if (values === undefined) return [];
    const type = options?.type;
    if (type === undefined) return [...values];
    const out: T[] = [];
    for (const value of values) {
      const result = convertValue(value, type);
      if (result.ok) out.push(result.value);
    }
    return out;
  }

  /** Alias of `getlist`. */
  getAll(key: string): V[];
  /** Every value for `key` converted with `options.type` (alias of `getlist`). */
  getAll<T>(key: string, options: { type: TypeConverter<V, T> }): T[];
  getAll<T>(key: string, options?: { type: TypeConverter<V, T> }): (V | T)[] {
    return options === undefined ? this.getlist(key) : this.getlist(key, options);
  }

  #append(key: string, value: V): void {
    const values = this.#map.get(key);
    if (values === undefined) this.#map.set(key, [value]);
    else values.push(value);
  }

  /** Appends a value for `key`, keeping the existing ones. */
  add(key: string, value: V): void {
    this.#append(key, value);
  }

  /** Replaces every value of `key` with `value` (Werkzeug's `d[key] = value`). */
  set(key: string, value: V): this {
    this.#map.set(key, [value]);
    return this;
  }

  /** Replaces every value of `key` with `values` (an empty list removes the key). */
  setlist(key: string, values: Iterable<V>): void {
    const list = [...values];
    if (list.length === 0) this.#map.delete(key);
    else this.#map.set(key, list);
  }

  /** Returns the first value of `key`, first setting it to `value` when missing. */
  setdefault(key: string, value: V): V {
    const values = this.#map.get(key);
    if (values !== undefined && values.length > 0) return values[0] as V;
    this.#map.set(key, [value]);
    return value;
  }

  /** Removes `key` with all its values; true if it was there. */
  delete(key: string): boolean {
    return this.#map.delete(key);
  }

  /** Removes `key` and returns its first value (or `fallback` when missing). */
  pop(key: string, fallback?: V): V | undefined {
    const values = this.#map.get(key);
    if (values === undefined) return fallback;
    this.#map.delete(key);
    return values[0];
  }

  /** Removes `key` and returns all its values (empty when missing). */
  poplist(key: string): V[] {
    const values = this.#map.get(key) ?? [];
    this.#map.delete(key);
    return values;
  }

  /** Whether `key` has at least one value. */
  has(key: string): boolean {
    return this.#map.has(key);
  }

  /** Removes everything. */
  clear(): void {
    this.#map.clear();
  }

  /** Each key once, in first-insertion order. */
  keys(): IterableIterator<string> {
    return this.#map.keys();
  }

  /** The first value of each key (Werkzeug's `values()`). */
  *values(): IterableIterator<V> {
    for (const values of this.#map.values()) yield values[0] as V;
  }

  /** Every `[key, value]` pair, grouped by key. */
  *entries(): IterableIterator<[string, V]> {
    for (const [key, values] of this.#map) {
      for (const value of values) yield [key, value];
    }
  }

  /** Every `[key, value]` pair, grouped by key. */
  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries();
  }

  /**
   * `[key, first value]` per key, or every pair with `{ multi: true }` (Werkzeug's
   * `items(multi=...)`).
   */
  items(options?: { multi?: boolean }): [string, V][] {
    if (options?.multi) return [...this.entries()];
    const out: [string, V][] = [];
    for (const [key, values] of this.#map) out.push([key, values[0] as V]);
    return out;
  }

  /** `[key, values]` per key. */
  lists(): [string, V[]][] {
    const out: [string, V[]][] = [];
    for (const [key, values] of this.#map) out.push([key, [...values]]);
    return out;
  }

  /** The value lists, per key. */
  listvalues(): V[][] {
    return [...this.#map.values()].map((values) => [...values]);
  }

  /** Adds every pair of `other` (values are appended, as Werkzeug's `update`). */
  update(other: MultiDictInit<V>): void {
    for (const [key, value] of new MultiDict(other)) this.add(key, value);
  }

  /** A copy (the value lists are copied too). */
  copy(): MultiDict<V> {
    return new MultiDict(this);
  }

  /** A plain object: the first value per key, or every value with `{ flat: false }`. */
  toDict(): Record<string, V>;
  /** Every value per key, as arrays. */
  toDict(options: { flat: false }): Record<string, V[]>;
  /** The first value per key, or every value per key with `{ flat: false }`. */
  toDict(options?: { flat?: boolean }): Record<string, V> | Record<string, V[]>;
  toDict(options?: { flat?: boolean }): Record<string, V> | Record<string, V[]> {
    const out: Record<string, V | V[]> = {};
    const flat = options?.flat ?? true;
    for (const [key, values] of this.#map) {
      // defineProperty: a "__proto__" key from a query string must stay a plain key.
      Object.defineProperty(out, key, {
        value: flat ? values[0] as V : [...values],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out as Record<string, V> | Record<string, V[]>;
  }

  /** `JSON.stringify` gives the flat object. */
  toJSON(): Record<string, V> {
    return this.toDict();
  }
}

/**
 * A read-only `MultiDict` (Werkzeug's `ImmutableMultiDict`, what `request.args` and
 * `request.form` are): every mutating method throws a `TypeError`; `copy()` gives a
 * mutable `MultiDict`.
 */
export class ImmutableMultiDict<V = string> extends MultiDict<V> {
  #fail(): never {
    throw new TypeError(`${this.constructor.name} is read-only: copy() it to get a MultiDict`);
  }
  /** Always throws a `TypeError`: the dict is read-only. */
  override add(_key: string, _value: V): never {
    return this.#fail();
  }
  /** Always throws a `TypeError`: the dict is read-only. */
  override set(_key: string, _value: V): never {
    return this.#fail();
  }
  /** Always throws a `TypeError`: the dict is read-only. */
  override setlist(_key: string, _values: Iterable<V>): never {
    return this.#fail();
  }
  /** Always throws a `TypeError`: the dict is read-only. */
  override setdefault(_key: string, _value: V): never {
    return this.#fail();
  }
  /** Always throws a `TypeError`: the dict is read-only. */
  override delete(_key: string): never {
    return this.#fail();
  }
  /** Always throws a `TypeError`: the dict is read-only. */
  override pop(_key: string, _fallback?: V): never {
    return this.#fail();
  }
  /** Always throws a `TypeError`: the dict is read-only. */
  override poplist(_key: string): never {
    return this.#fail();
  }
  /** Always throws a `TypeError`: the dict is read-only. */
  override clear(): never {
    return this.#fail();
  }
  /** Always throws a `TypeError`: the dict is read-only. */
  override update(_other: MultiDictInit<V>): never {
    return this.#fail();
  }
}
