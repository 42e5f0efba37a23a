/**
 * `Scaffold`: what an application and a blueprint share, as Flask's
 * `sansio/scaffold.py`: the registries of views, request hooks and error handlers, and the
 * methods that fill them. Deciding which of them run is the application's job.
 *
 * @module
 */
import type { RuleOptions } from "../routing/rule.ts";
import type { RuleArgs } from "../routing/rule_args.ts";
import { defaultExceptions, HTTPException } from "../http/exceptions.ts";

/** A view: it gets the URL's values as one object and returns what becomes the response. */
// deno-lint-ignore no-explicit-any
export type ViewFunction = (args: any) => unknown;

/** A `beforeRequest` function: a value other than `undefined`/`null` ends the request with it. */
export type BeforeRequestFunction = () => unknown;

/** An `afterRequest` function: gets the response and returns it (or a replacement). */
// deno-lint-ignore no-explicit-any
export type AfterRequestFunction = (response: any) => unknown;

/** A `teardownRequest` function: gets the error that ended the request, or `null`. */
export type TeardownFunction = (error: unknown) => unknown;

/** An error handler: gets the error, returns what becomes the response. */
// deno-lint-ignore no-explicit-any
export type ErrorHandlerFunction = (error: any) => unknown;

/** A `urlValuePreprocessor`: may change the matched values before the view sees them. */
export type UrlValuePreprocessor = (
  endpoint: string | null,
  values: Record<string, unknown> | null,
) => void;

/** A `urlDefaults` function: may add values for `urlFor` to build with. */
export type UrlDefaultFunction = (endpoint: string, values: Record<string, unknown>) => void;

/** An error class, or any class an error handler can be registered for. */
// deno-lint-ignore no-explicit-any
export type ErrorClass = abstract new (...args: any[]) => unknown;

/** Options of `route()` and of the method shortcuts: the `Rule`'s options, plus Flask's. */
export interface RouteOptions extends Omit<RuleOptions, "endpoint" | "methods"> {
  /** The endpoint name; the view function's name by default, as in Flask. */
  endpoint?: string;
  /** The methods; `["GET"]` by default (`HEAD` comes with `GET`, `OPTIONS` is automatic). */
  methods?: Iterable<string>;
  /** Answer `OPTIONS` automatically (default: the app's `PROVIDE_AUTOMATIC_OPTIONS`). */
  provideAutomaticOptions?: boolean;
}

/** Options of `addUrlRule()`: `route()`'s, plus the view. */
export interface AddUrlRuleOptions extends RouteOptions {
  /** The view for the endpoint; without one, the rule only maps a URL to an endpoint. */
  view?: ViewFunction;
}

/** The handlers of one scope (the app, or a blueprint), by status code and class. */
export type ErrorHandlerSpec = Map<number | null, Map<ErrorClass, ErrorHandlerFunction>>;

/** What an error handler is registered for: a status code or a class, resolved. */
export interface ErrorHandlerKey {
  /** The class the handler is looked up by. */
  errorClass: ErrorClass;
  /** The status code, for an `HTTPException` class with one; otherwise `null`. */
  code: number | null;
}

/**
 * The registries an application and a blueprint share, and the methods that fill them.
 * Each registry is keyed by the scope it applies to: `null` for the whole app, a blueprint's
 * full dotted name for the requests its views handle (`"parent.child"`).
 */
export abstract class Scaffold {
  /** The module that defines the app: what `new Application(import.meta.url)` was given. */
  readonly importName: string;
  /** The views by endpoint. */
  readonly viewFunctions: Record<string, ViewFunction> = {};
  /** `beforeRequest` functions by scope. */
  readonly beforeRequestFuncs: Map<string | null, BeforeRequestFunction[]> = new Map();
  /** `afterRequest` functions by scope (run last-registered first). */
  readonly afterRequestFuncs: Map<string | null, AfterRequestFunction[]> = new Map();
  /** `teardownRequest` functions by scope (run last-registered first). */
  readonly teardownRequestFuncs: Map<string | null, TeardownFunction[]> = new Map();
  /** `urlValuePreprocessor` functions by scope. */
  readonly urlValuePreprocessors: Map<string | null, UrlValuePreprocessor[]> = new Map();
  /** `urlDefaults` functions by scope. */
  readonly urlDefaultFunctions: Map<string | null, UrlDefaultFunction[]> = new Map();
  /** Error handlers by scope, then status code (`null` for non-HTTP errors), then class. */
  readonly errorHandlerSpec: Map<string | null, ErrorHandlerSpec> = new Map();

  /**
   * Creates empty registries.
   *
   * @param importName The defining module (`import.meta.url`) or a name.
   */
  constructor(importName: string) {
    if (typeof importName !== "string" || importName === "") {
      throw new TypeError(
        "The import name must be a non-empty string: pass import.meta.url, as in " +
          "new Application(import.meta.url)",
      );
    }
    this.importName = importName;
  }

