/**
 * `MapAdapter`: a `Map` bound to one server name (usually per request). It matches a
 * path to an endpoint and its values, and builds URLs for endpoints.
 *
 * @module
 */

import { MethodNotAllowed, NotFound } from "../http/exceptions.ts";
import type { HTTPException } from "../http/exceptions.ts";
import { ValidationError } from "./converters.ts";
import { BuildError, RequestRedirect } from "./exceptions.ts";
import type { Map } from "./map.ts";
import { REDIRECT } from "./matcher.ts";
import type { Rule } from "./rule.ts";
import { encodeQueryPairs, multiItems, PATH_SAFE, quote } from "./url_quote.ts";
import { urlJoin } from "./url_join.ts";

/** A query for redirects: the raw query string, values, or `[key, value]` pairs. */
export type QueryArgs = string | Record<string, unknown> | Iterable<readonly [string, unknown]>;

/** Options of `MapAdapter.match` and `MapAdapter.matchResult`. */
export interface MatchOptions {
  /** The query to keep on redirects (default: the adapter's). */
  queryArgs?: QueryArgs;
  /** Return the `Rule` instead of the endpoint (`match` only). */
  returnRule?: boolean;
}

/** Options of `MapAdapter.build`. */
export interface BuildOptions {
  /** Choose a rule that accepts this method. */
  method?: string;
  /** Always return an absolute URL. */
  forceExternal?: boolean;
  /** Put values no rule variable uses into the query string (default `true`). */
  appendUnknown?: boolean;
  /** The scheme of an absolute URL (default: the adapter's). */
  urlScheme?: string;
  /** A fragment to append (`#anchor`). */
  anchor?: string;
}

/** A successful match: the rule, its endpoint and the converted values. */
export interface MatchFound {
  /** Always 200. */
  readonly code: 200;
  /** The matched rule. */
  readonly rule: Rule;
  /** The rule's endpoint. */
  readonly endpoint: string;
  /** The converted URL values, plus the rule's defaults. */
  readonly args: Record<string, unknown>;
}

/** No rule matches the path: answer 404. */
export interface MatchNotFound {
  /** Always 404. */
  readonly code: 404;
}

/** The path matches, but not for this method: answer 405 with `Allow`. */
export interface MatchMethodNotAllowed {
  /** Always 405. */
  readonly code: 405;
  /** The methods that would match. */
  readonly validMethods: string[];
}

/** The canonical URL is another one: answer 308 with `Location: newUrl`. */
export interface MatchRedirect {
  /** Always 308. */
  readonly code: 308;
  /** The absolute URL to redirect to. */
  readonly newUrl: string;
}

/** What `MapAdapter.matchResult` returns; only a 200 result is allocated per call. */
export type MatchResult = MatchFound | MatchNotFound | MatchMethodNotAllowed | MatchRedirect;

/** The one 404 result every miss shares. */
export const NOT_FOUND_RESULT: MatchNotFound = Object.freeze({ code: 404 as const });

/**
 * Turns a non-200 `MatchResult` into the HTTP exception `match()` throws.
 *
 * @param result A 404, 405 or 308 result.
 * @returns `NotFound`, `MethodNotAllowed` or `RequestRedirect`.
 */
export function matchResultError(
  result: MatchNotFound | MatchMethodNotAllowed | MatchRedirect,
): HTTPException {
  // A routing outcome is control flow, not a fault: recording a stack trace for it (V8 does
  // for every Error) was most of a 404's cost.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    switch (result.code) {
      case 404:
        return new NotFound();
      case 405:
        return new MethodNotAllowed(result.validMethods);
      default:
        return new RequestRedirect(result.newUrl);
    }
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * Per status code, an object holding the fields of one really constructed exception on
 * top of its class's prototype: quick instances inherit from it.
 */
const bases = new globalThis.Map<number, HTTPException>();

/**
 * A fresh instance of the exception `matchResultError` would build, made without running
 * `Error`'s constructor: that constructor captures a stack trace, which costs about a
 * microsecond here (several whole matches) and says nothing about a URL that does not
 * match. The instance is of the same class and reads the same fields (inherited from a
 * constructed instance's copy; setting one makes it the instance's own), but has no
 * `stack`.
 */
function quickMatchError(
  result: MatchNotFound | MatchMethodNotAllowed | MatchRedirect,
): HTTPException {
  let base = bases.get(result.code);
  if (base === undefined) {
    const template = matchResultError(result);
    base = Object.assign(
      Object.create(Object.getPrototypeOf(template)) as HTTPException,
      template,
    );
    bases.set(result.code, base);
  }
  const error = Object.create(base) as HTTPException;
  if (result.code === 405) (error as MethodNotAllowed).validMethods = result.validMethods;
  else if (result.code === 308) {
    (error as RequestRedirect).newUrl = result.newUrl;
    error.description = result.newUrl;
  }
  return error;
}

