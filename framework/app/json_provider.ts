/**
 * `DefaultJSONProvider`, Flask's `app.json`: JSON text exactly as Flask writes it (sorted
 * keys, ASCII-only output, Python's separators), `loads`, and the `jsonify` response.
 *
 * @module
 */

import { pyFloatRepr } from "../http/python_text.ts";
import { httpDate } from "../http/dates.ts";
import { Response, type ResponseBody, type ResponseInit } from "../wrappers/response.ts";
import { isPlainObject } from "../gateway/is_plain_object.ts";

/** A function turning a value JSON cannot represent into one it can, or throwing a `TypeError`. */
export type JSONDefault = (value: unknown) => unknown;

/** A response class the provider builds `jsonify` responses with (Flask's `response_class`). */
export type ResponseClass = new (body?: ResponseBody, init?: ResponseInit) => Response;

/** Options of {@linkcode DefaultJSONProvider.dumps}: Python's `json.dumps` keywords, camelCase. */
export interface JSONDumpsOptions {
  /** Sort object and `Map` keys; the provider's `sortKeys` when omitted. */
  sortKeys?: boolean;
  /** Escape non-ASCII characters as `\uXXXX`; the provider's `ensureAscii` when omitted. */
  ensureAscii?: boolean;
  /** Spaces (a number) or a string per level; `null` (the default) writes one line. */
  indent?: number | string | null;
  /** `[itemSeparator, keySeparator]`; `[", ", ": "]`, or `[",", ": "]` with an indent. */
  separators?: readonly [string, string] | null;
  /** Called for values JSON cannot represent; the provider's `default` when omitted. */
  default?: JSONDefault;
  /** Write `NaN` and `±Infinity` as Python does (`true`, the default) or throw a `RangeError`. */
  allowNan?: boolean;
}

/** Options of the {@linkcode DefaultJSONProvider} constructor. */
export interface JSONProviderOptions {
  /** Sort keys in `dumps` and responses; `true` by default. */
  sortKeys?: boolean;
  /** Escape non-ASCII characters; `true` by default. */
  ensureAscii?: boolean;
  /** `true`: compact responses; `false`: indented; `null` (default): compact unless debug. */
  compact?: boolean | null;
  /** The mimetype of responses; `"application/json"` by default. */
  mimetype?: string;
  /** Debug mode, or a function reading it (the application passes `() => app.debug`). */
  debug?: boolean | (() => boolean);
  /** The class responses are built with; phial's `Response` by default. */
  responseClass?: ResponseClass;
  /** Replaces the {@linkcode DefaultJSONProvider.default} method. */
  default?: JSONDefault;
}

/** What the application needs from its JSON provider (Flask's `JSONProvider` interface). */
export interface JSONProvider {
  /** Serializes a value to JSON text. */
  dumps(value: unknown, options?: JSONDumpsOptions): string;
  /** Parses JSON text or bytes. */
  loads(text: string | Uint8Array): unknown;
  /** Builds a JSON response, as `jsonify`. */
  response(...args: unknown[]): Response;
}

interface Encoder {
  sortKeys: boolean;
  ensureAscii: boolean;
  indent: string | null;
  itemSeparator: string;
  keySeparator: string;
  default: JSONDefault;
  allowNan: boolean;
  path: Set<object>;
}

