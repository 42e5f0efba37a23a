// HTTP exceptions: every Werkzeug 4xx/5xx class with its code, name and HTML page,
// recorded from Werkzeug 3.1 (`exc.get_body()`).
import assert from "node:assert/strict";
import * as http from "../../framework/http/mod.ts";
import {
  abort,
  Aborter,
  BadRequest,
  defaultExceptions,
  HTTPException,
  LookupError,
  MethodNotAllowed,
  NotFound,
  RequestedRangeNotSatisfiable,
  type ResponseLike,
  ServiceUnavailable,
  setResponseFactory,
  TooManyRequests,
  Unauthorized,
} from "../../framework/http/exceptions.ts";
import type { Environ } from "../../framework/gateway/types.ts";

/** [class name, code, name, body] as Werkzeug 3.1 renders `Cls().get_body()`. */
const WERKZEUG_PAGES: [string, number, string, string][] = [
  [
    "BadRequest",
    400,
    "Bad Request",
    "<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>The browser (or proxy) sent a request that this server could not understand.</p>\n",
  ],
  [
    "Unauthorized",
    401,
    "Unauthorized",
    "<!doctype html>\n<html lang=en>\n<title>401 Unauthorized</title>\n<h1>Unauthorized</h1>\n<p>The server could not verify that you are authorized to access the URL requested. You either supplied the wrong credentials (e.g. a bad password), or your browser doesn&#39;t understand how to supply the credentials required.</p>\n",
  ],
  [
    "Forbidden",
    403,
    "Forbidden",
    "<!doctype html>\n<html lang=en>\n<title>403 Forbidden</title>\n<h1>Forbidden</h1>\n<p>You don&#39;t have the permission to access the requested resource. It is either read-protected or not readable by the server.</p>\n",
  ],
  [
    "NotFound",
    404,
    "Not Found",
    "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n",
  ],
  [
    "MethodNotAllowed",
    405,
    "Method Not Allowed",
    "<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n",
  ],
  [
    "NotAcceptable",
    406,
    "Not Acceptable",
    "<!doctype html>\n<html lang=en>\n<title>406 Not Acceptable</title>\n<h1>Not Acceptable</h1>\n<p>The resource identified by the request is only capable of generating response entities which have content characteristics not acceptable according to the accept headers sent in the request.</p>\n",
  ],
  [
    "RequestTimeout",
    408,
    "Request Timeout",
    "<!doctype html>\n<html lang=en>\n<title>408 Request Timeout</title>\n<h1>Request Timeout</h1>\n<p>The server closed the network connection because the browser didn&#39;t finish the request within the specified time.</p>\n",
  ],
  [
    "Conflict",
    409,
    "Conflict",
    "<!doctype html>\n<html lang=en>\n<title>409 Conflict</title>\n<h1>Conflict</h1>\n<p>A conflict happened while processing the request. The resource might have been modified while the request was being processed.</p>\n",
  ],
  [
    "Gone",
    410,
    "Gone",
    "<!doctype html>\n<html lang=en>\n<title>410 Gone</title>\n<h1>Gone</h1>\n<p>The requested URL is no longer available on this server and there is no forwarding address. If you followed a link from a foreign page, please contact the author of this page.</p>\n",
  ],
  [
    "LengthRequired",
    411,
    "Length Required",
    "<!doctype html>\n<html lang=en>\n<title>411 Length Required</title>\n<h1>Length Required</h1>\n<p>A request with this method requires a valid &lt;code&gt;Content-Length&lt;/code&gt; header.</p>\n",
  ],
  [
    "PreconditionFailed",
    412,
    "Precondition Failed",
    "<!doctype html>\n<html lang=en>\n<title>412 Precondition Failed</title>\n<h1>Precondition Failed</h1>\n<p>The precondition on the request for the URL failed positive evaluation.</p>\n",
  ],
  [
    "RequestEntityTooLarge",
    413,
    "Request Entity Too Large",
    "<!doctype html>\n<html lang=en>\n<title>413 Request Entity Too Large</title>\n<h1>Request Entity Too Large</h1>\n<p>The data value transmitted exceeds the capacity limit.</p>\n",
  ],
  [
    "RequestURITooLarge",
    414,
    "Request URI Too Long",
    "<!doctype html>\n<html lang=en>\n<title>414 Request URI Too Long</title>\n<h1>Request URI Too Long</h1>\n<p>The length of the requested URL exceeds the capacity limit for this server. The request cannot be processed.</p>\n",
  ],
  [
    "UnsupportedMediaType",
    415,
    "Unsupported Media Type",
    "<!doctype html>\n<html lang=en>\n<title>415 Unsupported Media Type</title>\n<h1>Unsupported Media Type</h1>\n<p>The server does not support the media type transmitted in the request.</p>\n",
  ],
  [
    "RequestedRangeNotSatisfiable",
    416,
    "Requested Range Not Satisfiable",
    "<!doctype html>\n<html lang=en>\n<title>416 Requested Range Not Satisfiable</title>\n<h1>Requested Range Not Satisfiable</h1>\n<p>The server cannot provide the requested range.</p>\n",
  ],
  [
    "ExpectationFailed",
    417,
    "Expectation Failed",
    "<!doctype html>\n<html lang=en>\n<title>417 Expectation Failed</title>\n<h1>Expectation Failed</h1>\n<p>The server could not meet the requirements of the Expect header</p>\n",
  ],
  [
    "ImATeapot",
    418,
    "I'm a teapot",
    "<!doctype html>\n<html lang=en>\n<title>418 I&#39;m a teapot</title>\n<h1>I&#39;m a teapot</h1>\n<p>This server is a teapot, not a coffee machine</p>\n",
  ],
  [
    "MisdirectedRequest",
    421,
    "Misdirected Request",
    "<!doctype html>\n<html lang=en>\n<title>421 Misdirected Request</title>\n<h1>Misdirected Request</h1>\n<p>The server is not able to produce a response.</p>\n",
  ],
  [
    "UnprocessableEntity",
    422,
    "Unprocessable Entity",
    "<!doctype html>\n<html lang=en>\n<title>422 Unprocessable Entity</title>\n<h1>Unprocessable Entity</h1>\n<p>The request was well-formed but was unable to be followed due to semantic errors.</p>\n",
  ],
  [
    "Locked",
    423,
    "Locked",
    "<!doctype html>\n<html lang=en>\n<title>423 Locked</title>\n<h1>Locked</h1>\n<p>The resource that is being accessed is locked.</p>\n",
  ],
  [
    "FailedDependency",
    424,
    "Failed Dependency",
    "<!doctype html>\n<html lang=en>\n<title>424 Failed Dependency</title>\n<h1>Failed Dependency</h1>\n<p>The method could not be performed on the resource because the requested action depended on another action and that action failed.</p>\n",
  ],
  [
    "PreconditionRequired",
    428,
    "Precondition Required",
    "<!doctype html>\n<html lang=en>\n<title>428 Precondition Required</title>\n<h1>Precondition Required</h1>\n<p>This request is required to be conditional; try using &#34;If-Match&#34; or &#34;If-Unmodified-Since&#34;.</p>\n",
  ],
  [
    "TooManyRequests",
    429,
    "Too Many Requests",
    "<!doctype html>\n<html lang=en>\n<title>429 Too Many Requests</title>\n<h1>Too Many Requests</h1>\n<p>This user has exceeded an allotted request count. Try again later.</p>\n",
  ],
  [
    "RequestHeaderFieldsTooLarge",
    431,
    "Request Header Fields Too Large",
    "<!doctype html>\n<html lang=en>\n<title>431 Request Header Fields Too Large</title>\n<h1>Request Header Fields Too Large</h1>\n<p>One or more header fields exceeds the maximum size.</p>\n",
  ],
  [
    "UnavailableForLegalReasons",
    451,
    "Unavailable For Legal Reasons",
    "<!doctype html>\n<html lang=en>\n<title>451 Unavailable For Legal Reasons</title>\n<h1>Unavailable For Legal Reasons</h1>\n<p>Unavailable for legal reasons.</p>\n",
  ],
  [
    "InternalServerError",
    500,
    "Internal Server Error",
    "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.</p>\n",
  ],
  [
    "NotImplemented",
    501,
    "Not Implemented",
    "<!doctype html>\n<html lang=en>\n<title>501 Not Implemented</title>\n<h1>Not Implemented</h1>\n<p>The server does not support the action requested by the browser.</p>\n",
  ],
  [
    "BadGateway",
    502,
    "Bad Gateway",
    "<!doctype html>\n<html lang=en>\n<title>502 Bad Gateway</title>\n<h1>Bad Gateway</h1>\n<p>The proxy server received an invalid response from an upstream server.</p>\n",
  ],
  [
    "ServiceUnavailable",
    503,
    "Service Unavailable",
    "<!doctype html>\n<html lang=en>\n<title>503 Service Unavailable</title>\n<h1>Service Unavailable</h1>\n<p>The server is temporarily unable to service your request due to maintenance downtime or capacity problems. Please try again later.</p>\n",
  ],
  [
    "GatewayTimeout",
    504,
    "Gateway Timeout",
    "<!doctype html>\n<html lang=en>\n<title>504 Gateway Timeout</title>\n<h1>Gateway Timeout</h1>\n<p>The connection to an upstream server timed out.</p>\n",
  ],
  [
    "HTTPVersionNotSupported",
    505,
    "HTTP Version Not Supported",
    "<!doctype html>\n<html lang=en>\n<title>505 HTTP Version Not Supported</title>\n<h1>HTTP Version Not Supported</h1>\n<p>The server does not support the HTTP protocol version used in the request.</p>\n",
  ],
];

