/**
 * The base of phial's middleware: an object that is also a `WsgiApp` function, as Werkzeug's
 * middleware are callables.
 *
 * @module
 */
import type { Body, Environ, StartResponse, WsgiApp } from "../gateway/types.ts";

/**
 * An app object that can also be called as a `WsgiApp`: `new ProxyFix(app)` can be served,
 * wrapped again, or assigned where a function is expected, as in Flask's idiom
 * `app.wsgiApp = new ProxyFix(app.wsgiApp)`. Subclasses implement {@linkcode wsgiApp}.
 *
 * The instance is a function whose prototype is the subclass's: `instanceof` works, and
 * calling it calls `wsgiApp`. Its own properties must not be named `name`, `length` or
 * `prototype`, which every function has.
 *
 * @example A middleware that adds a header
 * ```ts
 * import { CallableApp, type Body, type Environ, type StartResponse, type WsgiApp } from "@phial/phial";
 * class Tagged extends CallableApp {
 *   constructor(readonly app: WsgiApp) {
 *     super();
 *   }
 *   wsgiApp(environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
 *     return this.app(environ, (status, headers, excInfo) =>
 *       startResponse(status, [...headers, ["X-Tag", "1"]], excInfo));
 *   }
 * }
 * const app: WsgiApp = new Tagged((_environ, startResponse) => {
 *   startResponse("200 OK", []);
 *   return [];
 * });
 * ```
 */
export abstract class CallableApp {
  constructor() {
    const self =
      ((environ: Environ, startResponse: StartResponse) =>
        (self as unknown as CallableApp).wsgiApp(environ, startResponse)) as unknown as CallableApp;
    Object.setPrototypeOf(self, new.target.prototype);
    return self;
  }

  /**
   * The gateway application.
   *
   * @param environ The request.
   * @param startResponse Begins the response.
   * @returns The body.
   */
  abstract wsgiApp(environ: Environ, startResponse: StartResponse): Body | Promise<Body>;
}

/** A {@linkcode CallableApp} is callable: TypeScript learns it from this declaration. */
export interface CallableApp extends WsgiApp {}
