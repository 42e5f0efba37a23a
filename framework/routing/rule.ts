/**
 * `Rule`: one URL pattern with its endpoint, methods and options, compiled (once bound to
 * a `Map`) into the parts the matcher walks and the steps that build its URL.
 *
 * @module
 */

import type { Map } from "./map.ts";
import type { MapAdapter } from "./map_adapter.ts";
import {
  AnyConverter,
  BaseConverter,
  FloatConverter,
  IntegerConverter,
  isPartIsolating,
  PathConverter,
  UnicodeConverter,
  UUIDConverter,
  ValidationError,
} from "./converters.ts";

const BUILTIN_CONVERTERS: ReadonlySet<unknown> = new Set([
  BaseConverter,
  UnicodeConverter,
  AnyConverter,
  PathConverter,
  IntegerConverter,
  FloatConverter,
  UUIDConverter,
]);
import { parseConverterArgs, type RuleToken, tokenizeRule } from "./rule_parser.ts";
import { encodeQueryPairs, PATH_SAFE, quote, quotePlus } from "./url_quote.ts";
import { pyStr } from "../http/python_text.ts";
import { escapeRegex } from "../http/escape_regex.ts";

/** What `redirectTo` may be: a target with `<name>` placeholders, or a function. */
export type RedirectTarget =
  | string
  | ((adapter: MapAdapter, values: Record<string, unknown>) => string);

/** The options of a `Rule` (Werkzeug's keyword arguments, in camelCase). */
export interface RuleOptions {
  /** The endpoint name the match returns and `build` looks up. */
  endpoint?: string;
  /** The methods the rule accepts (any if omitted); `HEAD` is added when `GET` is. */
  methods?: Iterable<string>;
  /** Values given to the view besides the URL's; also makes the rule canonical for them. */
  defaults?: Record<string, unknown>;
  /** The subdomain pattern (rule syntax); the map's `defaultSubdomain` if omitted. */
  subdomain?: string;
  /** The host pattern, used when the map has `hostMatching`. */
  host?: string;
  /** Redirect `/branch` to `/branch/` (default: the map's setting). */
  strictSlashes?: boolean;
  /** Redirect `//` to `/` (default: the map's setting). */
  mergeSlashes?: boolean;
  /** Answer with a redirect to this target instead of matching. */
  redirectTo?: RedirectTarget;
  /** Never match; only build URLs. */
  buildOnly?: boolean;
  /** Redirect to the canonical rule of the same endpoint. */
  alias?: boolean;
}

/**
 * How a dynamic part ranks among its siblings (Werkzeug's `Weighting`): more static
 * pieces first, longer static pieces first, then fewer and lighter converters.
 */
export type Weighting = [
  negStaticCount: number,
  staticWeights: [number, number][],
  negArgumentCount: number,
  argumentWeights: number[],
];

/** One `/`-delimited piece of a compiled rule (Werkzeug's `RulePart`). */
export interface RulePart {
  /** Literal text for static parts; a regular expression source for dynamic ones. */
  content: string;
  /** The part consumes the rest of the path (a converter that spans slashes). */
  final: boolean;
  /** The part is plain text. */
  static: boolean;
  /** A final part ending in `/`: its regex reports whether the slash was present. */
  suffixed: boolean;
  /** The ranking among dynamic parts at the same place. */
  weight: Weighting;
  /** How many converter values the part captures. */
  converterCount: number;
  /** The converters' regexes when the part is exactly one converter, else `null`. */
  soleRegex: string | null;
  /** Identifies the part among its siblings (content, flags and weight). */
  key: string;
  /** Whether `content` is a regex for the `u` flag (built-in converters only). */
  unicode: boolean;
}

/** An empty static part: an empty domain, or what follows a suffixed final part. */
function emptyPart(weight: Weighting): RulePart {
  return {
    content: "",
    final: false,
    static: true,
    suffixed: false,
    weight,
    converterCount: 0,
    soleRegex: null,
    key: "",
    unicode: false,
  };
}

/** One step of building: literal text, or a variable converted with `toUrl`. */
type BuildStep = { dynamic: false; text: string } | { dynamic: true; name: string };

