// Request and Response attributes that mirror Werkzeug 3.1's `werkzeug.wrappers` ones:
// cache and CORS headers, CSP, cross-origin policies, WWW-Authenticate, cookie size,
// `Request.fromValues`, `Response.fromApp` and `iterEncoded`.
// Expected values were recorded by running the same steps through Werkzeug 3.1.8
// (`werkzeug.wrappers.Request`/`Response`, `werkzeug.test.EnvironBuilder`) in python3.
import assert from "node:assert/strict";
import { Request } from "../../framework/wrappers/request.ts";
import { Response } from "../../framework/wrappers/response.ts";
import { EnvironBuilder } from "../../framework/wrappers/environ_builder.ts";
import { WWWAuthenticate } from "../../framework/http/authorization.ts";
import {
  ContentSecurityPolicy,
  dumpCspHeader,
  parseCspHeader,
} from "../../framework/http/content_security_policy.ts";
import type { Environ, WsgiApp } from "../../framework/gateway/types.ts";

const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

function requestWith(
  headers: Record<string, string> = {},
  extra: Record<string, unknown> = {},
): Request {
  return Request.fromValues("/", { headers, environOverrides: extra });
}

/** Runs `fn` with `console.warn` captured; gives the messages. */
function captureWarnings(fn: () => void): string[] {
  const messages: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => messages.push(args.map(String).join(" "));
  try {
    fn();
  } finally {
    console.warn = original;
  }
  return messages;
}

// ---- Request --------------------------------------------------------------------------

Deno.test("Request.cacheControl parses Cache-Control into a read-only RequestCacheControl", () => {
  const cc = requestWith({ "Cache-Control": "no-cache, max-age=0, max-stale, min-fresh=5" })
    .cacheControl;
  assert.equal(cc.noCache, true);
  assert.equal(cc.maxAge, 0);
  assert.equal(cc.maxStale, true);
  assert.equal(cc.minFresh, 5);
  assert.equal(cc.noStore, false);
  assert.equal(cc.onlyIfCached, false);
  assert.equal(cc.toHeader(), "no-cache, max-age=0, max-stale, min-fresh=5");
  assert.throws(() => {
    cc.maxAge = 3;
  }, TypeError);
  const absent = requestWith().cacheControl;
  assert.equal(absent.provided, true);
  assert.equal(absent.maxAge, null);
  assert.equal(absent.toHeader(), "");
});

Deno.test("Request.pragma is a HeaderSet, empty when the header is absent", () => {
  const pragma = requestWith({ Pragma: "no-cache, x=1" }).pragma;
  assert.deepEqual([...pragma], ["no-cache", "x=1"]);
  assert.equal(pragma.has("No-Cache"), true);
  assert.equal(pragma.toHeader(), 'no-cache, "x=1"');
  assert.deepEqual([...requestWith().pragma], []);
});

Deno.test("Request.maxForwards reads Max-Forwards as Python's int() does", () => {
  const cases: [string, number | null][] = [
    ["10", 10],
    [" 7 ", 7],
    ["+3", 3],
    ["-2", -2],
    ["x", null],
    ["1_0", 10],
    ["", null],
  ];
  for (const [header, expected] of cases) {
    assert.equal(requestWith({ "Max-Forwards": header }).maxForwards, expected, header);
  }
  assert.equal(requestWith().maxForwards, null);
});

Deno.test("Request.remoteUser, contentMd5 and the CORS preflight headers", () => {
  assert.equal(requestWith({}, { REMOTE_USER: "alice" }).remoteUser, "alice");
  assert.equal(requestWith().remoteUser, null);
  assert.equal(
    requestWith({ "Content-MD5": "Q2hlY2sgSW50ZWdyaXR5IQ==" }).contentMd5,
    "Q2hlY2sgSW50ZWdyaXR5IQ==",
  );
  assert.equal(requestWith().contentMd5, null);
  const preflight = requestWith({
    "Access-Control-Request-Headers": "X-A, x-b",
    "Access-Control-Request-Method": "PUT",
  });
  assert.deepEqual([...preflight.accessControlRequestHeaders!], ["X-A", "x-b"]);
  assert.equal(preflight.accessControlRequestHeaders!.has("x-a"), true);
  assert.equal(preflight.accessControlRequestMethod, "PUT");
  assert.equal(requestWith().accessControlRequestHeaders, null);
  assert.equal(requestWith().accessControlRequestMethod, null);
});

