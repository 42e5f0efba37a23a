/**
 * `DispatcherMiddleware`: several apps mounted under URL prefixes of one server, as
 * Werkzeug's `werkzeug.middleware.dispatcher`.
 *
 * @module
 */
import type { AppObject, Body, Environ, StartResponse } from "../gateway/types.ts";
import { callApp } from "../gateway/call_app.ts";
import { CallableApp } from "./callable_app.ts";

/**
 * Sends each request to the app mounted at the longest prefix of its path, moving that
 * prefix from `PATH_INFO` to the end of `SCRIPT_NAME` (so the mounted app builds its URLs
 * under it); a path under no prefix goes to `app` unchanged.
 *
 * Prefixes are whole path segments: with `/api` mounted, `/api` and `/api/users` go to
 * it, `/apix` does not. `mounts` is read at each request, so apps may be added later.
 *
 * @example Two apps on one server
 * ```ts
 * import { DispatcherMiddleware, type WsgiApp } from "@phial/phial";
 * const site: WsgiApp = (_environ, startResponse) => (startResponse("200 OK", []), ["site"]);
 * const api: WsgiApp = (environ, startResponse) => {
 *   startResponse("200 OK", []);
 *   return [`api ${environ.SCRIPT_NAME} ${environ.PATH_INFO}`]; // "api /api /users"
 * };
 * const app = new DispatcherMiddleware(site, { "/api": api });
 * ```
 */
export class DispatcherMiddleware extends CallableApp {
  /** The app for paths under no mount. */
  app: AppObject;
  /** The mounted apps by prefix (such as `/api`); read at each request. */
  mounts: Record<string, AppObject>;

  /**
   * Mounts `mounts` in front of `app`.
   *
   * @param app The app for paths under no mount.
   * @param mounts The apps to mount, by path prefix (`/api`, without a trailing slash).
   */
  constructor(app: AppObject, mounts: Record<string, AppObject> = {}) {
    super();
    this.app = app;
    this.mounts = mounts;
  }

  /**
   * Dispatches one request.
   *
   * @param environ The request; its `SCRIPT_NAME` and `PATH_INFO` are updated in place.
   * @param startResponse Begins the response.
   * @returns The chosen app's body.
   */
  wsgiApp(environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
    const mounts = this.mounts;
    let script = typeof environ.PATH_INFO === "string" ? environ.PATH_INFO : "";
    let pathInfo = "";
    let app: AppObject | undefined;
    // Try the whole path, then drop one segment at a time from its end.
    for (;;) {
      const slash = script.lastIndexOf("/");
      if (slash === -1) {
        app = Object.hasOwn(mounts, script) ? mounts[script] : this.app;
        break;
      }
      if (Object.hasOwn(mounts, script)) {
        app = mounts[script];
        break;
      }
      pathInfo = script.slice(slash) + pathInfo;
      script = script.slice(0, slash);
    }
    environ.SCRIPT_NAME = (typeof environ.SCRIPT_NAME === "string" ? environ.SCRIPT_NAME : "") +
      script;
    environ.PATH_INFO = pathInfo;
    return callApp(app!, environ, startResponse);
  }
}