/** Upper-cased methods seen so far; bounded, since clients choose the method names. */
const UPPER_METHODS = new globalThis.Map<string, string>();

function upperMethod(method: string): string {
  let upper = UPPER_METHODS.get(method);
  if (upper === undefined) {
    upper = method.toUpperCase();
    if (UPPER_METHODS.size < 64) UPPER_METHODS.set(method, upper);
  }
  return upper;
}

function isMultiDict(
  values: unknown,
): values is { keys(): Iterable<string>; getlist(key: string): unknown[] } {
  return typeof values === "object" && values !== null &&
    typeof (values as { getlist?: unknown }).getlist === "function" &&
    typeof (values as { keys?: unknown }).keys === "function";
}

/**
 * A map bound to a server name, script name, subdomain and scheme (`Map.bind`,
 * `Map.bindToEnviron`).
 */
export class MapAdapter {
  /** The map. */
  readonly map: Map;
  /** The server name (lower-case, IDNA-encoded, with port if any). */
  serverName: string;
  /** The script name, always ending in `/`. */
  scriptName: string;
  /** The subdomain, or `undefined` with host matching. */
  subdomain: string | undefined;
  /** The URL scheme. */
  urlScheme: string;
  /** The default path for `match`. */
  pathInfo: string;
  /** The default method for `match` and `build`. */
  defaultMethod: string;
  /** The query kept on redirects. */
  queryArgs: QueryArgs | undefined;
  /** The script name without trailing slashes (the prefix of built paths). */
  #scriptRoot: string;
  #scriptRootOf: string;

  /**
   * Use `Map.bind` or `Map.bindToEnviron` rather than this constructor.
   *
   * @param map The map.
   * @param serverName The server name.
   * @param scriptName The script name.
   * @param subdomain The subdomain.
   * @param urlScheme The scheme.
   * @param pathInfo The default path.
   * @param defaultMethod The default method.
   * @param queryArgs The query kept on redirects.
   */
  constructor(
    map: Map,
    serverName: string,
    scriptName: string,
    subdomain: string | undefined,
    urlScheme: string,
    pathInfo: string,
    defaultMethod: string,
    queryArgs?: QueryArgs,
  ) {
    this.map = map;
    this.serverName = serverName;
    this.scriptName = scriptName.endsWith("/") ? scriptName : scriptName + "/";
    this.#scriptRootOf = this.scriptName;
    this.#scriptRoot = this.scriptName.replace(/\/+$/, "");
    this.subdomain = subdomain;
    this.urlScheme = urlScheme;
    this.pathInfo = pathInfo;
    this.defaultMethod = defaultMethod;
    this.queryArgs = queryArgs;
  }