Deno.test("Request.isMultithread, isMultiprocess and isRunOnce read wsgi.*; null when unset", () => {
  const request = Request.fromValues("/", {
    multithread: true,
    multiprocess: false,
    runOnce: true,
  });
  assert.equal(request.isMultithread, true);
  assert.equal(request.isMultiprocess, false);
  assert.equal(request.isRunOnce, true);
  const bare = new Request({} as Environ);
  assert.equal(bare.isMultithread, null);
  assert.equal(bare.isMultiprocess, null);
  assert.equal(bare.isRunOnce, null);
});

Deno.test("Request.fromValues builds the request an EnvironBuilder describes", async () => {
  const request = Request.fromValues("/foo?a=b", {
    method: "POST",
    form: { x: "1" },
    baseUrl: "http://example.com/app",
    headers: { "X-Y": "z" },
  });
  assert.equal(request.url, "http://example.com/app/foo?a=b");
  assert.equal(request.method, "POST");
  assert.equal(request.args.get("a"), "b");
  assert.equal((await request.form).get("x"), "1");
  assert.equal(request.headers.get("X-Y"), "z");
  assert.equal(request.scriptRoot, "/app");
  assert.equal(request.path, "/foo");

  const plain = Request.fromValues();
  assert.equal(plain.url, "http://localhost/");
  assert.equal(plain.method, "GET");
});

Deno.test("Request.fromValues gives the subclass it is called on, with its options", () => {
  class MyRequest extends Request {}
  const request = MyRequest.fromValues("/", {}, { maxContentLength: 10 });
  assert.ok(request instanceof MyRequest);
  assert.equal(request.maxContentLength, 10);
});

// ---- Response: CORS -------------------------------------------------------------------

Deno.test("Response.accessControlAllowCredentials sends 'true' or nothing", () => {
  const r = new Response();
  assert.equal(r.accessControlAllowCredentials, false);
  r.accessControlAllowCredentials = true;
  assert.equal(r.headers.get("Access-Control-Allow-Credentials"), "true");
  assert.equal(r.accessControlAllowCredentials, true);
  r.accessControlAllowCredentials = false;
  assert.equal(r.headers.get("Access-Control-Allow-Credentials"), undefined);
  // Werkzeug only checks presence.
  r.headers.set("Access-Control-Allow-Credentials", "false");
  assert.equal(r.accessControlAllowCredentials, true);
});

Deno.test("Response CORS set headers are live HeaderSets", () => {
  const r = new Response();
  r.accessControlAllowHeaders = ["X-A", "X-B"];
  assert.equal(r.headers.get("Access-Control-Allow-Headers"), "X-A, X-B");
  assert.deepEqual([...r.accessControlAllowHeaders], ["X-A", "X-B"]);
  r.accessControlAllowMethods = ["GET", "POST"];
  assert.equal(r.headers.get("Access-Control-Allow-Methods"), "GET, POST");
  r.accessControlAllowMethods.add("PUT");
  assert.equal(r.headers.get("Access-Control-Allow-Methods"), "GET, POST, PUT");
  r.accessControlExposeHeaders.add("X-Total");
  assert.equal(r.headers.get("Access-Control-Expose-Headers"), "X-Total");
  r.accessControlExposeHeaders.remove("x-total");
  assert.equal(r.headers.has("Access-Control-Expose-Headers"), false);
  r.accessControlAllowHeaders = null;
  assert.equal(r.headers.has("Access-Control-Allow-Headers"), false);
  assert.equal(r.accessControlAllowHeaders.size, 0);
});