/**
 * Flask 3.1's `DefaultJSONProvider` (`app.json`). It does not need an application or a
 * request context: debug mode and the response class come as constructor options.
 *
 * `dumps` writes what Flask's `app.json.dumps` writes, byte for byte, with these
 * JavaScript-forced choices:
 * - JavaScript has one number type: a safe integer prints as a Python `int` (`1`, where
 *   Python prints the float `1.0`), any other number as Python's `repr` of a float (`1e-07`,
 *   `0.1`, `1e+21`). A `bigint` prints its digits, as a Python `int`.
 * - `NaN` and `±Infinity` are written as `NaN`, `Infinity`, `-Infinity` (not valid JSON),
 *   as Python's `json` does; `loads` reads them back. `allowNan: false` makes them an error.
 * - A plain object is a `dict`; with `sortKeys: false` its keys come in JavaScript's order
 *   (integer-like keys first). A `Map` is a `dict` too, its keys written as Python writes
 *   `dict` keys (`1` → `"1"`, `true` → `"true"`, `null` → `"null"`); sorted numerically
 *   when they are all numbers. A `Set` is a list, in insertion order (Python refuses sets
 *   because they have no order; JavaScript's have one).
 * - `undefined` is skipped as an object property and written `null` elsewhere, as
 *   `JSON.stringify` does. An object's `toJSON()` is honoured, as `JSON.stringify` does,
 *   except a `Date`'s: a `Date` goes to `default`, which writes an HTTP date, as Flask does.
 * - Anything else (a class instance without `toJSON`, a function, a `Uint8Array`, ...)
 *   goes to `default`, which throws `TypeError` "Object of type X is not JSON serializable",
 *   as Flask does for objects that are not dataclasses.
 * - A lone surrogate is written as `\udXXX` even with `ensureAscii: false` (Python writes
 *   the raw code unit, which cannot be encoded as UTF-8).
 *
 * @example Serializing and responding
 * ```ts
 * import { DefaultJSONProvider } from "@phial/phial";
 * const json = new DefaultJSONProvider();
 * json.dumps({ b: 1, a: "é" }); // '{"a": "\\u00e9", "b": 1}'
 * const response = json.response({ ok: true });
 * await response.getData({ asText: true }); // '{"ok":true}\n'
 * ```
 */
export class DefaultJSONProvider implements JSONProvider {
  /** Sort the keys of objects and `Map`s (Flask's `sort_keys`). */
  sortKeys: boolean = true;
  /** Escape non-ASCII characters as `\uXXXX` (Flask's `ensure_ascii`). */
  ensureAscii: boolean = true;
  /** `true`: compact responses; `false`: indented by 2; `null`: compact unless debug. */
  compact: boolean | null = null;
  /** The mimetype of {@linkcode DefaultJSONProvider.response}'s responses. */
  mimetype: string = "application/json";
  /** Debug mode, or a function reading it when a response is built. */
  debug: boolean | (() => boolean) = false;
  /** The class responses are built with. */
  responseClass: ResponseClass = Response;