  /**
   * Registers a URL rule with its endpoint and view; see `Application.addUrlRule`.
   *
   * @param rule The rule string, such as `/user/<int:id>`.
   * @param options The endpoint, view, methods and rule options.
   */
  abstract addUrlRule(rule: string, options?: AddUrlRuleOptions): void;

  /**
   * Refuses a setup method once setting up is over, as Flask's `_check_setup_finished`: an
   * application accepts them at any time, a blueprint only until it is registered.
   *
   * @param _method The setup method's name, for the message.
   * @throws {TypeError} When the setup method may no longer be called.
   */
  protected checkSetupFinished(_method: string): void {}

  /**
   * Routes `rule` to `view` (Flask's `@app.route`): the view gets the URL's values as one
   * object, typed from the rule string, and may be async. The endpoint is the view's name
   * unless `options.endpoint` says otherwise.
   *
   * @param rule The rule string.
   * @param view The view.
   * @param options Methods, endpoint, defaults and the other rule options.
   * @returns The view, unchanged.
   *
   * @example
   * ```ts
   * import { Application } from "@phial/phial";
   * const app = new Application(import.meta.url);
   * app.route("/user/<int:id>", ({ id }) => `user ${id + 1}`, { endpoint: "user" });
   * ```
   */
  route<R extends string, V extends (args: RuleArgs<R>) => unknown>(
    rule: R,
    view: V,
    options: RouteOptions = {},
  ): V {
    this.checkSetupFinished("route");
    if (typeof view !== "function") {
      throw new TypeError(
        `route(${JSON.stringify(rule)}, view) needs the view function as its second argument`,
      );
    }
    this.addUrlRule(rule, { ...options, view });
    return view;
  }

  /**
   * `route()` for `GET` only (Flask's `@app.get`).
   *
   * @param rule The rule string.
   * @param view The view.
   * @param options Rule options, without `methods`.
   * @returns The view.
   */
  get<R extends string, V extends (args: RuleArgs<R>) => unknown>(
    rule: R,
    view: V,
    options?: RouteOptions,
  ): V {
    return this.#methodRoute("GET", rule, view, options);
  }

  /**
   * `route()` for `POST` only.
   *
   * @param rule The rule string.
   * @param view The view.
   * @param options Rule options, without `methods`.
   * @returns The view.
   */
  post<R extends string, V extends (args: RuleArgs<R>) => unknown>(
    rule: R,
    view: V,
    options?: RouteOptions,
  ): V {
    return this.#methodRoute("POST", rule, view, options);
  }

  /**
   * `route()` for `PUT` only.
   *
   * @param rule The rule string.
   * @param view The view.
   * @param options Rule options, without `methods`.
   * @returns The view.
   */
  put<R extends string, V extends (args: RuleArgs<R>) => unknown>(
    rule: R,
    view: V,
    options?: RouteOptions,
  ): V {
    return this.#methodRoute("PUT", rule, view, options);
  }

  /**
   * `route()` for `PATCH` only.
   *
   * @param rule The rule string.
   * @param view The view.
   * @param options Rule options, without `methods`.
   * @returns The view.
   */
  patch<R extends string, V extends (args: RuleArgs<R>) => unknown>(
    rule: R,
    view: V,
    options?: RouteOptions,
  ): V {
    return this.#methodRoute("PATCH", rule, view, options);
  }

  /**
   * `route()` for `DELETE` only.
   *
   * @param rule The rule string.
   * @param view The view.
   * @param options Rule options, without `methods`.
   * @returns The view.
   */
  delete<R extends string, V extends (args: RuleArgs<R>) => unknown>(
    rule: R,
    view: V,
    options?: RouteOptions,
  ): V {
    return this.#methodRoute("DELETE", rule, view, options);
  }

