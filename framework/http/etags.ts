/**
 * Entity tags (RFC 9110 §8.8.3): `ETags` sets parsed from `If-Match` / `If-None-Match`,
 * quoting helpers and `generateEtag`, as Werkzeug's.
 *
 * @module
 */

import { createHash } from "node:crypto";

/**
 * A set of entity tags from `If-Match` / `If-None-Match` (Werkzeug's `ETags`): strong
 * and weak tags (unquoted), or the `*` wildcard.
 *
 * @example
 * ```ts
 * import { parseEtags } from "@phial/phial";
 * const tags = parseEtags('"abc", W/"old"');
 * tags.contains("abc");     // true
 * tags.contains("old");     // false: weak tags need containsWeak
 * tags.containsWeak("old"); // true
 * tags.isWeak("old");       // true
 * ```
 */
export class ETags implements Iterable<string> {
  /** The wildcard `*` was sent: every tag matches. */
  readonly starTag: boolean;
  readonly #strong: Set<string>;
  readonly #weak: Set<string>;

  /**
   * Creates the set from strong and weak tags (or `*`).
   *
   * @param strongEtags Strong tags, unquoted.
   * @param weakEtags Weak tags, unquoted.
   * @param starTag Whether the header was `*`.
   */
  constructor(
    strongEtags?: Iterable<string> | null,
    weakEtags?: Iterable<string> | null,
    starTag: boolean = false,
  ) {
    this.#strong = new Set(!starTag && strongEtags ? strongEtags : []);
    this.#weak = new Set(weakEtags ?? []);
    this.starTag = starTag;
  }

  /** The strong tags (and the weak ones with `includeWeak`). */
  asSet(includeWeak: boolean = false): Set<string> {
    const out = new Set(this.#strong);
    if (includeWeak) { for (const tag of this.#weak) out.add(tag); }
    return out;
  }

  /** Whether `etag` (unquoted) is one of the weak tags. */
  isWeak(etag: string): boolean {
    return this.#weak.has(etag);
  }

  /** Whether `etag` (unquoted) is one of the strong tags. */
  isStrong(etag: string): boolean {
    return this.#strong.has(etag);
  }

  /** Strong comparison: `etag` is a strong tag here, or the set is `*`. */
  contains(etag: string): boolean {
    return this.starTag || this.#strong.has(etag);
  }

  /** Weak comparison: `etag` is a weak or strong tag here, or the set is `*`. */
  containsWeak(etag: string): boolean {
    return this.#weak.has(etag) || this.contains(etag);
  }

  /** Checks a quoted tag (`"x"` or `W/"x"`), weakly if it is weak. */
  containsRaw(etag: string): boolean {
    const [tag, weak] = unquoteEtag(etag);
    if (tag === null) return false;
    return weak ? this.containsWeak(tag) : this.contains(tag);
  }

  /** True when nothing was sent (no tags and no `*`); Python's `not etags`. */
  get empty(): boolean {
    return !this.starTag && this.#strong.size === 0 && this.#weak.size === 0;
  }

  /** The number of strong tags. */
  get size(): number {
    return this.#strong.size;
  }

  /** The strong tags. */
  [Symbol.iterator](): IterableIterator<string> {
    return this.#strong.values();
  }

  /** The header value: `*`, or the quoted strong then weak tags joined by `, `. */
  toHeader(): string {
    if (this.starTag) return "*";
    const out: string[] = [];
    for (const tag of this.#strong) out.push(`"${tag}"`);
    for (const tag of this.#weak) out.push(`W/"${tag}"`);
    return out.join(", ");
  }

  /** The header value. */
  toString(): string {
    return this.toHeader();
  }
}

/**
 * Quotes an entity tag: `"tag"`, or `W/"tag"` when weak. A tag containing `"` is a
 * `TypeError`.
 *
 * @param etag The unquoted tag.
 * @param weak Whether it is weak.
 * @returns The quoted tag.
 */
export function quoteEtag(etag: string, weak: boolean = false): string {
  if (etag.includes('"')) throw new TypeError(`invalid etag ${JSON.stringify(etag)}`);
  return weak ? `W/"${etag}"` : `"${etag}"`;
}

/**
 * Unquotes an entity tag: `W/"x"` → `["x", true]`; `[null, null]` when empty.
 *
 * @param etag The quoted tag.
 * @returns `[tag, weak]`.
 */
export function unquoteEtag(
  etag: string | null | undefined,
): [string, boolean] | [null, null] {
  if (!etag) return [null, null];
  let tag = etag.trim();
  let weak = false;
  if (tag.startsWith("W/") || tag.startsWith("w/")) {
    weak = true;
    tag = tag.slice(2);
  }
  if (tag.length >= 1 && tag[0] === '"' && tag[tag.length - 1] === '"') tag = tag.slice(1, -1);
  return [tag, weak];
}

function skipSpaces(text: string, i: number): number {
  while (i < text.length && " \t\n\r\f\v".includes(text[i]!)) i++;
  return i;
}

/**
 * Parses an `If-Match` / `If-None-Match` value (Werkzeug's `parse_etags`). Unquoted
 * tags are accepted; `*` gives a wildcard set. (One linear pass with the same results as
 * Werkzeug's regex loop, which backtracks quadratically on long runs of spaces.)
 *
 * @param value The header value.
 * @returns The tags (empty when the header is missing).
 */
export function parseEtags(value: string | null | undefined): ETags {
  if (!value) return new ETags();
  const strong: string[] = [];
  const weak: string[] = [];
  const length = value.length;
  let pos = 0;
  while (pos < length) {
    let p = pos;
    const isWeak = (value[p] === "W" || value[p] === "w") && value[p + 1] === "/";
    if (isWeak) p += 2;
    let tag: string | undefined;
    let quoted = false;
    let end = -1;
    if (value[p] === '"') {
      // The first closing quote followed by a comma (or the end) ends a quoted tag.
      for (let q = value.indexOf('"', p + 1); q !== -1; q = value.indexOf('"', q + 1)) {
        if (q + 1 === length) end = length;
        else {
          const t = skipSpaces(value, q + 1);
          if (value[t] === ",") end = skipSpaces(value, t + 1);
        }
        if (end !== -1) {
          tag = value.slice(p + 1, q);
          quoted = true;
          break;
        }
      }
    }
    if (end === -1) {
      const comma = value.indexOf(",", p);
      if (comma === -1) {
        tag = value.slice(p);
        end = length;
      } else {
        let r = comma;
        while (r > p && " \t\n\r\f\v".includes(value[r - 1]!)) r--;
        tag = value.slice(p, r);
        end = skipSpaces(value, comma + 1);
      }
      if (tag === "*") return new ETags(null, null, true);
    }
    // Werkzeug stores None for an empty quoted tag ""; it can match nothing, so skip it.
    if (!(quoted && tag === "")) (isWeak ? weak : strong).push(tag!);
    pos = end;
  }
  return new ETags(strong, weak);
}

const encoder = new TextEncoder();

/**
 * An entity tag for some data: its SHA-1 hex digest (Werkzeug's `generate_etag`).
 *
 * @param data The bytes (a string is UTF-8 encoded).
 * @returns 40 hex digits.
 */
export function generateEtag(data: Uint8Array | string): string {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  return createHash("sha1").update(bytes).digest("hex");
}
