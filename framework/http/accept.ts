/**
 * Content negotiation: `Accept`, `MIMEAccept`, `LanguageAccept` and `CharsetAccept`
 * (Werkzeug's), and `parseAcceptHeader` for the `Accept*` request headers.
 *
 * @module
 */

import { dumpOptionsHeader, parseListHeader, parseOptionsHeader } from "./header_values.ts";

/** Python's repr of a float quality (`0.5`, `0.0`, `1.0`). */
function formatQuality(q: number): string {
  return Number.isInteger(q) ? q.toFixed(1) : String(q);
}

/** Lexicographic comparison of specificity tuples (Python tuple ordering). */
function compareSpecificity(a: boolean[], b: boolean[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i] ? 1 : -1;
  }
  return a.length - b.length;
}

/**
 * The parsed values of an `Accept*` header as `[value, quality]` pairs, most specific and
 * highest quality first (Werkzeug's `Accept`). Matching is case-insensitive and `*`
 * matches anything.
 *
 * @example
 * ```ts
 * import { Accept, parseAcceptHeader } from "@phial/phial";
 * const enc = parseAcceptHeader("gzip;q=0.5, br", Accept);
 * [...enc];                         // [["br", 1], ["gzip", 0.5]]
 * enc.bestMatch(["gzip", "br"]);    // "br"
 * enc.quality("gzip");              // 0.5
 * ```
 */
export class Accept implements Iterable<[string, number]> {
  /** The `[value, quality]` pairs, sorted. */
  readonly items: [string, number][];
  /** Whether the header was sent (false when it was missing or empty). */
  readonly provided: boolean;

  /**
   * Creates the accept list from `[value, quality]` pairs.
   *
   * @param values `[value, quality]` pairs (sorted here), or `null` for "header missing".
   */
  constructor(values?: Iterable<readonly [string, number]> | null) {
    if (values === null || values === undefined) {
      this.items = [];
      this.provided = false;
      return;
    }
    this.provided = values instanceof Accept ? values.provided : true;
    let items = [...values].map(([v, q]): [string, number] => [v, q]);
    if (!(values instanceof Accept) && items.length > 1) {
      // Stable sort, descending by (specificity, quality), as Werkzeug's sorted(reverse=True);
      // each item's specificity is computed once.
      const keyed = items.map((item) => ({ item, specificity: this.specificity(item[0]) }));
      keyed.sort((a, b) => {
        const s = compareSpecificity(b.specificity, a.specificity);
        return s !== 0 ? s : b.item[1] - a.item[1];
      });
      items = keyed.map((entry) => entry.item);
    }
    this.items = items;
  }

  /** How specific a value is; more specific values sort first. */
  protected specificity(value: string): boolean[] {
    return [value !== "*"];
  }

  /** Whether the offered `value` matches the client's `item`. */
  protected valueMatches(value: string, item: string): boolean {
    return item === "*" || item.toLowerCase() === value.toLowerCase();
  }

  /** The number of values. */
  get length(): number {
    return this.items.length;
  }

  /** Every `[value, quality]` pair, best first. */
  [Symbol.iterator](): IterableIterator<[string, number]> {
    return this.items[Symbol.iterator]();
  }

  /** The values, best first. */
  *values(): IterableIterator<string> {
    for (const [value] of this.items) yield value;
  }

  /** The quality the client gives `key` (`0` when nothing matches it). */
  quality(key: string): number {
    for (const [item, quality] of this.items) {
      if (this.valueMatches(key, item)) return quality;
    }
    return 0;
  }

  /** Whether some client value matches `value` (Python's `value in accept`). */
  contains(value: string): boolean {
    for (const [item] of this.items) {
      if (this.valueMatches(value, item)) return true;
    }
    return false;
  }

  /** The position of the first client value matching `key`, or -1. */
  find(key: string): number {
    return this.items.findIndex(([item]) => this.valueMatches(key, item));
  }

  /** The position of the first client value matching `key`; a `RangeError` if none. */
  index(key: string): number {
    const i = this.find(key);
    if (i === -1) throw new RangeError(`${JSON.stringify(key)} is not accepted`);
    return i;
  }

