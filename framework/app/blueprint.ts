/**
 * `Blueprint` and `BlueprintSetupState`, as Flask's `sansio/blueprints.py`: routes, hooks and
 * error handlers recorded without an application, then applied to one under the blueprint's
 * name, URL prefix and subdomain when it is registered (and nested blueprints with it).
 *
 * @module
 */
import type { Application } from "./application.ts";
import {
  type AddUrlRuleOptions,
  type AfterRequestFunction,
  type BeforeRequestFunction,
  type ErrorClass,
  type ErrorHandlerFunction,
  type ErrorHandlerSpec,
  Scaffold,
  type TeardownFunction,
  type UrlDefaultFunction,
  type UrlValuePreprocessor,
} from "./scaffold.ts";

/** A function `record()` keeps, called with the setup state at each registration. */
export type DeferredSetupFunction = (state: BlueprintSetupState) => void;

/** Options of {@linkcode Blueprint}: Flask's constructor keywords that apply here. */
export interface BlueprintOptions {
  /** A path put before every rule of the blueprint, such as `/admin`. */
  urlPrefix?: string | null;
  /** The subdomain the blueprint's rules match (needs `SERVER_NAME` and subdomain matching). */
  subdomain?: string | null;
  /** Values every rule of the blueprint gives its view (the rules' `defaults`). */
  urlDefaults?: Record<string, unknown> | null;
}

/**
 * Options of `registerBlueprint()`: they override the blueprint's own settings for this
 * registration. Any other key is kept in `state.options` for `record()` functions.
 */
export interface RegisterBlueprintOptions {
  /** The URL prefix (default: the blueprint's). */
  urlPrefix?: string | null;
  /** The subdomain (default: the blueprint's). */
  subdomain?: string | null;
  /** Values added to the blueprint's own `urlDefaults` for this registration. */
  urlDefaults?: Record<string, unknown>;
  /** The name to register under, to register one blueprint twice (default: its name). */
  name?: string;
  /** The dotted name of the parent blueprint; set by nesting, not by users. */
  namePrefix?: string;
  /** Anything else, for `record()` functions to read from `state.options`. */
  [option: string]: unknown;
}

/** An object with the matched endpoint: a `Request`, or the `request` local. */
export interface HasEndpoint {
  /** The endpoint, or `null` when nothing matched. */
  readonly endpoint: string | null;
}

function stripLeadingDots(name: string): string {
  let i = 0;
  while (name.charCodeAt(i) === 46) i++;
  return i === 0 ? name : name.slice(i);
}

function joinPrefix(prefix: string, path: string): string {
  return prefix.replace(/\/+$/, "") + "/" + path.replace(/^\/+/, "");
}

function appendTo<T>(registry: Map<string | null, T[]>, key: string | null, fn: T): void {
  let list = registry.get(key);
  if (list === undefined) registry.set(key, list = []);
  list.push(fn);
}

function optionalString(value: unknown, what: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") {
    throw new TypeError(`The ${what} must be a string, such as "/admin", or null`);
  }
  return value;
}

function checkName(name: unknown, what: string): string {
  if (typeof name !== "string" || name === "") {
    throw new TypeError(`The ${what} may not be empty: give it a name such as "admin"`);
  }
  if (name.includes(".")) {
    throw new TypeError(
      `The ${what} may not contain a dot (got ${JSON.stringify(name)}): dots join the ` +
        "names of nested blueprints, so use another character",
    );
  }
  return name;
}

/**
 * The name of the blueprint whose view handles a request, as Flask's `request.blueprint`:
 * the endpoint up to its last dot (`"a.b.view"` → `"a.b"`), or `null` when the endpoint has
 * no dot or nothing matched.
 *
 * @param request The request (or anything with its `endpoint`).
 * @returns The blueprint's full dotted name, or `null`.
 *
 * @example Which blueprint answered
 * ```ts
 * import { requestBlueprint } from "@phial/phial";
 * requestBlueprint({ endpoint: "admin.users.list" }); // "admin.users"
 * requestBlueprint({ endpoint: "index" }); // null
 * ```
 */
export function requestBlueprint(request: HasEndpoint): string | null {
  const endpoint = request.endpoint;
  if (endpoint === null) return null;
  const dot = endpoint.lastIndexOf(".");
  return dot === -1 ? null : endpoint.slice(0, dot);
}

