/**
 * Flask's tagged JSON (`flask.json.tag`): compact JSON that keeps dates, bytes and other
 * non-JSON types through a round trip, in the exact text Flask writes into session cookies.
 *
 * @module
 */

import { httpDate, parseDate } from "../http/dates.ts";
import { DefaultJSONProvider, type JSONProvider } from "./json_provider.ts";
import { isPlainObject } from "../gateway/is_plain_object.ts";

/**
 * One type that {@link TaggedJSONSerializer} knows how to carry through JSON, as Flask's
 * `JSONTag`: subclass it, set {@linkcode JSONTag.key}, implement `check`, `toJSON` and
 * `toPython`, and register the class with {@linkcode TaggedJSONSerializer.register}.
 *
 * @example Tagging a `Map` as a list of pairs
 * ```ts
 * import { JSONTag, TaggedJSONSerializer } from "@phial/phial";
 * class TagMap extends JSONTag {
 *   override key = " map";
 *   override check(value: unknown): boolean { return value instanceof Map; }
 *   override toJSON(value: unknown): unknown {
 *     return [...(value as Map<string, unknown>)].map(([k, v]) => [k, this.serializer.tag(v)]);
 *   }
 *   override toPython(value: unknown): unknown { return new Map(value as [string, unknown][]); }
 * }
 * const s = new TaggedJSONSerializer();
 * s.register(TagMap, { index: 0 });
 * s.dumps(new Map([["a", 1]])); // '{" map":[["a",1]]}'
 * ```
 */
export abstract class JSONTag {
  /** The tag key (`" d"`, `" b"`, …); empty for a tag that only converts, without marking. */
  key: string = "";
  /** The serializer this tag belongs to, for tagging nested values. */
  readonly serializer: TaggedJSONSerializer;

  /**
   * Binds the tag to its serializer ({@linkcode TaggedJSONSerializer.register} does this).
   *
   * @param serializer The serializer that owns the tag.
   */
  constructor(serializer: TaggedJSONSerializer) {
    this.serializer = serializer;
  }

  /**
   * Says whether this tag handles the value.
   *
   * @param value A value being serialized.
   * @returns `true` to tag it with this tag.
   */
  abstract check(value: unknown): boolean;

  /**
   * Converts the value to something JSON can hold (the tag is added by {@linkcode tag}).
   *
   * @param value A value `check` accepted.
   * @returns Its JSON form.
   */
  abstract toJSON(value: unknown): unknown;

  /**
   * Converts the JSON form back; the tag is already removed.
   *
   * @param value The JSON form.
   * @returns The original value.
   */
  abstract toPython(value: unknown): unknown;

  /**
   * Converts the value and wraps it in its tag: `{[key]: toJSON(value)}`.
   *
   * @param value A value `check` accepted.
   * @returns The tagged JSON form.
   */
  tag(value: unknown): unknown {
    return { [this.key]: this.toJSON(value) };
  }
}

/** A constructor of a {@link JSONTag} subclass, as {@linkcode TaggedJSONSerializer.register} takes. */
export type JSONTagClass = new (serializer: TaggedJSONSerializer) => JSONTag;

/** Options of {@linkcode TaggedJSONSerializer.register}. */
export interface RegisterTagOptions {
  /** Replace a tag already registered under the same key instead of throwing. */
  force?: boolean;
  /** Position in the tag order (checked first to last); appended when omitted. */
  index?: number;
}

// A plain object with its own toJSON goes through toJSON, as JSON.stringify does.
function isDict(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && typeof value.toJSON !== "function";
}

function firstKey(value: unknown, tagKey: string): string {
  if (isPlainObject(value)) {
    for (const key in value) return key;
  }
  throw new SyntaxError(`Cannot load tag "${tagKey}": expected an object with one key`);
}

