/**
 * Flask's helpers that work on the current application and request: `urlFor`, `redirect`,
 * `jsonify` and `makeResponse`.
 *
 * @module
 */
import { currentAppContext, requireAppContext, requireRequestContext } from "./globals.ts";
import { redirectResponse } from "./redirect_response.ts";
import type { Response } from "../wrappers/response.ts";

/** `urlFor`'s values, with Flask's underscore keywords. */
export interface UrlForValues {
  /** An absolute URL (default: only outside a request, or with `_scheme`). */
  _external?: boolean;
  /** A fragment to append. */
  _anchor?: string;
  /** The method the rule must accept. */
  _method?: string;
  /** The scheme of an external URL. */
  _scheme?: string;
  /** The rule's values, and any others for the query string. */
  [name: string]: unknown;
}

/**
 * Builds the URL of an endpoint in the current application (Flask's `url_for`).
 *
 * @param endpoint The endpoint (a view's name, unless the route gave another).
 * @param values The rule's values, extra values for the query string, and `_external`,
 *   `_anchor`, `_method`, `_scheme`.
 * @returns The URL: relative inside a request, absolute outside one.
 *
 * @example
 * ```ts
 * import { Application, urlFor } from "@phial/phial";
 * const app = new Application(import.meta.url);
 * app.route("/user/<int:id>", function user({ id }) { return `user ${id}`; });
 * await app.testRequestContext("/").run(() => urlFor("user", { id: 42, page: 2 }));
 * // "/user/42?page=2"
 * ```
 */
export function urlFor(endpoint: string, values: UrlForValues = {}): string {
  const { _external, _anchor, _method, _scheme, ...rest } = values;
  return requireAppContext().app.urlFor(endpoint, rest, {
    ...(_external === undefined ? {} : { external: _external }),
    ...(_anchor === undefined ? {} : { anchor: _anchor }),
    ...(_method === undefined ? {} : { method: _method }),
    ...(_scheme === undefined ? {} : { scheme: _scheme }),
  });
}

/**
 * A redirect response to `location` (Flask's `redirect`): made by the current app's
 * `redirect` method when there is an app (so an app can change how it redirects), else by
 * `redirectResponse`.
 *
 * @param location Where to send the client.
 * @param code The status: 302 by default.
 * @returns The response.
 *
 * @example
 * ```ts
 * import { redirect } from "@phial/phial";
 * const response = redirect("https://example.com/", 307);
 * response.location; // "https://example.com/"
 * ```
 */
export function redirect(location: string, code: number = 302): Response {
  const app = currentAppContext()?.app;
  if (app !== undefined) return app.redirect(location, code);
  return redirectResponse(location, code);
}

/**
 * A JSON response (Flask's `jsonify`): no argument gives `null`, one gives it, several give
 * an array; pass one object where Flask takes keyword arguments.
 *
 * @param args The value(s).
 * @returns The response, indented in debug mode.
 */
export function jsonify(...args: unknown[]): Response {
  return requireAppContext().app.json.response(...args);
}

/**
 * A response from a view-style return value (Flask's `make_response`): no argument gives an
 * empty response, one is converted as a view's return value, several are a
 * `[body, status, headers]` tuple.
 *
 * @param args The return value, or its parts.
 * @returns The response.
 */
export function makeResponse(...args: unknown[]): Response | Promise<Response> {
  const app = requireRequestContext().app;
  if (args.length === 0) return new app.responseClass();
  return app.makeResponse(args.length === 1 ? args[0] : args);
}
