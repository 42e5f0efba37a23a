/**
 * URL converters: `BaseConverter` and the built-ins Werkzeug registers (`default`,
 * `string`, `int`, `float`, `path`, `uuid`, `any`).
 *
 * @module
 */

import { PATH_SAFE, quote } from "./url_quote.ts";
import { pyFloatRepr, pyRepr, pyStr } from "../http/python_text.ts";
import { escapeRegex } from "../http/escape_regex.ts";
import type { Map } from "./map.ts";

/**
 * Thrown by a converter's `toValue` to say "this URL does not match": the router answers
 * 404 instead of calling the view.
 *
 * @example
 * ```ts
 * import { BaseConverter, ValidationError } from "@phial/phial";
 * class EvenConverter extends BaseConverter {
 *   override regex = "\\d+";
 *   override toValue(value: string): number {
 *     const n = Number(value);
 *     if (n % 2 !== 0) throw new ValidationError();
 *     return n;
 *   }
 * }
 * ```
 */
export class ValidationError extends Error {
  /**
   * Creates the error.
   *
   * @param message Optional detail (never shown to clients).
   */
  constructor(message?: string) {
    super(message ?? "The URL value is not valid for this converter");
    this.name = "ValidationError";
  }
}

/** Keyword arguments given to a converter, as the last constructor argument. */
export type ConverterOptions = Record<string, unknown>;

/**
 * A converter class: constructed as `new C(map, ...positional, kwargs?)` where the
 * keyword arguments of the rule string (`<int(min=1):n>`) come as one plain object.
 */
// `any[]` so that subclasses with their own parameter types are assignable.
// deno-lint-ignore no-explicit-any
export type ConverterClass = new (map: Map, ...args: any[]) => BaseConverter;

