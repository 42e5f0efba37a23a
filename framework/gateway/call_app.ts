/**
 * Calling an app object: a `WsgiApp` function, or an object whose `wsgiApp` method is
 * looked up at the call.
 *
 * @module
 */
import type { AppObject, Body, Environ, StartResponse } from "./types.ts";

/**
 * Calls an app object with `environ` and `startResponse`, as a server or a middleware does:
 * a function is called, an object's `wsgiApp` is looked up now (so one assigned later, as in
 * Flask's `app.wsgiApp = middleware(app.wsgiApp)`, applies).
 *
 * @param app A `WsgiApp` function or an object with a `wsgiApp` method.
 * @param environ The request.
 * @param startResponse The `startResponse` to give the app.
 * @returns What the app returned.
 *
 * @example
 * ```ts
 * import { callApp, type StartResponse } from "@phial/phial";
 * const app = { wsgiApp: (_e: unknown, sr: StartResponse) => (sr("204 No Content", []), []) };
 * const body = callApp(app, {} as never, () => () => {});
 * ```
 */
export function callApp(
  app: AppObject,
  environ: Environ,
  startResponse: StartResponse,
): Body | Promise<Body> {
  return typeof app === "function"
    ? app(environ, startResponse)
    : app.wsgiApp(environ, startResponse);
}
