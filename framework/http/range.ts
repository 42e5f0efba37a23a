/**
 * Range requests (RFC 9110 §14): `Range`, `ContentRange` and `IfRange`, with Werkzeug's
 * parsers for the `Range`, `Content-Range` and `If-Range` headers.
 *
 * @module
 */

import { httpDate, parseDate } from "./dates.ts";
import { quoteEtag, unquoteEtag } from "./etags.ts";

const PLAIN_INT_RE = /^-?\d+$/;

/** Werkzeug's `_plain_int`: ASCII digits and `-` only, surrounding whitespace allowed. */
function plainInt(text: string): number | undefined {
  const trimmed = text.trim();
  if (!PLAIN_INT_RE.test(trimmed)) return undefined;
  const n = Number(trimmed) + 0; // "-0" is 0, as in Python
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * Whether `start`/`stop` (stop exclusive) is a valid byte range for `length`
 * (Werkzeug's `is_byte_range_valid`).
 */
export function isByteRangeValid(
  start: number | null,
  stop: number | null,
  length: number | null,
): boolean {
  if ((start === null) !== (stop === null)) return false;
  if (start === null) return length === null || length >= 0;
  if (length === null) return 0 <= start && start < stop!;
  if (start >= stop!) return false;
  return 0 <= start && start < length;
}

/**
 * A `Content-Range` value: `units start-(stop-1)/length` (Werkzeug's `ContentRange`;
 * `stop` is exclusive, `length` `null` is `*`).
 */
export class ContentRange {
  /** Usually `"bytes"`; `null` means "no header". */
  units: string | null = null;
  /** The first byte, or `null` for `*`. */
  start: number | null = null;
  /** One past the last byte, or `null` for `*`. */
  stop: number | null = null;
  /** The complete length, or `null` when unknown (`*`). */
  length: number | null = null;
  /** Called after `set()` / `unset()` (a response keeps its header in step). */
  onUpdate: ((range: ContentRange) => void) | null = null;

  /**
   * Creates the content range; `onUpdate` runs after each later change.
   *
   * @param units The units (`"bytes"`).
   * @param start The first byte.
   * @param stop One past the last byte.
   * @param length The complete length.
   * @param onUpdate Called after each later `set()` / `unset()`.
   */
  constructor(
    units: string | null,
    start: number | null,
    stop: number | null,
    length: number | null = null,
    onUpdate: ((range: ContentRange) => void) | null = null,
  ) {
    this.set(start, stop, length, units);
    this.onUpdate = onUpdate;
  }

  /** Replaces the range; an invalid one is a `TypeError`. */
  set(
    start: number | null,
    stop: number | null,
    length: number | null = null,
    units: string | null = "bytes",
  ): void {
    if (!isByteRangeValid(start, stop, length)) {
      throw new TypeError(`Bad range provided: ${start}-${stop}/${length}`);
    }
    this.units = units;
    this.start = start;
    this.stop = stop;
    this.length = length;
    this.onUpdate?.(this);
  }

  /** Clears the range (the header should not be sent). */
  unset(): void {
    this.set(null, null, null, null);
  }

  /** The header value (`""` when unset). */
  toHeader(): string {
    if (this.units === null) return "";
    const length = this.length === null ? "*" : String(this.length);
    if (this.start === null) return `${this.units} */${length}`;
    return `${this.units} ${this.start}-${this.stop! - 1}/${length}`;
  }

  /** The header value. */
  toString(): string {
    return this.toHeader();
  }
}

/**
 * A parsed `Range` header (Werkzeug's `Range`): `units` and `[start, stop]` pairs, stop
 * exclusive or `null` for "to the end"; a suffix range `-500` is `[-500, null]`. The
 * methods that compute a response range only handle a single `bytes` range, as
 * Werkzeug's.
 *
 * @example
 * ```ts
 * import { parseRange } from "@phial/phial";
 * const range = parseRange("bytes=0-499")!;
 * range.ranges;                      // [[0, 500]]
 * range.rangeForLength(1000);        // [0, 500]
 * range.toContentRangeHeader(1000);  // "bytes 0-499/1000"
 * ```
 */
export class Range {
  /** The units, usually `"bytes"`. */
  units: string;
  /** `[start, stop]` pairs; stop exclusive, `null` for open-ended. */
  ranges: [number, number | null][];

  /**
   * Creates the range set; an invalid range is a `TypeError`.
   *
   * @param units The units.
   * @param ranges The ranges; an invalid one is a `TypeError`.
   */
  constructor(units: string, ranges: readonly (readonly [number, number | null])[]) {
    for (const [start, stop] of ranges) {
      if (
        typeof start !== "number" || (stop !== null && (start < 0 || start >= stop))
      ) {
        throw new TypeError(`[${start}, ${stop}] is not a valid range`);
      }
    }
    this.units = units;
    this.ranges = ranges.map(([a, b]) => [a, b]);
  }

  /**
   * The `[start, stop]` to send for a resource of `length` bytes, or `null` when the
   * range is not a single satisfiable `bytes` range.
   */
  rangeForLength(length: number | null | undefined): [number, number] | null {
    if (this.units !== "bytes" || length === null || length === undefined) return null;
    if (this.ranges.length !== 1) return null;
    let [start, stop] = this.ranges[0]!;
    if (stop === null) {
      stop = length;
      if (start < 0) start += length;
    }
    if (isByteRangeValid(start, stop, length)) return [start, Math.min(stop, length)];
    return null;
  }

  /** The `ContentRange` for a resource of `length` bytes, or `null`. */
  makeContentRange(length: number | null | undefined): ContentRange | null {
    const range = this.rangeForLength(length);
    return range === null ? null : new ContentRange(this.units, range[0], range[1], length!);
  }

  /** The header value (`bytes=0-499,-500`). */
  toHeader(): string {
    const parts = this.ranges.map(([start, stop]) =>
      stop === null ? (start >= 0 ? `${start}-` : String(start)) : `${start}-${stop - 1}`
    );
    return `${this.units}=${parts.join(",")}`;
  }

  /** The `Content-Range` value for a resource of `length` bytes, or `null`. */
  toContentRangeHeader(length: number | null | undefined): string | null {
    const range = this.rangeForLength(length);
    return range === null ? null : `${this.units} ${range[0]}-${range[1] - 1}/${length}`;
  }

  /** The header value. */
  toString(): string {
    return this.toHeader();
  }
}

/**
 * Parses a `Range` header (Werkzeug's `parse_range_header`): `null` when it is missing
 * or malformed (ranges out of order or overlapping, bad numbers, `start > end`).
 *
 * @param value The header value.
 * @param makeInclusive Kept for Werkzeug compatibility; ends are always made exclusive.
 * @returns The range, or `null`.
 */
export function parseRangeHeader(
  value: string | null | undefined,
  makeInclusive: boolean = true,
): Range | null {
  void makeInclusive;
  if (!value || !value.includes("=")) return null;
  const eq = value.indexOf("=");
  const units = value.slice(0, eq).trim().toLowerCase();
  const ranges: [number, number | null][] = [];
  let lastEnd = 0;
  for (const rawItem of value.slice(eq + 1).split(",")) {
    const item = rawItem.trim();
    if (!item.includes("-")) return null;
    let begin: number | undefined;
    let end: number | null;
    if (item.startsWith("-")) {
      if (lastEnd < 0) return null;
      begin = plainInt(item);
      if (begin === undefined) return null;
      end = null;
      lastEnd = -1;
    } else {
      const dash = item.indexOf("-");
      begin = plainInt(item.slice(0, dash));
      if (begin === undefined) return null;
      if (begin < lastEnd || lastEnd < 0) return null;
      const endText = item.slice(dash + 1).trim();
      if (endText) {
        const last = plainInt(endText);
        if (last === undefined) return null;
        end = last + 1;
        if (begin >= end) return null;
      } else end = null;
      lastEnd = end ?? -1;
    }
    ranges.push([begin, end]);
  }
  return new Range(units, ranges);
}

/** Alias of {@linkcode parseRangeHeader}. */
export const parseRange: typeof parseRangeHeader = parseRangeHeader;

/**
 * Parses a `Content-Range` header (Werkzeug's `parse_content_range_header`): `null` when
 * missing or invalid.
 *
 * @param value The header value, e.g. `"bytes 0-499/1234"` or `"bytes *\/1234"`.
 * @returns The content range, or `null`.
 */
export function parseContentRangeHeader(value: string | null | undefined): ContentRange | null {
  if (value === null || value === undefined) return null;
  const parts = value.trim().split(/\s+/);
  if (parts.length < 2 || parts[0] === "") return null;
  const units = parts[0]!;
  const rangedef = value.trim().slice(units.length).trimStart();
  const slash = rangedef.indexOf("/");
  if (slash === -1) return null;
  const rng = rangedef.slice(0, slash);
  const lengthText = rangedef.slice(slash + 1);
  let length: number | null;
  if (lengthText === "*") length = null;
  else {
    const n = plainInt(lengthText);
    if (n === undefined) return null;
    length = n;
  }
  if (rng === "*") {
    if (!isByteRangeValid(null, null, length)) return null;
    return new ContentRange(units, null, null, length);
  }
  const dash = rng.indexOf("-");
  if (dash === -1) return null;
  const start = plainInt(rng.slice(0, dash));
  const last = plainInt(rng.slice(dash + 1));
  if (start === undefined || last === undefined) return null;
  const stop = last + 1;
  if (!isByteRangeValid(start, stop, length)) return null;
  return new ContentRange(units, start, stop, length);
}

/** Alias of {@linkcode parseContentRangeHeader}. */
export const parseContentRange: typeof parseContentRangeHeader = parseContentRangeHeader;

/** A parsed `If-Range` header: an entity tag or a date (Werkzeug's `IfRange`). */
export class IfRange {
  /** The unquoted entity tag, or `null`. */
  etag: string | null;
  /** The date, or `null`. */
  date: Date | null;

  /**
   * Creates the condition from an entity tag or a date.
   *
   * @param etag The unquoted entity tag.
   * @param date The date.
   */
  constructor(etag: string | null = null, date: Date | null = null) {
    this.etag = etag;
    this.date = date;
  }

  /** The header value (`""` when empty). */
  toHeader(): string {
    if (this.date !== null) return httpDate(this.date);
    if (this.etag !== null) return quoteEtag(this.etag);
    return "";
  }

  /** The header value. */
  toString(): string {
    return this.toHeader();
  }
}

/**
 * Parses an `If-Range` header: a date if it parses as one, otherwise an entity tag
 * (weakness dropped).
 *
 * @param value The header value.
 * @returns The parsed value (empty when missing).
 */
export function parseIfRangeHeader(value: string | null | undefined): IfRange {
  if (!value) return new IfRange();
  const date = parseDate(value);
  if (date !== null) return new IfRange(null, date);
  return new IfRange(unquoteEtag(value)[0]);
}