class TagDict extends JSONTag {
  override key = " di";
  check(value: unknown): boolean {
    if (!isDict(value)) return false;
    const keys = Object.keys(value);
    return keys.length === 1 && this.serializer.tags.has(keys[0]!);
  }
  toJSON(value: unknown): unknown {
    const key = Object.keys(value as object)[0]!;
    return { [`${key}__`]: this.serializer.tag((value as Record<string, unknown>)[key]) };
  }
  toPython(value: unknown): unknown {
    const key = firstKey(value, this.key);
    return { [key.slice(0, -2)]: (value as Record<string, unknown>)[key] };
  }
}

class PassDict extends JSONTag {
  check(value: unknown): boolean {
    return isDict(value);
  }
  toJSON(value: unknown): unknown {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as object)) {
      // defineProperty keeps a "__proto__" key an own property.
      Object.defineProperty(out, k, {
        value: this.serializer.tag(v),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  toPython(value: unknown): unknown {
    return value;
  }
  override tag(value: unknown): unknown {
    return this.toJSON(value);
  }
}

// Python's tuple() takes any iterable: lists, strings (characters), dicts (keys).
class TagTuple extends JSONTag {
  override key = " t";
  check(): boolean {
    return false; // JavaScript has no tuples: arrays go out as lists.
  }
  toJSON(value: unknown): unknown {
    return (value as unknown[]).map((item) => this.serializer.tag(item));
  }
  toPython(value: unknown): unknown {
    if (Array.isArray(value)) return value;
    if (typeof value === "string") return Array.from(value);
    if (isPlainObject(value)) return Object.keys(value);
    throw new SyntaxError(`Cannot load tag " t": expected a list, got ${typeof value}`);
  }
}

class PassList extends JSONTag {
  check(value: unknown): boolean {
    return Array.isArray(value);
  }
  toJSON(value: unknown): unknown {
    return (value as unknown[]).map((item) => this.serializer.tag(item));
  }
  toPython(value: unknown): unknown {
    return value;
  }
  override tag(value: unknown): unknown {
    return this.toJSON(value);
  }
}

class TagBytes extends JSONTag {
  override key = " b";
  check(value: unknown): boolean {
    return value instanceof Uint8Array;
  }
  toJSON(value: unknown): unknown {
    return (value as Uint8Array).toBase64();
  }
  toPython(value: unknown): unknown {
    if (typeof value !== "string") {
      throw new SyntaxError(`Cannot load tag " b": expected base64 text, got ${typeof value}`);
    }
    // Python's b64decode skips characters outside the alphabet but insists on padding.
    const clean = value.replace(/[^A-Za-z0-9+/=]/g, "");
    if (clean.length % 4 !== 0) throw new SyntaxError('Cannot load tag " b": incorrect padding');
    const binary = atob(clean);
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  }
}

class TagMarkup extends JSONTag {
  override key = " m";
  check(value: unknown): boolean {
    return value !== null && typeof value === "object" &&
      typeof (value as { __html__?: unknown }).__html__ === "function";
  }
  toJSON(value: unknown): unknown {
    return String((value as { __html__(): unknown }).__html__());
  }
  toPython(value: unknown): unknown {
    return String(value);
  }
}

class TagUUID extends JSONTag {
  override key = " u";
  check(): boolean {
    return false; // JavaScript has no UUID type: UUIDs are strings and go out as strings.
  }
  toJSON(value: unknown): unknown {
    return String(value).replace(/-/g, "").toLowerCase();
  }
  toPython(value: unknown): unknown {
    const hex = typeof value === "string"
      ? value.replaceAll("urn:", "").replaceAll("uuid:", "").replace(/^[{}]+|[{}]+$/g, "")
        .replaceAll("-", "")
      : "";
    if (!/^[0-9a-fA-F]{32}$/.test(hex)) {
      throw new SyntaxError(`Cannot load tag " u": ${JSON.stringify(value)} is not a UUID`);
    }
    const h = hex.toLowerCase();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${
      h.slice(20)
    }`;
  }
}

class TagDateTime extends JSONTag {
  override key = " d";
  check(value: unknown): boolean {
    return value instanceof Date;
  }
  toJSON(value: unknown): unknown {
    return httpDate(value as Date);
  }
  toPython(value: unknown): unknown {
    // Werkzeug's parse_date gives None for anything it cannot read.
    return typeof value === "string" ? parseDate(value) : null;
  }
}

const DEFAULT_TAGS: JSONTagClass[] = [
  TagDict,
  PassDict,
  TagTuple,
  PassList,
  TagBytes,
  TagMarkup,
  TagUUID,
  TagDateTime,
];

// Flask writes tagged JSON through its JSON provider, compactly.
const COMPACT = { separators: [",", ":"] as [string, string] };
const SHARED_PROVIDER = new DefaultJSONProvider();

/**
 * Flask's `TaggedJSONSerializer`: JSON with tags for types JSON lacks, the format of Flask's
 * session cookie. `dumps` writes exactly what Flask writes when a request saves the session
 * (compact, keys sorted by code point, non-ASCII as `\uXXXX`; Flask sorts keys only inside
 * an app context, where its JSON provider applies), so phial and Flask share cookies.
 *
 * Tags: `" di"` (an object whose only key is a tag), `" b"` `Uint8Array` ↔ base64,
 * `" d"` `Date` ↔ HTTP date (whole seconds, UTC; an unreadable date loads as `null`),
 * `" m"` any object with an `__html__()` method, loaded as a plain string (phial has no
 * `Markup` type), `" t"` tuple, loaded as an array (JavaScript has no tuples, so arrays are
 * written as lists), `" u"` UUID, loaded as its canonical string (JavaScript has no UUID
 * type, so strings are written as strings).
 *
 * The JSON itself is written and read by a {@linkcode JSONProvider} (Flask uses the app's
 * `app.json`; by default a shared {@linkcode DefaultJSONProvider}), so numbers, `NaN`,
 * `undefined` and `toJSON` are handled as that provider documents. An object no tag accepts
 * and JSON cannot hold is refused with a `TypeError`.
 *
 * @example Round trip
 * ```ts
 * import { TaggedJSONSerializer } from "@phial/phial";
 * const s = new TaggedJSONSerializer();
 * const text = s.dumps({ when: new Date(Date.UTC(2024, 0, 2)), raw: new Uint8Array([1, 2]) });
 * // '{"raw":{" b":"AQI="},"when":{" d":"Tue, 02 Jan 2024 00:00:00 GMT"}}'
 * s.loads(text); // { raw: Uint8Array [1, 2], when: Date 2024-01-02T00:00:00.000Z }
 * ```
 */
export class TaggedJSONSerializer {
  /** Registered tags by key. */
  readonly tags: Map<string, JSONTag> = new Map();
  /** Tags in the order `tag` tries them. */
  readonly order: JSONTag[] = [];

  /** The provider that writes and reads the JSON text. */
  readonly json: JSONProvider;

  /**
   * Creates a serializer with Flask's default tags.
   *
   * @param json The provider that writes and reads the JSON text (an app passes its own).
   */
  constructor(json: JSONProvider = SHARED_PROVIDER) {
    this.json = json;
    for (const tagClass of DEFAULT_TAGS) this.register(tagClass);
  }

  /**
   * Registers a tag class, as Flask's `register`.
   *
   * @param tagClass A {@link JSONTag} subclass; it is constructed with this serializer.
   * @param options `force` to replace a tag with the same key, `index` to place it in the order.
   * @throws {TypeError} When the key is already registered and `force` is not set.
   * @example Registering a tag first in the order
   * ```ts
   * import { JSONTag, TaggedJSONSerializer } from "@phial/phial";
   * class TagSet extends JSONTag {
   *   override key = " set";
   *   override check(v: unknown): boolean { return v instanceof Set; }
   *   override toJSON(v: unknown): unknown { return [...(v as Set<unknown>)]; }
   *   override toPython(v: unknown): unknown { return new Set(v as unknown[]); }
   * }
   * new TaggedJSONSerializer().register(TagSet, { index: 0 });
   * ```
   */
  register(tagClass: JSONTagClass, options: RegisterTagOptions = {}): void {
    const tag = new tagClass(this);
    if (tag.key) {
      if (!options.force && this.tags.has(tag.key)) {
        throw new TypeError(
          `Tag "${tag.key}" is already registered: pass { force: true } to replace it`,
        );
      }
      this.tags.set(tag.key, tag);
    }
    if (options.index === undefined) this.order.push(tag);
    else this.order.splice(options.index, 0, tag);
  }

  /**
   * Converts a value to its tagged JSON form (the first tag in `order` whose `check`
   * accepts it; an object with a `toJSON` method is converted through it first).
   *
   * @param value Any value.
   * @returns The tagged value, made of plain JSON types.
   * @example Tagging a date
   * ```ts
   * import { TaggedJSONSerializer } from "@phial/phial";
   * new TaggedJSONSerializer().tag(new Date(0)); // { " d": "Thu, 01 Jan 1970 00:00:00 GMT" }
   * ```
   */
  tag(value: unknown): unknown {
    for (const tag of this.order) {
      if (tag.check(value)) return tag.tag(value);
    }
    if (
      value !== null && typeof value === "object" &&
      typeof (value as { toJSON?: unknown }).toJSON === "function"
    ) {
      return this.tag((value as { toJSON(): unknown }).toJSON());
    }
    return value;
  }

  /**
   * Converts a tagged object back, when it is one (a single key that is a registered tag).
   *
   * @param value An object parsed from JSON.
   * @returns The original value, or `value` itself when it is not tagged.
   * @example Untagging bytes
   * ```ts
   * import { TaggedJSONSerializer } from "@phial/phial";
   * new TaggedJSONSerializer().untag({ " b": "AQI=" }); // Uint8Array [1, 2]
   * ```
   */
  untag(value: Record<string, unknown>): unknown {
    let only: string | undefined;
    let count = 0;
    for (const key in value) {
      if (count++ > 0) return value;
      only = key;
    }
    const tag = only === undefined ? undefined : this.tags.get(only);
    return tag ? tag.toPython(value[only!]) : value;
  }

  /**
   * Tags the value and writes it as compact JSON, byte for byte as Flask does.
   *
   * @param value The value (usually the session's plain object).
   * @returns JSON text, ASCII only.
   * @throws {TypeError} For values neither a tag nor JSON can hold.
   * @example Flask's format
   * ```ts
   * import { TaggedJSONSerializer } from "@phial/phial";
   * new TaggedJSONSerializer().dumps({ b: 1, a: "é" }); // '{"a":"\\u00e9","b":1}'
   * ```
   */
  dumps(value: unknown): string {
    return this.json.dumps(this.tag(value), COMPACT);
  }

  /**
   * Parses JSON text and converts every tagged object back, innermost first.
   *
   * @param text JSON text, as `dumps` or Flask writes it.
   * @returns The value.
   * @throws {SyntaxError} For invalid JSON or a malformed tagged value.
   * @example Loading a tuple
   * ```ts
   * import { TaggedJSONSerializer } from "@phial/phial";
   * new TaggedJSONSerializer().loads('{" t":[1,2]}'); // [1, 2]
   * ```
   */
  loads(text: string): unknown {
    return this.#untagScan(this.json.loads(text));
  }

  // Children before their parent, as Flask's _untag_scan.
  #untagScan(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.#untagScan(item));
    if (!isPlainObject(value)) return value;
    for (const key of Object.keys(value)) value[key] = this.#untagScan(value[key]);
    return this.untag(value);
  }
}
