/**
 * `Headers`: an ordered, case-insensitive, multi-valued header list (Werkzeug's
 * `Headers`), and `EnvironHeaders`, its read-only view over a request environ.
 *
 * @module
 */

import type { Environ } from "../gateway/types.ts";
import { isTokenText } from "../gateway/http1_bytes.ts";
import { dumpOptionsHeader, type HeaderParam } from "./header_values.ts";
import { convertValue } from "./multi_dict.ts";

/** What `Headers` can be built from. */
export type HeadersInit =
  | Iterable<readonly [string, unknown]>
  | Record<string, unknown>
  | globalThis.Headers
  | Headers;

// deno-lint-ignore no-control-regex
const BAD_VALUE_RE = /[\r\n\0]|[^\u0000-\u00ff]/;

function checkName(name: string): string {
  if (typeof name !== "string" || !isTokenText(name)) {
    throw new TypeError(`Invalid header name ${JSON.stringify(name)}: must be an HTTP token`);
  }
  return name;
}

/** `value; key=param` from Werkzeug-style keyword params (`_` in a key becomes `-`). */
function withParams(value: unknown, params: Record<string, HeaderParam>): string {
  const dashed: Record<string, HeaderParam> = {};
  for (const [key, param] of Object.entries(params)) dashed[key.replaceAll("_", "-")] = param;
  return dumpOptionsHeader(String(value), dashed);
}

/** Converts a value to its header string; CR, LF, NUL or non-latin-1 text is a TypeError. */
function headerValue(name: string, value: unknown): string {
  const text = typeof value === "string" ? value : String(value);
  if (BAD_VALUE_RE.test(text)) {
    const what = /[\r\n]/.test(text)
      ? "must not contain newline characters"
      : text.includes("\0")
      ? "must not contain NUL characters"
      : "must be latin-1 (encode other text, e.g. RFC 8187 or percent-encoding)";
    throw new TypeError(`Invalid value for header ${JSON.stringify(name)}: header values ${what}`);
  }
  return text;
}

/** Options of `Headers.get`. */
export interface HeaderGetOptions<T> {
  /** Converts the value; if it throws or gives `NaN`, `default` is returned. */
  type?: (value: string) => T;
  /** Returned when the header is missing or the conversion fails. */
  default?: T;
}

/**
 * Ordered, case-insensitive, multi-valued HTTP headers, as Werkzeug's `Headers`.
 * Names keep the case they were added with; lookups ignore case. A value containing CR,
 * LF, NUL or a character beyond latin-1 is a `TypeError`; non-string values are
 * converted with `String`.
 *
 * @example
 * ```ts
 * import { Headers } from "@phial/phial";
 * const h = new Headers({ "Content-Type": "text/plain" });
 * h.add("Set-Cookie", "a=1");
 * h.add("Set-Cookie", "b=2");
 * h.get("content-type");   // "text/plain"
 * h.getlist("set-cookie"); // ["a=1", "b=2"]
 * h.toWsgiList();          // [["Content-Type", "text/plain"], ["Set-Cookie", "a=1"], ["Set-Cookie", "b=2"]]
 * ```
 */
export class Headers implements Iterable<[string, string]> {
  /** The header pairs, in order. Prefer the methods; this is for fast read access. */
  protected list: [string, string][] = [];

  /**
   * Creates a header list, optionally filled from `init`.
   *
   * @param init Pairs, a record (an array value gives several headers), a fetch
   *   `Headers`, or another `Headers` (copied).
   */
  constructor(init?: HeadersInit | null) {
    if (init !== undefined && init !== null) this.extend(init);
  }

  /** A read-only view of a request environ's headers (an {@linkcode EnvironHeaders}). */
  static fromEnviron(environ: Environ): Headers {
    return new EnvironHeaders(environ);
  }

  /** The number of header lines. */
  get size(): number {
    return this.pairs().length;
  }

  /** The underlying pair list (subclasses with lazy storage override this). */
  protected pairs(): [string, string][] {
    return this.list;
  }

