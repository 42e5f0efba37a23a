/**
 * `Application`: Flask's `Flask` class for phial. `wsgiApp` is the gateway application the
 * servers call, and it reads as the seed article walks through Flask: push the request
 * context, `fullDispatchRequest` (before-request hooks, `dispatchRequest`, the view),
 * `makeResponse`, `processResponse`, and the response called as a gateway app.
 *
 * @module
 */
import type { Body, Environ, StartResponse } from "../gateway/types.ts";
import { reportError } from "../gateway/report_error.ts";
import {
  BadRequest,
  BadRequestKeyError,
  HTTPException,
  InternalServerError,
  type ResponseLike,
} from "../http/exceptions.ts";
import { urlQuote } from "../http/urls.ts";
import { Map as UrlMap } from "../routing/map.ts";
import type { MapAdapter } from "../routing/map_adapter.ts";
import { RequestRedirect } from "../routing/exceptions.ts";
import { Rule } from "../routing/rule.ts";
import {
  Client,
  type ClientOptions,
  type ClientRequestOptions,
  type TestResponse,
} from "../wrappers/client.ts";
import { EnvironBuilder, type EnvironBuilderOptions } from "../wrappers/environ_builder.ts";
import { Request } from "../wrappers/request.ts";
import { Response } from "../wrappers/response.ts";
import { Config, DEFAULT_CONFIG } from "./config.ts";
import { AppContext, AppCtxGlobals, RequestContext } from "./ctx.ts";
import { currentAppContext, currentRequestContext } from "./globals.ts";
import { DefaultJSONProvider, type JSONProvider } from "./json_provider.ts";
import { viewReturnToResponse } from "./make_response.ts";
import { type AddUrlRuleOptions, type ErrorHandlerFunction, Scaffold } from "./scaffold.ts";
import { SecureCookieSessionInterface, type SessionInterface } from "./session_interface.ts";
import {
  appcontextTearingDown,
  gotRequestException,
  requestFinished,
  requestStarted,
  requestTearingDown,
} from "./signals.ts";
import { redirectResponse } from "./redirect_response.ts";
import {
  type Blueprint,
  type RegisterBlueprintOptions,
  requestBlueprint,
  requestBlueprints,
} from "./blueprint.ts";
import { isThenable } from "../gateway/is_thenable.ts";

/** A `teardownAppcontext` function: gets the error that ended the context, or `null`. */
export type TeardownAppcontextFunction = (error: unknown) => unknown;

/** Options of {@linkcode Application}: Flask's constructor arguments that apply here. */
export interface ApplicationOptions {
  /** The folder relative paths in the config resolve against (default: the module's). */
  rootPath?: string;
  /** Match rules against the whole host (`Rule`'s `host` option), as Flask's `host_matching`. */
  hostMatching?: boolean;
  /** Match subdomains against `SERVER_NAME`, as Flask's `subdomain_matching`. */
  subdomainMatching?: boolean;
}

/** Options of {@linkcode Application.urlFor}: Flask's underscore keywords. */
export interface UrlForOptions {
  /** An absolute URL (default: only outside a request, or with `scheme`). */
  external?: boolean;
  /** A fragment to append (`#...`), quoted. */
  anchor?: string;
  /** The method the rule must accept. */
  method?: string;
  /** The scheme of an external URL. */
  scheme?: string;
}

const NO_VALUES: Record<string, unknown> = Object.freeze({});

const ABSOLUTE_URL_RE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** The scopes whose hooks run for a request, in the two orders Flask uses. */
interface Scopes {
  /** The app, then the blueprints outermost first (`preprocessRequest`'s order). */
  readonly appFirst: readonly (string | null)[];
  /** The blueprints innermost first, then the app (after-request, teardown, errors). */
  readonly appLast: readonly (string | null)[];
}

/** A request without a blueprint: shared, so the common case allocates nothing. */
const APP_SCOPES: Scopes = Object.freeze({
  appFirst: Object.freeze([null]),
  appLast: Object.freeze([null]),
});

const NO_FUNCTIONS: readonly never[] = Object.freeze([]);

/** Whether any of the scopes has a function registered in `registry`. */
function anyRegistered(
  registry: ReadonlyMap<string | null, readonly unknown[]>,
  scopes: readonly (string | null)[],
): boolean {
  if (registry.size === 0) return false;
  for (const name of scopes) {
    const fns = registry.get(name);
    if (fns !== undefined && fns.length !== 0) return true;
  }
  return false;
}

