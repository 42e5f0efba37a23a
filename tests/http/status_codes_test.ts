// Status codes: Werkzeug 3.1's HTTP_STATUS_CODES and Response.status lines (python3).
import assert from "node:assert/strict";
import { HTTP_STATUS_CODES, statusLine, statusReason } from "../../framework/http/status_codes.ts";

/** werkzeug.http.HTTP_STATUS_CODES, as recorded. */
const WERKZEUG_TABLE: Record<string, string> = {
  "100": "Continue",
  "101": "Switching Protocols",
  "102": "Processing",
  "103": "Early Hints",
  "200": "OK",
  "201": "Created",
  "202": "Accepted",
  "203": "Non Authoritative Information",
  "204": "No Content",
  "205": "Reset Content",
  "206": "Partial Content",
  "207": "Multi Status",
  "208": "Already Reported",
  "226": "IM Used",
  "300": "Multiple Choices",
  "301": "Moved Permanently",
  "302": "Found",
  "303": "See Other",
  "304": "Not Modified",
  "305": "Use Proxy",
  "306": "Switch Proxy",
  "307": "Temporary Redirect",
  "308": "Permanent Redirect",
  "400": "Bad Request",
  "401": "Unauthorized",
  "402": "Payment Required",
  "403": "Forbidden",
  "404": "Not Found",
  "405": "Method Not Allowed",
  "406": "Not Acceptable",
  "407": "Proxy Authentication Required",
  "408": "Request Timeout",
  "409": "Conflict",
  "410": "Gone",
  "411": "Length Required",
  "412": "Precondition Failed",
  "413": "Request Entity Too Large",
  "414": "Request URI Too Long",
  "415": "Unsupported Media Type",
  "416": "Requested Range Not Satisfiable",
  "417": "Expectation Failed",
  "418": "I'm a teapot",
  "421": "Misdirected Request",
  "422": "Unprocessable Entity",
  "423": "Locked",
  "424": "Failed Dependency",
  "425": "Too Early",
  "426": "Upgrade Required",
  "428": "Precondition Required",
  "429": "Too Many Requests",
  "431": "Request Header Fields Too Large",
  "449": "Retry With",
  "451": "Unavailable For Legal Reasons",
  "500": "Internal Server Error",
  "501": "Not Implemented",
  "502": "Bad Gateway",
  "503": "Service Unavailable",
  "504": "Gateway Timeout",
  "505": "HTTP Version Not Supported",
  "506": "Variant Also Negotiates",
  "507": "Insufficient Storage",
  "508": "Loop Detected",
  "510": "Not Extended",
  "511": "Network Authentication Failed",
};

Deno.test("HTTP_STATUS_CODES is Werkzeug's table, every code and phrase", () => {
  assert.deepEqual(
    Object.fromEntries(Object.entries(HTTP_STATUS_CODES)),
    WERKZEUG_TABLE,
  );
  assert.ok(Object.isFrozen(HTTP_STATUS_CODES));
});

/** [code, HTTP_STATUS_CODES.get(code), Response(status=code).status] */
const LINES: [number, string | null, string][] = [
  [100, "Continue", "100 CONTINUE"],
  [200, "OK", "200 OK"],
  [204, "No Content", "204 NO CONTENT"],
  [226, "IM Used", "226 IM USED"],
  [301, "Moved Permanently", "301 MOVED PERMANENTLY"],
  [304, "Not Modified", "304 NOT MODIFIED"],
  [404, "Not Found", "404 NOT FOUND"],
  [418, "I'm a teapot", "418 I'M A TEAPOT"],
  [422, "Unprocessable Entity", "422 UNPROCESSABLE ENTITY"],
  [451, "Unavailable For Legal Reasons", "451 UNAVAILABLE FOR LEGAL REASONS"],
  [499, null, "499 UNKNOWN"],
  [500, "Internal Server Error", "500 INTERNAL SERVER ERROR"],
  [511, "Network Authentication Failed", "511 NETWORK AUTHENTICATION FAILED"],
  [599, null, "599 UNKNOWN"],
  [999, null, "999 UNKNOWN"],
];

Deno.test("statusLine gives Werkzeug's upper-cased status lines, statusReason the phrase", () => {
  for (const [code, reason, line] of LINES) {
    assert.equal(statusLine(code), line, String(code));
    assert.equal(statusReason(code), reason ?? "Unknown Error", String(code));
  }
});