/**
 * The names of the request's blueprint and of its parents, innermost first, as Flask's
 * `request.blueprints`: `"a.b.view"` → `["a.b", "a"]`; empty without a blueprint.
 *
 * @param request The request (or anything with its `endpoint`).
 * @returns The full dotted names.
 *
 * @example A nested blueprint's names
 * ```ts
 * import { requestBlueprints } from "@phial/phial";
 * requestBlueprints({ endpoint: "a.b.view" }); // ["a.b", "a"]
 * ```
 */
export function requestBlueprints(request: HasEndpoint): string[] {
  const endpoint = request.endpoint;
  const names: string[] = [];
  if (endpoint === null) return names;
  for (let dot = endpoint.lastIndexOf("."); dot !== -1; dot = endpoint.lastIndexOf(".", dot - 1)) {
    names.push(endpoint.slice(0, dot));
    if (dot === 0) break;
  }
  return names;
}

/**
 * What one registration of a blueprint applies to the app, as Flask's
 * `BlueprintSetupState`: the name, prefix, subdomain and defaults in force, and
 * `addUrlRule`, which puts them on each rule. `record()` functions receive it.
 *
 * @example A record function reading the state
 * ```ts
 * import { Application, Blueprint } from "@phial/phial";
 * const bp = new Blueprint("admin", import.meta.url, { urlPrefix: "/admin" });
 * bp.record((state) => state.addUrlRule("/ping", { endpoint: "ping", view: () => "pong" }));
 * const app = new Application(import.meta.url);
 * app.registerBlueprint(bp);
 * (await app.testClient().get("/admin/ping")).text; // "pong"
 * ```
 */
export class BlueprintSetupState {
  /** The application the blueprint is being registered on. */
  readonly app: Application;
  /** The blueprint. */
  readonly blueprint: Blueprint;
  /** The options given to `registerBlueprint()` (with nesting's additions). */
  readonly options: RegisterBlueprintOptions;
  /** Whether this is the blueprint's first registration on this app. */
  readonly firstRegistration: boolean;
  /** The subdomain rules get, or `null` for the map's default. */
  readonly subdomain: string | null;
  /** The path put before each rule, or `null` for none. */
  readonly urlPrefix: string | null;
  /** The name registered under (before the parents' names). */
  readonly name: string;
  /** The parents' dotted name, or `""`. */
  readonly namePrefix: string;
  /** The values each rule gives its view: the blueprint's, updated with the options'. */
  readonly urlDefaults: Record<string, unknown>;

  /**
   * Works out one registration's settings; `blueprint.makeSetupState()` is the usual way.
   *
   * @param blueprint The blueprint.
   * @param app The application.
   * @param options The registration's options.
   * @param firstRegistration Whether the blueprint is registered on the app for the first time.
   */
  constructor(
    blueprint: Blueprint,
    app: Application,
    options: RegisterBlueprintOptions,
    firstRegistration: boolean,
  ) {
    this.app = app;
    this.blueprint = blueprint;
    this.options = options;
    this.firstRegistration = firstRegistration;
    this.subdomain = optionalString(options.subdomain, "subdomain option") ?? blueprint.subdomain;
    this.urlPrefix = optionalString(options.urlPrefix, "urlPrefix option") ?? blueprint.urlPrefix;
    this.name = options.name ?? blueprint.name;
    this.namePrefix = options.namePrefix ?? "";
    this.urlDefaults = { ...blueprint.urlValues, ...options.urlDefaults };
  }

  /**
   * Adds a rule to the app with the URL prefix, the subdomain and the defaults of this
   * registration; the endpoint gets the blueprint's dotted name before it.
   *
   * @param rule The rule string, relative to the prefix.
   * @param options The endpoint, view, methods and rule options.
   */
  addUrlRule(rule: string, options: AddUrlRuleOptions = {}): void {
    let path = rule;
    if (this.urlPrefix !== null) path = rule ? joinPrefix(this.urlPrefix, rule) : this.urlPrefix;
    const { endpoint: givenEndpoint, defaults: ruleDefaults, subdomain: ruleSubdomain, ...rest } =
      options;
    const endpoint = givenEndpoint ?? (options.view?.name || rule);
    const defaults = ruleDefaults === undefined
      ? this.urlDefaults
      : { ...this.urlDefaults, ...ruleDefaults };
    const subdomain = ruleSubdomain ?? this.subdomain;
    this.app.addUrlRule(path, {
      ...rest,
      endpoint: stripLeadingDots(`${this.namePrefix}.${this.name}.${endpoint}`),
      // Flask passes `{}` too; the routing treats it as no defaults, but keeping it off lets
      // the rule use the matcher's fast path.
      ...(Object.keys(defaults).length === 0 ? {} : { defaults }),
      ...(subdomain === null ? {} : { subdomain }),
    });
  }
}

