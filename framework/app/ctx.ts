/**
 * The application and request contexts, as Flask's `flask.ctx`: what the context locals
 * (`currentApp`, `g`, `request`, `session`) stand for while they are active.
 *
 * @module
 */
import type { Environ } from "../gateway/types.ts";
import { HTTPException } from "../http/exceptions.ts";
import type { MapAdapter } from "../routing/map_adapter.ts";
import { matchResultError } from "../routing/map_adapter.ts";
import type { Request } from "../wrappers/request.ts";
import type { Application } from "./application.ts";
import { type ContextFrame, contextStorage } from "./globals.ts";
import type { SecureCookieSession } from "./secure_cookie_session.ts";
import { appcontextPopped, appcontextPushed } from "./signals.ts";

/**
 * The per-request namespace `g`: set any property on it. Flask's `_AppCtxGlobals`, with its
 * dict methods.
 *
 * @example
 * ```ts
 * import { AppCtxGlobals } from "@phial/phial";
 * const g = new AppCtxGlobals();
 * g.user = "ann";
 * g.get("user"); // "ann"
 * g.setdefault("visits", 0); // 0
 * ```
 */
export class AppCtxGlobals {
  /** Whatever the request's code stores. */
  [name: string]: unknown;

  /**
   * A value, or `fallback` when it is not set.
   *
   * @param name The name.
   * @param fallback What to give when it is not set.
   * @returns The value.
   */
  get(name: string, fallback?: unknown): unknown {
    return Object.hasOwn(this, name) ? this[name] : fallback;
  }

  /**
   * Removes a value and gives it (or `fallback` when it was not set).
   *
   * @param name The name.
   * @param fallback What to give when it was not set.
   * @returns The value.
   */
  pop(name: string, fallback?: unknown): unknown {
    if (!Object.hasOwn(this, name)) return fallback;
    const value = this[name];
    delete this[name];
    return value;
  }

  /**
   * The value, setting it to `fallback` first when it is not set.
   *
   * @param name The name.
   * @param fallback The value to set when there is none.
   * @returns The value.
   */
  setdefault(name: string, fallback: unknown = null): unknown {
    if (!Object.hasOwn(this, name)) this[name] = fallback;
    return this[name];
  }

  /**
   * Whether a value is set.
   *
   * @param name The name.
   * @returns `true` when set.
   */
  has(name: string): boolean {
    return Object.hasOwn(this, name);
  }
}

/**
 * An application context: `currentApp` and `g` outside a request, as Flask's `AppContext`.
 * `run(fn)` runs a function inside it (the `with app.app_context():` of JavaScript);
 * `push()`/`pop()` make it current for the rest of the calling function instead.
 *
 * @example
 * ```ts ignore
 * await app.appContext().run(() => {
 *   currentApp.config.DEBUG; // this app's
 * });
 * ```
 */
export class AppContext {
  /** The application. */
  readonly app: Application;
  /** The URL adapter bound without a request (`SERVER_NAME` configured), or `null`. */
  urlAdapter: MapAdapter | null;
  /** The namespace `g`. */
  readonly g: AppCtxGlobals;
  #previous: (ContextFrame | undefined)[] = [];

  /**
   * Creates the context; `app.appContext()` is the usual way.
   *
   * @param app The application.
   */
  constructor(app: Application) {
    this.app = app;
    this.urlAdapter = app.createUrlAdapter(null);
    this.g = new app.appCtxGlobalsClass();
  }

  /** Makes this context current for the rest of the calling function (until `pop()`). */
  push(): void {
    this.#previous.push(contextStorage.getStore());
    contextStorage.enterWith({ app: this, request: null });
    appcontextPushed.send(this.app);
  }

  /**
   * Ends what `push()` began: runs the app's `teardownAppcontext` functions, then makes
   * the previous context current again.
   *
   * @param error The error that ended the context, if any.
   */
  async pop(error: unknown = null): Promise<void> {
    const frame = contextStorage.getStore();
    if (frame?.app !== this || frame.request !== null) {
      throw new Error("Popped the wrong application context: pop contexts in reverse order");
    }
    // Restore the previous context before anything is awaited: a caller's `await` keeps
    // the context that was current when this call returned its promise.
    contextStorage.enterWith(this.#previous.pop() as ContextFrame);
    try {
      await contextStorage.run(frame, () => this.app.doTeardownAppcontext(error));
    } finally {
      appcontextPopped.send(this.app);
    }
  }

  /**
   * Runs `fn` inside this context, then tears it down (even when `fn` fails).
   *
   * @param fn The function; it may be async.
   * @returns What `fn` returns.
   */
  run<T>(fn: () => T | Promise<T>): Promise<T> {
    return contextStorage.run({ app: this, request: null }, async () => {
      appcontextPushed.send(this.app);
      let error: unknown = null;
      try {
        return await fn();
      } catch (caught) {
        error = caught;
        throw caught;
      } finally {
        try {
          await this.app.doTeardownAppcontext(error);
        } finally {
          appcontextPopped.send(this.app);
        }
      }
    });
  }
}

/**
 * A request context: `request` and `session` for one request, as Flask's `RequestContext`.
 * The application makes one per request; in tests, `app.testRequestContext(path)` gives
 * one to `run(fn)` in (or to `push()`/`pop()`).
 */
export class RequestContext {
  /** The application. */
  readonly app: Application;
  /** The request. */
  readonly request: Request;
  /** The URL adapter bound to the request, or `null` when the host was refused. */
  urlAdapter: MapAdapter | null = null;
  /** The session, once the context is pushed. */
  session: SecureCookieSession | null = null;
  /** Flashed messages read this request (see `getFlashedMessages`). */
  flashes: [string, string][] | null = null;
  /** The application context this one pushed for itself, if it had to. */
  #ownAppContext: AppContext | null = null;
  #before: ContextFrame | undefined = undefined;
  #opened = false;