  /**
   * Matches a path without throwing: the hot path for applications. A 404 result is a
   * shared object; nothing but the 200 result and its values is allocated for a hit.
   *
   * @param path The decoded path (default: the adapter's `pathInfo`).
   * @param method The method (default: the adapter's `defaultMethod`).
   * @param options The query to keep on redirects.
   * @returns A 200, 404, 405 or 308 result.
   */
  matchResult(path?: string, method?: string, options?: MatchOptions): MatchResult {
    const map = this.map;
    map.update();
    if (path === undefined) path = this.pathInfo;
    const given = method ?? this.defaultMethod;
    const upper = given === "GET" || given === "POST" || given === "HEAD"
      ? given
      : upperMethod(given);
    const domainPart = map.hostMatching ? this.serverName : (this.subdomain ?? this.serverName);
    let pathPart: string;
    if (path === "") pathPart = "";
    else if (path.charCodeAt(0) === 47 && path.charCodeAt(1) !== 47) pathPart = path;
    else pathPart = "/" + path.replace(/^\/+/, "");
    const matcher = map.matcher;
    const rule = matcher.match(domainPart, pathPart, upper);
    if (rule === null) return this.#noMatch(domainPart, pathPart, upper);
    if (rule === REDIRECT) {
      return {
        code: 308,
        newUrl: this.makeRedirectUrl(
          quote(matcher.redirectPath, PATH_SAFE),
          this.#query(options),
        ),
      };
    }
    const args: Record<string, unknown> = {};
    const count = matcher.valueCount;
    if (rule.plainMatch) {
      // The common case: the captured strings are the values, nothing else to do.
      const names = rule.converterNames;
      const values = matcher.values;
      for (let i = 0; i < count; i++) args[names[i]!] = values[i];
      return { code: 200, rule, endpoint: rule.endpoint, args };
    }
    if (count > 0) {
      // Copied first: a converter may itself match on this map.
      const values = matcher.values.slice(0, count);
      const names = rule.converterNames;
      const converters = rule.converterList;
      for (let i = 0; i < count; i++) {
        try {
          args[names[i]!] = converters[i]!.toValue(values[i]!);
        } catch (e) {
          if (!(e instanceof ValidationError)) throw e;
          return this.#noMatch(domainPart, pathPart, upper);
        }
      }
    }
    if (rule.defaults !== undefined) Object.assign(args, rule.defaults);
    if (rule.alias && map.redirectDefaults) {
      return { code: 308, newUrl: this.#aliasRedirectUrl(rule.endpoint, args, upper, options) };
    }
    if (map.redirectDefaults && rule.defaultProviders.length > 0) {
      const newUrl = this.#defaultRedirect(rule, upper, args, this.#query(options));
      if (newUrl !== null) return { code: 308, newUrl };
    }
    if (rule.redirectTo !== undefined) {
      return { code: 308, newUrl: this.#redirectToUrl(rule, args) };
    }
    return { code: 200, rule, endpoint: rule.endpoint, args };
  }

  /**
   * Matches a path to `[endpoint, args]` (or `[rule, args]` with `returnRule`), as
   * Werkzeug does.
   *
   * @param path The decoded `PATH_INFO` (default: the adapter's); never percent-decoded.
   * @param method The method (default: the adapter's).
   * @param options `queryArgs` for redirects, `returnRule`.
   * @returns `[endpoint, args]`.
   * @throws {NotFound} No rule matches.
   * @throws {MethodNotAllowed} A rule matches the path but not the method (`validMethods`).
   * @throws {RequestRedirect} The canonical URL differs (`newUrl`).
   * @example
   * ```ts
   * import { Map as UrlMap, Rule } from "@phial/phial";
   * const urls = new UrlMap([new Rule("/user/<int:id>", { endpoint: "user" })]).bind("example.com");
   * urls.match("/user/42"); // ["user", { id: 42 }]
   * ```
   */
  match(
    path?: string,
    method?: string,
    options?: MatchOptions & { returnRule?: false },
  ): [string, Record<string, unknown>];
  /** Matches a path to `[endpoint, args]`. */
  match(
    path: string | undefined,
    method: string | undefined,
    options: MatchOptions & { returnRule: true },
  ): [Rule, Record<string, unknown>];
  /** Matches a path to `[rule, args]`. */
  match(
    path?: string,
    method?: string,
    options?: MatchOptions,
  ): [string | Rule, Record<string, unknown>];
  match(
    path?: string,
    method?: string,
    options?: MatchOptions,
  ): [string | Rule, Record<string, unknown>] {
    const result = this.matchResult(path, method, options);
    if (result.code !== 200) throw quickMatchError(result);
    return [options?.returnRule ? result.rule : result.endpoint, result.args];
  }

  /**
   * Matches the path and calls `view(endpoint, args)` (Werkzeug's `dispatch`). A redirect
   * is returned (it is a gateway app); other HTTP errors are thrown, or returned when
   * `catchHttpExceptions` is set.
   *
   * @param view Called with the endpoint and the values.
   * @param path The path (default: the adapter's).
   * @param method The method (default: the adapter's).
   * @param catchHttpExceptions Return `NotFound` / `MethodNotAllowed` instead of throwing.
   * @returns What `view` returned, or the exception.
   * @example
   * ```ts
   * import { Map as UrlMap, Rule } from "@phial/phial";
   * const urls = new UrlMap([new Rule("/u/<int:id>", { endpoint: "user" })]).bind("example.com");
   * urls.dispatch((endpoint, args) => `${endpoint} ${args.id}`, "/u/3"); // "user 3"
   * ```
   */
  dispatch<T>(
    view: (endpoint: string, args: Record<string, unknown>) => T,
    path?: string,
    method?: string,
    catchHttpExceptions: boolean = false,
  ): T | HTTPException {
    const result = this.matchResult(path, method);
    if (result.code === 200) return view(result.endpoint, result.args);
    const error = matchResultError(result);
    if (result.code === 308 || catchHttpExceptions) return error;
    throw error;
  }

  /**
   * Whether the path matches (a redirect counts as a match).
   *
   * @param path The path.
   * @param method The method.
   */
  test(path?: string, method?: string): boolean {
    const code = this.matchResult(path, method).code;
    return code === 200 || code === 308;
  }

  /**
   * The methods some rule accepts for the path.
   *
   * @param path The path.
   * @returns The methods, or `[]`.
   */
  allowedMethods(path?: string): string[] {
    const result = this.matchResult(path, "--");
    return result.code === 405 ? result.validMethods : [];
  }

  /**
   * The host for a domain part: the subdomain joined to the server name, or the host
   * itself with host matching.
   *
   * @param domainPart A built subdomain or host (default: the adapter's).
   */
  getHost(domainPart?: string): string {
    if (this.map.hostMatching) return domainPart ?? this.serverName;
    const subdomain = domainPart ?? this.subdomain;
    return subdomain ? `${subdomain}.${this.serverName}` : this.serverName;
  }

  /**
   * Encodes redirect query arguments (a string is kept as it is).
   *
   * @param queryArgs The query.
   * @returns The query string without `?`.
   */
  encodeQueryArgs(queryArgs: QueryArgs): string {
    if (typeof queryArgs === "string") return queryArgs;
    if (Symbol.iterator in queryArgs) {
      return encodeQueryPairs(queryArgs as Iterable<readonly [string, unknown]>);
    }
    return encodeQueryPairs(multiItems(queryArgs as Record<string, unknown>));
  }

  /**
   * An absolute URL for a path under this adapter's script name.
   *
   * @param pathInfo The (already quoted) path.
   * @param queryArgs The query (default: the adapter's).
   * @param domainPart The subdomain or host (default: the adapter's).
   */
  makeRedirectUrl(pathInfo: string, queryArgs?: QueryArgs, domainPart?: string): string {
    const query = this.#encodedQuery(queryArgs ?? this.queryArgs);
    const scheme = this.urlScheme || "http";
    const host = this.getHost(domainPart);
    let path = trimSlashes(this.scriptName) + "/" + pathInfo.replace(/^\/+/, "");
    if (path !== "" && path[0] !== "/") path = "/" + path;
    return `${scheme}://${host}${path}${query ? "?" + query : ""}`;
  }

  /** A 405 when some rule took the path but not the method, else the shared 404. */
  #noMatch(domain: string, path: string, method: string): MatchResult {
    const matcher = this.map.matcher;
    if (!matcher.sawMethodMismatch) return NOT_FOUND_RESULT;
    const methods = matcher.methodsFor(domain, path, method);
    return methods.size > 0 ? { code: 405, validMethods: [...methods] } : NOT_FOUND_RESULT;
  }

  #query(options: MatchOptions | undefined): QueryArgs | undefined {
    return options?.queryArgs ?? this.queryArgs;
  }