/** Whether `value` is the plain options object a converter receives last. */
function isOptions(value: unknown): value is ConverterOptions {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Splits converter constructor arguments into the positional ones and the trailing
 * keyword object, and maps the positional ones onto `names`.
 *
 * @param converter The converter's name, for error messages.
 * @param args The arguments after `map`.
 * @param names The parameter names, in Werkzeug's order.
 * @returns The keyword arguments merged with the positional ones.
 */
export function converterArguments(
  converter: string,
  args: readonly unknown[],
  names: readonly string[],
): ConverterOptions {
  let positional = args;
  let options: ConverterOptions = {};
  const last = args[args.length - 1];
  if (isOptions(last)) {
    positional = args.slice(0, -1);
    options = last;
  }
  if (positional.length > names.length) {
    throw new TypeError(
      `${converter} takes at most ${names.length} argument(s), got ${positional.length}`,
    );
  }
  const out: ConverterOptions = {};
  positional.forEach((value, i) => {
    out[names[i]!] = value;
  });
  for (const key of Object.keys(options)) {
    if (!names.includes(key)) {
      throw new TypeError(
        `${converter} got an unexpected argument "${key}" (expected one of ${names.join(", ")})`,
      );
    }
    if (key in out) throw new TypeError(`${converter} got "${key}" twice`);
    out[key] = options[key];
  }
  return out;
}

/**
 * The base of every URL converter. A converter says which text a URL variable may hold
 * (`regex`, without anchors and without capturing groups it relies on), how it ranks
 * against other converters at the same place (`weight`, lower wins), whether it stays
 * inside one path segment (`partIsolating`), and converts between URL text and values.
 *
 * Subclasses take `(map, ...args)` and must call `super(map)`.
 *
 * @example A converter for comma-separated lists
 * ```ts
 * import { BaseConverter, Map as UrlMap, Rule } from "@phial/phial";
 * class ListConverter extends BaseConverter {
 *   override toValue(value: string): string[] { return value.split(","); }
 *   override toUrl(value: unknown): string { return (value as string[]).join(","); }
 * }
 * const map = new UrlMap([new Rule("/tags/<list:tags>", { endpoint: "tags" })], {
 *   converters: { list: ListConverter },
 * });
 * map.bind("example.com").match("/tags/a,b"); // ["tags", { tags: ["a", "b"] }]
 * ```
 */
export class BaseConverter {
  /** The regular expression (JavaScript syntax) a value must match. */
  regex: string = "[^/]+";
  /** Rank among dynamic parts at the same position: lower weights are tried first. */
  weight: number = 100;
  /**
   * Whether the value stays within one path segment. Left `undefined`, it is `true`
   * unless `regex` contains a `/` (as Werkzeug decides for subclasses).
   */
  partIsolating: boolean | undefined = undefined;
  /** The map the converter belongs to. */
  map: unknown;

  /**
   * Creates the converter for a map.
   *
   * @param map The `Map` the rule is bound to.
   * @param _args The rule-string arguments (positional, then a keyword object).
   */
  constructor(map: unknown, ..._args: unknown[]) {
    this.map = map;
  }

  /**
   * Converts the matched URL text to the value the view receives. Throw
   * `ValidationError` to reject the URL.
   *
   * @param value The matched text (already percent-decoded).
   * @returns The value.
   */
  toValue(value: string): unknown {
    return value;
  }

  /**
   * Converts a value to URL text for building, percent-encoded.
   *
   * @param value The value.
   * @returns The URL text.
   */
  toUrl(value: unknown): string {
    return quote(pyStr(value), PATH_SAFE);
  }
}

/**
 * Whether a converter stays within one path segment. Werkzeug decides this per class: a
 * subclass that sets its own `regex` (and no `partIsolating`) spans segments when the
 * regex contains a `/`; one that keeps the inherited `[^/]+` stays isolated.
 */
export function isPartIsolating(converter: BaseConverter): boolean {
  const declared = converter.partIsolating;
  if (declared !== undefined) return declared;
  return converter.regex === "[^/]+" || !converter.regex.includes("/");
}

/**
 * `default` and `string`: one path segment, optionally length-limited:
 * `<string(minlength=2, maxlength=8):name>`, `<string(length=2):lang>`.
 */
export class UnicodeConverter extends BaseConverter {
  // The regex is chosen per instance; like Werkzeug, isolation is decided by the class.
  /** Always segment-isolated, whatever the length limits. */
  override partIsolating: boolean | undefined = true;

  /**
   * Creates the converter from the rule's arguments.
   *
   * @param map The map.
   * @param args `minlength` (default 1), `maxlength`, `length`, positionally or as options.
   */
  constructor(map: unknown, ...args: unknown[]) {
    super(map);
    const o = converterArguments("string", args, ["minlength", "maxlength", "length"]);
    const length = optionalInt(o.length, "length");
    if (length !== null) {
      this.regex = `[^/]{${length}}`;
    } else {
      const min = optionalInt(o.minlength, "minlength") ?? 1;
      const max = optionalInt(o.maxlength, "maxlength") ?? "";
      this.regex = `[^/]{${min},${max}}`;
    }
  }
}

/** A converter argument as an integer (truncated), or `null` when it is not given. */
function optionalInt(value: unknown, name: string): number | null {
  if (value === undefined || value === null) return null;
  const n = typeof value === "string" ? Number(value.trim()) : Number(value);
  if (!Number.isFinite(n)) throw new TypeError(`Converter argument ${name} must be a number`);
  return Math.trunc(n);
}

/** `any`: one of a fixed set of strings, `<any(about, help, "contact us"):page>`. */
export class AnyConverter extends BaseConverter {
  /** The accepted values. */
  items: Set<string>;
  /** Always segment-isolated. */
  override partIsolating: boolean | undefined = true;

  /**
   * Creates the converter from the accepted values.
   *
   * @param map The map.
   * @param items The accepted values.
   */
  constructor(map: unknown, ...items: unknown[]) {
    super(map);
    const last = items[items.length - 1];
    if (isOptions(last)) {
      throw new TypeError(
        `any got an unexpected argument "${Object.keys(last)[0] ?? ""}" (it takes values only)`,
      );
    }
    const texts = items.map((item) => pyStr(item));
    this.items = new Set(texts);
    this.regex = `(?:${texts.map(escapeRegex).join("|")})`;
  }

  /** The value itself, if it is one of the accepted values. */
  override toUrl(value: unknown): string {
    const text = pyStr(value);
    if (this.items.has(text)) return text;
    const valid = [...this.items].sort().map((item) => `'${item}'`).join(", ");
    throw new TypeError(`${pyRepr(text)} is not one of ${valid}`);
  }
}

/** `path`: like `default` but also accepts slashes; weighs more, so it is tried last. */
export class PathConverter extends BaseConverter {
  /** Anything not starting with a slash, slashes included. */
  override regex = "[^/].*?";
  /** Tried after every other converter at the same place. */
  override weight = 200;
  /** Spans segments. */
  override partIsolating: boolean | undefined = false;
}

const UNICODE_DIGIT = /\p{Nd}/u;

/** Rewrites Unicode decimal digits (`٣`, `３`) as ASCII ones, as Python's `int()` reads them. */
function asciiDigits(text: string): string {
  // deno-lint-ignore no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return text;
  let out = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 128 || !UNICODE_DIGIT.test(ch)) {
      out += ch;
      continue;
    }
    // Decimal digits come in runs of whole 0–9 blocks: the value is the offset in the run.
    let start = cp;
    while (UNICODE_DIGIT.test(String.fromCodePoint(start - 1))) start--;
    out += String((cp - start) % 10);
  }
  return out;
}

/** Parses Python-`int()`-like text; `NaN` when it is not an integer. */
function parseIntText(text: string): number {
  const t = asciiDigits(text).trim().replaceAll("_", "");
  return /^[+-]?\d+$/.test(t) ? Number(t) : NaN;
}

/** The shared base of `int` and `float`: `fixedDigits`, `min`, `max`, `signed`. */
export class NumberConverter extends BaseConverter {
  /** Tried before strings. */
  override weight = 50;
  /** Segment-isolated. */
  override partIsolating: boolean | undefined = true;
  /** The required number of digits (0: any); built values are zero-padded to it. */
  fixedDigits: number = 0;
  /** The smallest accepted value. */
  min: number | null = null;
  /** The largest accepted value. */
  max: number | null = null;
  /** Whether a leading `-` is accepted. */
  signed: boolean = false;