  /**
   * The first value of `name` (any case), optionally converted; the default (or
   * `undefined`) when missing or when the conversion fails.
   */
  get(name: string): string | undefined;
  /** The first value of `name` converted with `options.type`; `options.default` when missing or when the conversion fails. */
  get<T = string>(name: string, options: HeaderGetOptions<T> & { default: T }): T;
  /** The first value of `name` converted with `options.type` (if given); `undefined` when missing or when the conversion fails. */
  get<T = string>(name: string, options: HeaderGetOptions<T>): T | undefined;
  get<T = string>(name: string, options?: HeaderGetOptions<T>): string | T | undefined {
    const value = this.first(name);
    if (value === undefined) return options?.default;
    if (options?.type === undefined) return value;
    const result = convertValue(value, options.type);
    return result.ok ? result.value : options.default;
  }

  /** The first value of `name`, or undefined. */
  protected first(name: string): string | undefined {
    const lower = name.toLowerCase();
    for (const [key, value] of this.pairs()) {
      if (key.length === lower.length && key.toLowerCase() === lower) return value;
    }
    return undefined;
  }

  /** Every value of `name`, in order (empty when missing). */
  getlist(name: string): string[];
  /** Every value of `name` converted with `options.type`; values the type rejects are left out. */
  getlist<T>(name: string, options: { type: (value: string) => T }): T[];
  getlist<T>(name: string, options?: { type?: (value: string) => T }): (string | T)[] {
    const lower = name.toLowerCase();
    const out: (string | T)[] = [];
    const type = options?.type;
    for (const [key, value] of this.pairs()) {
      if (key.length !== lower.length || key.toLowerCase() !== lower) continue;
      if (type === undefined) out.push(value);
      else {
        // Werkzeug skips values the type rejects.
        const result = convertValue(value, type);
        if (result.ok) out.push(result.value);
      }
    }
    return out;
  }

  /** Alias of `getlist`. */
  getAll(name: string): string[] {
    return this.getlist(name);
  }

  /** Whether a header `name` (any case) is present. */
  has(name: string): boolean {
    return this.first(name) !== undefined;
  }

  /**
   * Appends a header line. `params` are added as `; key=value` (quoted when needed),
   * as Werkzeug's keyword arguments: `add("Content-Disposition", "attachment",
   * { filename: "a b.png" })`.
   */
  add(name: string, value: unknown, params?: Record<string, HeaderParam>): void {
    const text = params === undefined ? value : withParams(value, params);
    this.list.push([checkName(name), headerValue(name, text)]);
  }

  /**
   * Replaces every `name` line with one: the first existing line is replaced in place,
   * the others removed; otherwise the line is appended.
   */
  set(name: string, value: unknown, params?: Record<string, HeaderParam>): void {
    const text = headerValue(
      name,
      params === undefined ? value : withParams(value, params),
    );
    checkName(name);
    const lower = name.toLowerCase();
    const list = this.list;
    let found = false;
    let write = 0;
    for (let read = 0; read < list.length; read++) {
      const pair = list[read]!;
      if (pair[0].length === lower.length && pair[0].toLowerCase() === lower) {
        if (found) continue;
        found = true;
        list[write++] = [name, text];
      } else list[write++] = pair;
    }
    list.length = write;
    if (!found) list.push([name, text]);
  }

  /** The first value of `name`; when missing, adds `value` first and returns it. */
  setdefault(name: string, value: unknown): string {
    const existing = this.first(name);
    if (existing !== undefined) return existing;
    this.add(name, value);
    return this.list[this.list.length - 1]![1];
  }

  /** Removes every `name` line; true if there was one. */
  remove(name: string): boolean {
    const lower = name.toLowerCase();
    const before = this.list.length;
    this.list = this.list.filter(([key]) =>
      key.length !== lower.length || key.toLowerCase() !== lower
    );
    return this.list.length !== before;
  }

  /** Alias of `remove`. */
  delete(name: string): boolean {
    return this.remove(name);
  }

  /** Removes every `name` line and returns the first value (or `fallback`). */
  pop(name: string, fallback?: string): string | undefined {
    const value = this.first(name);
    if (value === undefined) return fallback;
    this.remove(name);
    return value;
  }