Deno.test("Response.accessControlAllowOrigin and accessControlMaxAge", () => {
  const r = new Response();
  assert.equal(r.accessControlAllowOrigin, null);
  assert.equal(r.accessControlMaxAge, null);
  r.accessControlAllowOrigin = "*";
  r.accessControlMaxAge = 600;
  assert.equal(r.headers.get("Access-Control-Allow-Origin"), "*");
  assert.equal(r.headers.get("Access-Control-Max-Age"), "600");
  assert.equal(r.accessControlMaxAge, 600);
  for (const [header, expected] of [["abc", null], [" 12 ", 12], ["-5", -5]] as const) {
    r.headers.set("Access-Control-Max-Age", header);
    assert.equal(r.accessControlMaxAge, expected, header);
  }
  r.accessControlMaxAge = null;
  assert.equal(r.headers.has("Access-Control-Max-Age"), false);
  assert.throws(() => {
    r.accessControlMaxAge = Number.NaN;
  }, TypeError);
});

// ---- Response: cross-origin isolation ---------------------------------------------------

Deno.test("Response cross-origin policies default to 'unsafe-none' without writing a header", () => {
  const r = new Response();
  assert.equal(r.crossOriginOpenerPolicy, "unsafe-none");
  assert.equal(r.crossOriginEmbedderPolicy, "unsafe-none");
  assert.equal(r.headers.has("Cross-Origin-Opener-Policy"), false);
  r.crossOriginOpenerPolicy = "same-origin";
  r.crossOriginEmbedderPolicy = "require-corp";
  assert.equal(r.headers.get("Cross-Origin-Opener-Policy"), "same-origin");
  assert.equal(r.headers.get("Cross-Origin-Embedder-Policy"), "require-corp");
  r.headers.set("Cross-Origin-Opener-Policy", "bogus");
  assert.equal(r.crossOriginOpenerPolicy, "unsafe-none");
  r.headers.set("Cross-Origin-Opener-Policy", "same-origin-allow-popups");
  assert.equal(r.crossOriginOpenerPolicy, "same-origin-allow-popups");
  assert.throws(() => {
    r.crossOriginOpenerPolicy = "nope" as "same-origin";
  }, TypeError);
  r.crossOriginEmbedderPolicy = null;
  assert.equal(r.headers.has("Cross-Origin-Embedder-Policy"), false);
});

// ---- Response: Content-Security-Policy ----------------------------------------------------

Deno.test("Response.contentSecurityPolicy is a live ContentSecurityPolicy", () => {
  const r = new Response();
  const csp = r.contentSecurityPolicy;
  assert.ok(csp instanceof ContentSecurityPolicy);
  assert.equal(csp.provided, true);
  assert.equal(csp.size, 0);
  assert.equal(r.headers.has("Content-Security-Policy"), false);
  csp.defaultSrc = "'self'";
  csp.imgSrc = "*";
  assert.equal(r.headers.get("Content-Security-Policy"), "default-src 'self'; img-src *");
  r.contentSecurityPolicy.imgSrc = null;
  assert.equal(r.headers.get("Content-Security-Policy"), "default-src 'self'");
  r.contentSecurityPolicy.defaultSrc = null;
  assert.equal(r.headers.has("Content-Security-Policy"), false);
});

Deno.test("Response.contentSecurityPolicy parses as Werkzeug: bad policies dropped", () => {
  const r = new Response();
  r.headers.set(
    "Content-Security-Policy",
    "default-src 'self'; bad;  script-src  'self' https://a.test ; img-src *",
  );
  const csp = r.contentSecurityPolicy;
  assert.deepEqual([...csp], [
    ["default-src", "'self'"],
    ["script-src", "'self' https://a.test"],
    ["img-src", "*"],
  ]);
  assert.equal(csp.scriptSrc, "'self' https://a.test");
  assert.equal(csp.toHeader(), "default-src 'self'; script-src 'self' https://a.test; img-src *");
});