function compareLists<T>(a: readonly T[], b: readonly T[], cmp: (x: T, y: T) => number): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = cmp(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

const compareNumbers = (x: number, y: number): number => (x < y ? -1 : x > y ? 1 : 0);

/** Orders two weightings as Python orders the tuples (lower first). */
export function compareWeights(a: Weighting, b: Weighting): number {
  return compareNumbers(a[0], b[0]) ||
    compareLists(a[1], b[1], (x, y) => compareNumbers(x[0], y[0]) || compareNumbers(x[1], y[1])) ||
    compareNumbers(a[2], b[2]) ||
    compareLists(a[3], b[3], compareNumbers);
}

/**
 * The built-in converters' regexes as Python reads them: `\d` is any Unicode decimal
 * digit, `.` anything but a newline. Used with the `u` flag for parts made of built-in
 * converters only; a custom converter's regex is JavaScript's to define.
 */
function pythonRegex(converter: BaseConverter): string | null {
  const cls = converter.constructor;
  if (!BUILTIN_CONVERTERS.has(cls)) return null;
  return converter.regex.replaceAll("\\d", "\\p{Nd}").replaceAll(".*?", "[^\\n]*?");
}

/** Equality as Python's `!=` sees plain values. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  if (typeof a === "number" && typeof b === "boolean") return a === Number(b);
  if (typeof a === "boolean" && typeof b === "number") return Number(a) === b;
  return false;
}

/**
 * One URL pattern. Rule strings are paths with `<converter(arguments):name>`
 * placeholders; a rule ending in `/` is a branch (with strict slashes, `/branch`
 * redirects to `/branch/`).
 *
 * @example
 * ```ts
 * import { Map as UrlMap, Rule } from "@phial/phial";
 * const map = new UrlMap([
 *   new Rule("/", { endpoint: "index" }),
 *   new Rule("/page/<int(min=1):n>", { endpoint: "page", methods: ["GET"] }),
 * ]);
 * map.bind("example.com").match("/page/2"); // ["page", { n: 2 }]
 * ```
 */
export class Rule<R extends string = string> {
  /** The rule string as given. */
  rule: R;
  /** The endpoint name (`""` when none was given). */
  endpoint: string;
  /** The accepted methods, upper-case, or `undefined` for any method. */
  methods: Set<string> | undefined;
  /** The default values. */
  defaults: Record<string, unknown> | undefined;
  /** The subdomain pattern (the map's default once bound). */
  subdomain: string | undefined;
  /** The host pattern, for maps with `hostMatching`. */
  host: string | undefined;
  /** Strict-slashes setting (the map's once bound, if not given). */
  strictSlashes: boolean | undefined;
  /** Merge-slashes setting (the map's once bound, if not given). */
  mergeSlashes: boolean | undefined;
  /** The redirect target, if the rule redirects. */
  redirectTo: RedirectTarget | undefined;
  /** Whether the rule only builds URLs. */
  buildOnly: boolean;
  /** Whether the rule redirects to its endpoint's canonical rule. */
  alias: boolean;
  /** `true` when the rule string does not end in `/`. */
  isLeaf: boolean;
  /** `true` when the rule string ends in `/`. */
  isBranch: boolean;
  /** The map the rule is bound to, once added. */
  map: Map | undefined = undefined;
  /** Every name the rule needs to build: its variables and its defaults' keys. */
  arguments: Set<string>;
  /** The converters by variable name, in rule order (once bound). */
  converters: Record<string, BaseConverter> = {};
  /** The compiled parts the matcher walks (once bound). */
  parts: RulePart[] = [];

  /** Variable names in the order the matcher captures their values. */
  converterNames: string[] = [];
  /** The converters in the same order as `converterNames`. */
  converterList: BaseConverter[] = [];
  #tokensPath: RuleToken[];
  #tokenizedFor: string;
  #traceKey = "";
  #domainSteps: BuildStep[] = [];
  #pathSteps: BuildStep[] = [];
  #stepNames = new Set<string>();
  #argumentList: string[] = [];
  /** Rules of the same endpoint that may make this one's URL non-canonical. */
  defaultProviders: Rule[] = [];
  /**
   * Set by `Map.update`: a match of this rule needs no more than its captured strings
   * (identity converters, no defaults, no alias, no redirect, no canonical other rule).
   */
  plainMatch: boolean = false;

  /**
   * Creates a rule from its string and options.
   *
   * @param string The rule string; must start with `/`.
   * @param options Endpoint, methods and the other options.
   * @throws {TypeError} When the string does not start with `/` or cannot be parsed.
   */
  constructor(string: R, options: RuleOptions = {}) {
    if (typeof string !== "string" || !string.startsWith("/")) {
      throw new TypeError(`URL rule ${JSON.stringify(string)} must start with a slash.`);
    }
    this.rule = string;
    this.#tokensPath = tokenizeRule(string);
    this.#tokenizedFor = string;
    this.isLeaf = !string.endsWith("/");
    this.isBranch = string.endsWith("/");
    this.endpoint = options.endpoint ?? "";
    this.strictSlashes = options.strictSlashes;
    this.mergeSlashes = options.mergeSlashes;
    this.subdomain = options.subdomain;
    this.host = options.host;
    this.defaults = options.defaults;
    this.buildOnly = options.buildOnly ?? false;
    this.alias = options.alias ?? false;
    this.redirectTo = options.redirectTo;
    if (options.methods !== undefined && options.methods !== null) {
      if (typeof options.methods === "string") {
        throw new TypeError(`'methods' should be a list of strings, got ${options.methods}`);
      }
      const methods = new Set<string>();
      for (const m of options.methods) methods.add(String(m).toUpperCase());
      if (methods.has("GET")) methods.add("HEAD");
      this.methods = methods;
    } else {
      this.methods = undefined;
    }
    this.arguments = new Set(Object.keys(this.defaults ?? {}));
  }

  /**
   * Binds the rule to a map and compiles it; `Map.add` calls this.
   *
   * @param map The map.
   * @param rebind Allow binding a rule that is already bound.
   * @throws {Error} When already bound to a map (and `rebind` is false).
   * @throws {TypeError} For an unknown converter or bad converter arguments.
   */
  bind(map: Map, rebind: boolean = false): void {
    if (this.map !== undefined && !rebind) {
      throw new Error(`URL rule ${JSON.stringify(this.rule)} is already bound to a map`);
    }
    this.map = map;
    this.strictSlashes ??= map.strictSlashes;
    this.mergeSlashes ??= map.mergeSlashes;
    this.subdomain ??= map.defaultSubdomain;
    this.compile();
  }

  /** A fresh, unbound copy with the same options. */
  empty(): Rule<R> {
    return new Rule(this.rule, {
      endpoint: this.endpoint,
      ...(this.methods !== undefined ? { methods: this.methods } : {}),
      ...(this.defaults !== undefined ? { defaults: { ...this.defaults } } : {}),
      ...(this.subdomain !== undefined ? { subdomain: this.subdomain } : {}),
      ...(this.host !== undefined ? { host: this.host } : {}),
      ...(this.strictSlashes !== undefined ? { strictSlashes: this.strictSlashes } : {}),
      ...(this.mergeSlashes !== undefined ? { mergeSlashes: this.mergeSlashes } : {}),
      ...(this.redirectTo !== undefined ? { redirectTo: this.redirectTo } : {}),
      buildOnly: this.buildOnly,
      alias: this.alias,
    });
  }

  /** Compiles the parts and build steps from the rule string and the map's converters. */
  compile(): void {
    const map = this.map;
    if (map === undefined) throw new Error("Rule is not bound to a map");
    const domainRule = (map.hostMatching ? this.host : this.subdomain) ?? "";
    this.parts = [];
    this.converters = {};
    this.converterNames = [];
    this.converterList = [];
    this.arguments = new Set(Object.keys(this.defaults ?? {}));
    this.#domainSteps = [];
    this.#pathSteps = [];
    if (domainRule === "") {
      this.parts.push(emptyPart([0, [], 0, []]));
    } else {
      this.#compileTokens(tokenizeRule(domainRule), domainRule, this.#domainSteps);
    }
    if (this.#tokenizedFor !== this.rule) {
      // The rule string was changed after construction (e.g. by `Submount`).
      if (!this.rule.startsWith("/")) {
        throw new TypeError(`URL rule ${JSON.stringify(this.rule)} must start with a slash.`);
      }
      this.#tokensPath = tokenizeRule(this.rule);
      this.#tokenizedFor = this.rule;
      this.isLeaf = !this.rule.endsWith("/");
      this.isBranch = this.rule.endsWith("/");
    }
    let tokens = this.#tokensPath;
    if (this.mergeSlashes) {
      const merged: RuleToken[] = [];
      for (const token of tokens) {
        if (token.kind === "slash" && merged.at(-1)?.kind === "slash") continue;
        merged.push(token);
      }
      tokens = merged;
    }
    this.#compileTokens(tokens, this.rule, this.#pathSteps);
    this.converterNames = internNames(this.converterNames);
    this.#traceKey = traceKey(this.#domainSteps) + "|" + traceKey(this.#pathSteps);
    this.#stepNames = new Set(this.converterNames);
    this.#argumentList = [...this.arguments];
    this.#foldDefaults(this.#domainSteps);
    this.#foldDefaults(this.#pathSteps);
  }

  #converterFor(token: RuleToken & { kind: "variable" }, source: string): BaseConverter {
    const map = this.map!;
    const cls = map.converters[token.converter];
    if (cls === undefined) {
      throw new TypeError(
        `Cannot parse rule: unknown converter ${JSON.stringify(token.converter)} in ${
          JSON.stringify(source)
        }`,
      );
    }
    let args: unknown[];
    let kwargs: Record<string, unknown>;
    try {
      [args, kwargs] = parseConverterArgs(token.args ?? "");
    } catch (e) {
      throw new TypeError(
        `Cannot parse rule: ${(e as Error).message} for <${token.name}> in ${
          JSON.stringify(source)
        }`,
      );
    }
    try {
      return Object.keys(kwargs).length > 0 ? new cls(map, ...args, kwargs) : new cls(map, ...args);
    } catch (e) {
      throw new TypeError(
        `Cannot parse rule: converter ${JSON.stringify(token.converter)} for <${token.name}> ` +
          `rejected its arguments (${(e as Error).message}) in ${JSON.stringify(source)}`,
      );
    }
  }

  #compileTokens(tokens: RuleToken[], source: string, steps: BuildStep[]): void {
    let content = "";
    let isStatic = true;
    let staticWeights: [number, number][] = [];
    let argumentWeights: number[] = [];
    let final = false;
    let count = 0;
    let soleRegex: string | null = null;
    let pieces = 0;
    // The part's regex twice: for the `u` flag with Python's `\d`, and as written.
    let unicodeContent = "";
    let unicode = true;
    const push = (suffixed: boolean, plain: string): void => {
      const text = unicode && !isStatic ? unicodeContent : plain;
      this.parts.push({
        unicode: unicode && !isStatic,
        content: text,
        final,
        static: isStatic,
        suffixed,
        weight: [-staticWeights.length, staticWeights, -argumentWeights.length, argumentWeights],
        converterCount: count,
        soleRegex: pieces === 1 && count === 1 ? soleRegex : null,
        key: isStatic
          ? text
          : `${final ? 1 : 0}${suffixed ? 1 : 0}${unicode ? "u" : ""}${
            staticWeights.map((w) => w[1]).join(",")
          };${argumentWeights.join(",")};${text}`,
      });
    };
    for (const token of tokens) {
      if (token.kind === "static") {
        staticWeights.push([staticWeights.length, -token.text.length]);
        steps.push({ dynamic: false, text: token.text });
        content += isStatic ? token.text : escapeRegex(token.text);
        unicodeContent += escapeRegex(token.text);
        pieces++;
      } else if (token.kind === "variable") {
        if (this.converterNames.includes(token.name)) {
          throw new TypeError(
            `Cannot parse rule: variable ${JSON.stringify(token.name)} appears twice in ${
              JSON.stringify(source)
            }`,
          );
        }
        if (isStatic) content = escapeRegex(content);
        isStatic = false;
        const converter = this.#converterFor(token, source);
        this.converters[token.name] = converter;
        this.converterNames.push(token.name);
        this.converterList.push(converter);
        this.arguments.add(token.name);
        if (!isPartIsolating(converter)) final = true;
        content += `(?<__phial_${count}>${converter.regex})`;
        const pyRegex = pythonRegex(converter);
        if (pyRegex === null) unicode = false;
        else unicodeContent += `(?<__phial_${count}>${pyRegex})`;
        soleRegex = converter.regex;
        count++;
        pieces++;
        argumentWeights.push(converter.weight);
        steps.push({ dynamic: true, name: token.name });
      } else {
        steps.push({ dynamic: false, text: "/" });
        if (final) {
          content += "/";
          unicodeContent += "\\/";
          pieces++;
        } else {
          if (!isStatic) {
            content = `^(?:${content})$`;
            unicodeContent = `^(?:${unicodeContent})$`;
          }
          push(false, content);
          content = "";
          unicodeContent = "";
          unicode = true;
          isStatic = true;
          argumentWeights = [];
          staticWeights = [];
          final = false;
          count = 0;
          pieces = 0;
          soleRegex = null;
        }
      }
    }
    let suffixed = false;
    if (final && content.endsWith("/")) {
      suffixed = true;
      content = content.slice(0, -1) + "(?<!\\/)(\\/?)";
      unicodeContent = unicodeContent.slice(0, -2) + "(?<!\\/)(\\/?)";
    }
    if (!isStatic) {
      content = `^(?:${content})$`;
      unicodeContent = `^(?:${unicodeContent})$`;
    }
    push(suffixed, content);
    if (suffixed) {
      this.parts.push(emptyPart(this.parts.at(-1)!.weight));
    }
  }

  #foldDefaults(steps: BuildStep[]): void {
    const defaults = this.defaults;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      if (!step.dynamic) {
        steps[i] = { dynamic: false, text: quote(step.text, PATH_SAFE) };
      } else if (defaults !== undefined && Object.hasOwn(defaults, step.name)) {
        steps[i] = {
          dynamic: false,
          text: this.converters[step.name]!.toUrl(defaults[step.name]),
        };
      }
    }
    // Join neighbouring literal steps so building concatenates as little as possible.
    for (let i = steps.length - 1; i > 0; i--) {
      const a = steps[i - 1]!;
      const b = steps[i]!;
      if (!a.dynamic && !b.dynamic) {
        steps.splice(i - 1, 2, { dynamic: false, text: a.text + b.text });
      }
    }
  }

  /** Whether two rules have the same shape (Werkzeug's `Rule.__eq__`). */
  equals(other: Rule): boolean {
    return other instanceof Rule && this.#traceKey === other.#traceKey;
  }

  /**
   * Whether this rule carries defaults that make `rule`'s URL non-canonical (same
   * endpoint and arguments, not build-only).
   */
  providesDefaultsFor(rule: Rule): boolean {
    if (this.buildOnly || this.defaults === undefined) return false;
    if (Object.keys(this.defaults).length === 0) return false;
    if (this.endpoint !== rule.endpoint || this.equals(rule)) return false;
    if (this.arguments.size !== rule.arguments.size) return false;
    for (const a of this.arguments) if (!rule.arguments.has(a)) return false;
    return true;
  }

  /**
   * Whether the values (and method) are enough to build this rule: every argument is a
   * value or a default, and given values equal the defaults they overlap.
   */
  suitableFor(values: Record<string, unknown>, method?: string): boolean {
    if (method !== undefined && this.methods !== undefined && !this.methods.has(method)) {
      return false;
    }
    const defaults = this.defaults;
    const required = this.#argumentList;
    for (let i = 0; i < required.length; i++) {
      const key = required[i]!;
      if (
        !Object.hasOwn(values, key) && !(defaults !== undefined && Object.hasOwn(defaults, key))
      ) {
        return false;
      }
    }
    if (defaults !== undefined) {
      for (const key in defaults) {
        if (Object.hasOwn(values, key) && !sameValue(defaults[key], values[key])) return false;
      }
    }
    return true;
  }

  /** Sort key for building: non-aliases first, then more arguments, then more defaults. */
  buildCompareKey(): [number, number, number] {
    return [
      this.alias ? 1 : 0,
      -this.arguments.size,
      -Object.keys(this.defaults ?? {}).length,
    ];
  }

  #runSteps(steps: BuildStep[], values: Record<string, unknown>): string {
    let out = "";
    for (const step of steps) {
      out += step.dynamic ? this.converters[step.name]!.toUrl(values[step.name]) : step.text;
    }
    return out;
  }

  /**
   * Builds `[domainPart, path]` from values; unknown values go into the query string
   * when `appendUnknown`. Returns `null` when a converter rejects a value.
   *
   * @param values The values (no `null`/`undefined` entries).
   * @param appendUnknown Whether values the rule does not use become query arguments.
   */
  build(values: Record<string, unknown>, appendUnknown: boolean = true): [string, string] | null {
    let domain: string;
    let path: string;
    try {
      domain = this.#runSteps(this.#domainSteps, values);
      path = this.#runSteps(this.#pathSteps, values);
    } catch (e) {
      if (e instanceof ValidationError) return null;
      throw e;
    }
    if (appendUnknown) {
      const map = this.map!;
      const defaults = this.defaults;
      const stepNames = this.#stepNames;
      let query = "";
      let items: [string, unknown][] | undefined;
      for (const key in values) {
        if (stepNames.has(key)) continue;
        if (defaults !== undefined && Object.hasOwn(defaults, key)) continue;
        const value = values[key];
        if (map.sortParameters) {
          items ??= [];
          if (Array.isArray(value) || value instanceof Set) {
            for (const item of value) items.push([key, item]);
          } else {
            items.push([key, value]);
          }
        } else {
          query = appendQueryValue(query, key, value);
        }
      }
      if (items !== undefined) query = encodeQueryPairs(sortItems(items, map.sortKey));
      if (query !== "") path += "?" + query;
    }
    return [domain, path];
  }

  /** The rule string. */
  toString(): string {
    return this.rule;
  }
}

