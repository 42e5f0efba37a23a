/**
 * The context locals, as Flask's `flask.globals`: `currentApp`, `g`, `request` and
 * `session` stand for the objects of the application and request being handled. They are
 * bound with `AsyncLocalStorage`, so they survive `await` and concurrent requests never see
 * each other's.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { AppContext, AppCtxGlobals, RequestContext } from "./ctx.ts";
import type { Application } from "./application.ts";
import type { Request } from "../wrappers/request.ts";
import type { SecureCookieSession } from "./secure_cookie_session.ts";

/** What the context storage holds while an application or a request is being handled. */
export interface ContextFrame {
  /** The application context. */
  readonly app: AppContext;
  /** The request context, or `null` in an application context alone. */
  readonly request: RequestContext | null;
}

/** The storage the contexts live in; one `run` per request. */
export const contextStorage: AsyncLocalStorage<ContextFrame> = new AsyncLocalStorage();

const APP_CONTEXT_MESSAGE = "Working outside of application context.\n\n" +
  "This typically means that you attempted to use functionality that needed the current " +
  "application. To solve this, set up an application context with app.appContext(): " +
  "await app.appContext().run(() => ...).";

const REQUEST_CONTEXT_MESSAGE = "Working outside of request context.\n\n" +
  "This typically means that you attempted to use functionality that needed an active " +
  "HTTP request. In tests, use app.testRequestContext(path) or app.testClient().";

/**
 * The application context being handled, or `null`.
 *
 * @returns It.
 */
export function currentAppContext(): AppContext | null {
  return contextStorage.getStore()?.app ?? null;
}

/**
 * The request context being handled, or `null`.
 *
 * @returns It.
 */
export function currentRequestContext(): RequestContext | null {
  return contextStorage.getStore()?.request ?? null;
}

/**
 * Whether an application context is active (Flask's `has_app_context`).
 *
 * @returns `true` inside a request or `app.appContext()`.
 */
export function hasAppContext(): boolean {
  return contextStorage.getStore() !== undefined;
}

/**
 * Whether a request context is active (Flask's `has_request_context`).
 *
 * @returns `true` while a request is being handled.
 */
export function hasRequestContext(): boolean {
  return (contextStorage.getStore()?.request ?? null) !== null;
}

/**
 * The active application context, or an error saying how to get one.
 *
 * @returns The context.
 * @throws {Error} "Working outside of application context."
 */
export function requireAppContext(): AppContext {
  const frame = contextStorage.getStore();
  if (frame === undefined) throw new Error(APP_CONTEXT_MESSAGE);
  return frame.app;
}

/**
 * The active request context, or an error saying how to get one.
 *
 * @returns The context.
 * @throws {Error} "Working outside of request context."
 */
export function requireRequestContext(): RequestContext {
  const context = contextStorage.getStore()?.request ?? null;
  if (context === null) throw new Error(REQUEST_CONTEXT_MESSAGE);
  return context;
}

/**
 * An object that stands for whatever `resolve()` gives at each use, as Werkzeug's
 * `LocalProxy`: properties are read from and written to it, its methods are called on it,
 * and `instanceof` sees its class.
 */
function localProxy<T extends object>(resolve: () => T): T {
  return new Proxy({} as T, {
    get(_target, key) {
      const object = resolve();
      const value = Reflect.get(object, key);
      return typeof value === "function" ? value.bind(object) : value;
    },
    set(_target, key, value) {
      return Reflect.set(resolve(), key, value);
    },
    has(_target, key) {
      return Reflect.has(resolve(), key);
    },
    deleteProperty(_target, key) {
      return Reflect.deleteProperty(resolve(), key);
    },
    ownKeys() {
      return Reflect.ownKeys(resolve());
    },
    getOwnPropertyDescriptor(_target, key) {
      const descriptor = Reflect.getOwnPropertyDescriptor(resolve(), key);
      // The proxy's own target has none of these: report them as configurable.
      return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
    },
    getPrototypeOf() {
      return Reflect.getPrototypeOf(resolve());
    },
  });
}

/** The application handling the current request or application context. */
export const currentApp: Application = localProxy(() => requireAppContext().app);

/** The per-request namespace of the current application context (Flask's `g`). */
export const g: AppCtxGlobals = localProxy(() => requireAppContext().g);

/** The request being handled. */
export const request: Request = localProxy(() => requireRequestContext().request);

/** The session of the request being handled (a signed cookie). */
export const session: SecureCookieSession = localProxy(() => {
  const context = requireRequestContext();
  if (context.session === null) {
    throw new Error("The session is not open yet: it opens when the request context is pushed");
  }
  return context.session;
});