Deno.test("Response.contentSecurityPolicy is settable from a string, a policy or null", () => {
  const r = new Response();
  r.contentSecurityPolicy = "frame-ancestors 'none'";
  assert.equal(r.headers.get("Content-Security-Policy"), "frame-ancestors 'none'");
  r.contentSecurityPolicy = null;
  assert.equal(r.headers.has("Content-Security-Policy"), false);
  r.contentSecurityPolicy = new ContentSecurityPolicy([["default-src", "'self'"]]);
  assert.equal(r.headers.get("Content-Security-Policy"), "default-src 'self'");
  r.contentSecurityPolicy = new ContentSecurityPolicy();
  assert.equal(r.headers.has("Content-Security-Policy"), false);
});

Deno.test("Response.contentSecurityPolicyReportOnly writes its own header", () => {
  const r = new Response();
  r.contentSecurityPolicyReportOnly.reportUri = "/csp";
  assert.equal(r.headers.get("Content-Security-Policy-Report-Only"), "report-uri /csp");
  assert.equal(r.contentSecurityPolicyReportOnly.reportUri, "/csp");
  assert.equal(r.headers.has("Content-Security-Policy"), false);
  r.contentSecurityPolicyReportOnly = null;
  assert.equal(r.headers.has("Content-Security-Policy-Report-Only"), false);
});

Deno.test("ContentSecurityPolicy has Werkzeug's 25 directive accessors", () => {
  const directives = [
    "base-uri",
    "child-src",
    "connect-src",
    "default-src",
    "font-src",
    "form-action",
    "frame-ancestors",
    "frame-src",
    "img-src",
    "manifest-src",
    "media-src",
    "navigate-to",
    "object-src",
    "plugin-types",
    "prefetch-src",
    "report-to",
    "report-uri",
    "sandbox",
    "script-src",
    "script-src-attr",
    "script-src-elem",
    "style-src",
    "style-src-attr",
    "style-src-elem",
    "worker-src",
  ];
  const csp = new ContentSecurityPolicy();
  for (const directive of directives) {
    const name = directive.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
    (csp as unknown as Record<string, string>)[name] = directive.toUpperCase();
    assert.equal(csp.get(directive), directive.toUpperCase(), name);
    assert.equal((csp as unknown as Record<string, string>)[name], directive.toUpperCase());
  }
  assert.equal(csp.size, 25);
});

Deno.test("ContentSecurityPolicy runs onUpdate on each change, not on a no-op delete", () => {
  let calls = 0;
  const csp = parseCspHeader("default-src 'self'", () => calls++);
  csp.delete("img-src");
  csp.objectSrc = null;
  assert.equal(calls, 0);
  csp.set("img-src", "*");
  csp.delete("img-src");
  csp.clear();
  assert.equal(calls, 3);
  assert.equal(parseCspHeader(null).size, 0);
  assert.equal(dumpCspHeader([["a", "1"], ["b", "2 3"]]), "a 1; b 2 3");
  assert.equal(new ContentSecurityPolicy(null).provided, false);
});

// ---- Response: WWW-Authenticate -------------------------------------------------------------

Deno.test("Response.wwwAuthenticate is a Basic challenge until set, and live", () => {
  const r = new Response();
  const challenge = r.wwwAuthenticate;
  assert.ok(challenge instanceof WWWAuthenticate);
  assert.equal(challenge.type, "basic");
  assert.deepEqual({ ...challenge.parameters }, {});
  assert.equal(challenge.token, null);
  assert.equal(r.headers.has("WWW-Authenticate"), false);
  challenge.set("realm", "Login");
  assert.equal(r.headers.get("WWW-Authenticate"), "Basic realm=Login");
  r.wwwAuthenticate.parameters.realm = "Other";
  assert.equal(r.headers.get("WWW-Authenticate"), "Basic realm=Other");
  delete r.wwwAuthenticate.parameters.realm;
  assert.equal(r.headers.get("WWW-Authenticate"), "Basic");
});