  #methodRoute<R extends string, V extends (args: RuleArgs<R>) => unknown>(
    method: string,
    rule: R,
    view: V,
    options: RouteOptions = {},
  ): V {
    this.checkSetupFinished(method.toLowerCase());
    if (options.methods !== undefined) {
      throw new TypeError(
        `Use route() to give methods: ${method.toLowerCase()}() routes ${method} only`,
      );
    }
    return this.route(rule, view, { ...options, methods: [method] });
  }

  /**
   * Registers `view` for an endpoint that a rule added without a view names.
   *
   * @param endpoint The endpoint.
   * @param view The view.
   * @returns The view.
   */
  endpoint<V extends ViewFunction>(endpoint: string, view: V): V {
    this.checkSetupFinished("endpoint");
    this.viewFunctions[endpoint] = view;
    return view;
  }

  /**
   * Runs `fn` before each request's view; a value other than `undefined`/`null` is the
   * response, and the view is not called.
   *
   * @param fn The function.
   * @returns It.
   */
  beforeRequest<F extends BeforeRequestFunction>(fn: F): F {
    return this.#register(this.beforeRequestFuncs, fn, "beforeRequest");
  }

  /**
   * Runs `fn` with each response after the view; it returns the response to send.
   *
   * @param fn The function.
   * @returns It.
   */
  afterRequest<F extends AfterRequestFunction>(fn: F): F {
    return this.#register(this.afterRequestFuncs, fn, "afterRequest");
  }

  /**
   * Runs `fn` when each request ends, even after an error (which it receives, or `null`).
   *
   * @param fn The function.
   * @returns It.
   */
  teardownRequest<F extends TeardownFunction>(fn: F): F {
    return this.#register(this.teardownRequestFuncs, fn, "teardownRequest");
  }

  /**
   * Runs `fn(endpoint, values)` on the matched values before the view gets them.
   *
   * @param fn The function.
   * @returns It.
   */
  urlValuePreprocessor<F extends UrlValuePreprocessor>(fn: F): F {
    return this.#register(this.urlValuePreprocessors, fn, "urlValuePreprocessor");
  }

  /**
   * Runs `fn(endpoint, values)` when `urlFor` builds a URL, to add default values.
   *
   * @param fn The function.
   * @returns It.
   */
  urlDefaults<F extends UrlDefaultFunction>(fn: F): F {
    return this.#register(this.urlDefaultFunctions, fn, "urlDefaults");
  }

  /**
   * Handles errors of a status code or class (Flask's `@app.errorhandler`): the handler
   * gets the error and returns what becomes the response. A code means its HTTP error
   * class (`404` → `NotFound`); a class also catches its subclasses.
   *
   * @param codeOrClass A status code, or an error class.
   * @param fn The handler.
   * @returns The handler.
   *
   * @example
   * ```ts
   * import { Application } from "@phial/phial";
   * const app = new Application(import.meta.url);
   * app.errorHandler(404, () => ["Nothing here", 404]);
   * ```
   */
  errorHandler<F extends ErrorHandlerFunction>(codeOrClass: number | ErrorClass, fn: F): F {
    this.checkSetupFinished("errorHandler");
    this.registerErrorHandler(codeOrClass, fn);
    return fn;
  }

  /**
   * `errorHandler` without the return value, as Flask's `register_error_handler`.
   *
   * @param codeOrClass A status code, or an error class.
   * @param fn The handler.
   */
  registerErrorHandler(codeOrClass: number | ErrorClass, fn: ErrorHandlerFunction): void {
    this.checkSetupFinished("registerErrorHandler");
    // What it is registered for is checked first, as Flask's `_get_exc_class_and_code`.
    const { errorClass, code } = Scaffold.errorHandlerKey(codeOrClass);
    if (typeof fn !== "function") {
      throw new TypeError("errorHandler(codeOrClass, fn) needs a function to handle the error");
    }
    let scope = this.errorHandlerSpec.get(null);
    if (scope === undefined) this.errorHandlerSpec.set(null, scope = new Map());
    let byClass = scope.get(code);
    if (byClass === undefined) scope.set(code, byClass = new Map());
    byClass.set(errorClass, fn);
  }

  /**
   * Resolves what an error handler is registered for, as Flask's
   * `_get_exc_class_and_code`: a code becomes its HTTP error class. As Flask accepts only
   * subclasses of `Exception`, a class must be `Error` or a subclass of it (JavaScript can
   * throw anything, but a handler for another class is almost always a mistake).
   *
   * @param codeOrClass A status code, or an error class.
   * @returns The class and its code (`null` unless it is an HTTP error class with one).
   * @throws {TypeError} For an unknown code, an error instance, a class that does not
   *   extend `Error`, or something else.
   *
   * @example A code and a class
   * ```ts
   * import { Scaffold } from "@phial/phial";
   * Scaffold.errorHandlerKey(404).code; // 404 (errorClass: NotFound)
   * Scaffold.errorHandlerKey(TypeError).code; // null
   * ```
   */
  static errorHandlerKey(codeOrClass: number | ErrorClass): ErrorHandlerKey {
    if (typeof codeOrClass === "number") {
      const errorClass = defaultExceptions[codeOrClass];
      if (errorClass === undefined) {
        throw new TypeError(
          `${codeOrClass} is not a recognized HTTP error code: use a subclass of ` +
            "HTTPException with that code instead",
        );
      }
      return { errorClass, code: codeOrClass };
    }
    if (typeof codeOrClass !== "function") {
      const value: unknown = codeOrClass;
      throw new TypeError(
        value instanceof Error
          ? `${value.constructor.name}() is an instance, not a class: pass its class`
          : "An error handler is registered for a status code or an error class",
      );
    }
    if (codeOrClass !== Error && !(codeOrClass.prototype instanceof Error)) {
      throw new TypeError(
        `'${codeOrClass.name}' is not a subclass of Error: register the handler for an ` +
          "Error class or a status code",
      );
    }
    const code = codeOrClass.prototype instanceof HTTPException
      ? (codeOrClass as unknown as typeof HTTPException).code || null
      : null;
    return { errorClass: codeOrClass, code };
  }

  #register<T, F extends T>(registry: Map<string | null, T[]>, fn: F, what: string): F {
    this.checkSetupFinished(what);
    if (typeof fn !== "function") throw new TypeError(`${what}(fn) needs a function`);
    let list = registry.get(null);
    if (list === undefined) registry.set(null, list = []);
    list.push(fn);
    return fn;
  }
}