Deno.test("every Werkzeug HTTP error class exists with Werkzeug's code, name and HTML page", () => {
  const exports = http as unknown as Record<string, new () => HTTPException>;
  for (const [className, code, name, body] of WERKZEUG_PAGES) {
    const cls = exports[className];
    assert.ok(cls, `${className} is exported`);
    const exc = new cls();
    assert.ok(exc instanceof HTTPException && exc instanceof Error, className);
    assert.equal(exc.code, code, className);
    assert.equal(exc.name, name, className);
    assert.equal(exc.getBody(), body, className);
    assert.deepEqual(exc.getHeaders().slice(0, 1), [["Content-Type", "text/html; charset=utf-8"]]);
    assert.equal(defaultExceptions[code], cls, `defaultExceptions[${code}]`);
  }
  assert.equal(Object.keys(defaultExceptions).length, WERKZEUG_PAGES.length);
});

Deno.test("the description is escaped and newlines become <br> in the page", () => {
  const exc = new NotFound('a <b> & "c"\nline2');
  assert.equal(
    exc.getBody(),
    "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>a &lt;b&gt; &amp; &#34;c&#34;<br>line2</p>\n",
  );
  assert.equal(exc.description, 'a <b> & "c"\nline2');
});

Deno.test("String(exc) and message are Werkzeug's str(exc)", () => {
  const exc = new BadRequest("Missing field.");
  assert.equal(exc.message, "400 Bad Request: Missing field.");
  assert.equal(String(exc), "400 Bad Request: Missing field.");
  assert.match(exc.stack ?? "", /Bad Request/);
});