  /**
   * Turns URL text (or a value being built) into the number. Throws `ValidationError`
   * when it is not one.
   *
   * @param value Text or number.
   * @returns The number.
   */
  numConvert(value: unknown): number {
    const n = typeof value === "number" ? Math.trunc(value) : parseIntText(pyStr(value));
    if (Number.isNaN(n)) throw new TypeError(`Invalid literal for int(): ${pyRepr(value)}`);
    return n;
  }

  /** Formats a converted number for the URL. */
  protected formatNumber(n: number): string {
    return pyStr(n);
  }

  /** Checks `fixedDigits`, `min` and `max`; throws `ValidationError` when they do not hold. */
  override toValue(value: string): unknown {
    if (this.fixedDigits && value.length !== this.fixedDigits) throw new ValidationError();
    let n: number;
    try {
      n = this.numConvert(value);
    } catch {
      throw new ValidationError();
    }
    if ((this.min !== null && n < this.min) || (this.max !== null && n > this.max)) {
      throw new ValidationError();
    }
    return n;
  }

  /** The number as digits, zero-padded to `fixedDigits`. */
  override toUrl(value: unknown): string {
    let text = this.formatNumber(this.numConvert(value));
    if (this.fixedDigits) text = zfill(text, this.fixedDigits);
    return text;
  }
}

function zfill(text: string, width: number): string {
  if (text.length >= width) return text;
  const sign = text[0] === "-" || text[0] === "+" ? text[0] : "";
  const body = sign ? text.slice(1) : text;
  return sign + body.padStart(width - sign.length, "0");
}

function optionalNumber(value: unknown, name: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "number") throw new TypeError(`Converter argument ${name} must be a number`);
  return value;
}

/**
 * `int`: digits only, `<int:id>`, `<int(fixed_digits=4):year>`, `<int(min=1, max=99):n>`,
 * `<int(signed=True):delta>`.
 */
export class IntegerConverter extends NumberConverter {
  /** One or more ASCII digits. */
  override regex = "\\d+";

  /**
   * Creates the converter from the rule's arguments.
   *
   * @param map The map.
   * @param args `fixedDigits`, `min`, `max`, `signed`, positionally or as options.
   */
  constructor(map: unknown, ...args: unknown[]) {
    super(map);
    const o = converterArguments("int", args, ["fixedDigits", "min", "max", "signed"]);
    this.fixedDigits = optionalInt(o.fixedDigits, "fixedDigits") ?? 0;
    this.min = optionalNumber(o.min, "min");
    this.max = optionalNumber(o.max, "max");
    this.signed = Boolean(o.signed);
    if (this.signed) this.regex = "-?\\d+";
  }
}

/** `float`: `<float:x>` (digits, a dot, digits), `<float(min=0.5, signed=True):x>`. */
export class FloatConverter extends NumberConverter {
  /** Digits, a dot, digits. */
  override regex = "\\d+\\.\\d+";

  /**
   * Creates the converter from the rule's arguments.
   *
   * @param map The map.
   * @param args `min`, `max`, `signed`, positionally or as options.
   */
  constructor(map: unknown, ...args: unknown[]) {
    super(map);
    const o = converterArguments("float", args, ["min", "max", "signed"]);
    this.min = optionalNumber(o.min, "min");
    this.max = optionalNumber(o.max, "max");
    this.signed = Boolean(o.signed);
    if (this.signed) this.regex = "-?\\d+\\.\\d+";
  }

  /** Parses text as Python's `float()` does. */
  override numConvert(value: unknown): number {
    if (typeof value === "number") return value;
    const t = asciiDigits(pyStr(value)).trim().replaceAll("_", "").toLowerCase();
    let n: number;
    if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) n = Number(t);
    else if (/^[+-]?(inf|infinity)$/.test(t)) n = t.startsWith("-") ? -Infinity : Infinity;
    else if (/^[+-]?nan$/.test(t)) n = NaN;
    else throw new TypeError(`Could not convert string to float: ${pyRepr(value)}`);
    return n;
  }

  /** Python's `repr` of the float. */
  protected override formatNumber(n: number): string {
    return pyFloatRepr(n);
  }
}

/** `uuid`: a UUID in 8-4-4-4-12 hex form; the value is the lowercase string. */
export class UUIDConverter extends BaseConverter {
  /** A UUID in 8-4-4-4-12 hexadecimal form. */
  override regex = "[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}";
  /** A UUID never spans segments. */
  override partIsolating: boolean | undefined = true;

  /** The UUID in lowercase. */
  override toValue(value: string): unknown {
    return value.toLowerCase();
  }

  /** The UUID in lowercase. */
  override toUrl(value: unknown): string {
    return pyStr(value).toLowerCase();
  }
}

/** The converters every `Map` starts with, by the names rule strings use. */
export const DEFAULT_CONVERTERS: Readonly<Record<string, ConverterClass>> = Object.freeze({
  default: UnicodeConverter,
  string: UnicodeConverter,
  any: AnyConverter,
  path: PathConverter,
  int: IntegerConverter,
  float: FloatConverter,
  uuid: UUIDConverter,
});
