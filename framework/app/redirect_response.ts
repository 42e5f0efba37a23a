/**
 * The redirect response, as Werkzeug's `werkzeug.utils.redirect`: a status, a `Location`
 * header, and a short HTML page with a link for clients that do not follow it.
 *
 * @module
 */
import { redirectPage } from "../http/redirect_page.ts";
import { Response } from "../wrappers/response.ts";

/**
 * Builds a redirect response to `location`, as Werkzeug's `redirect`.
 *
 * @param location Where to send the client (absolute, or relative to the request's URL).
 * @param code The status: 301, 302 (default), 303, 307 or 308.
 * @param responseClass The class to build it with.
 * @returns The response.
 *
 * @example
 * ```ts
 * import { redirectResponse } from "@phial/phial";
 * const response = redirectResponse("/login");
 * response.statusCode; // 302
 * response.headers.get("Location"); // "/login"
 * ```
 */
export function redirectResponse(
  location: string,
  code: number = 302,
  responseClass: typeof Response = Response,
): Response {
  if (typeof location !== "string") {
    throw new TypeError("redirect(location, code) needs the location as a string");
  }
  const response = new responseClass(redirectPage(location), {
    status: code,
    mimetype: "text/html",
  });
  response.headers.set("Location", location);
  return response;
}