Deno.test("a subclass sets its defaults with static code and description", () => {
  class InsufficientStorage extends HTTPException {
    static override code = 507;
    static override description = "Full.";
  }
  const exc = new InsufficientStorage();
  assert.equal(exc.code, 507);
  assert.equal(exc.name, "Insufficient Storage");
  assert.equal(new InsufficientStorage("Really full.").description, "Really full.");
  assert.equal(exc.getBody().split("\n")[2], "<title>507 Insufficient Storage</title>");
});

Deno.test("MethodNotAllowed sets Allow from validMethods", () => {
  const exc = new MethodNotAllowed(["GET", "POST"]);
  assert.deepEqual(exc.validMethods, ["GET", "POST"]);
  assert.deepEqual(exc.getHeaders(), [
    ["Content-Type", "text/html; charset=utf-8"],
    ["Allow", "GET, POST"],
  ]);
  assert.deepEqual(new MethodNotAllowed().getHeaders().length, 1);
  assert.equal(new MethodNotAllowed(["GET"], "Use GET.").description, "Use GET.");
});

Deno.test("Unauthorized, 416, 429 and 503 add their headers as Werkzeug does", () => {
  assert.deepEqual(new Unauthorized().getHeaders().length, 1);
  assert.deepEqual(
    new Unauthorized(undefined, undefined, ['Basic realm="x"', "Bearer"]).getHeaders().slice(1),
    [["WWW-Authenticate", 'Basic realm="x"'], ["WWW-Authenticate", "Bearer"]],
  );
  assert.deepEqual(new RequestedRangeNotSatisfiable(10).getHeaders()[1], [
    "Content-Range",
    "bytes */10",
  ]);
  assert.deepEqual(new RequestedRangeNotSatisfiable().getHeaders().length, 1);
  assert.deepEqual(new TooManyRequests(undefined, undefined, 5).getHeaders()[1], [
    "Retry-After",
    "5",
  ]);
  assert.deepEqual(
    new ServiceUnavailable(undefined, undefined, new Date(Date.UTC(2024, 0, 2, 3, 4, 5)))
      .getHeaders()[1],
    ["Retry-After", "Tue, 02 Jan 2024 03:04:05 GMT"],
  );
});