  /**
   * Creates a provider.
   *
   * @param options The attributes to set (see {@linkcode JSONProviderOptions}).
   */
  constructor(options: JSONProviderOptions = {}) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError("DefaultJSONProvider options must be an object, e.g. { debug: true }");
    }
    if (options.sortKeys !== undefined) this.sortKeys = options.sortKeys;
    if (options.ensureAscii !== undefined) this.ensureAscii = options.ensureAscii;
    if (options.compact !== undefined) this.compact = options.compact;
    if (options.mimetype !== undefined) this.mimetype = options.mimetype;
    if (options.debug !== undefined) this.debug = options.debug;
    if (options.responseClass !== undefined) this.responseClass = options.responseClass;
    if (options.default !== undefined) {
      if (typeof options.default !== "function") {
        throw new TypeError("The default option must be a function taking a value");
      }
      this.default = options.default;
    }
  }

  /**
   * Turns a value JSON cannot represent into one it can (Flask's `default`): a `Date`
   * becomes an HTTP date, an object with an `__html__()` method (markup) that string.
   * Override it in a subclass, or with the `default` option, to support more types.
   *
   * @param value The value.
   * @returns A value `dumps` can write.
   * @throws {TypeError} "Object of type X is not JSON serializable" for anything else.
   * @example Dates become HTTP dates
   * ```ts
   * import { DefaultJSONProvider } from "@phial/phial";
   * new DefaultJSONProvider().default(new Date(0)); // "Thu, 01 Jan 1970 00:00:00 GMT"
   * ```
   */
  default(value: unknown): unknown {
    if (value instanceof Date) return httpDate(value);
    const html = (value as { __html__?: unknown } | null | undefined)?.__html__;
    if (typeof html === "function") return String(html.call(value));
    throw new TypeError(
      `Object of type ${typeName(value)} is not JSON serializable: give it a toJSON() method, ` +
        "or pass the provider a default function that converts it",
    );
  }

  /**
   * Serializes a value to JSON text, as Flask's `app.json.dumps`: keys sorted, non-ASCII
   * escaped, Python's separators (`", "` and `": "`), unless the options say otherwise.
   *
   * @param value The value (see the class description for how JavaScript values map).
   * @param options Python's `json.dumps` keywords, camelCase.
   * @returns The JSON text.
   * @throws {TypeError} For a value `default` refuses, a circular reference, or bad options.
   * @throws {RangeError} For `NaN` or `±Infinity` with `allowNan: false`.
   * @example Python's layout
   * ```ts
   * import { DefaultJSONProvider } from "@phial/phial";
   * const json = new DefaultJSONProvider();
   * json.dumps({ b: [1, 2], a: null }); // '{"a": null, "b": [1, 2]}'
   * json.dumps({ b: 1, a: 2 }, { indent: 2 }); // '{\n  "a": 2,\n  "b": 1\n}'
   * json.dumps("😀", { ensureAscii: false }); // '"😀"'
   * ```
   */
  dumps(value: unknown, options?: JSONDumpsOptions): string {
    const indent = options?.indent ?? null;
    if (indent !== null && typeof indent !== "number" && typeof indent !== "string") {
      throw new TypeError("The indent option must be a number of spaces, a string or null");
    }
    const separators = options?.separators ?? null;
    if (
      separators !== null &&
      !(Array.isArray(separators) && separators.length === 2 &&
        typeof separators[0] === "string" && typeof separators[1] === "string")
    ) {
      throw new TypeError('The separators option must be a pair of strings, e.g. [",", ":"]');
    }
    const fallback = options?.default ?? this.default;
    if (typeof fallback !== "function") {
      throw new TypeError("The default option must be a function taking a value");
    }
    const encoder: Encoder = {
      sortKeys: options?.sortKeys ?? this.sortKeys,
      ensureAscii: options?.ensureAscii ?? this.ensureAscii,
      indent: typeof indent === "number" ? " ".repeat(Math.max(0, Math.trunc(indent))) : indent,
      itemSeparator: separators?.[0] ?? (indent === null ? ", " : ","),
      keySeparator: separators?.[1] ?? ": ",
      default: (v) => fallback.call(this, v),
      allowNan: options?.allowNan ?? true,
      path: new Set(),
    };
    return encodeValue(encoder, value, "", "") ?? "null";
  }

  /**
   * Parses JSON as Flask's `app.json.loads` (Python's `json.loads`): also reads `NaN`,
   * `Infinity` and `-Infinity`; bytes are decoded as UTF-8, or UTF-16/32 when a byte order
   * mark or the pattern of zero bytes says so, and a UTF-8 BOM is skipped. Numbers become
   * JavaScript numbers (integers beyond 2^53 lose precision, unlike Python's `int`).
   *
   * @param text JSON text, or its bytes.
   * @returns The value.
   * @throws {SyntaxError} With Python's message (`Expecting value: line 1 column 1 (char
   *   0)`; positions count UTF-16 code units) for malformed JSON or undecodable bytes.
   * @throws {TypeError} When `text` is neither a string nor a `Uint8Array`.
   * @example Reading Python's output
   * ```ts
   * import { DefaultJSONProvider } from "@phial/phial";
   * const json = new DefaultJSONProvider();
   * json.loads('{"a": [1, NaN]}'); // { a: [1, NaN] }
   * json.loads(new TextEncoder().encode('"\\u00e9"')); // "é"
   * ```
   */
  loads(text: string | Uint8Array): unknown {
    if (text instanceof Uint8Array) {
      text = decodeBytes(text);
    } else if (typeof text !== "string") {
      throw new TypeError(
        `The JSON to load must be a string or a Uint8Array, not ${typeName(text)}`,
      );
    } else if (text.charCodeAt(0) === 0xfeff) {
      throw decodeError(
        "Unexpected UTF-8 BOM (strip it, or pass the bytes, where it is skipped)",
        text,
        0,
      );
    }
    try {
      return JSON.parse(text);
    } catch {
      // Python's extra literals, or an error to report with Python's message.
      return new PythonJSONParser(text).parse();
    }
  }

  /**
   * Builds a JSON response, as Flask's `jsonify` / `app.json.response`: no argument gives
   * `null`, one gives that value, several give an array (for Flask's keyword arguments, pass
   * one object). The body is compact (`","`, `":"`) unless `compact` is `false`, or `null`
   * in debug mode, where it is indented by 2; it ends with a newline.
   *
   * @param args The value(s) to serialize.
   * @returns A response with the provider's mimetype.
   * @example jsonify
   * ```ts
   * import { DefaultJSONProvider } from "@phial/phial";
   * const json = new DefaultJSONProvider({ debug: () => false });
   * const response = json.response(1, "two");
   * await response.getData({ asText: true }); // '[1,"two"]\n'
   * response.headers.get("Content-Type"); // "application/json"
   * ```
   */
  response(...args: unknown[]): Response {
    const value = args.length === 0 ? null : args.length === 1 ? args[0] : args;
    const debug = typeof this.debug === "function" ? this.debug() : this.debug;
    const indented = this.compact === false || (this.compact === null && debug);
    const body = this.dumps(value, indented ? { indent: 2 } : { separators: [",", ":"] });
    return new this.responseClass(`${body}\n`, { mimetype: this.mimetype });
  }
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  const ctor = (value as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === "string" && ctor.name !== "" ? ctor.name : "object";
}

