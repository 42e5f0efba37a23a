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
import { type ContextFrame, contextStorage, currentAppContext } from "./globals.ts";
import type { SecureCookieSession } from "./secure_cookie_session.ts";
import { SecureCookieSessionInterface } from "./session_interface.ts";
import { appcontextPopped, appcontextPushed } from "./signals.ts";
import { isThenable } from "../gateway/is_thenable.ts";

/** Calls `fn`: `undefined` when it finished synchronously, else a promise of its end. */
function settle(fn: () => void | Promise<void>): Promise<void> | undefined {
  try {
    const rv = fn();
    return rv === undefined ? undefined : rv;
  } catch (error) {
    return Promise.reject(error);
  }
}

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
 * [...g]; // ["user", "visits"]
 * ```
 */
export class AppCtxGlobals {
  /** Whatever the request's code stores. */
  [name: string]: unknown;

  /**
   * A value, or `fallback` when it is not set (`undefined` where Flask gives `None`).
   *
   * @param name The name.
   * @param fallback What to give when it is not set.
   * @returns The value.
   */
  get(name: string, fallback?: unknown): unknown {
    return Object.hasOwn(this, name) ? this[name] : fallback;
  }

  /**
   * Removes a value and gives it (or `fallback` when it was not set). Where Flask's
   * `g.pop(name)` raises `KeyError` for a name not set, this gives `undefined`, as
   * `session.pop` does.
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

  /**
   * The names set, as iterating Flask's `g` gives them.
   *
   * @returns An iterator over the names.
   */
  [Symbol.iterator](): Iterator<string> {
    return Object.keys(this)[Symbol.iterator]();
  }

  /**
   * `<phial.g of 'app name'>` inside an application context (Flask's `repr(g)` says
   * `flask.g`), or the class's default outside one.
   *
   * @returns The description.
   */
  toString(): string {
    const app = currentAppContext()?.app;
    return app === undefined ? "[object AppCtxGlobals]" : `<phial.g of '${app.name}'>`;
  }
}

// Set by AppContext's static block: how RequestContext enters and leaves an application
// context without making these steps public.
let enterAppContext: (context: AppContext) => void;
let exitAppContext: (context: AppContext, error: unknown) => void | Promise<void>;
let detachAppContext: (context: AppContext) => (error: unknown) => Promise<void>;

/**
 * An application context: `currentApp` and `g` outside a request, as Flask's `AppContext`.
 * `run(fn)` runs a function inside it (the `with app.app_context():` of JavaScript);
 * `push()`/`pop()` make it current for the rest of the calling function instead.
 *
 * A context may be entered again while it is current (Flask counts the pushes): only the
 * outermost exit runs the `teardownAppcontext` functions; `appcontextPushed` and
 * `appcontextPopped` are sent on every entry and exit, as in Flask. Entering it keeps the
 * request context that was current, as Flask's separate context variables do.
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
  /** The namespace `g` (made on first use: most requests never touch it). */
  get g(): AppCtxGlobals {
    return this.#g ??= new this.app.appCtxGlobalsClass();
  }
  #g: AppCtxGlobals | undefined;
  /** For each `push()` not popped yet: the frame it made current and the one before. */
  #pushed: [entered: ContextFrame, previous: ContextFrame | undefined][] | null = null;
  /** How many entries (`push()` and `run()`) have not exited yet. */
  #depth = 0;

  static {
    enterAppContext = (context) => context.#enter();
    exitAppContext = (context, error) => context.#exit(error);
    detachAppContext = (context) => context.#detach();
  }

  /**
   * Creates the context; `app.appContext()` is the usual way.
   *
   * @param app The application.
   */
  constructor(app: Application) {
    this.app = app;
    this.urlAdapter = app.createUrlAdapter(null);
  }

  /**
   * Makes this context current for the rest of the calling function (until `pop()`).
   *
   * Like `AsyncLocalStorage.enterWith`, which it uses, it also changes the context of the
   * functions that called the calling function, until their next `await`: push from a
   * function of its own (or after an `await`), or prefer `run(fn)`.
   */
  push(): void {
    const previous = contextStorage.getStore();
    const entered: ContextFrame = { app: this, request: previous?.request ?? null };
    (this.#pushed ??= []).push([entered, previous]);
    contextStorage.enterWith(entered);
    this.#enter();
  }

  /**
   * Ends what `push()` began: makes the previous context current again and, when this was
   * the outermost entry, runs the app's `teardownAppcontext` functions; then sends
   * `appcontextPopped`.
   *
   * @param error The error that ended the context, if any.
   * @throws {Error} When this context is not the current one (pop contexts in reverse order).
   */
  pop(error: unknown = null): Promise<void> {
    // Restore the previous context before anything is awaited: a caller's `await` keeps
    // the context that was current when this call returned its promise.
    return this.#detach()(error);
  }

  /**
   * Runs `fn` inside this context, then exits it: the outermost exit tears it down (even
   * when `fn` fails).
   *
   * @param fn The function; it may be async.
   * @returns What `fn` returns.
   */
  run<T>(fn: () => T | Promise<T>): Promise<T> {
    const previous = contextStorage.getStore();
    return contextStorage.run({ app: this, request: previous?.request ?? null }, async () => {
      this.#enter();
      let error: unknown = null;
      try {
        return await fn();
      } catch (caught) {
        error = caught;
        throw caught;
      } finally {
        await this.#exit(error);
      }
    });
  }

  #enter(): void {
    this.#depth++;
    if (appcontextPushed.receivers !== 0) appcontextPushed.send(this.app);
  }

  /**
   * Leaves one entry, in whatever context is current: tears down after the last. Gives a
   * promise only when a teardown function did.
   */
  #exit(error: unknown): void | Promise<void> {
    this.#depth--;
    const tearing = this.#depth === 0
      ? settle(() => this.app.doTeardownAppcontext(error))
      : undefined;
    if (tearing === undefined) {
      this.#popped();
      return;
    }
    return tearing.finally(() => this.#popped());
  }

  #popped(): void {
    if (appcontextPopped.receivers !== 0) appcontextPopped.send(this.app);
  }

  /** Undoes the last `push()` now; gives what finishes it (teardown, signal). */
  #detach(): (error: unknown) => Promise<void> {
    const top = this.#pushed?.at(-1);
    const frame = contextStorage.getStore();
    if (top === undefined || frame !== top[0]) {
      throw new Error("Popped the wrong application context: pop contexts in reverse order");
    }
    this.#pushed!.pop();
    contextStorage.enterWith(top[1] as ContextFrame);
    return (error) => contextStorage.run(frame, async () => await this.#exit(error));
  }
}

/**
 * A request context: `request` and `session` for one request, as Flask's `RequestContext`.
 * The application makes one per request; in tests, `app.testRequestContext(path)` gives
 * one to `run(fn)` in (or to `push()`/`pop()`).
 *
 * Entering it reuses the current application context when it is this app's (so `g` is
 * shared with it and it is torn down once, at its own end), else enters a new one of its
 * own. It may be entered again while current: only the outermost exit runs the
 * `teardownRequest` functions, as in Flask.
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
  /**
   * An error the request ended with although it was answered (`handleException` made a
   * 500 of it): the teardown functions get it, as Flask's `ctx.pop(error)` does.
   */
  handledError: unknown = null;
  /** For each `push()` not popped yet: its frame, the one before, its own app context. */
  #pushed: [
    entered: ContextFrame,
    previous: ContextFrame | undefined,
    own: AppContext | null,
  ][] | null = null;
  /** How many entries (`push()` and `run()`) have not exited yet. */
  #depth = 0;
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

  /**
   * Opens the session and matches the URL (once), in whatever context is current. Gives a
   * promise when opening the session is asynchronous, else finishes at once (the default
   * interface without a secret key has nothing to wait for); either may be awaited.
   *
   * @returns Nothing, or a promise of the end.
   */
  open(): void | Promise<void> {
    if (this.#opened) return;
    this.#opened = true;
    if (this.session === null) {
      const app = this.app;
      const sessions = app.sessionInterface;
      if (
        sessions instanceof SecureCookieSessionInterface &&
        sessions.openSession === SecureCookieSessionInterface.prototype.openSession &&
        sessions.getSigningSerializer(app) === null
      ) {
        // What the default openSession gives without a key (null), without its promise.
        this.session = sessions.makeNullSession(app);
      } else {
        return this.#openSession();
      }
    }
    if (this.urlAdapter !== null) this.matchRequest();
  }

  async #openSession(): Promise<void> {
    const sessions = this.app.sessionInterface;
    this.session = await sessions.openSession(this.app, this.request) ??
      sessions.makeNullSession(this.app);
    if (this.urlAdapter !== null) this.matchRequest();
  }

  /**
   * Ends the request, as Flask's `pop` does: runs the `teardownRequest` functions and
   * closes the request (uploads spilled to disk are removed).
   *
   * @param error The error that ended the request, if any.
   * @returns Nothing when no step had to wait (no async teardown function, no form to
   *   release), else a promise of the end; await it either way.
   */
  close(error: unknown = null): void | Promise<void> {
    const tearing = settle(() => this.app.doTeardownRequest(error));
    if (tearing === undefined) return this.request.close();
    return tearing.finally(() => this.request.close());
  }

  /**
   * Makes this context current for the rest of the calling function, entering an
   * application context first when this app's is not current, then opens the session and
   * matches the URL.
   *
   * Like `AsyncLocalStorage.enterWith`, which it uses, it also changes the context of the
   * functions that called the calling function, until their next `await`: push from a
   * function of its own (or after an `await`), or prefer `run(fn)`.
   */
  async push(): Promise<void> {
    const previous = contextStorage.getStore();
    let appContext = previous?.app;
    let own: AppContext | null = null;
    if (appContext === undefined || appContext.app !== this.app) {
      own = appContext = this.app.appContext();
      appContext.push();
    }
    const entered: ContextFrame = { app: appContext, request: this };
    (this.#pushed ??= []).push([entered, contextStorage.getStore(), own]);
    this.#depth++;
    contextStorage.enterWith(entered);
    await this.open();
  }

  /**
   * Ends what `push()` began: makes the context from before `push()` current again; when
   * this was the outermost entry, tears the request down; then exits the application
   * context `push()` entered, if it did.
   *
   * @param error The error that ended the request, if any.
   * @throws {Error} When this context is not the current one (pop contexts in reverse order).
   */
  pop(error: unknown = null): Promise<void> {
    const top = this.#pushed?.at(-1);
    const frame = contextStorage.getStore();
    if (top === undefined || frame !== top[0]) {
      throw new Error("Popped the wrong request context: pop contexts in reverse order");
    }
    this.#pushed!.pop();
    const [, previous, own] = top;
    // Restore before anything is awaited: a caller's `await` keeps the context that was
    // current when this call returned its promise.
    contextStorage.enterWith(previous as ContextFrame);
    const finishOwn = own === null ? null : detachAppContext(own);
    return contextStorage.run(frame, async () => {
      try {
        await this.#exit(error);
      } finally {
        if (finishOwn !== null) await finishOwn(error);
      }
    });
  }

  /**
   * Runs `fn` inside this context (in the current application context when it is this
   * app's, else in a new one), then exits both; the outermost exit tears the request down,
   * even when `fn` fails. The teardown functions get the error `fn` threw, else
   * {@linkcode RequestContext.handledError}.
   *
   * @param fn The function; it may be async.
   * @param options `open: false` leaves opening the session and matching the URL to `fn`
   *   (the application's `wsgiApp` does, to answer their errors); `sync: true` gives what
   *   `fn` returned without a promise when nothing on the way needed one (`wsgiApp`'s
   *   promise-free path).
   * @returns What `fn` returns (a promise of it, unless `sync` is set and nothing waited).
   */
  run<T>(fn: () => T | Promise<T>, options?: { open?: boolean; sync?: false }): Promise<T>;
  /**
   * As the other overload, giving what `fn` returned without a promise when nothing on the
   * way needed one.
   *
   * @param fn The function; it may be async.
   * @param options `sync: true`, and `open` as in the other overload.
   * @returns What `fn` returns, or a promise of it.
   */
  run<T>(fn: () => T | Promise<T>, options: { open?: boolean; sync: true }): T | Promise<T>;
  run<T>(
    fn: () => T | Promise<T>,
    options?: { open?: boolean; sync?: boolean },
  ): T | Promise<T> {
    const current = contextStorage.getStore()?.app;
    const reuse = current !== undefined && current.app === this.app;
    const appContext = reuse ? current : this.app.appContext();
    const open = options?.open ?? true;
    let result: T | Promise<T>;
    try {
      result = contextStorage.run(
        { app: appContext, request: this },
        () => this.#run(fn, open, reuse ? null : appContext),
      );
    } catch (error) {
      return Promise.reject(error);
    }
    return options?.sync === true || result instanceof Promise ? result : Promise.resolve(result);
  }

  /** `run`'s body, inside the frame: promise-free unless `fn`, opening or a teardown waits. */
  #run<T>(fn: () => T | Promise<T>, open: boolean, own: AppContext | null): T | Promise<T> {
    if (own !== null) enterAppContext(own);
    this.#depth++;
    let result: T | Promise<T>;
    try {
      const opened = open ? this.open() : undefined;
      result = opened === undefined ? fn() : opened.then(fn);
    } catch (error) {
      return this.#leave(error, true, own, undefined as T);
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        (value) => this.#leave(null, false, own, value),
        (error: unknown) => this.#leave(error, true, own, undefined as T),
      );
    }
    return this.#leave(null, false, own, result);
  }

  /**
   * Exits after `run`'s function ended (with `error` when `failed`): tears the request down
   * when this was the outermost entry, then exits the app context `run` entered; gives
   * `value` (or throws `error`), as a promise only when a teardown step gave one.
   */
  #leave<T>(error: unknown, failed: boolean, own: AppContext | null, value: T): T | Promise<T> {
    const ended = error ?? this.handledError;
    const exiting = settle(() => this.#exit(ended));
    const end = (): T => {
      if (failed) throw error;
      return value;
    };
    const exitApp = (): Promise<void> | undefined =>
      own === null ? undefined : settle(() => exitAppContext(own, ended));
    const afterExit = (): T | Promise<T> => {
      const appExiting = exitApp();
      return appExiting === undefined ? end() : appExiting.then(end);
    };
    if (exiting === undefined) return afterExit();
    return exiting.then(afterExit, (exitError: unknown) => {
      // As a `finally`: the app context is exited, then the teardown's error thrown on.
      const appExiting = exitApp();
      if (appExiting === undefined) throw exitError;
      return appExiting.then(() => {
        throw exitError;
      });
    });
  }

  #exit(error: unknown): void | Promise<void> {
    this.#depth--;
    if (this.#depth === 0) return this.close(error);
  }
}