/**
 * A group of routes, hooks and error handlers to register on an application (Flask's
 * `Blueprint`): it has the app's `route`, `get`/`post`/..., `beforeRequest`,
 * `afterRequest`, `teardownRequest`, `urlValuePreprocessor`, `urlDefaults` and
 * `errorHandler`, which apply to the blueprint's own requests, and `beforeAppRequest` and
 * the other `app...` methods for every request of the app. Its endpoints are
 * `"name.view"`; blueprints nest with `registerBlueprint`.
 *
 * @example An admin section under /admin
 * ```ts
 * import { Application, Blueprint, urlFor } from "@phial/phial";
 * const admin = new Blueprint("admin", import.meta.url, { urlPrefix: "/admin" });
 * admin.route("/", function index() {
 *   return `admin at ${urlFor(".index")}`;
 * });
 * const app = new Application(import.meta.url);
 * app.registerBlueprint(admin);
 * (await app.testClient().get("/admin/")).text; // "admin at /admin/"
 * ```
 */
export class Blueprint extends Scaffold {
  /** The name, put before each endpoint (`"admin.index"`); no dots. */
  readonly name: string;
  /** The path put before each rule, or `null`. */
  urlPrefix: string | null;
  /** The subdomain the rules match, or `null` for the app's default. */
  subdomain: string | null;
  /** The values each rule gives its view (the `urlDefaults` option; Flask's `url_values_defaults`). */
  urlValues: Record<string, unknown>;
  /** The functions `record()` kept, run at each registration. */
  readonly deferredFunctions: DeferredSetupFunction[] = [];
  readonly #blueprints: [Blueprint, RegisterBlueprintOptions][] = [];
  #gotRegisteredOnce = false;

  /**
   * Creates a blueprint.
   *
   * @param name Its name: non-empty, without dots.
   * @param importName The defining module, `import.meta.url`.
   * @param options URL prefix, subdomain and URL defaults.
   * @throws {TypeError} For an empty name, or one with a dot.
   */
  constructor(name: string, importName: string, options: BlueprintOptions = {}) {
    super(importName);
    this.name = checkName(name, "name of a blueprint");
    this.urlPrefix = optionalString(options.urlPrefix, "urlPrefix option");
    this.subdomain = optionalString(options.subdomain, "subdomain option");
    const defaults = options.urlDefaults ?? {};
    if (typeof defaults !== "object") {
      throw new TypeError("The urlDefaults option must be an object of values");
    }
    this.urlValues = defaults;
  }

