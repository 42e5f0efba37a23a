/**
 * `Map`: the set of URL rules, the converters they may use, and the settings they share.
 * Binding a map to a server name (or a request's environ) gives a `MapAdapter` that
 * matches paths and builds URLs.
 *
 * @module
 */

import { BadHost } from "../http/exceptions.ts";
import { isWellFormedHost, stripDefaultPort } from "../http/host.ts";
import { BaseConverter, type ConverterClass, DEFAULT_CONVERTERS } from "./converters.ts";
import { StateMachineMatcher } from "./matcher.ts";
import { MapAdapter, type QueryArgs } from "./map_adapter.ts";
import type { Rule } from "./rule.ts";

/** Something that yields rules for a map (a `Rule` itself, or a factory of rules). */
export interface RuleFactory {
  /** The rules to add, in order. */
  getRules(map: Map): Iterable<Rule>;
}

/** The options of a `Map` (Werkzeug's keyword arguments, in camelCase). */
export interface MapOptions {
  /** The subdomain rules without one get (default `""`). */
  defaultSubdomain?: string;
  /** Redirect `/branch` to `/branch/` for rules ending in `/` (default `true`). */
  strictSlashes?: boolean;
  /** Redirect paths with repeated slashes to the merged path (default `true`). */
  mergeSlashes?: boolean;
  /** Redirect URLs that spell out a rule's defaults to the canonical URL (default `true`). */
  redirectDefaults?: boolean;
  /** Extra converters by name (they may replace built-ins). */
  converters?: Record<string, ConverterClass>;
  /** Sort query arguments when building (default `false`). */
  sortParameters?: boolean;
  /** The sort key for query arguments, given `[key, value]`. */
  sortKey?: (item: [string, unknown]) => unknown;
  /** Match the whole host (`Rule.host`) instead of the subdomain (default `false`). */
  hostMatching?: boolean;
}

/** Options of `Map.bind`. */
export interface BindOptions {
  /** The path the application is mounted at (default `"/"`). */
  scriptName?: string;
  /** The subdomain of this binding (default: the map's `defaultSubdomain`). */
  subdomain?: string;
  /** `"http"` (default) or `"https"`. */
  urlScheme?: string;
  /** The method `match` uses when given none (default `"GET"`). */
  defaultMethod?: string;
  /** The path `match` uses when given none (default `"/"`). */
  pathInfo?: string;
  /** The query kept on redirects (a raw query string or values). */
  queryArgs?: QueryArgs;
}

/** Options of `Map.bindToEnviron`. */
export interface BindToEnvironOptions {
  /** The configured server name; the request's host if omitted. */
  serverName?: string;
  /** The subdomain; computed from the host and `serverName` if omitted. */
  subdomain?: string;
}

function hostFromEnviron(environ: Readonly<Record<string, unknown>>, scheme: string): string {
  let host: string;
  const header = environ.HTTP_HOST;
  if (typeof header === "string") {
    host = header;
  } else if (environ.SERVER_PORT !== undefined && environ.SERVER_PORT !== null) {
    host = String(environ.SERVER_NAME ?? "");
    if (host.includes(":") && host[0] !== "[") host = `[${host}]`;
    host = `${host}:${String(environ.SERVER_PORT)}`;
  } else {
    return "";
  }
  host = stripDefaultPort(host, scheme);
  return isWellFormedHost(host) ? host : "";
}

/** A subdomain makes no sense when rules match the whole host. */
function assertNoSubdomain(subdomain: string | undefined): void {
  if (subdomain !== undefined) {
    throw new TypeError("Host matching is enabled and a subdomain was provided");
  }
}

function idnaEncode(name: string): string {
  // deno-lint-ignore no-control-regex
  if (/^[\x00-\x7f]*$/.test(name)) return name;
  try {
    return new URL(`http://${name}/`).hostname;
  } catch {
    throw new BadHost();
  }
}