  /**
   * Creates the context; `app.requestContext(environ)` is the usual way.
   *
   * @param app The application.
   * @param environ The request's environ.
   * @param request The request, when one was made already.
   */
  constructor(app: Application, environ: Environ, request?: Request) {
    this.app = app;
    this.request = request ?? app.makeRequest(environ);
    try {
      this.urlAdapter = app.createUrlAdapter(this.request);
    } catch (error) {
      if (!(error instanceof HTTPException)) throw error;
      this.request.routingException = error;
    }
  }

  /**
   * Matches the request's URL, as Flask's `match_request`: sets `request.urlRule`,
   * `request.viewArgs` and `request.endpoint`, or `request.routingException` (404, 405, or a
   * redirect).
   */
  matchRequest(): void {
    const adapter = this.urlAdapter;
    if (adapter === null) return;
    const result = adapter.matchResult();
    const request = this.request;
    if (result.code === 200) {
      request.urlRule = result.rule;
      request.viewArgs = result.args;
      request.endpoint = result.endpoint;
    } else {
      request.routingException = matchResultError(result);
    }
  }

  /** Opens the session and matches the URL (once), in whatever context is current. */
  async open(): Promise<void> {
    if (this.#opened) return;
    this.#opened = true;
    if (this.session === null) {
      const sessions = this.app.sessionInterface;
      this.session = await sessions.openSession(this.app, this.request) ??
        sessions.makeNullSession(this.app);
    }
    if (this.urlAdapter !== null) this.matchRequest();
  }

  /**
   * Ends the request, as Flask's `pop` does: runs the `teardownRequest` functions and
   * closes the request (uploads spilled to disk are removed).
   *
   * @param error The error that ended the request, if any.
   */
  async close(error: unknown = null): Promise<void> {
    try {
      await this.app.doTeardownRequest(error);
    } finally {
      await this.request.close();
    }
  }

  /**
   * Makes this context current for the rest of the calling function, pushing an
   * application context first when this app's is not current, then opens the session and
   * matches the URL.
   */
  async push(): Promise<void> {
    const before = contextStorage.getStore();
    let appContext = before?.app;
    if (appContext === undefined || appContext.app !== this.app) {
      appContext = this.app.appContext();
      appContext.push();
      this.#ownAppContext = appContext;
    }
    this.#before = before;
    contextStorage.enterWith({ app: appContext, request: this });
    await this.open();
  }

  /**
   * Ends what `push()` began: tears the request down (and the application context
   * `push()` pushed, if it did), and makes the context from before `push()` current again.
   *
   * @param error The error that ended the request, if any.
   */
  async pop(error: unknown = null): Promise<void> {
    const frame = contextStorage.getStore();
    if (frame?.request !== this) {
      throw new Error("Popped the wrong request context: pop contexts in reverse order");
    }
    const own = this.#ownAppContext;
    this.#ownAppContext = null;
    // Restore before anything is awaited: a caller's `await` keeps the context that was
    // current when this call returned its promise.
    contextStorage.enterWith(this.#before as ContextFrame);
    try {
      await contextStorage.run(frame, async () => {
        try {
          await this.close(error);
        } finally {
          if (own !== null) await this.app.doTeardownAppcontext(error);
        }
      });
    } finally {
      if (own !== null) appcontextPopped.send(this.app);
    }
  }

  /**
   * Runs `fn` inside this context (with this app's application context), then tears both
   * down, even when `fn` fails.
   *
   * @param fn The function; it may be async.
   * @returns What `fn` returns.
   */
  run<T>(fn: () => T | Promise<T>): Promise<T> {
    const appContext = this.app.appContext();
    return contextStorage.run({ app: appContext, request: this }, async () => {
      appcontextPushed.send(this.app);
      let error: unknown = null;
      try {
        await this.open();
        return await fn();
      } catch (caught) {
        error = caught;
        throw caught;
      } finally {
        try {
          await this.close(error);
          await this.app.doTeardownAppcontext(error);
        } finally {
          appcontextPopped.send(this.app);
        }
      }
    });
  }
}