  /**
   * Refuses setup methods once the blueprint is registered: what they would add could not
   * reach the apps it is registered on.
   *
   * @param method The setup method's name.
   * @throws {TypeError} When the blueprint was registered already.
   */
  protected override checkSetupFinished(method: string): void {
    if (!this.#gotRegisteredOnce) return;
    throw new TypeError(
      `The setup method '${method}' can no longer be called on the blueprint '${this.name}'. ` +
        "It has already been registered at least once, any changes will not be applied " +
        "consistently. Make sure everything needed to set up the blueprint is done before " +
        "registering it.",
    );
  }

  /**
   * Keeps `fn` to call with the setup state whenever the blueprint is registered.
   *
   * @param fn The function.
   */
  record(fn: DeferredSetupFunction): void {
    this.checkSetupFinished("record");
    if (typeof fn !== "function") throw new TypeError("record(fn) needs a function");
    this.deferredFunctions.push(fn);
  }

  /**
   * `record()`, but `fn` runs on the blueprint's first registration on an app only.
   *
   * @param fn The function.
   */
  recordOnce(fn: DeferredSetupFunction): void {
    this.checkSetupFinished("recordOnce");
    if (typeof fn !== "function") throw new TypeError("recordOnce(fn) needs a function");
    this.record((state) => {
      if (state.firstRegistration) fn(state);
    });
  }

  /**
   * The setup state for one registration (override to return a subclass).
   *
   * @param app The application.
   * @param options The registration's options.
   * @param firstRegistration Whether this is the blueprint's first registration on `app`.
   * @returns The state.
   */
  makeSetupState(
    app: Application,
    options: RegisterBlueprintOptions,
    firstRegistration: boolean = false,
  ): BlueprintSetupState {
    return new BlueprintSetupState(this, app, options, firstRegistration);
  }

  /**
   * Nests a blueprint in this one: it is registered with this one, its name after this
   * one's (`"parent.child.view"`), its URL prefix after this one's and its subdomain before
   * this one's.
   *
   * @param blueprint The blueprint to nest.
   * @param options Overrides of its settings, as for `app.registerBlueprint`.
   * @throws {TypeError} When `blueprint` is this blueprint.
   */
  registerBlueprint(blueprint: Blueprint, options: RegisterBlueprintOptions = {}): void {
    this.checkSetupFinished("registerBlueprint");
    if (!(blueprint instanceof Blueprint)) {
      throw new TypeError("registerBlueprint(blueprint) needs a Blueprint");
    }
    if (blueprint === this) throw new TypeError("Cannot register a blueprint on itself");
    this.#blueprints.push([blueprint, options]);
  }

  /**
   * Applies the blueprint to an app, as Flask's `register` (called by
   * `app.registerBlueprint`): records it in `app.blueprints` under its dotted name, copies
   * its hooks and error handlers into the app's registries under that name, runs the
   * recorded functions (which add the rules), then registers the nested blueprints.
   *
   * @param app The application.
   * @param options The registration's options.
   * @throws {TypeError} When the name is registered already (pass another `name`).
   */
  register(app: Application, options: RegisterBlueprintOptions): void {
    const namePrefix = options.namePrefix ?? "";
    const selfName = options.name === undefined
      ? this.name
      : checkName(options.name, "name option of registerBlueprint");
    const name = stripLeadingDots(`${namePrefix}.${selfName}`);
    const existing = app.blueprints[name];
    if (existing !== undefined) {
      const which = existing === this ? "this" : "a different";
      const at = selfName === name ? "" : ` '${name}'`;
      throw new TypeError(
        `The name '${selfName}' is already registered for ${which} blueprint${at}. ` +
          "Use the name option to provide a unique name.",
      );
    }
    let firstRegistration = true;
    for (const key in app.blueprints) {
      if (app.blueprints[key] === this) firstRegistration = false;
    }
    app.blueprints[name] = this;
    this.#gotRegisteredOnce = true;
    const state = this.makeSetupState(app, options, firstRegistration);
    // Flask merges on a first registration of the blueprint or of the name; the check above
    // makes every registration reaching here the name's first.
    this.#mergeBlueprintFuncs(app, name);
    for (const deferred of this.deferredFunctions) deferred(state);

    for (const [blueprint, given] of this.#blueprints) {
      const bpOptions: RegisterBlueprintOptions = { ...given };
      const bpSubdomain = optionalString(given.subdomain, "subdomain option") ??
        blueprint.subdomain;
      if (state.subdomain !== null && bpSubdomain !== null) {
        bpOptions.subdomain = `${bpSubdomain}.${state.subdomain}`;
      } else if (bpSubdomain !== null) {
        bpOptions.subdomain = bpSubdomain;
      } else if (state.subdomain !== null) {
        bpOptions.subdomain = state.subdomain;
      }
      const bpUrlPrefix = optionalString(given.urlPrefix, "urlPrefix option") ??
        blueprint.urlPrefix;
      if (state.urlPrefix !== null && bpUrlPrefix !== null) {
        bpOptions.urlPrefix = joinPrefix(state.urlPrefix, bpUrlPrefix);
      } else if (bpUrlPrefix !== null) {
        bpOptions.urlPrefix = bpUrlPrefix;
      } else if (state.urlPrefix !== null) {
        bpOptions.urlPrefix = state.urlPrefix;
      }
      bpOptions.namePrefix = name;
      blueprint.register(app, bpOptions);
    }
  }

  #mergeBlueprintFuncs(app: Application, name: string): void {
    const scope = (key: string | null): string => key === null ? name : `${name}.${key}`;
    for (const [key, spec] of this.errorHandlerSpec) {
      const copy: ErrorHandlerSpec = new Map();
      for (const [code, byClass] of spec) copy.set(code, new Map(byClass));
      app.errorHandlerSpec.set(scope(key), copy);
    }
    for (const endpoint in this.viewFunctions) {
      app.viewFunctions[endpoint] = this.viewFunctions[endpoint]!;
    }
    const extend = <T>(
      from: Map<string | null, T[]>,
      to: Map<string | null, T[]>,
    ): void => {
      for (const [key, fns] of from) for (const fn of fns) appendTo(to, scope(key), fn);
    };
    extend(this.beforeRequestFuncs, app.beforeRequestFuncs);
    extend(this.afterRequestFuncs, app.afterRequestFuncs);
    extend(this.teardownRequestFuncs, app.teardownRequestFuncs);
    extend(this.urlDefaultFunctions, app.urlDefaultFunctions);
    extend(this.urlValuePreprocessors, app.urlValuePreprocessors);
  }