  /** The query string for redirect query arguments (`null` when there are none). */
  #encodedQuery(queryArgs: QueryArgs | undefined): string | null {
    return queryArgs === undefined || isEmptyQuery(queryArgs)
      ? null
      : this.encodeQueryArgs(queryArgs);
  }

  #aliasRedirectUrl(
    endpoint: string,
    values: Record<string, unknown>,
    method: string,
    options: MatchOptions | undefined,
  ): string {
    const url = this.build(endpoint, values, { method, appendUnknown: false, forceExternal: true });
    const query = this.#encodedQuery(this.#query(options));
    return query === null ? url : url + "?" + query;
  }

  #defaultRedirect(
    rule: Rule,
    method: string,
    values: Record<string, unknown>,
    queryArgs: QueryArgs | undefined,
  ): string | null {
    for (const r of rule.defaultProviders) {
      if (r.suitableFor(values, method)) {
        Object.assign(values, r.defaults);
        const built = r.build(values);
        if (built === null) return null;
        return this.makeRedirectUrl(built[1], queryArgs, built[0]);
      }
    }
    return null;
  }

  #redirectToUrl(rule: Rule, values: Record<string, unknown>): string {
    const target = rule.redirectTo!;
    let url: string;
    if (typeof target === "string") {
      url = target.replace(/<([^>]+)>/g, (_m, name: string) => {
        const converter = rule.converters[name];
        if (converter === undefined) {
          throw new TypeError(
            `redirectTo ${JSON.stringify(target)} of rule ${
              JSON.stringify(rule.rule)
            } names <${name}>, which is not a variable of the rule`,
          );
        }
        return converter.toUrl(values[name]);
      });
    } else {
      url = target(this, values);
    }
    const netloc = this.subdomain ? `${this.subdomain}.${this.serverName}` : this.serverName;
    return urlJoin(`${this.urlScheme || "http"}://${netloc}${this.scriptName}`, url);
  }

  #partialBuild(
    endpoint: string,
    values: Record<string, unknown>,
    method: string | undefined,
    appendUnknown: boolean,
  ): [string, string] | null {
    if (method === undefined) {
      const rv = this.#partialBuild(endpoint, values, this.defaultMethod, appendUnknown);
      if (rv !== null) return rv;
    }
    let firstMatch: [string, string] | null = null;
    const hostMatching = this.map.hostMatching;
    for (const rule of this.map.rulesFor(endpoint)) {
      if (!rule.suitableFor(values, method)) continue;
      const rv = rule.build(values, appendUnknown);
      if (rv === null) continue;
      if (!hostMatching) return rv;
      if (rv[0] === this.serverName) return rv;
      firstMatch ??= rv;
    }
    return firstMatch;
  }

  /**
   * Builds the URL of an endpoint. The rule is the first (in build order) that accepts
   * the method and has every value it needs; values it does not use become the query
   * string (arrays as repeated keys).
   *
   * @param endpoint The endpoint.
   * @param values The URL values (`null`/`undefined` entries are dropped).
   * @param options `method`, `forceExternal`, `appendUnknown`, `urlScheme`, `anchor`.
   * @returns A path (`/script/path?query`) or, when external, an absolute URL.
   * @throws {BuildError} When no rule fits.
   * @example
   * ```ts
   * import { Map as UrlMap, Rule } from "@phial/phial";
   * const urls = new UrlMap([new Rule("/user/<int:id>", { endpoint: "user" })]).bind("example.com");
   * urls.build("user", { id: 42, q: "x" }); // "/user/42?q=x"
   * urls.build("user", { id: 42 }, { forceExternal: true }); // "http://example.com/user/42"
   * ```
   */
  build(endpoint: string, values?: unknown, options: BuildOptions = NO_OPTIONS): string {
    this.map.update();
    let clean: Record<string, unknown> = {};
    if (isPlainValues(values)) {
      clean = values;
    } else if (isMultiDict(values)) {
      for (const key of new Set(values.keys())) {
        const list = values.getlist(key);
        if (list.length === 1) clean[key] = list[0];
        else if (list.length > 1) clean[key] = list;
      }
    } else if (typeof values === "object" && values !== null) {
      for (const key in values as Record<string, unknown>) {
        const v = (values as Record<string, unknown>)[key];
        if (v !== null && v !== undefined) clean[key] = v;
      }
    }
    const method = options.method === undefined ? undefined : upperMethod(options.method);
    const rv = this.#partialBuild(endpoint, clean, method, options.appendUnknown ?? true);
    if (rv === null) {
      const map = this.map;
      throw new BuildError(endpoint, clean, method, { rules: () => map.iterRules() });
    }
    const [domainPart, path] = rv;
    const host = this.getHost(domainPart);
    let scheme = options.urlScheme ?? this.urlScheme;
    if (scheme) scheme = scheme === "https" || scheme === "wss" ? "https" : "http";
    let start = 0;
    while (path.charCodeAt(start) === 47) start++;
    const pathTail = start === 0 ? path : path.slice(start);
    let url: string;
    if (
      !options.forceExternal &&
      (this.map.hostMatching ? host === this.serverName : domainPart === this.subdomain)
    ) {
      if (this.#scriptRootOf !== this.scriptName) {
        this.#scriptRootOf = this.scriptName;
        this.#scriptRoot = this.scriptName.replace(/\/+$/, "");
      }
      url = this.#scriptRoot + "/" + pathTail;
    } else {
      url = `${scheme ? scheme + ":" : ""}//${host}${this.scriptName.slice(0, -1)}/${pathTail}`;
    }
    if (options.anchor !== undefined) url += "#" + quote(options.anchor, "%!#$&'()*+,/:;=?@");
    return url;
  }
}

const NO_OPTIONS: BuildOptions = Object.freeze({});

/**
 * Whether `values` is a plain object without `null`/`undefined` entries, usable as it is
 * (the usual case: no copy needed).
 */
function isPlainValues(values: unknown): values is Record<string, unknown> {
  if (typeof values !== "object" || values === null) return false;
  const proto = Object.getPrototypeOf(values);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in values) {
    const v = (values as Record<string, unknown>)[key];
    if (v === null || v === undefined) return false;
  }
  return true;
}

function isEmptyQuery(query: QueryArgs): boolean {
  if (typeof query === "string") return query === "";
  if (Symbol.iterator in query) {
    const size = (query as { size?: unknown }).size;
    if (typeof size === "number") return size === 0;
    if (Array.isArray(query)) return query.length === 0;
    return false;
  }
  for (const _ in query) return false;
  return true;
}

function trimSlashes(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) === 47) start++;
  while (end > start && s.charCodeAt(end - 1) === 47) end--;
  return s.slice(start, end);
}