const NON_ASCII = /[\u007f-\uffff]/g;

function escapeNonAscii(c: string): string {
  return "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0");
}

function encodeString(s: string, ensureAscii: boolean): string {
  // JSON.stringify escapes what Python's json does (and lone surrogates, in lowercase).
  const json = JSON.stringify(s);
  return ensureAscii ? json.replace(NON_ASCII, escapeNonAscii) : json;
}

function encodeNumber(enc: Encoder, n: number): string {
  // A safe integer prints as a Python int; anything else is a float to Python.
  if (Number.isFinite(n)) return Number.isSafeInteger(n) ? String(n) : pyFloatRepr(n);
  if (!enc.allowNan) {
    throw new RangeError(
      `Out of range float values are not JSON compliant: ${n}; pass allowNan: true to write ` +
        "them as Python does, or convert them first",
    );
  }
  return String(n);
}

const HIGH_UNITS = /[\ud800-\uffff]/;

/** Compares strings by code point, as Python sorts `str` (UTF-16 order differs above U+D7FF). */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800) x += x >= 0xe000 ? -0x800 : 0x2000;
    if (y >= 0xd800) y += y >= 0xe000 ? -0x800 : 0x2000;
    return x - y;
  }
  return a.length - b.length;
}

function sortStrings(keys: string[]): string[] {
  return keys.some((k) => HIGH_UNITS.test(k)) ? keys.sort(compareCodePoints) : keys.sort();
}

/** Encodes a value; `undefined` means "leave it out" (an object property) or `null`. */
function encodeValue(
  enc: Encoder,
  value: unknown,
  key: string,
  depth: string,
): string | undefined {
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") value = toJSON.call(value, key);
  }
  switch (typeof value) {
    case "string":
      return encodeString(value, enc.ensureAscii);
    case "number":
      return encodeNumber(enc, value);
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      return value.toString();
    case "undefined":
      return undefined;
  }
  if (value === null) return "null";
  const object = value as object;
  if (enc.path.has(object)) {
    throw new TypeError("Circular reference detected: an object contains itself");
  }
  enc.path.add(object);
  try {
    if (Array.isArray(object)) return encodeList(enc, object, depth);
    if (object instanceof Set) return encodeList(enc, [...object], depth);
    if (object instanceof Map) return encodeMap(enc, object, depth);
    if (typeof object === "object" && isPlainObject(object)) {
      const record = object as Record<string, unknown>;
      const keys = Object.keys(record);
      if (enc.sortKeys) sortStrings(keys);
      return encodeEntries(enc, keys, keys.map((k) => record[k]), depth);
    }
    return encodeValue(enc, enc.default(object), key, depth) ?? "null";
  } finally {
    enc.path.delete(object);
  }
}

function encodeList(enc: Encoder, items: unknown[], depth: string): string {
  if (items.length === 0) return "[]";
  const inner = enc.indent === null ? depth : depth + enc.indent;
  const separator = enc.indent === null ? enc.itemSeparator : `${enc.itemSeparator}\n${inner}`;
  let out = enc.indent === null ? "[" : `[\n${inner}`;
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += separator;
    out += encodeValue(enc, items[i], String(i), inner) ?? "null";
  }
  return enc.indent === null ? out + "]" : `${out}\n${depth}]`;
}