  /** Adds every header of `init` (existing lines are kept). */
  extend(init: HeadersInit): void {
    if (init instanceof Headers) {
      for (const [name, value] of init) this.list.push([name, value]);
    } else if (init instanceof globalThis.Headers) {
      // fetch Headers join repeated values except Set-Cookie, which has its own getter.
      for (const [name, value] of init) {
        if (name === "set-cookie") continue;
        this.add(name, value);
      }
      for (const cookie of init.getSetCookie()) this.add("set-cookie", cookie);
    } else if (typeof (init as Iterable<unknown>)[Symbol.iterator] === "function") {
      for (const pair of init as Iterable<readonly [string, unknown]>) {
        if (!Array.isArray(pair) || pair.length !== 2) {
          throw new TypeError("Headers: each header must be a [name, value] pair");
        }
        this.add(pair[0], pair[1]);
      }
    } else {
      for (const [name, value] of Object.entries(init as Record<string, unknown>)) {
        if (Array.isArray(value)) { for (const v of value) this.add(name, v); }
        else if (value !== undefined && value !== null) this.add(name, value);
      }
    }
  }

  /**
   * Replaces the lines of each key of `init` (Werkzeug's `update`): a `Headers` or a
   * record replaces each key with all its values (`setlist`); pairs are `set` one by one,
   * so the last pair of a key wins.
   */
  update(init: HeadersInit): void {
    if (init instanceof Headers || init instanceof globalThis.Headers) {
      const incoming = init instanceof Headers ? init : new Headers(init);
      const seen = new Set<string>();
      for (const [name] of incoming) {
        const lower = name.toLowerCase();
        if (seen.has(lower)) continue;
        seen.add(lower);
        this.setlist(name, incoming.getlist(name));
      }
    } else if (typeof (init as Iterable<unknown>)[Symbol.iterator] === "function") {
      for (const pair of init as Iterable<readonly [string, unknown]>) this.set(pair[0], pair[1]);
    } else {
      for (const [name, value] of Object.entries(init as Record<string, unknown>)) {
        if (Array.isArray(value)) this.setlist(name, value);
        else this.set(name, value);
      }
    }
  }

  /**
   * Replaces the lines of `name` with one line per value (the first in place of the
   * first existing line); an empty list removes them.
   */
  setlist(name: string, values: Iterable<unknown>): void {
    const list = [...values];
    if (list.length === 0) {
      this.remove(name);
      return;
    }
    this.set(name, list[0]);
    for (const value of list.slice(1)) this.add(name, value);
  }

  /** Removes every header. */
  clear(): void {
    this.list = [];
  }

  /** Each header name as stored (repeated names repeat, as Werkzeug's `keys()`). */
  *keys(): IterableIterator<string> {
    for (const [name] of this.pairs()) yield name;
  }

  /** Each value, in order. */
  *values(): IterableIterator<string> {
    for (const [, value] of this.pairs()) yield value;
  }

  /** Every `[name, value]` pair, in order. */
  entries(): IterableIterator<[string, string]> {
    return this.pairs()[Symbol.iterator]();
  }

  /** Every `[name, value]` pair, in order. */
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.pairs()[Symbol.iterator]();
  }

  /** The pairs, with names lower-cased when `{ lower: true }`. */
  items(options?: { lower?: boolean }): [string, string][] {
    if (options?.lower) return this.pairs().map(([n, v]) => [n.toLowerCase(), v]);
    return this.pairs().map(([n, v]) => [n, v]);
  }

  /** A fresh `[name, value][]` list for `startResponse`. */
  toWsgiList(): [string, string][] {
    return this.pairs().map(([n, v]) => [n, v]);
  }

  /** A mutable copy. */
  copy(): Headers {
    return new Headers(this);
  }

  /** The header block: `Name: value\r\n` per line, then an empty line. */
  toString(): string {
    let out = "";
    for (const [name, value] of this.pairs()) out += `${name}: ${value}\r\n`;
    return out + "\r\n";
  }

  /** A fetch `Headers` with the same lines. */
  toFetchHeaders(): globalThis.Headers {
    const out = new globalThis.Headers();
    for (const [name, value] of this.pairs()) out.append(name, value);
    return out;
  }
}