function compareKeys(a: [number, number, number], b: [number, number, number]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/**
 * The rules of an application and their shared settings. Named after Werkzeug's `Map`;
 * it shadows the global `Map` in a module that imports it under that name, so
 * `import { Map as UrlMap } from "@phial/phial"` is the usual spelling.
 *
 * @example
 * ```ts
 * import { Map as UrlMap, Rule } from "@phial/phial";
 * const urlMap = new UrlMap([
 *   new Rule("/", { endpoint: "index" }),
 *   new Rule("/user/<int:id>", { endpoint: "user", methods: ["GET", "POST"] }),
 * ]);
 * const urls = urlMap.bind("example.com");
 * urls.match("/user/42", "GET"); // ["user", { id: 42 }]
 * urls.build("user", { id: 42, q: "x" }); // "/user/42?q=x"
 * ```
 */
export class Map {
  /** The converters every map starts with. */
  static defaultConverters: Readonly<Record<string, ConverterClass>> = DEFAULT_CONVERTERS;

  /** The subdomain of rules that give none. */
  defaultSubdomain: string;
  /** Default strict-slashes setting of the rules. */
  strictSlashes: boolean;
  /** Whether URLs that spell out defaults redirect to the canonical URL. */
  redirectDefaults: boolean;
  /** Whether rules match the whole host. */
  hostMatching: boolean;
  /** The converters by name. */
  converters: Record<string, ConverterClass>;
  /** Whether built query strings are sorted. */
  sortParameters: boolean;
  /** The sort key for built query strings. */
  sortKey: ((item: [string, unknown]) => unknown) | undefined;

  /** The compiled matcher (rebuilt lazily after `add`). */
  readonly matcher: StateMachineMatcher;
  #rulesByEndpoint = new globalThis.Map<string, Rule[]>();
  #remap = true;

  /**
   * Creates the map and adds the rules.
   *
   * @param rules Rules (or rule factories) to add, in order.
   * @param options The map's settings.
   */
  constructor(rules: Iterable<Rule | RuleFactory> = [], options: MapOptions = {}) {
    this.matcher = new StateMachineMatcher(options.mergeSlashes ?? true);
    this.defaultSubdomain = options.defaultSubdomain ?? "";
    this.strictSlashes = options.strictSlashes ?? true;
    this.redirectDefaults = options.redirectDefaults ?? true;
    this.hostMatching = options.hostMatching ?? false;
    this.converters = { ...Map.defaultConverters, ...(options.converters ?? {}) };
    this.sortParameters = options.sortParameters ?? false;
    this.sortKey = options.sortKey;
    for (const rule of rules) this.add(rule);
  }

  /** Default merge-slashes setting of the rules. */
  get mergeSlashes(): boolean {
    return this.matcher.mergeSlashes;
  }
  set mergeSlashes(value: boolean) {
    this.matcher.mergeSlashes = value;
  }

  /**
   * Adds a rule (or every rule of a factory), binding and compiling it.
   *
   * @param rule The rule.
   * @throws {TypeError} When the rule uses an unknown converter or bad arguments.
   */
  add(rule: Rule | RuleFactory): void {
    const rules: Iterable<Rule> = "getRules" in rule && typeof rule.getRules === "function"
      ? rule.getRules(this)
      : [rule as Rule];
    for (const r of rules) {
      r.bind(this);
      if (!r.buildOnly) this.matcher.add(r);
      let list = this.#rulesByEndpoint.get(r.endpoint);
      if (list === undefined) {
        list = [];
        this.#rulesByEndpoint.set(r.endpoint, list);
      }
      list.push(r);
    }
    this.#remap = true;
  }

  /**
   * Compiles what changed since the last call: orders the matcher's transitions and
   * each endpoint's rules for building. Matching and building call it.
   */
  update(): void {
    if (!this.#remap) return;
    this.matcher.update();
    for (const rules of this.#rulesByEndpoint.values()) {
      rules.sort((a, b) => compareKeys(a.buildCompareKey(), b.buildCompareKey()));
      for (let i = 0; i < rules.length; i++) {
        const rule = rules[i]!;
        rule.defaultProviders = rules.slice(0, i).filter((r) => r.providesDefaultsFor(rule));
        rule.plainMatch = rule.defaults === undefined && !rule.alias &&
          rule.redirectTo === undefined && rule.defaultProviders.length === 0 &&
          rule.converterList.every((c) => c.toValue === BaseConverter.prototype.toValue);
      }
    }
    this.#remap = false;
  }

  /**
   * The rules, all of them or those of one endpoint, in build order per endpoint.
   *
   * @param endpoint Only this endpoint's rules.
   * @returns The rules.
   */
  iterRules(endpoint?: string): Rule[] {
    this.update();
    if (endpoint !== undefined) {
      const rules = this.#rulesByEndpoint.get(endpoint);
      if (rules === undefined) throw new TypeError(`No rules for endpoint ${endpoint}`);
      return [...rules];
    }
    return [...this.#rulesByEndpoint.values()].flat();
  }

  /** The rules of an endpoint in build order (no copy; do not modify). */
  rulesFor(endpoint: string): readonly Rule[] {
    this.update();
    return this.#rulesByEndpoint.get(endpoint) ?? [];
  }

  /**
   * Whether some rule of the endpoint takes all the given arguments.
   *
   * @param endpoint The endpoint.
   * @param args Argument names.
   */
  isEndpointExpecting(endpoint: string, ...args: string[]): boolean {
    for (const rule of this.iterRules(endpoint)) {
      if (args.every((a) => rule.arguments.has(a))) return true;
    }
    return false;
  }

  /**
   * Binds the map to a server name for matching and building.
   *
   * @param serverName The host (with port if not the default), e.g. `"example.com"`.
   * @param options Script name, subdomain, scheme, default method, path and query.
   * @returns The adapter.
   */
  bind(serverName: string, options: BindOptions = {}): MapAdapter {
    let subdomain = options.subdomain;
    if (this.hostMatching) assertNoSubdomain(subdomain);
    else subdomain ??= this.defaultSubdomain;
    return new MapAdapter(
      this,
      this.#normalizeServerName(serverName),
      options.scriptName ?? "/",
      subdomain,
      options.urlScheme ?? "http",
      options.pathInfo ?? "/",
      options.defaultMethod ?? "GET",
      options.queryArgs,
    );
  }

  // One-entry memos: an application binds once per request, nearly always for the same
  // host, so the same normalisations would be repeated on every request.
  #lastServerName = "";
  #lastNormalized = "";
  #lastHost: { scheme: string; header: unknown; name: unknown; port: unknown; host: string } = {
    scheme: "",
    header: undefined,
    name: undefined,
    port: undefined,
    host: "",
  };
  #lastSubdomain = { current: "", real: "", subdomain: "" };

  /** Lower-cases and IDNA-encodes a server name (the port kept). */
  #normalizeServerName(serverName: string): string {
    if (serverName === this.#lastServerName && serverName !== "") return this.#lastNormalized;
    const lower = serverName.toLowerCase();
    const colon = lower.indexOf(":");
    const name = colon === -1 ? lower : lower.slice(0, colon);
    const port = colon === -1 ? "" : lower.slice(colon);
    const normalized = idnaEncode(name) + port;
    this.#lastServerName = serverName;
    this.#lastNormalized = normalized;
    return normalized;
  }

  /** The request's host (Werkzeug's `get_host`), lower-cased. */
  #requestHost(environ: Readonly<Record<string, unknown>>, scheme: string): string {
    const last = this.#lastHost;
    const header = environ.HTTP_HOST;
    const name = environ.SERVER_NAME;
    const port = environ.SERVER_PORT;
    if (
      last.scheme === scheme && last.header === header && last.name === name &&
      last.port === port
    ) {
      return last.host;
    }
    const host = hostFromEnviron(environ, scheme).toLowerCase();
    this.#lastHost = { scheme, header, name, port, host };
    return host;
  }

  /** The subdomain of `current` under `real` (`"<invalid>"` when not under it). */
  #subdomainOf(current: string, real: string): string {
    const last = this.#lastSubdomain;
    if (last.current === current && last.real === real && current !== "") return last.subdomain;
    const currentParts = current.split(".");
    const realParts = real.split(".");
    const offset = currentParts.length - realParts.length;
    const tail = offset >= 0 ? currentParts.slice(offset) : currentParts;
    const subdomain = tail.length !== realParts.length || tail.some((p, i) => p !== realParts[i])
      ? "<invalid>"
      : currentParts.slice(0, offset).filter((p) => p !== "").join(".");
    this.#lastSubdomain = { current, real, subdomain };
    return subdomain;
  }

  /**
   * Binds the map to a request's environ: host, scheme, script name, path, method and
   * query string come from it.
   *
   * @param environ The gateway environ, or a request object holding it as `environ`.
   * @param options The configured server name and/or subdomain.
   * @returns The adapter.
   */
  bindToEnviron(
    source: Readonly<Record<string, unknown>> | { readonly environ: Record<string, unknown> },
    options: BindToEnvironOptions = {},
  ): MapAdapter {
    const environ: Readonly<Record<string, unknown>> =
      !("REQUEST_METHOD" in source) && typeof source.environ === "object" &&
        source.environ !== null
        ? source.environ as Record<string, unknown>
        : source as Readonly<Record<string, unknown>>;
    let scheme = String(environ["wsgi.url_scheme"] ?? "http");
    const wsgiServerName = this.#requestHost(environ, scheme);
    const upgrade = environ.HTTP_UPGRADE;
    if (
      typeof upgrade === "string" && upgrade.toLowerCase() === "websocket" &&
      String(environ.HTTP_CONNECTION ?? "").toLowerCase().split(",").some((v) =>
        v.trim() === "upgrade"
      )
    ) {
      scheme = scheme === "https" ? "wss" : "ws";
    }
    let serverName = options.serverName;
    if (serverName === undefined) {
      serverName = wsgiServerName;
    } else {
      serverName = stripDefaultPort(serverName.toLowerCase(), scheme);
    }
    let subdomain = options.subdomain;
    if (this.hostMatching) assertNoSubdomain(subdomain);
    else subdomain ??= this.#subdomainOf(wsgiServerName, serverName);
    const scriptName = environ.SCRIPT_NAME;
    const pathInfo = environ.PATH_INFO;
    const method = environ.REQUEST_METHOD;
    const query = environ.QUERY_STRING;
    return new MapAdapter(
      this,
      this.#normalizeServerName(serverName),
      scriptName === undefined || scriptName === null ? "/" : String(scriptName),
      subdomain,
      scheme,
      pathInfo === undefined || pathInfo === null ? "/" : String(pathInfo),
      method === undefined || method === null ? "GET" : String(method),
      query === undefined || query === null ? undefined : String(query),
    );
  }
}