function encodeEntries(enc: Encoder, keys: string[], values: unknown[], depth: string): string {
  const inner = enc.indent === null ? depth : depth + enc.indent;
  const separator = enc.indent === null ? enc.itemSeparator : `${enc.itemSeparator}\n${inner}`;
  let out = "";
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const encoded = encodeValue(enc, values[i], key, inner);
    if (encoded === undefined) continue;
    if (out !== "") out += separator;
    out += encodeString(key, enc.ensureAscii) + enc.keySeparator + encoded;
  }
  if (out === "") return "{}";
  return enc.indent === null ? `{${out}}` : `{\n${inner}${out}\n${depth}}`;
}

type MapKey = string | number | bigint | boolean | null;

function mapKeyString(key: unknown): string {
  switch (typeof key) {
    case "string":
      return key;
    case "number":
    case "bigint":
    case "boolean":
      return String(key);
  }
  if (key === null) return "null";
  throw new TypeError(
    `Map keys must be strings, numbers, bigints, booleans or null, not ${typeName(key)}: ` +
      "convert them to strings first",
  );
}

function encodeMap(enc: Encoder, map: Map<unknown, unknown>, depth: string): string {
  const entries = [...map] as [MapKey, unknown][];
  if (enc.sortKeys && entries.length > 1) {
    const kinds = new Set(entries.map(([k]) => typeof k === "string" ? "string" : "number"));
    const hasNull = entries.some(([k]) => k === null);
    if (kinds.size > 1 || hasNull) {
      throw new TypeError(
        "Cannot sort the keys of a Map that mixes strings, numbers or null (as Python cannot): " +
          "use one kind of key, or pass sortKeys: false",
      );
    }
    if (kinds.has("string")) {
      entries.sort(([a], [b]) => compareCodePoints(a as string, b as string));
    } else {
      entries.forEach(([k]) => mapKeyString(k));
      const num = (k: MapKey): number | bigint => typeof k === "boolean" ? Number(k) : k as number;
      entries.sort(([a], [b]) => (num(a) < num(b) ? -1 : num(a) > num(b) ? 1 : 0));
    }
  }
  return encodeEntries(
    enc,
    entries.map(([k]) => mapKeyString(k)),
    entries.map(([, v]) => v),
    depth,
  );
}

function decodeError(message: string, text: string, pos: number): SyntaxError {
  const before = text.slice(0, pos);
  const line = before.split("\n").length;
  const column = pos - before.lastIndexOf("\n");
  return new SyntaxError(`${message}: line ${line} column ${column} (char ${pos})`);
}

/** Decodes JSON bytes as Python's `json.loads` does (`json.detect_encoding`). */
function decodeBytes(b: Uint8Array): string {
  let encoding: string;
  if ((b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0)) encoding = "utf-32le";
  else if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) encoding = "utf-32be";
  else if (b[0] === 0xff && b[1] === 0xfe) encoding = "utf-16le";
  else if (b[0] === 0xfe && b[1] === 0xff) encoding = "utf-16be";
  else if (b.length >= 4 && b[0] === 0) encoding = b[1] ? "utf-16be" : "utf-32be";
  else if (b.length >= 4 && b[1] === 0) encoding = b[2] || b[3] ? "utf-16le" : "utf-32le";
  else if (b.length === 2 && b[0] === 0) encoding = "utf-16be";
  else if (b.length === 2 && b[1] === 0) encoding = "utf-16le";
  else encoding = "utf-8";
  try {
    if (encoding.startsWith("utf-32")) return decodeUtf32(b, encoding === "utf-32le");
    // TextDecoder skips a byte order mark of its encoding, as Python's codecs do.
    return new TextDecoder(encoding, { fatal: true }).decode(b);
  } catch {
    throw new SyntaxError(`Cannot decode the JSON: the bytes are not valid ${encoding}`);
  }
}

