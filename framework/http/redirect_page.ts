/**
 * The HTML page Werkzeug sends with a redirect, for clients that do not follow `Location`.
 *
 * @module
 */
import { escapeHtml } from "./exceptions.ts";

/**
 * Werkzeug's redirect page: a title, a heading and a link to `location` (escaped).
 *
 * @param location The redirect's target.
 * @returns The page's HTML.
 *
 * @example
 * ```ts
 * import { redirectPage } from "@phial/phial";
 * redirectPage("/login").includes('<a href="/login">/login</a>'); // true
 * ```
 */
export function redirectPage(location: string): string {
  const href = escapeHtml(location);
  return "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n" +
    "<h1>Redirecting...</h1>\n<p>You should be redirected automatically to the target URL: " +
    `<a href="${href}">${href}</a>. If not, click the link.\n`;
}