async function runAsApp(
  app: { wsgiApp: (e: Environ, s: (st: string, h: [string, string][]) => () => void) => unknown },
): Promise<{ status: string; headers: [string, string][]; body: string }> {
  let status = "";
  let headers: [string, string][] = [];
  const body = await app.wsgiApp({} as Environ, (s, h) => {
    status = s;
    headers = h;
    return () => {};
  });
  const decoder = new TextDecoder();
  let text = "";
  for (const chunk of body as Iterable<Uint8Array | string>) {
    text += typeof chunk === "string" ? chunk : decoder.decode(chunk);
  }
  return { status, headers, body: text };
}

Deno.test("an HTTP exception is a gateway app answering with its page", async () => {
  const result = await runAsApp(new MethodNotAllowed(["GET"]));
  assert.equal(result.status, "405 METHOD NOT ALLOWED");
  assert.equal(result.body, new MethodNotAllowed().getBody());
  assert.deepEqual(result.headers, [
    ["Content-Type", "text/html; charset=utf-8"],
    ["Allow", "GET"],
    ["Content-Length", String(new TextEncoder().encode(result.body).length)],
  ]);
});

Deno.test("getResponse goes through the factory set with setResponseFactory", () => {
  const seen: unknown[] = [];
  setResponseFactory((body, init) => {
    seen.push([body, init]);
    return { statusCode: init.status, status: "custom", wsgiApp: () => [] };
  });
  try {
    const response = new NotFound().getResponse();
    assert.equal(response.status, "custom");
    assert.deepEqual(seen, [[new NotFound().getBody(), {
      status: 404,
      headers: [["Content-Type", "text/html; charset=utf-8"]],
    }]]);
  } finally {
    setResponseFactory(null);
  }
  assert.equal(new NotFound().getResponse().status, "404 NOT FOUND");
});

Deno.test("abort throws the class for the code, with an optional description", () => {
  assert.throws(() => abort(404), NotFound);
  assert.throws(() => abort(405), MethodNotAllowed);
  assert.throws(
    () => abort(400, "Bad field."),
    (e) => e instanceof BadRequest && e.description === "Bad field.",
  );
});

Deno.test("abort of an unknown code is a LookupError, as in Werkzeug", () => {
  assert.throws(
    () => abort(299),
    (e) => e instanceof LookupError && /no exception for 299/.test(String(e)),
  );
  assert.throws(() => abort(999), LookupError);
});

Deno.test("abort(response) throws an HTTPException carrying that response", () => {
  const response: ResponseLike = { statusCode: 418, status: "418 I'M A TEAPOT", wsgiApp: () => [] };
  try {
    abort(response);
  } catch (e) {
    assert.ok(e instanceof HTTPException);
    assert.equal(e.getResponse(), response);
    return;
  }
  assert.fail("abort did not throw");
});

Deno.test("an Aborter can map extra codes", () => {
  class Full extends HTTPException {
    static override code = 507;
  }
  const aborter = new Aborter(undefined, { 507: Full });
  assert.throws(() => aborter.abort(507), Full);
  assert.throws(() => aborter.abort(404), NotFound);
});
