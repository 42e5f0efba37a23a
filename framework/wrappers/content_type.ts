/**
 * `getContentType`: the Content-Type Werkzeug builds from a mimetype.
 *
 * @module
 */

const TEXT_TYPES_WITH_CHARSET = new Set([
  "application/ecmascript",
  "application/javascript",
  "application/sql",
  "application/xml",
  "application/xml-dtd",
  "application/xml-external-parsed-entity",
]);

/**
 * Werkzeug's `get_content_type`: adds `; charset=utf-8` to text-like mimetypes.
 *
 * @example
 * ```ts
 * import { getContentType } from "@phial/phial";
 * getContentType("text/html"); // "text/html; charset=utf-8"
 * getContentType("application/json"); // "application/json"
 * ```
 */
export function getContentType(mimetype: string, charset: string = "utf-8"): string {
  if (
    mimetype.startsWith("text/") || TEXT_TYPES_WITH_CHARSET.has(mimetype) ||
    mimetype.endsWith("+xml")
  ) {
    return `${mimetype}; charset=${charset}`;
  }
  return mimetype;
}