/** Appends `key=value` pairs (one per item of an array value) to a query string. */
function appendQueryValue(query: string, key: string, value: unknown): string {
  if (Array.isArray(value) || value instanceof Set) {
    for (const item of value) query = appendQueryValue(query, key, item);
    return query;
  }
  if (value === null || value === undefined) return query;
  const pair = quotePlus(key) + "=" + quotePlus(pyStr(value));
  return query === "" ? pair : query + "&" + pair;
}

/** A string identifying a rule's shape, as Werkzeug compares `_trace`s. */
function traceKey(steps: BuildStep[]): string {
  let key = "";
  for (const step of steps) {
    key += step.dynamic ? `<${step.name}>` : `${step.text.length}:${step.text}`;
  }
  return key;
}

const namesByKey = new globalThis.Map<string, string[]>();

/** One shared array per distinct list of variable names (keeps big maps cache-friendly). */
function internNames(names: string[]): string[] {
  const key = names.join("\u0000");
  const known = namesByKey.get(key);
  if (known !== undefined) return known;
  namesByKey.set(key, names);
  return names;
}

/** Orders query items by `sortKey` (or by key then value), stable like Python's `sorted`. */
function sortItems(
  items: [string, unknown][],
  sortKey: ((item: [string, unknown]) => unknown) | undefined,
): [string, unknown][] {
  const keyed = items.map((item) => [sortKey ? sortKey(item) : item, item] as const);
  keyed.sort((a, b) => compareAny(a[0], b[0]));
  return keyed.map((k) => k[1]);
}

function compareAny(a: unknown, b: unknown): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    return compareLists(a as unknown[], b as unknown[], compareAny);
  }
  if (typeof a === "number" && typeof b === "number") return compareNumbers(a, b);
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