/** `HTTP_USER_AGENT` → `User-Agent`, with Python's `str.title()` rules. */
function titleCase(cgiName: string): string {
  let out = "";
  let upper = true;
  for (const c of cgiName) {
    const isLetter = (c >= "A" && c <= "Z") || (c >= "a" && c <= "z");
    if (c === "_") {
      out += "-";
      upper = true;
    } else if (isLetter) {
      out += upper ? c.toUpperCase() : c.toLowerCase();
      upper = false;
    } else {
      out += c;
      upper = true;
    }
  }
  return out;
}

/**
 * A read-only `Headers` view of a request environ (Werkzeug's `EnvironHeaders`):
 * lookups read `HTTP_*`, `CONTENT_TYPE` and `CONTENT_LENGTH` directly; iteration lists
 * them as `User-Agent`-style names. Any mutation is a `TypeError`.
 */
export class EnvironHeaders extends Headers {
  /** The environ being viewed. */
  readonly environ: Environ;
  #cache: [string, string][] | undefined;

  /**
   * Creates a read-only view of `environ`'s headers.
   *
   * @param environ The request environ.
   */
  constructor(environ: Environ) {
    super();
    this.environ = environ;
  }

  /** The environ's headers as `Title-Case` pairs (computed once, then cached). */
  protected override pairs(): [string, string][] {
    if (this.#cache !== undefined) return this.#cache;
    const out: [string, string][] = [];
    for (const key in this.environ) {
      const value = this.environ[key];
      if (typeof value !== "string") continue;
      if (key.startsWith("HTTP_")) {
        if (key === "HTTP_CONTENT_TYPE" || key === "HTTP_CONTENT_LENGTH") continue;
        out.push([titleCase(key.slice(5)), value]);
      } else if ((key === "CONTENT_TYPE" || key === "CONTENT_LENGTH") && value !== "") {
        out.push([titleCase(key), value]);
      }
    }
    this.#cache = out;
    return out;
  }

  /** The value of `name` read straight from the environ, or `undefined`. */
  protected override first(name: string): string | undefined {
    const key = name.toUpperCase().replaceAll("-", "_");
    const value = key === "CONTENT_TYPE" || key === "CONTENT_LENGTH"
      ? this.environ[key]
      : this.environ[`HTTP_${key}`];
    return typeof value === "string" ? value : undefined;
  }

  /** The environ's value of `name` as a one-element list (empty when missing). */
  override getlist(name: string): string[];
  /** The environ's value of `name` converted with `options.type`, as a list (empty when missing or when the conversion fails). */
  override getlist<T>(name: string, options: { type: (value: string) => T }): T[];
  override getlist<T>(name: string, options?: { type?: (value: string) => T }): (string | T)[] {
    const value = this.first(name);
    if (value === undefined) return [];
    if (options?.type === undefined) return [value];
    const result = convertValue(value, options.type);
    return result.ok ? [result.value] : [];
  }

  /** Always throws a `TypeError`: the view is read-only. */
  override add(..._args: unknown[]): never {
    throw new TypeError("EnvironHeaders is read-only: copy() it to get a mutable Headers");
  }
  /** Always throws a `TypeError`: the view is read-only. */
  override set(..._args: unknown[]): never {
    return this.add();
  }
  /** Always throws a `TypeError`: the view is read-only. */
  override setdefault(..._args: unknown[]): never {
    return this.add();
  }
  /** Always throws a `TypeError`: the view is read-only. */
  override remove(..._args: unknown[]): never {
    return this.add();
  }
  /** Always throws a `TypeError`: the view is read-only. */
  override pop(..._args: unknown[]): never {
    return this.add();
  }
  /** Throws a `TypeError` when given `init`: the view is read-only. */
  override extend(init?: HeadersInit): void {
    // The base constructor calls extend only with an init; the view never gets one.
    if (init !== undefined) this.add();
  }
  /** Always throws a `TypeError`: the view is read-only. */
  override update(..._args: unknown[]): never {
    return this.add();
  }
  /** Always throws a `TypeError`: the view is read-only. */
  override clear(..._args: unknown[]): never {
    return this.add();
  }
  /** Always throws a `TypeError`: the view is read-only. */
  override setlist(..._args: unknown[]): never {
    return this.add();
  }
}