Deno.test("Response.wwwAuthenticate takes one challenge, a list, or null", () => {
  const r = new Response();
  r.wwwAuthenticate = [
    new WWWAuthenticate("basic", { realm: "a" }),
    new WWWAuthenticate("bearer", null, "tok"),
  ];
  assert.deepEqual(r.headers.getAll("WWW-Authenticate"), ["Basic realm=a", "Bearer tok"]);
  assert.equal(r.wwwAuthenticate.type, "basic");
  r.wwwAuthenticate = new WWWAuthenticate("digest", { realm: "r", nonce: "n" });
  assert.deepEqual(r.headers.getAll("WWW-Authenticate"), ['Digest realm="r", nonce="n"']);
  r.wwwAuthenticate.set("realm", "changed");
  assert.deepEqual(r.headers.getAll("WWW-Authenticate"), ['Digest realm="changed", nonce="n"']);
  r.wwwAuthenticate = null;
  assert.deepEqual(r.headers.getAll("WWW-Authenticate"), []);
  r.wwwAuthenticate = new WWWAuthenticate("basic");
  r.wwwAuthenticate = [];
  assert.deepEqual(r.headers.getAll("WWW-Authenticate"), []);
  r.headers.set("WWW-Authenticate", 'Bearer realm="api", error="invalid_token"');
  assert.equal(r.wwwAuthenticate.type, "bearer");
  assert.deepEqual({ ...r.wwwAuthenticate.parameters }, { realm: "api", error: "invalid_token" });
  assert.throws(() => {
    r.wwwAuthenticate = "Basic" as unknown as WWWAuthenticate;
  }, TypeError);
});

// ---- Response: cookies, Content-MD5 --------------------------------------------------------

Deno.test("Response.setCookie warns on stderr when the cookie is over maxCookieSize", () => {
  const r = new Response();
  assert.equal(r.maxCookieSize, 4093);
  let warnings = captureWarnings(() => r.setCookie("big", "x".repeat(5000)));
  assert.deepEqual(warnings, [
    "The 'big' cookie is too large: the value was 5000 bytes but the header required 12 " +
    "extra bytes. The final size was 5012 bytes but the limit is 4093 bytes. Browsers may " +
    "silently ignore cookies larger than this.",
  ]);
  assert.equal(r.headers.getAll("Set-Cookie").length, 1, "the cookie is still set");
  assert.deepEqual(captureWarnings(() => r.setCookie("small", "x")), []);
  // Exactly at the limit: no warning; one byte more: a warning.
  const fits = "z".repeat(4093 - "edge=; Path=/".length);
  assert.deepEqual(captureWarnings(() => r.setCookie("edge", fits)), []);
  warnings = captureWarnings(() => r.setCookie("edge", fits + "z"));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /value was 4081 bytes but the header required 13 extra bytes/);
  assert.match(warnings[0]!, /final size was 4094 bytes/);
  // The value is measured as sent: quoted, with octal escapes.
  warnings = captureWarnings(() => r.setCookie("uni", "é".repeat(3000)));
  assert.match(warnings[0]!, /value was 24002 bytes but the header required 12 extra bytes/);
});

Deno.test("Response.maxCookieSize can be lowered or turned off with 0", () => {
  const r = new Response();
  r.maxCookieSize = 0;
  assert.deepEqual(captureWarnings(() => r.setCookie("big", "x".repeat(5000))), []);
  r.maxCookieSize = 100;
  assert.deepEqual(captureWarnings(() => r.setCookie("mid", "y".repeat(90))), [
    "The 'mid' cookie is too large: the value was 90 bytes but the header required 12 " +
    "extra bytes. The final size was 102 bytes but the limit is 100 bytes. Browsers may " +
    "silently ignore cookies larger than this.",
  ]);
});