function moduleName(importName: string): string {
  const path = importName.replace(/[?#].*$/, "");
  const last = path.slice(path.lastIndexOf("/") + 1);
  return last.replace(/\.[cm]?[jt]sx?$/, "") || importName;
}

function moduleFolder(importName: string): string {
  if (!importName.startsWith("file:")) return Deno.cwd();
  const path = decodeURIComponent(new URL(importName).pathname);
  return path.slice(0, path.lastIndexOf("/")) || "/";
}

/**
 * The application's default request class, as Flask's own `Request`: a body that is not
 * valid JSON is a plain 400 unless the app is in debug mode, which keeps the parser's
 * message in the error page.
 */
class AppRequest extends Request {
  override onJsonLoadingFailed(error: Error | null): unknown {
    try {
      return super.onJsonLoadingFailed(error);
    } catch (failure) {
      if (!(failure instanceof BadRequest) || currentAppContext()?.app.debug) throw failure;
      throw new BadRequest(undefined, undefined);
    }
  }
}

/**
 * The application's default response class, as Flask's own `Response`: made inside an
 * application context, its `maxCookieSize` is that app's `MAX_COOKIE_SIZE`.
 */
class AppResponse extends Response {
  override maxCookieSize: number = appMaxCookieSize();
}

function appMaxCookieSize(): number {
  const size = currentAppContext()?.app.config.MAX_COOKIE_SIZE;
  return typeof size === "number" ? size : 4093;
}

/**
 * A Flask-style application.
 *
 * @example The seed article's hello, as a Flask app
 * ```ts
 * import { Application } from "@phial/phial";
 * const app = new Application(import.meta.url);
 * app.route("/", () => "<h1>Hello, web!</h1>");
 * app.route("/user/<int:id>", ({ id }) => ({ id }), { methods: ["GET", "POST"] });
 * const response = await app.testClient().get("/user/42");
 * response.json; // { id: 42 }
 * ```
 */
export class Application extends Scaffold {
  /** The app's name: its module's file name without extension. */
  readonly name: string;
  /** The settings, with Flask's defaults (`DEBUG`, `SECRET_KEY`, `MAX_CONTENT_LENGTH`...). */
  readonly config: Config;
  /** The URL map every route is added to. */
  readonly urlMap: UrlMap;
  /** Turns JSON into responses and back (`app.json.dumps`, `jsonify`). */
  json: JSONProvider;
  /** Opens and saves the session (a signed cookie by default). */
  sessionInterface: SessionInterface;
  /** The request class made for each request. */
  requestClass: typeof Request = AppRequest;
  /**
   * The response class views' return values become: a `Response` whose `maxCookieSize`
   * is the app's `MAX_COOKIE_SIZE` when made in its context (Flask's `Response`).
   */
  responseClass: typeof Response = AppResponse;
  /** The class of `g`. */
  appCtxGlobalsClass: typeof AppCtxGlobals = AppCtxGlobals;
  /** Match subdomains against `SERVER_NAME`. */
  subdomainMatching: boolean;
  /** `beforeFirstRequest` functions, run once before the first request. */
  readonly beforeFirstRequestFuncs: (() => unknown)[] = [];
  /** `teardownAppcontext` functions, run when an application context ends. */
  readonly teardownAppcontextFuncs: TeardownAppcontextFunction[] = [];
  /** Whether a request has been handled yet. */
  gotFirstRequest = false;
  /** The registered blueprints by full dotted name (`"parent.child"`), in registration order. */
  readonly blueprints: Record<string, Blueprint> = Object.create(null);
  /** The rules that answer `OPTIONS` themselves. */
  readonly #automaticOptions = new WeakSet<Rule>();
  #firstRequest: Promise<void> | null = null;
  /** Scopes by matched endpoint (bounded by the URL map's endpoints). */
  readonly #scopesByEndpoint = new Map<string, Scopes>();

  /**
   * Creates an application.
   *
   * @param importName The defining module, `import.meta.url` (names the app and sets its
   *   root folder), or a name.
   * @param options Root folder and host/subdomain matching.
   */
  constructor(importName: string, options: ApplicationOptions = {}) {
    super(importName);
    this.name = moduleName(importName);
    this.config = new Config(options.rootPath ?? moduleFolder(importName), DEFAULT_CONFIG);
    this.urlMap = new UrlMap([], { hostMatching: options.hostMatching ?? false });
    this.subdomainMatching = options.subdomainMatching ?? false;
    this.json = new DefaultJSONProvider({ debug: () => this.debug });
    this.sessionInterface = new SecureCookieSessionInterface();
    // Bound, as Python's bound method: `app.wsgiApp = new ProxyFix(app.wsgiApp)` works.
    this.wsgiApp = this.wsgiApp.bind(this);
  }

  /** `config.DEBUG`. */
  get debug(): boolean {
    return this.config.DEBUG === true;
  }
  set debug(value: boolean) {
    this.config.DEBUG = value;
  }

  /** `config.TESTING`: errors propagate to the test instead of becoming 500s. */
  get testing(): boolean {
    return this.config.TESTING === true;
  }
  set testing(value: boolean) {
    this.config.TESTING = value;
  }

  /** `config.SECRET_KEY`, which signs the session cookie. */
  get secretKey(): string | Uint8Array | null {
    return (this.config.SECRET_KEY ?? null) as string | Uint8Array | null;
  }
  set secretKey(value: string | Uint8Array | null) {
    this.config.SECRET_KEY = value;
  }

  /** `config.PERMANENT_SESSION_LIFETIME`, in seconds. */
  get permanentSessionLifetime(): number {
    return this.config.PERMANENT_SESSION_LIFETIME as number;
  }
  set permanentSessionLifetime(seconds: number) {
    this.config.PERMANENT_SESSION_LIFETIME = seconds;
  }

  /**
   * Registers a rule, as Flask's `add_url_rule`: the endpoint defaults to the view's name
   * (an anonymous view's endpoint is the rule string), methods to `["GET"]`, and `OPTIONS`
   * is answered automatically unless the methods name it or `PROVIDE_AUTOMATIC_OPTIONS` is
   * off. As in Flask, a view's own `provideAutomaticOptions` property (a boolean) decides
   * when the option is not given.
   *
   * @param rule The rule string.
   * @param options The endpoint, view, methods and rule options.
   * @throws {TypeError} When another view already has the endpoint, or methods is a string.
   */
  addUrlRule(rule: string, options: AddUrlRuleOptions = {}): void {
    const {
      view,
      endpoint: givenEndpoint,
      methods: givenMethods,
      provideAutomaticOptions,
      ...rest
    } = options;
    if (view !== undefined && typeof view !== "function") {
      throw new TypeError(`The view for ${JSON.stringify(rule)} must be a function`);
    }
    const endpoint = givenEndpoint ?? (view?.name || rule);
    if (typeof givenMethods === "string") {
      throw new TypeError(
        'Allowed methods must be a list of strings, for example: { methods: ["POST"] }',
      );
    }
    const methods = new Set([...(givenMethods ?? ["GET"])].map((m) => String(m).toUpperCase()));
    let automatic = provideAutomaticOptions;
    if (automatic === undefined) {
      // Flask's view attribute: `index.provideAutomaticOptions = false` before routing it.
      const fromView = (view as { provideAutomaticOptions?: unknown } | undefined)
        ?.provideAutomaticOptions;
      if (typeof fromView === "boolean") automatic = fromView;
    }
    if (automatic === undefined) {
      automatic = !methods.has("OPTIONS") && this.config.PROVIDE_AUTOMATIC_OPTIONS !== false;
    }
    if (automatic) methods.add("OPTIONS");
    const ruleObject = new Rule(rule, { ...rest, endpoint, methods });
    if (view !== undefined) {
      const existing = this.viewFunctions[endpoint];
      if (existing !== undefined && existing !== view) {
        throw new TypeError(
          `View function mapping is overwriting an existing endpoint function: ${endpoint} ` +
            "(give the view a unique endpoint option)",
        );
      }
    }
    this.urlMap.add(ruleObject);
    if (automatic) this.#automaticOptions.add(ruleObject);
    if (view !== undefined) this.viewFunctions[endpoint] = view;
  }

  /**
   * Runs `fn` once, before the first request is handled (`beforeFirstRequest`).
   *
   * @param fn The function.
   * @returns It.
   */
  beforeFirstRequest<F extends () => unknown>(fn: F): F {
    if (typeof fn !== "function") throw new TypeError("beforeFirstRequest(fn) needs a function");
    this.beforeFirstRequestFuncs.push(fn);
    return fn;
  }

  /**
   * Runs `fn` whenever an application context ends (every request's, too).
   *
   * @param fn The function; it gets the error that ended the context, or `null`.
   * @returns It.
   */
  teardownAppcontext<F extends TeardownAppcontextFunction>(fn: F): F {
    if (typeof fn !== "function") throw new TypeError("teardownAppcontext(fn) needs a function");
    this.teardownAppcontextFuncs.push(fn);
    return fn;
  }

  /**
   * Registers a blueprint on the app (Flask's `register_blueprint`): its rules, hooks and
   * error handlers, and those of the blueprints nested in it.
   *
   * @param blueprint The blueprint.
   * @param options `urlPrefix`, `subdomain` and `urlDefaults` to use instead of the
   *   blueprint's, `name` to register it under another name, and anything `record()`
   *   functions read.
   * @throws {TypeError} When the name is registered already.
   *
   * @example An API blueprint under /api/v1
   * ```ts
   * import { Application, Blueprint } from "@phial/phial";
   * const api = new Blueprint("api", import.meta.url);
   * api.get("/status", function status() {
   *   return { ok: true };
   * });
   * const app = new Application(import.meta.url);
   * app.registerBlueprint(api, { urlPrefix: "/api/v1" });
   * (await app.testClient().get("/api/v1/status")).json; // { ok: true }
   * ```
   */
  registerBlueprint(blueprint: Blueprint, options: RegisterBlueprintOptions = {}): void {
    this.checkSetupFinished("registerBlueprint");
    if (typeof blueprint?.register !== "function") {
      throw new TypeError("registerBlueprint(blueprint) needs a Blueprint");
    }
    blueprint.register(this, options);
  }

  /**
   * The registered blueprints, in registration order (Flask's `iter_blueprints`).
   *
   * @returns Them.
   */
  iterBlueprints(): Blueprint[] {
    return Object.values(this.blueprints);
  }

  // --- contexts ------------------------------------------------------------------------

  /**
   * A new application context (`with app.app_context():` is `await app.appContext().run(fn)`).
   *
   * @returns The context.
   */
  appContext(): AppContext {
    return new AppContext(this);
  }

  /**
   * A new request context for an environ.
   *
   * @param environ The environ.
   * @returns The context.
   */
  requestContext(environ: Environ): RequestContext {
    return new RequestContext(this, environ);
  }

  /**
   * A request context for a request built with `EnvironBuilder`'s options, for tests:
   * `await app.testRequestContext("/?q=1").run(() => request.args.get("q"))`.
   *
   * @param path The path (and query).
   * @param options `EnvironBuilder`'s options (method, headers, data, json, ...), plus
   *   `subdomain` (put before `SERVER_NAME`, as Flask's). A `json` body is serialized
   *   with the app's JSON provider (`app.json`), as Flask's test requests are.
   * @returns The context.
   */
  testRequestContext(
    path: string = "/",
    options: EnvironBuilderOptions & { subdomain?: string } = {},
  ): RequestContext {
    const { subdomain: _, ...builderOptions } = this.#withBaseUrl(path, options);
    return this.requestContext(new EnvironBuilder(path, builderOptions).getEnviron());
  }

  /**
   * Flask's test default: without a `baseUrl`, `host` or absolute URL, requests go to
   * `SERVER_NAME` (else `localhost`) under `APPLICATION_ROOT`, with `PREFERRED_URL_SCHEME`.
   */
  #withBaseUrl<O extends EnvironBuilderOptions & { subdomain?: string }>(
    path: string,
    options: O,
  ): O {
    if (options.json !== undefined && options.data === undefined) {
      // Serialized with the app's provider (its `ensureAscii`, `sortKeys`...), as Flask's.
      const { json, ...rest } = options;
      const headers = new Headers(options.headers as HeadersInit | undefined);
      options = {
        ...rest,
        data: this.json.dumps(json),
        contentType: options.contentType ??
          (headers.has("content-type") ? undefined : "application/json"),
      } as O;
    }
    if (
      options.baseUrl !== undefined || options.host !== undefined || ABSOLUTE_URL_RE.test(path)
    ) {
      return options;
    }
    const config = this.config;
    let host = (config.SERVER_NAME as string | null) || "localhost";
    if (options.subdomain) host = `${options.subdomain}.${host}`;
    const root = String(config.APPLICATION_ROOT ?? "/").replace(/^\/+/, "");
    const scheme = options.urlScheme ?? options.scheme ??
      ((config.PREFERRED_URL_SCHEME as string | null) || "http");
    return { ...options, subdomain: undefined, baseUrl: `${scheme}://${host}/${root}` };
  }

  /**
   * A test client that runs requests through `wsgiApp` with no socket, with a cookie jar.
   * As Flask's, a request without a `baseUrl` or `host` goes to `SERVER_NAME` (else
   * `localhost`) under `APPLICATION_ROOT`, read when it is sent; `subdomain` goes before
   * that host, and a `json` body is serialized with `app.json`. As Flask's client, every
   * request has `client.environBase` under it: `REMOTE_ADDR` `127.0.0.1` and
   * `HTTP_USER_AGENT` `phial` (Flask's says `Werkzeug/<version>`; phial's names itself),
   * changed by `options.environBase` or by setting keys of `client.environBase`, and put
   * under an `EnvironBuilder` or environ given to `open()` too.
   *
   * @param options Client options (`followRedirects`, `environBase`...).
   * @returns The client.
   */
  testClient(options: ClientOptions = {}): Client {
    const withBaseUrl = (target: string, requestOptions: ClientRequestOptions) =>
      this.#withBaseUrl(target, requestOptions);
    return new (class AppClient extends Client {
      override open(
        target: string | EnvironBuilder | Environ = "/",
        requestOptions: ClientRequestOptions = {},
      ): Promise<TestResponse> {
        if (typeof target === "string") {
          requestOptions = withBaseUrl(target, requestOptions);
        } else {
          const environ = target instanceof EnvironBuilder ? target.getEnviron() : target;
          target = { ...this.environBase, ...environ } as Environ;
        }
        return super.open(target, requestOptions);
      }
    })(this, {
      ...options,
      environBase: { REMOTE_ADDR: "127.0.0.1", HTTP_USER_AGENT: "phial", ...options.environBase },
    });
  }

  /**
   * The request object for an environ, with the app's body limits
   * (`MAX_CONTENT_LENGTH`, `MAX_FORM_MEMORY_SIZE`, `MAX_FORM_PARTS`, `TRUSTED_HOSTS`).
   *
   * @param environ The environ.
   * @returns The request.
   */
  makeRequest(environ: Environ): Request {
    const config = this.config;
    return new this.requestClass(environ, {
      maxContentLength: config.MAX_CONTENT_LENGTH as number | null,
      maxFormMemorySize: config.MAX_FORM_MEMORY_SIZE as number | null,
      maxFormParts: config.MAX_FORM_PARTS as number | null,
      trustedHosts: config.TRUSTED_HOSTS as string[] | null,
      // request.getJson() parses with the app's JSON provider, as Flask's request does.
      jsonModule: this.json,
    });
  }

  /**
   * The URL adapter for a request (bound to its environ), or without one (bound to
   * `SERVER_NAME`, `APPLICATION_ROOT` and `PREFERRED_URL_SCHEME` when `SERVER_NAME` is set).
   *
   * @param request The request, or `null`.
   * @returns The adapter, or `null` without a request and without `SERVER_NAME`.
   */
  createUrlAdapter(request: Request | null): MapAdapter | null {
    const serverName = (this.config.SERVER_NAME ?? null) as string | null;
    if (request !== null) {
      // An untrusted Host is a 400 (SecurityError), which becomes the routing error.
      if (request.trustedHosts !== null) void request.host;
      const subdomain = this.urlMap.hostMatching || this.subdomainMatching
        ? undefined
        : (this.urlMap.defaultSubdomain || "");
      // Under host matching SERVER_NAME is not passed: the request's own host is matched.
      // (bindToEnviron reads an undefined option as a missing one.)
      return this.urlMap.bindToEnviron(request.environ, {
        serverName: serverName === null || this.urlMap.hostMatching ? undefined : serverName,
        subdomain,
      });
    }
    if (serverName === null) return null;
    return this.urlMap.bind(serverName, {
      scriptName: (this.config.APPLICATION_ROOT ?? "/") as string,
      urlScheme: (this.config.PREFERRED_URL_SCHEME ?? "http") as string,
    });
  }

  // --- the pipeline --------------------------------------------------------------------

  /**
   * The gateway application, as Flask's `wsgi_app`: makes the request context, runs
   * `fullDispatchRequest` in it (or `handleException` when that fails), pops the context,
   * and calls the response as a gateway app. Wrap it for middleware:
   * `app.wsgiApp = new ProxyFix(app.wsgiApp)`.
   *
   * @param environ The request.
   * @param startResponse Begins the response.
   * @returns The response body.
   */
  wsgiApp(environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
    const ctx = this.requestContext(environ);
    // Promise-free until something in the pipeline gives a promise (see `#respond`).
    return ctx.run(() => this.#respond(ctx, environ, startResponse), { open: false, sync: true });
  }

  /** `wsgiApp` inside the request context: each step is awaited only when it gave a promise. */
  #respond(
    ctx: RequestContext,
    environ: Environ,
    startResponse: StartResponse,
  ): Body | Promise<Body> {
    let response: ResponseLike | PromiseLike<ResponseLike>;
    try {
      // Opening the session and matching the URL can fail too: a 500, as in Flask.
      const opened = ctx.open();
      response = opened === undefined
        ? this.fullDispatchRequest()
        : opened.then(() => this.fullDispatchRequest());
    } catch (error) {
      return this.#answerError(ctx, error, environ, startResponse);
    }
    if (isThenable(response)) {
      return Promise.resolve(response).then(
        (answer) => answer.wsgiApp(environ, startResponse),
        (error: unknown) => this.#answerError(ctx, error, environ, startResponse),
      );
    }
    return response.wsgiApp(environ, startResponse);
  }

  async #answerError(
    ctx: RequestContext,
    error: unknown,
    environ: Environ,
    startResponse: StartResponse,
  ): Promise<Body> {
    // The teardown functions get the error even though it is answered.
    ctx.handledError = error;
    const response = await this.handleException(error);
    return await response.wsgiApp(environ, startResponse);
  }

  /**
   * Dispatches the request with its hooks, as Flask's `full_dispatch_request`: the first
   * request's functions, `requestStarted`, `preprocessRequest`, then `dispatchRequest`;
   * errors go to `handleUserException`; the result goes through `finalizeRequest`.
   *
   * Once the first request's functions have run, nothing is awaited unless a step gives a
   * promise (an async hook or view, a session to open or save): then the response comes
   * synchronously. Await it either way.
   *
   * @returns The response, or a promise of it.
   */
  fullDispatchRequest(): Response | Promise<Response> {
    if (!this.gotFirstRequest) return this.#fullDispatchFrom(0, undefined);
    let rv: unknown;
    try {
      if (requestStarted.receivers !== 0) requestStarted.send(this);
      rv = this.preprocessRequest();
      if (isThenable(rv)) return this.#fullDispatchFrom(1, rv);
      if (rv === undefined || rv === null) {
        rv = this.dispatchRequest();
        if (isThenable(rv)) return this.#fullDispatchFrom(2, rv);
      }
    } catch (error) {
      rv = this.handleUserException(error);
      if (isThenable(rv)) return this.#finalizeFrom(rv);
    }
    return this.finalizeRequest(rv);
  }

  /** `fullDispatchRequest`'s end once the error handler gave a promise. */
  async #finalizeFrom(handled: PromiseLike<unknown>): Promise<Response> {
    return await this.finalizeRequest(await handled);
  }

  /**
   * `fullDispatchRequest` from where it first had to wait: 0 from the start, 1 for the
   * before-request result `pending`, 2 for the view's.
   */
  async #fullDispatchFrom(step: 0 | 1 | 2, pending: unknown): Promise<Response> {
    let rv: unknown;
    try {
      if (step === 0) {
        await this.tryTriggerBeforeFirstRequestFunctions();
        requestStarted.send(this);
        rv = await this.preprocessRequest();
      } else {
        rv = await pending;
      }
      if (step !== 2 && (rv === undefined || rv === null)) rv = await this.dispatchRequest();
    } catch (error) {
      rv = await this.handleUserException(error);
    }
    return await this.finalizeRequest(rv);
  }

  /** Runs the `beforeFirstRequest` functions, once, before the first request. */
  async tryTriggerBeforeFirstRequestFunctions(): Promise<void> {
    if (this.gotFirstRequest) return;
    this.#firstRequest ??= (async () => {
      for (const fn of this.beforeFirstRequestFuncs) await fn();
      this.gotFirstRequest = true;
    })();
    await this.#firstRequest;
  }

  /**
   * Runs the URL value preprocessors, then the `beforeRequest` functions; the first of
   * these to return a value ends the request with it.
   *
   * @returns That value, or `undefined` to go on to the view; a promise of it when a
   *   `beforeRequest` function is registered (await it either way).
   */
  preprocessRequest(): unknown {
    const request = this.#requestContext().request;
    const names = this.#scopes(request.endpoint).appFirst;
    if (this.urlValuePreprocessors.size !== 0) {
      for (const name of names) {
        for (const fn of this.urlValuePreprocessors.get(name) ?? NO_FUNCTIONS) {
          fn(request.endpoint, request.viewArgs);
        }
      }
    }
    if (!anyRegistered(this.beforeRequestFuncs, names)) return undefined;
    return this.#runBeforeRequest(names);
  }

  async #runBeforeRequest(names: readonly (string | null)[]): Promise<unknown> {
    for (const name of names) {
      for (const fn of this.beforeRequestFuncs.get(name) ?? NO_FUNCTIONS) {
        const rv = await fn();
        if (rv !== undefined && rv !== null) return rv;
      }
    }
    return undefined;
  }

  /**
   * Calls the matched view with the URL's values, as Flask's `dispatch_request`; a routing
   * error (404, 405, redirect) is thrown, and `OPTIONS` on a rule with automatic options is
   * answered by `makeDefaultOptionsResponse`.
   *
   * @returns What the view returned.
   */
  dispatchRequest(): unknown {
    const request = this.#requestContext().request;
    if (request.routingException !== null) this.raiseRoutingException(request);
    const rule = request.urlRule as Rule;
    if (request.method === "OPTIONS" && this.#automaticOptions.has(rule)) {
      return this.makeDefaultOptionsResponse();
    }
    const view = this.viewFunctions[rule.endpoint];
    if (view === undefined) {
      throw new Error(
        `No view is registered for the endpoint ${JSON.stringify(rule.endpoint)}: ` +
          "give the rule a view, or register one with app.endpoint(name, view)",
      );
    }
    return view(request.viewArgs ?? NO_VALUES);
  }

  /**
   * Throws the request's routing error (Flask's `raise_routing_exception`).
   *
   * @param request The request.
   */
  raiseRoutingException(request: Request): never {
    throw request.routingException;
  }

  /**
   * The automatic answer to `OPTIONS`: an empty response whose `Allow` lists the methods
   * the URL accepts.
   *
   * @returns The response.
   */
  makeDefaultOptionsResponse(): Response {
    const adapter = this.#requestContext().urlAdapter!;
    const response = new this.responseClass();
    response.allow.update(adapter.allowedMethods());
    return response;
  }

  /**
   * Turns what a view returned into a response (see API.md's rules: strings, bytes,
   * objects and arrays as JSON, responses, `[body, status, headers]` arrays, gateway apps,
   * iterables and streams). An HTTP error becomes its error page.
   *
   * @param rv The view's return value.
   * @returns The response.
   */
  makeResponse(rv: unknown): Response | Promise<Response> {
    // A string is the body, as viewReturnToResponse makes it (no options to gather).
    if (typeof rv === "string") return new this.responseClass(rv);
    const ctx = currentRequestContext();
    const environ = ctx?.request.environ ??
      new EnvironBuilder("/").getEnviron();
    if (rv instanceof HTTPException) rv = rv.getResponse(environ);
    return viewReturnToResponse(rv, {
      responseClass: this.responseClass,
      json: this.json,
      environ,
      endpoint: ctx === null ? null : ctx.request.endpoint,
    });
  }

  /**
   * Runs the `afterRequest` functions (last registered first) and saves the session, as
   * Flask's `process_response`.
   *
   * @param response The response.
   * @returns The response to send; a promise of it when an `afterRequest` function is
   *   registered or a session is saved (await it either way).
   */
  processResponse(response: Response): Response | Promise<Response> {
    const ctx = this.#requestContext();
    const scopes = this.#scopes(ctx.request.endpoint).appLast;
    const session = ctx.session;
    if (
      !anyRegistered(this.afterRequestFuncs, scopes) &&
      (session === null || this.sessionInterface.isNullSession(session))
    ) {
      return response;
    }
    return this.#processResponse(ctx, scopes, response);
  }

  async #processResponse(
    ctx: RequestContext,
    scopes: readonly (string | null)[],
    response: Response,
  ): Promise<Response> {
    for (const name of scopes) {
      const after = this.afterRequestFuncs.get(name);
      if (after === undefined) continue;
      for (let i = after.length - 1; i >= 0; i--) {
        const rv = await after[i]!(response);
        if (!(rv instanceof Response)) {
          throw new TypeError(
            "An afterRequest function must return the response (or a replacement Response)",
          );
        }
        response = rv;
      }
    }
    const session = ctx.session;
    if (session !== null && !this.sessionInterface.isNullSession(session)) {
      await this.sessionInterface.saveSession(this, session, response);
    }
    return response;
  }

  /**
   * Makes the response and runs `processResponse` and `requestFinished`, as Flask's
   * `finalize_request`; when finishing an error's response fails, the error is logged and
   * the response sent as it is.
   *
   * @param rv What the view (or an error handler) returned.
   * @param fromErrorHandler Whether `rv` came from handling an unhandled error.
   * @returns The response, or a promise of it when a step gave one (await it either way).
   */
  finalizeRequest(rv: unknown, fromErrorHandler: boolean = false): Response | Promise<Response> {
    const made = this.makeResponse(rv);
    if (isThenable(made)) {
      return Promise.resolve(made).then((response) => this.#finish(response, fromErrorHandler));
    }
    return this.#finish(made, fromErrorHandler);
  }

  /** `finalizeRequest` once the response is made: `processResponse`, `requestFinished`. */
  #finish(response: Response, fromErrorHandler: boolean): Response | Promise<Response> {
    try {
      const processed = this.processResponse(response);
      if (isThenable(processed)) return this.#finishLater(response, processed, fromErrorHandler);
      response = processed;
      if (requestFinished.receivers !== 0) requestFinished.send(this, { response });
    } catch (error) {
      this.#finishFailed(error, fromErrorHandler);
    }
    return response;
  }

  /** `#finish` once `processResponse` gave a promise. */
  async #finishLater(
    response: Response,
    processed: PromiseLike<Response>,
    fromErrorHandler: boolean,
  ): Promise<Response> {
    try {
      response = await processed;
      requestFinished.send(this, { response });
    } catch (error) {
      this.#finishFailed(error, fromErrorHandler);
    }
    return response;
  }

  /** Throws a finalizing error on, unless finishing an error's response: then logs it. */
  #finishFailed(error: unknown, fromErrorHandler: boolean): void {
    if (!fromErrorHandler) throw error;
    this.logException(error, "Request finalizing failed with an error while handling an error");
  }

  /**
   * Handles an error from dispatching: an HTTP error goes to `handleHttpException`, other
   * errors to their registered handler; an error nobody handles is thrown on.
   *
   * @param error The error.
   * @returns What the handler returned (a promise when it is async; await it either way).
   * @throws The error, when no handler handles it.
   */
  handleUserException(error: unknown): unknown {
    if (error instanceof HTTPException && !this.trapHttpException(error)) {
      return this.handleHttpException(error);
    }
    const handler = this.#findErrorHandler(error, this.#requestScopes().appLast);
    if (handler === null) throw error;
    return handler(error);
  }

  /**
   * Handles an HTTP error with its registered handler, or answers with the error itself
   * (its error page); redirects from routing are never handled.
   *
   * @param error The HTTP error.
   * @returns What the handler returned (a promise when it is async; await it either way), or
   *   the error.
   */
  handleHttpException(error: HTTPException): unknown {
    if (!error.code || error instanceof RequestRedirect) return error;
    const handler = this.#findErrorHandler(error, this.#requestScopes().appLast);
    if (handler === null) return error;
    return handler(error);
  }

  /**
   * Whether an HTTP error should be treated as an unhandled error (for debugging):
   * `TRAP_HTTP_EXCEPTIONS`, or `TRAP_BAD_REQUEST_ERRORS` for bad requests; when that is
   * unset (`null`), debug mode traps `BadRequestKeyError`s.
   *
   * @param error The HTTP error.
   * @returns `true` to trap it.
   */
  trapHttpException(error: HTTPException): boolean {
    if (this.config.TRAP_HTTP_EXCEPTIONS) return true;
    const trapBadRequest = this.config.TRAP_BAD_REQUEST_ERRORS;
    // Unset, debug mode still traps a missing key, so the key shows in the traceback.
    if ((trapBadRequest === null || trapBadRequest === undefined) && this.debug) {
      return error instanceof BadRequestKeyError;
    }
    return trapBadRequest === true && error instanceof BadRequest;
  }

  /**
   * Handles an error nothing else handled, as Flask's `handle_exception`: sends
   * `gotRequestException`, throws it on when `PROPAGATE_EXCEPTIONS` (or testing or debug)
   * says so, else logs it and answers 500 (through a 500 handler, if one is registered).
   *
   * @param error The error.
   * @returns The 500 response.
   */
  async handleException(error: unknown): Promise<Response> {
    gotRequestException.send(this, { exception: error });
    let propagate = this.config.PROPAGATE_EXCEPTIONS as boolean | null;
    if (propagate === null || propagate === undefined) propagate = this.testing || this.debug;
    if (propagate) throw error;
    const ctx = currentRequestContext();
    this.logException(
      error,
      ctx === null ? "Exception" : `Exception on ${ctx.request.path} [${ctx.request.method}]`,
    );
    let serverError: unknown = new InternalServerError(undefined, undefined, error);
    const handler = this.#findErrorHandler(serverError, this.#requestScopes().appLast);
    if (handler !== null) serverError = await handler(serverError);
    return await this.finalizeRequest(serverError, true);
  }

  /**
   * Logs an error to the request's `wsgi.errors` (or the console outside a request).
   *
   * @param error The error.
   * @param what What was going on.
   */
  logException(error: unknown, what: string): void {
    const ctx = currentRequestContext();
    if (ctx !== null) reportError(ctx.request.environ, what, error);
    else console.error(what, error);
  }

  /**
   * The handler registered for an error, as Flask's `_find_error_handler`: by status code
   * first, then for any code; for each, the blueprints' handlers (innermost first) before
   * the app's; within a scope, for the error's class or the nearest of its parent classes.
   *
   * @param error The error.
   * @param blueprints The blueprints to look in, innermost first (default: the current
   *   request's, as `requestBlueprints(request)`).
   * @returns The handler, or `null`.
   */
  findErrorHandler(error: unknown, blueprints?: readonly string[]): ErrorHandlerFunction | null {
    const scopes = blueprints === undefined ? this.#requestScopes().appLast : [...blueprints, null];
    return this.#findErrorHandler(error, scopes);
  }

  #findErrorHandler(
    error: unknown,
    scopes: readonly (string | null)[],
  ): ErrorHandlerFunction | null {
    if (error === null || typeof error !== "object") return null;
    const code = error instanceof HTTPException && error.code ? error.code : null;
    for (let pass = code === null ? 1 : 0; pass < 2; pass++) {
      const c = pass === 0 ? code : null;
      for (const name of scopes) {
        const byClass = this.errorHandlerSpec.get(name)?.get(c);
        if (byClass === undefined || byClass.size === 0) continue;
        for (
          // deno-lint-ignore ban-types
          let cls: Function | null = error.constructor;
          cls;
          cls = Object.getPrototypeOf(cls)
        ) {
          const handler = byClass.get(cls as never);
          if (handler !== undefined) return handler;
          if (cls === Object || cls === Function.prototype) break;
        }
      }
    }
    return null;
  }

  /**
   * Runs the `teardownRequest` functions (the request's blueprints' first, each scope's
   * last registered first), then sends `requestTearingDown`; an error they throw is thrown
   * on, as in Flask.
   *
   * @param error The error that ended the request, or `null`.
   * @returns Nothing, or a promise of the end when a function is registered.
   */
  doTeardownRequest(error: unknown = null): void | Promise<void> {
    const scopes = this.#requestScopes().appLast;
    if (anyRegistered(this.teardownRequestFuncs, scopes)) {
      return this.#teardownRequest(scopes, error);
    }
    if (requestTearingDown.receivers !== 0) requestTearingDown.send(this, { exc: error });
  }

  async #teardownRequest(scopes: readonly (string | null)[], error: unknown): Promise<void> {
    for (const name of scopes) {
      const fns = this.teardownRequestFuncs.get(name);
      if (fns === undefined) continue;
      for (let i = fns.length - 1; i >= 0; i--) await fns[i]!(error);
    }
    requestTearingDown.send(this, { exc: error });
  }

  /**
   * Runs the `teardownAppcontext` functions (last registered first), then sends
   * `appcontextTearingDown`.
   *
   * @param error The error that ended the context, or `null`.
   * @returns Nothing, or a promise of the end when a function is registered.
   */
  doTeardownAppcontext(error: unknown = null): void | Promise<void> {
    if (this.teardownAppcontextFuncs.length !== 0) return this.#teardownAppcontext(error);
    if (appcontextTearingDown.receivers !== 0) appcontextTearingDown.send(this, { exc: error });
  }

  async #teardownAppcontext(error: unknown): Promise<void> {
    const fns = this.teardownAppcontextFuncs;
    for (let i = fns.length - 1; i >= 0; i--) await fns[i]!(error);
    appcontextTearingDown.send(this, { exc: error });
  }

  // --- URLs ------------------------------------------------------------------------------

  /**
   * A redirect response built with the app's response class (Flask's `app.redirect`).
   *
   * @param location Where to send the client.
   * @param code The status: 302 by default.
   * @returns The response.
   */
  redirect(location: string, code: number = 302): Response {
    return redirectResponse(location, code, this.responseClass);
  }

  /**
   * Builds the URL of an endpoint, as Flask's `url_for`: relative inside a request,
   * absolute outside one (which needs `SERVER_NAME`); unknown values become the query.
   *
   * @param endpoint The endpoint.
   * @param values The rule's values, plus any for the query.
   * @param options `external`, `anchor`, `method`, `scheme` (Flask's `_external`...).
   * @returns The URL.
   */
  urlFor(
    endpoint: string,
    values: Record<string, unknown> = {},
    options: UrlForOptions = {},
  ): string {
    const requestCtx = currentRequestContext();
    let adapter: MapAdapter | null;
    let external = options.external;
    if (requestCtx !== null) {
      adapter = requestCtx.urlAdapter;
      if (endpoint.charCodeAt(0) === 46) {
        // ".view": relative to the blueprint of the request's view (or the app's).
        const blueprint = requestBlueprint(requestCtx.request);
        endpoint = blueprint === null ? endpoint.slice(1) : blueprint + endpoint;
      }
      external ??= options.scheme !== undefined;
    } else {
      adapter = currentAppContext()?.urlAdapter ?? this.createUrlAdapter(null);
      if (adapter === null) {
        throw new Error(
          "Unable to build URLs outside an active request without SERVER_NAME configured. " +
            "Also configure APPLICATION_ROOT and PREFERRED_URL_SCHEME as needed.",
        );
      }
      external ??= true;
    }
    if (options.scheme !== undefined && !external) {
      throw new TypeError("When giving a scheme, external must be true");
    }
    const copy = { ...values };
    this.injectUrlDefaults(endpoint, copy);
    let rv = adapter!.build(endpoint, copy, {
      ...(options.method === undefined ? {} : { method: options.method }),
      ...(options.scheme === undefined ? {} : { urlScheme: options.scheme }),
      forceExternal: external,
    });
    if (options.anchor !== undefined) {
      rv += "#" + urlQuote(options.anchor, "%!#$&'()*+,/:;=?@");
    }
    return rv;
  }

  /**
   * Runs the `urlDefaults` functions on values `urlFor` is about to build with: the app's,
   * then those of the endpoint's blueprints, outermost first (read from the endpoint, as
   * `urlFor` may run outside a request).
   *
   * @param endpoint The endpoint.
   * @param values The values; changed in place.
   */
  injectUrlDefaults(endpoint: string, values: Record<string, unknown>): void {
    const registry = this.urlDefaultFunctions;
    for (const fn of registry.get(null) ?? NO_FUNCTIONS) fn(endpoint, values);
    const last = endpoint.lastIndexOf(".");
    if (last === -1 || registry.size === (registry.has(null) ? 1 : 0)) return;
    for (
      let dot = endpoint.indexOf(".");
      dot !== -1 && dot <= last;
      dot = endpoint.indexOf(".", dot + 1)
    ) {
      if (dot === 0) continue;
      for (const fn of registry.get(endpoint.slice(0, dot)) ?? NO_FUNCTIONS) fn(endpoint, values);
    }
  }

  /**
   * The scopes whose hooks run for a request of `endpoint`: the app alone when it has no
   * dot (shared, nothing allocated), else the app and the endpoint's blueprints.
   */
  #scopes(endpoint: string | null): Scopes {
    if (endpoint === null || endpoint.indexOf(".") === -1) return APP_SCOPES;
    let scopes = this.#scopesByEndpoint.get(endpoint);
    if (scopes === undefined) {
      const names = requestBlueprints({ endpoint });
      scopes = {
        appFirst: [null, ...names.toReversed()],
        appLast: [...names, null],
      };
      this.#scopesByEndpoint.set(endpoint, scopes);
    }
    return scopes;
  }

  /** The scopes of the current request of this app; the app alone outside one. */
  #requestScopes(): Scopes {
    const ctx = currentRequestContext();
    if (ctx === null || ctx.app !== this) return APP_SCOPES;
    return this.#scopes(ctx.request.endpoint);
  }

  #requestContext(): RequestContext {
    const ctx = currentRequestContext();
    if (ctx === null || ctx.app !== this) {
      throw new Error(
        "Working outside of request context: this needs a request of this application",
      );
    }
    return ctx;
  }
}