  /**
   * The offer the client prefers: highest quality, then most specific client value, then
   * first offered; `default` when nothing acceptable is offered.
   *
   * @param offers What the server can produce, in its order of preference.
   * @param fallback Returned when nothing matches.
   * @returns The best offer.
   */
  bestMatch(offers: Iterable<string>): string | undefined;
  /** The offer the client prefers, or `fallback` when nothing acceptable is offered. */
  bestMatch(offers: Iterable<string>, fallback: string): string;
  bestMatch(offers: Iterable<string>, fallback?: string): string | undefined {
    let result = fallback;
    let bestQuality = -1;
    let bestSpecificity: boolean[] = [];
    let first = true;
    for (const offer of offers) {
      let match: [string, number] | undefined;
      for (const pair of this.items) {
        if (this.valueMatches(offer, pair[0])) {
          match = pair;
          break;
        }
      }
      if (match === undefined) continue;
      const [clientItem, quality] = match;
      const specificity = this.specificity(clientItem);
      if (quality <= 0 || quality < bestQuality) continue;
      if (
        quality > bestQuality || first || compareSpecificity(specificity, bestSpecificity) > 0
      ) {
        result = offer;
        bestQuality = quality;
        bestSpecificity = specificity;
        first = false;
      }
    }
    return result;
  }

  /** The client's most preferred value, or undefined when there is none. */
  get best(): string | undefined {
    return this.items[0]?.[0];
  }

  /** The header value: `value;q=0.5` items joined by `,`. */
  toHeader(): string {
    return this.items.map(([v, q]) => q !== 1 ? `${v};q=${formatQuality(q)}` : v).join(",");
  }

  /** The header value. */
  toString(): string {
    return this.toHeader();
  }
}

const MIME_SPLIT_RE = /\/|\s*;\s*/;

function normalizeMime(value: string): string[] {
  return value.toLowerCase().split(MIME_SPLIT_RE);
}

/**
 * `Accept` for media types: `text/*` and `*\/*` wildcards, parameters compared too, and
 * `acceptHtml` / `acceptXhtml` / `acceptJson`. Asking about an offer that is not a media
 * type is a `TypeError`.
 *
 * @example
 * ```ts
 * import { MIMEAccept, parseAcceptHeader } from "@phial/phial";
 * const accept = parseAcceptHeader("text/html, application/json;q=0.9, *\/*;q=0.1", MIMEAccept);
 * accept.bestMatch(["application/json", "text/html"]); // "text/html"
 * accept.acceptJson;                                    // true
 * ```
 */
export class MIMEAccept extends Accept {
  /** How specific a MIME value is: one flag per part (type, subtype, parameters), `false` for `*`. */
  protected override specificity(value: string): boolean[] {
    return value.split(MIME_SPLIT_RE).map((part) => part !== "*");
  }

  // Normalized forms of client values and offers, computed once per instance.
  #normalized: Map<string, string[]> = new Map();

  #normalize(value: string): string[] {
    let parts = this.#normalized.get(value);
    if (parts === undefined) {
      parts = normalizeMime(value);
      if (this.#normalized.size < 256) this.#normalized.set(value, parts);
    }
    return parts;
  }

  /** Whether the offered mimetype `value` matches the client's `item`, with `*` wildcards and parameters; an invalid offered `value` is a `TypeError`. */
  protected override valueMatches(value: string, item: string): boolean {
    if (!item.includes("/")) return false;
    if (!value.includes("/")) throw new TypeError(`invalid mimetype ${JSON.stringify(value)}`);
    const v = this.#normalize(value);
    const [vType, vSub] = [v[0]!, v[1]!];
    if (vType === "*" && vSub !== "*") {
      throw new TypeError(`invalid mimetype ${JSON.stringify(value)}`);
    }
    const it = this.#normalize(item);
    const [iType, iSub] = [it[0]!, it[1]!];
    if (iType === "*" && iSub !== "*") return false;
    if ((iType === "*" && iSub === "*") || (vType === "*" && vSub === "*")) return true;
    if (iType !== vType) return false;
    if (iSub === "*" || vSub === "*") return true;
    if (iSub !== vSub) return false;
    const vParams = v.slice(2).sort();
    const iParams = it.slice(2).sort();
    return vParams.length === iParams.length && vParams.every((p, i) => p === iParams[i]);
  }

  /** Whether the client accepts HTML (or XHTML). */
  get acceptHtml(): boolean {
    return this.contains("text/html") || this.acceptXhtml;
  }

  /** Whether the client accepts XHTML (`application/xhtml+xml` or `application/xml`). */
  get acceptXhtml(): boolean {
    return this.contains("application/xhtml+xml") || this.contains("application/xml");
  }

  /** Whether the client accepts JSON. */
  get acceptJson(): boolean {
    return this.contains("application/json");
  }
}

const LOCALE_DELIM_RE = /[_-]/;

function normalizeLang(value: string): string {
  return value.toLowerCase().split(LOCALE_DELIM_RE).join("\0");
}

