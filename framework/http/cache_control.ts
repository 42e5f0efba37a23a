/**
 * `Cache-Control` (RFC 9111 §5.2): `RequestCacheControl` (read-only) and
 * `ResponseCacheControl` with Werkzeug's directive properties in camelCase, and
 * `parseCacheControlHeader`.
 *
 * @module
 */

import { dumpHeader, parseDictHeader } from "./header_values.ts";

const INT_RE = /^\s*[+-]?\d+\s*$/;

/** A `Cache-Control` directive's value: a string, or `null` when present without a value. */
export type CacheControlDirective = string | null;

/**
 * The directives of a `Cache-Control` header, ordered, with typed accessors (Werkzeug's
 * `_CacheControl`). `onUpdate` runs after every change, so a response can keep its header
 * in step.
 */
export class CacheControl {
  /** Whether the header was sent (false for a missing or empty header). */
  readonly provided: boolean;
  /** Called after each change. */
  onUpdate: ((cc: CacheControl) => void) | null;
  #values: Map<string, CacheControlDirective>;

  /**
   * Creates the directive list; `onUpdate` runs after each later change.
   *
   * @param values The directives (`null` value = present without a value); `null` for a
   *   missing header.
   * @param onUpdate Called after each change.
   */
  constructor(
    values?:
      | Record<string, CacheControlDirective>
      | Iterable<readonly [string, CacheControlDirective]>
      | null,
    onUpdate: ((cc: CacheControl) => void) | null = null,
  ) {
    this.provided = values !== null && values !== undefined;
    this.#values = new Map(
      values === null || values === undefined
        ? []
        : Symbol.iterator in Object(values)
        ? values as Iterable<readonly [string, CacheControlDirective]>
        : Object.entries(values as Record<string, CacheControlDirective>),
    );
    this.onUpdate = onUpdate;
  }

  /** Throws for read-only subclasses before any change. */
  protected checkMutable(): void {}

  /** The raw value of a directive (`null` when present without value; `undefined` if absent). */
  get(key: string): CacheControlDirective | undefined {
    return this.#values.get(key);
  }

  /** Whether the directive is present. */
  has(key: string): boolean {
    return this.#values.has(key);
  }

  /** Sets a directive (`null` = without a value). */
  set(key: string, value: CacheControlDirective): void {
    this.checkMutable();
    this.#values.set(key, value);
    this.onUpdate?.(this);
  }

  /** Removes a directive. */
  delete(key: string): boolean {
    this.checkMutable();
    const had = this.#values.delete(key);
    if (had) this.onUpdate?.(this);
    return had;
  }

  /** The number of directives. */
  get size(): number {
    return this.#values.size;
  }

  /** `[directive, value]` pairs in order. */
  [Symbol.iterator](): IterableIterator<[string, CacheControlDirective]> {
    return this.#values.entries();
  }

  /** Werkzeug's typed read: a boolean flag, or the value converted, or `empty`. */
  protected readValue(
    key: string,
    empty: number | string | true | null,
    type: "bool" | "int" | "str",
  ): boolean | number | string | true | null {
    if (type === "bool") return this.#values.has(key);
    if (!this.#values.has(key)) return null;
    const value = this.#values.get(key)!;
    if (value === null) return empty;
    if (type === "int") return INT_RE.test(value) ? parseInt(value, 10) : null;
    return value;
  }

  /** Werkzeug's typed write: `false`/`null` removes, `true` sets a bare directive. */
  protected writeValue(
    key: string,
    value: boolean | number | string | null | undefined,
    type: "bool" | "int" | "str",
  ): void {
    this.checkMutable();
    if (type === "bool") {
      if (value) this.#values.set(key, null);
      else this.#values.delete(key);
    } else if (value === null || value === undefined || value === false) {
      this.#values.delete(key);
    } else if (value === true) this.#values.set(key, null);
    else if (type === "int") {
      const n = typeof value === "number" ? Math.trunc(value) : Number.NaN;
      const parsed = typeof value === "string" && INT_RE.test(value) ? parseInt(value, 10) : n;
      if (!Number.isFinite(parsed)) {
        throw new TypeError(`Cache-Control ${key} must be an integer, got ${String(value)}`);
      }
      this.#values.set(key, String(parsed));
    } else this.#values.set(key, String(value));
    this.onUpdate?.(this);
  }

  /** `no-store`. */
  get noStore(): boolean {
    return this.readValue("no-store", null, "bool") as boolean;
  }
  set noStore(value: boolean) {
    this.writeValue("no-store", value, "bool");
  }
  /** `max-age` in seconds, or `null`. */
  get maxAge(): number | null {
    return this.readValue("max-age", null, "int") as number | null;
  }
  set maxAge(value: number | null) {
    this.writeValue("max-age", value, "int");
  }
  /** `no-transform`. */
  get noTransform(): boolean {
    return this.readValue("no-transform", null, "bool") as boolean;
  }
  set noTransform(value: boolean) {
    this.writeValue("no-transform", value, "bool");
  }
  /** `stale-if-error` in seconds, or `null`. */
  get staleIfError(): number | null {
    return this.readValue("stale-if-error", null, "int") as number | null;
  }
  set staleIfError(value: number | null) {
    this.writeValue("stale-if-error", value, "int");
  }

  /** The header value (`max-age=60, public`). */
  toHeader(): string {
    return dumpHeader(Object.fromEntries(this.#values));
  }

  /** The header value. */
  toString(): string {
    return this.toHeader();
  }
}

/** A request's `Cache-Control` (read-only; changing it is a `TypeError`). */
export class RequestCacheControl extends CacheControl {
  /** Always throws a `TypeError`: a request's `Cache-Control` is read-only. */
  protected override checkMutable(): void {
    throw new TypeError("RequestCacheControl is read-only");
  }
  /** `no-cache`. */
  get noCache(): boolean {
    return this.readValue("no-cache", null, "bool") as boolean;
  }
  /** `max-stale`: seconds, `true` when present without a value, or `null`. */
  get maxStale(): number | true | null {
    return this.readValue("max-stale", true, "int") as number | true | null;
  }
  /** `min-fresh` in seconds, or `null`. */
  get minFresh(): number | null {
    return this.readValue("min-fresh", null, "int") as number | null;
  }
  /** `only-if-cached`. */
  get onlyIfCached(): boolean {
    return this.readValue("only-if-cached", null, "bool") as boolean;
  }
}

/**
 * A response's `Cache-Control` with Werkzeug's properties.
 *
 * @example
 * ```ts
 * import { ResponseCacheControl } from "@phial/phial";
 * const cc = new ResponseCacheControl();
 * cc.public = true;
 * cc.maxAge = 300;
 * cc.toHeader(); // "public, max-age=300"
 * ```
 */
export class ResponseCacheControl extends CacheControl {
  /** `no-cache`: its field list, `true` when bare, or `null`. */
  get noCache(): string | true | null {
    return this.readValue("no-cache", true, "str") as string | true | null;
  }
  set noCache(value: string | boolean | null) {
    this.writeValue("no-cache", value, "str");
  }
  /** `public`. */
  get public(): boolean {
    return this.readValue("public", null, "bool") as boolean;
  }
  set public(value: boolean) {
    this.writeValue("public", value, "bool");
  }
  /** `private`: its field list, `true` when bare, or `null`. */
  get private(): string | true | null {
    return this.readValue("private", true, "str") as string | true | null;
  }
  set private(value: string | boolean | null) {
    this.writeValue("private", value, "str");
  }
  /** `must-revalidate`. */
  get mustRevalidate(): boolean {
    return this.readValue("must-revalidate", null, "bool") as boolean;
  }
  set mustRevalidate(value: boolean) {
    this.writeValue("must-revalidate", value, "bool");
  }
  /** `proxy-revalidate`. */
  get proxyRevalidate(): boolean {
    return this.readValue("proxy-revalidate", null, "bool") as boolean;
  }
  set proxyRevalidate(value: boolean) {
    this.writeValue("proxy-revalidate", value, "bool");
  }
  /** `s-maxage` in seconds, or `null`. */
  get sMaxage(): number | null {
    return this.readValue("s-maxage", null, "int") as number | null;
  }
  set sMaxage(value: number | null) {
    this.writeValue("s-maxage", value, "int");
  }
  /** `immutable`. */
  get immutable(): boolean {
    return this.readValue("immutable", null, "bool") as boolean;
  }
  set immutable(value: boolean) {
    this.writeValue("immutable", value, "bool");
  }
  /** `must-understand`. */
  get mustUnderstand(): boolean {
    return this.readValue("must-understand", null, "bool") as boolean;
  }
  set mustUnderstand(value: boolean) {
    this.writeValue("must-understand", value, "bool");
  }
  /** `stale-while-revalidate` in seconds, or `null`. */
  get staleWhileRevalidate(): number | null {
    return this.readValue("stale-while-revalidate", null, "int") as number | null;
  }
  set staleWhileRevalidate(value: number | null) {
    this.writeValue("stale-while-revalidate", value, "int");
  }
}

/**
 * Parses a `Cache-Control` header (Werkzeug's `parse_cache_control_header`).
 *
 * @param value The header value.
 * @param onUpdate Called after each change (responses keep their header in step).
 * @param cls `RequestCacheControl` (default) or `ResponseCacheControl`.
 * @returns The parsed directives (not `provided` when the header is missing or empty).
 */
export function parseCacheControlHeader(
  value: string | null | undefined,
  onUpdate?: ((cc: CacheControl) => void) | null,
): RequestCacheControl;
/** Parses a `Cache-Control` header into an instance of `cls`. */
export function parseCacheControlHeader<T extends CacheControl>(
  value: string | null | undefined,
  onUpdate: ((cc: CacheControl) => void) | null | undefined,
  cls: new (
    values?: Record<string, CacheControlDirective> | null,
    onUpdate?: ((cc: CacheControl) => void) | null,
  ) => T,
): T;
export function parseCacheControlHeader(
  value: string | null | undefined,
  onUpdate?: ((cc: CacheControl) => void) | null,
  cls?: new (
    values?: Record<string, CacheControlDirective> | null,
    onUpdate?: ((cc: CacheControl) => void) | null,
  ) => CacheControl,
): CacheControl {
  const Cls = cls ?? RequestCacheControl;
  // Werkzeug passes `()` for an empty header: `provided` is still true there.
  if (!value) return new Cls({}, onUpdate ?? null);
  return new Cls(parseDictHeader(value), onUpdate ?? null);
}