  /**
   * Records a rule to add at registration, with the prefix, subdomain and defaults then in
   * force; its endpoint becomes `"<blueprint>.<endpoint>"`.
   *
   * A view without a name gets its rule string as endpoint, as on the app (Flask has no
   * anonymous views); a rule with a dot (`/robots.txt`) then needs an `endpoint` option.
   *
   * @param rule The rule string, relative to the URL prefix.
   * @param options The endpoint, view, methods and rule options.
   * @throws {TypeError} When the endpoint (or the view's name) has a dot.
   */
  addUrlRule(rule: string, options: AddUrlRuleOptions = {}): void {
    this.checkSetupFinished("addUrlRule");
    const { endpoint, view } = options;
    if (view !== undefined && typeof view !== "function") {
      throw new TypeError(`The view for ${JSON.stringify(rule)} must be a function`);
    }
    if (endpoint !== undefined && endpoint.includes(".")) {
      throw new TypeError(
        `An endpoint may not contain a dot (got ${JSON.stringify(endpoint)}): the ` +
          "blueprint's name and a dot are put before it",
      );
    }
    if (endpoint === undefined) {
      if (view?.name?.includes(".")) {
        throw new TypeError(
          `A view's name may not contain a dot (got ${JSON.stringify(view.name)}): ` +
            "give an endpoint option",
        );
      }
      if (!view?.name && rule.includes(".")) {
        throw new TypeError(
          `The anonymous view for ${JSON.stringify(rule)} would get the rule as endpoint, ` +
            "which may not contain a dot in a blueprint: give an endpoint option",
        );
      }
    }
    const copy = { ...options };
    this.record((state) => state.addUrlRule(rule, copy));
  }

  /**
   * `beforeRequest` for every request of the app, not only the blueprint's.
   *
   * @param fn The function.
   * @returns It.
   */
  beforeAppRequest<F extends BeforeRequestFunction>(fn: F): F {
    return this.#recordAppHook("beforeAppRequest", fn, (app) => app.beforeRequestFuncs);
  }

  /**
   * `afterRequest` for every request of the app, not only the blueprint's.
   *
   * @param fn The function.
   * @returns It.
   */
  afterAppRequest<F extends AfterRequestFunction>(fn: F): F {
    return this.#recordAppHook("afterAppRequest", fn, (app) => app.afterRequestFuncs);
  }

  /**
   * `teardownRequest` for every request of the app, not only the blueprint's.
   *
   * @param fn The function.
   * @returns It.
   */
  teardownAppRequest<F extends TeardownFunction>(fn: F): F {
    return this.#recordAppHook("teardownAppRequest", fn, (app) => app.teardownRequestFuncs);
  }

  /**
   * `urlValuePreprocessor` for every request of the app, not only the blueprint's.
   *
   * @param fn The function.
   * @returns It.
   */
  appUrlValuePreprocessor<F extends UrlValuePreprocessor>(fn: F): F {
    return this.#recordAppHook(
      "appUrlValuePreprocessor",
      fn,
      (app) => app.urlValuePreprocessors,
    );
  }

  /**
   * `urlDefaults` for every URL the app builds, not only the blueprint's.
   *
   * @param fn The function.
   * @returns It.
   */
  appUrlDefaults<F extends UrlDefaultFunction>(fn: F): F {
    return this.#recordAppHook("appUrlDefaults", fn, (app) => app.urlDefaultFunctions);
  }

  /**
   * `errorHandler` for errors of every request of the app, not only the blueprint's.
   *
   * @param codeOrClass A status code, or an error class.
   * @param fn The handler.
   * @returns The handler.
   */
  appErrorHandler<F extends ErrorHandlerFunction>(codeOrClass: number | ErrorClass, fn: F): F {
    this.checkSetupFinished("appErrorHandler");
    Scaffold.errorHandlerKey(codeOrClass); // fail now on a bad code, not at registration
    if (typeof fn !== "function") {
      throw new TypeError("appErrorHandler(codeOrClass, fn) needs a function to handle the error");
    }
    this.recordOnce((state) => state.app.registerErrorHandler(codeOrClass, fn));
    return fn;
  }

  #recordAppHook<T, F extends T>(
    what: string,
    fn: F,
    registry: (app: Application) => Map<string | null, T[]>,
  ): F {
    this.checkSetupFinished(what);
    if (typeof fn !== "function") throw new TypeError(`${what}(fn) needs a function`);
    this.recordOnce((state) => appendTo(registry(state.app), null, fn));
    return fn;
  }
}