function primaryLang(value: string): string {
  const m = LOCALE_DELIM_RE.exec(value);
  return m === null ? value : value.slice(0, m.index);
}

/**
 * `Accept` for language tags: `en-US`, `en_us` and `EN-us` are the same, and `bestMatch`
 * falls back to the primary language (`en-US` accepts an `en` offer and vice versa).
 */
export class LanguageAccept extends Accept {
  /** Whether the offered language tag `value` equals the client's `item` (case and `-`/`_` ignored), or `item` is `*`. */
  protected override valueMatches(value: string, item: string): boolean {
    return item === "*" || normalizeLang(value) === normalizeLang(item);
  }

  /** The offer the client prefers, falling back to primary languages; `undefined` when nothing matches. */
  override bestMatch(offers: Iterable<string>): string | undefined;
  /** The offer the client prefers, falling back to primary languages; `fallback` when nothing matches. */
  override bestMatch(offers: Iterable<string>, fallback: string): string;
  override bestMatch(offers: Iterable<string>, fallback?: string): string | undefined {
    const list = [...offers];
    const exact = super.bestMatch(list);
    if (exact !== undefined) return exact;
    const primaries = new Accept(this.items.map(([v, q]): [string, number] => [primaryLang(v), q]));
    const partial = primaries.bestMatch(list);
    if (partial !== undefined) return partial;
    const result = super.bestMatch(list.map(primaryLang));
    if (result !== undefined) return list.find((offer) => offer.startsWith(result));
    return fallback;
  }
}

const CHARSET_ALIASES: Record<string, string> = {
  utf8: "utf-8",
  u8: "utf-8",
  utf: "utf-8",
  cp65001: "utf-8",
  latin1: "iso8859-1",
  latin: "iso8859-1",
  l1: "iso8859-1",
  iso88591: "iso8859-1",
  iso885911987: "iso8859-1",
  cp819: "iso8859-1",
  ascii: "ascii",
  usascii: "ascii",
  us: "ascii",
  utf16: "utf-16",
  u16: "utf-16",
  utf32: "utf-32",
  u32: "utf-32",
  cp1252: "cp1252",
  windows1252: "cp1252",
};

function normalizeCharset(name: string): string {
  const key = name.toLowerCase().replace(/[^a-z0-9.]/g, "");
  return CHARSET_ALIASES[key] ?? name.toLowerCase();
}

/** `Accept` for charsets: aliases compare equal (`utf8`, `UTF-8`; `latin1`, `ISO-8859-1`). */
export class CharsetAccept extends Accept {
  /** Whether the offered charset `value` equals the client's `item` once aliases are resolved, or `item` is `*`. */
  protected override valueMatches(value: string, item: string): boolean {
    return item === "*" || normalizeCharset(value) === normalizeCharset(item);
  }
}

const Q_VALUE_RE = /^-?\d+(\.\d+)?$/;

/** A constructor of an `Accept` class, for `parseAcceptHeader`. */
export type AcceptClass<T extends Accept> = new (
  values?: Iterable<readonly [string, number]> | null,
) => T;

/**
 * Parses an `Accept*` header (RFC 9110) as Werkzeug's `parse_accept_header`: items with
 * an invalid or out-of-range `q` are skipped, other parameters are kept on the value.
 *
 * @param value The header value; missing or empty gives an empty, not `provided`, result.
 * @param cls The class to build (`Accept` by default; `MIMEAccept`, `LanguageAccept`,
 *   `CharsetAccept`).
 * @returns The parsed values.
 */
export function parseAcceptHeader(value: string | null | undefined): Accept;
/** Parses an `Accept*` header into an instance of `cls`. */
export function parseAcceptHeader<T extends Accept>(
  value: string | null | undefined,
  cls: AcceptClass<T>,
): T;
export function parseAcceptHeader<T extends Accept>(
  value: string | null | undefined,
  cls?: AcceptClass<T>,
): Accept {
  const Cls: AcceptClass<Accept> = cls ?? Accept;
  if (!value) return new Cls(null);
  const result: [string, number][] = [];
  for (const entry of parseListHeader(value)) {
    let [item, options] = parseOptionsHeader(entry);
    let q = 1;
    if (Object.hasOwn(options, "q")) {
      const qText = options.q!.trim();
      const rest = { ...options };
      delete rest.q;
      options = rest;
      if (!Q_VALUE_RE.test(qText)) continue;
      q = parseFloat(qText);
      if (q < 0 || q > 1) continue;
    }
    if (Object.keys(options).length > 0) item = dumpOptionsHeader(item, options);
    result.push([item, q]);
  }
  return new Cls(result);
}