function decodeUtf32(b: Uint8Array, littleEndian: boolean): string {
  if (b.length % 4 !== 0) throw new RangeError("truncated");
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let out = "";
  for (let i = 0; i < b.length; i += 4) {
    const cp = view.getUint32(i, littleEndian);
    if (i === 0 && cp === 0xfeff) continue;
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new RangeError("bad code point");
    out += String.fromCodePoint(cp);
  }
  return out;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y;
const ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

/** Python's JSON grammar and error messages: JSON plus `NaN`, `Infinity`, `-Infinity`. */
class PythonJSONParser {
  #text: string;
  #pos = 0;

  constructor(text: string) {
    this.#text = text;
  }

  parse(): unknown {
    this.#skipSpace();
    const value = this.#value();
    this.#skipSpace();
    if (this.#pos !== this.#text.length) throw this.#error("Extra data", this.#pos);
    return value;
  }

  #error(message: string, pos: number): SyntaxError {
    return decodeError(message, this.#text, pos);
  }

  #skipSpace(): void {
    const s = this.#text;
    let c = s.charCodeAt(this.#pos);
    while (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) c = s.charCodeAt(++this.#pos);
  }

  #literal(word: string, value: unknown): { value: unknown } | null {
    if (!this.#text.startsWith(word, this.#pos)) return null;
    this.#pos += word.length;
    return { value };
  }

  #value(): unknown {
    const s = this.#text;
    const start = this.#pos;
    const c = s[start];
    if (c === '"') return this.#string();
    if (c === "{") return this.#object();
    if (c === "[") return this.#array();
    const literal = this.#literal("null", null) ?? this.#literal("true", true) ??
      this.#literal("false", false);
    if (literal) return literal.value;
    NUMBER.lastIndex = start;
    const match = NUMBER.exec(s);
    if (match) {
      this.#pos += match[0].length;
      return Number(match[0]);
    }
    const constant = this.#literal("NaN", NaN) ?? this.#literal("Infinity", Infinity) ??
      this.#literal("-Infinity", -Infinity);
    if (constant) return constant.value;
    throw this.#error("Expecting value", start);
  }

  #string(): string {
    const s = this.#text;
    const begin = this.#pos;
    let pos = begin + 1;
    let out = "";
    for (;;) {
      let end = pos;
      let c = s.charCodeAt(end);
      while (c !== 0x22 && c !== 0x5c && c >= 0x20) c = s.charCodeAt(++end);
      out += s.slice(pos, end);
      if (end >= s.length) throw this.#error("Unterminated string starting at", begin);
      if (c === 0x22) {
        this.#pos = end + 1;
        return out;
      }
      if (c !== 0x5c) throw this.#error("Invalid control character at", end);
      const e = s[end + 1];
      if (e === undefined) throw this.#error("Unterminated string starting at", begin);
      if (e === "u") {
        const hex = s.slice(end + 2, end + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw this.#error("Invalid \\uXXXX escape", end + 1);
        out += String.fromCharCode(parseInt(hex, 16));
        pos = end + 6;
      } else {
        const decoded = ESCAPES[e];
        if (decoded === undefined) throw this.#error("Invalid \\escape", end);
        out += decoded;
        pos = end + 2;
      }
    }
  }

  #object(): Record<string, unknown> {
    const s = this.#text;
    const out: Record<string, unknown> = {};
    this.#pos++;
    this.#skipSpace();
    if (s[this.#pos] === "}") {
      this.#pos++;
      return out;
    }
    for (;;) {
      if (s[this.#pos] !== '"') {
        throw this.#error("Expecting property name enclosed in double quotes", this.#pos);
      }
      const key = this.#string();
      this.#skipSpace();
      if (s[this.#pos] !== ":") throw this.#error("Expecting ':' delimiter", this.#pos);
      this.#pos++;
      this.#skipSpace();
      const value = this.#value();
      // An own "__proto__" property, as JSON.parse makes.
      Object.defineProperty(out, key, {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
      });
      this.#skipSpace();
      const c = s[this.#pos];
      if (c === "}") {
        this.#pos++;
        return out;
      }
      if (c !== ",") throw this.#error("Expecting ',' delimiter", this.#pos);
      this.#pos++;
      this.#skipSpace();
    }
  }

  #array(): unknown[] {
    const s = this.#text;
    const out: unknown[] = [];
    this.#pos++;
    this.#skipSpace();
    if (s[this.#pos] === "]") {
      this.#pos++;
      return out;
    }
    for (;;) {
      out.push(this.#value());
      this.#skipSpace();
      const c = s[this.#pos];
      if (c === "]") {
        this.#pos++;
        return out;
      }
      if (c !== ",") throw this.#error("Expecting ',' delimiter", this.#pos);
      this.#pos++;
      this.#skipSpace();
    }
  }
}