Deno.test("Response.contentMd5 reads and writes Content-MD5", () => {
  const r = new Response();
  assert.equal(r.contentMd5, null);
  r.contentMd5 = "abc";
  assert.equal(r.headers.get("Content-MD5"), "abc");
  assert.equal(r.contentMd5, "abc");
  r.contentMd5 = null;
  assert.equal(r.headers.has("Content-MD5"), false);
});

// ---- Response: fromApp, iterEncoded, class defaults --------------------------------------------

const generatorApp: WsgiApp = (_environ, startResponse) => {
  startResponse("201 CREATED", [["X-A", "1"]]);
  return (async function* () {
    yield "he";
    yield "llo";
  })();
};

Deno.test("Response.fromApp streams the app's body by default, as Werkzeug", async () => {
  let closed = false;
  const app: WsgiApp = (environ, startResponse) => {
    const body = generatorApp(environ, startResponse) as AsyncIterable<string>;
    return {
      [Symbol.asyncIterator]: () => body[Symbol.asyncIterator](),
      close: () => {
        closed = true;
      },
    };
  };
  const r = await Response.fromApp(app, new EnvironBuilder().getEnviron());
  assert.equal(r.status, "201 CREATED");
  assert.equal(r.headers.get("X-A"), "1");
  assert.equal(r.headers.get("Content-Type"), "text/html; charset=utf-8");
  assert.equal(r.isStreamed, true);
  assert.equal(dec(await r.getData()), "hello");
  await r.close();
  assert.equal(closed, true);
});

Deno.test("Response.fromApp with buffered reads the whole body, write() data first", async () => {
  const r = await Response.fromApp(generatorApp, new EnvironBuilder().getEnviron(), {
    buffered: true,
  });
  assert.equal(r.isSequence, true);
  assert.equal(dec(r.data), "hello");
  assert.equal(r.headers.get("Content-Length"), undefined);
  const writer: WsgiApp = (_environ, startResponse) => {
    const write = startResponse("200 OK", [["Content-Type", "text/plain"]]);
    write(new TextEncoder().encode("written-"));
    return ["list"];
  };
  const w = await Response.fromApp(writer, new EnvironBuilder().getEnviron());
  assert.equal(dec(w.data), "written-list");
  assert.equal(w.headers.get("Content-Type"), "text/plain");
  class MyResponse extends Response {}
  assert.ok(
    await MyResponse.fromApp(writer, new EnvironBuilder().getEnviron()) instanceof MyResponse,
  );
});

Deno.test("Response.iterEncoded yields the body's chunks as UTF-8 bytes", async () => {
  const r = new Response(["a", new TextEncoder().encode("b"), "é"]);
  assert.deepEqual([...r.iterEncoded()].map((c) => [...c]), [[97], [98], [195, 169]]);
  const chunks: string[] = [];
  for await (const c of r.iterEncoded()) chunks.push(dec(c));
  assert.deepEqual(chunks, ["a", "b", "é"]);
  const streamed = new Response((async function* () {
    yield "x";
  })());
  assert.throws(() => [...streamed.iterEncoded()], TypeError);
  const out: string[] = [];
  for await (const c of streamed.iterEncoded()) out.push(dec(c));
  assert.deepEqual(out, ["x"]);
});

Deno.test("Response.defaultMimetype and defaultStatus are class properties subclasses override", () => {
  // Flask's Response: text/html (Werkzeug's own is text/plain); status 200.
  assert.equal(Response.defaultMimetype, "text/html");
  assert.equal(Response.defaultStatus, 200);
  class JsonResponse extends Response {
    static override defaultMimetype: string | null = "application/json";
    static override defaultStatus = 201;
  }
  const r = new JsonResponse("{}");
  assert.equal(r.status, "201 CREATED");
  assert.equal(r.headers.get("Content-Type"), "application/json");
});
