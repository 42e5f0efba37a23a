/**
 * `HeaderSet`: a case-insensitive ordered set of tokens for headers such as `Vary`,
 * `Allow` and `Content-Language` (Werkzeug's `HeaderSet`), and `parseSetHeader`.
 *
 * @module
 */

import { parseListHeader, quoteHeaderValue } from "./header_values.ts";

/**
 * An ordered set of header tokens compared case-insensitively; `onUpdate` runs after
 * each change so a response can keep its header in step.
 *
 * @example
 * ```ts
 * import { HeaderSet } from "@phial/phial";
 * const vary = new HeaderSet(["Accept-Encoding"]);
 * vary.add("Cookie");
 * vary.add("cookie");   // already there
 * vary.toHeader();      // "Accept-Encoding, Cookie"
 * ```
 */
export class HeaderSet implements Iterable<string> {
  /** Called after each change. */
  onUpdate: ((set: HeaderSet) => void) | null;
  #items: string[] = [];
  #lower: Set<string> = new Set();

  /**
   * Creates the set from `headers`; `onUpdate` runs after each later change.
   *
   * @param headers The initial tokens (kept as given, repeats included, as Werkzeug does).
   * @param onUpdate Called after each change.
   */
  constructor(
    headers?: Iterable<string> | null,
    onUpdate: ((set: HeaderSet) => void) | null = null,
  ) {
    for (const header of headers ?? []) {
      this.#items.push(header);
      this.#lower.add(header.toLowerCase());
    }
    this.onUpdate = onUpdate;
  }

  #insert(header: string): boolean {
    const key = header.toLowerCase();
    if (this.#lower.has(key)) return false;
    this.#lower.add(key);
    this.#items.push(header);
    return true;
  }

  /** Adds a token unless present (in any case). */
  add(header: string): void {
    this.update([header]);
  }

  /** Adds several tokens. */
  update(headers: Iterable<string>): void {
    let inserted = false;
    for (const header of headers) inserted = this.#insert(header) || inserted;
    if (inserted) this.onUpdate?.(this);
  }

  /** Removes a token (any case); a `RangeError` when absent (Werkzeug's `KeyError`). */
  remove(header: string): void {
    if (!this.discard(header)) throw new RangeError(`${JSON.stringify(header)} is not in the set`);
  }

  /** Removes a token if present; true if it was. */
  discard(header: string): boolean {
    const index = this.find(header);
    if (index === -1) return false;
    this.#items.splice(index, 1);
    const key = header.toLowerCase();
    if (this.find(key) === -1) this.#lower.delete(key);
    this.onUpdate?.(this);
    return true;
  }

  /** Alias of `discard`. */
  delete(header: string): boolean {
    return this.discard(header);
  }

  /** The position of a token (any case), or -1. */
  find(header: string): number {
    const key = header.toLowerCase();
    return this.#items.findIndex((item) => item.toLowerCase() === key);
  }

  /** Whether the token is present (any case). */
  has(header: string): boolean {
    return this.#lower.has(header.toLowerCase());
  }

  /** Removes every token. */
  clear(): void {
    this.#items = [];
    this.#lower.clear();
    this.onUpdate?.(this);
  }

  /** The tokens lower-cased, or as given with `preserveCasing`. */
  asSet(preserveCasing: boolean = false): Set<string> {
    return new Set(preserveCasing ? this.#items : this.#lower);
  }

  /** The number of distinct tokens (case-insensitive). */
  get size(): number {
    return this.#lower.size;
  }

  /** The tokens in order, as given. */
  [Symbol.iterator](): IterableIterator<string> {
    return this.#items[Symbol.iterator]();
  }

  /** The header value: the tokens joined by `, `, quoted when needed. */
  toHeader(): string {
    return this.#items.map((item) => quoteHeaderValue(item)).join(", ");
  }

  /** The header value. */
  toString(): string {
    return this.toHeader();
  }
}

/**
 * Parses a comma-separated set header such as `Vary` (Werkzeug's `parse_set_header`).
 *
 * @param value The header value.
 * @param onUpdate Called after each change.
 * @returns The set.
 */
export function parseSetHeader(
  value: string | null | undefined,
  onUpdate: ((set: HeaderSet) => void) | null = null,
): HeaderSet {
  return new HeaderSet(value ? parseListHeader(value) : null, onUpdate);
}
