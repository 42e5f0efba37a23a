// Request's header-derived properties: each reads the environ lazily and caches.
import { deepEqual, equal } from "node:assert/strict";
import { Request } from "../../framework/wrappers/request.ts";
import { makeEnviron } from "./request_helpers.ts";

Deno.test("Request.headers is a case-insensitive view of HTTP_* and CONTENT_*", () => {
  const r = new Request(makeEnviron({
    HTTP_X_CUSTOM: "1",
    CONTENT_TYPE: "text/plain",
    HTTP_ACCEPT: "*/*",
  }));
  equal(r.headers.get("x-custom"), "1");
  equal(r.headers.get("Content-Type"), "text/plain");
  equal(r.headers.has("accept"), true);
  equal(r.headers.get("missing"), undefined);
  equal(r.headers, r.headers);
});

Deno.test("Request.contentType, mimetype, mimetypeParams and isJson parse Content-Type", () => {
  const r = new Request(makeEnviron({ CONTENT_TYPE: "Application/Problem+JSON; charset=UTF-8" }));
  equal(r.contentType, "Application/Problem+JSON; charset=UTF-8");
  equal(r.mimetype, "application/problem+json");
  deepEqual(r.mimetypeParams, { charset: "UTF-8" });
  equal(r.isJson, true);
  const none = new Request(makeEnviron());
  equal(none.contentType, null);
  equal(none.mimetype, "");
  equal(none.isJson, false);
  equal(new Request(makeEnviron({ CONTENT_TYPE: "text/json" })).isJson, false);
});

Deno.test("Request.cookies parses the Cookie header", () => {
  const r = new Request(makeEnviron({ HTTP_COOKIE: 'session=abc; theme="dark mode"; a=1; a=2' }));
  equal(r.cookies.get("session"), "abc");
  equal(r.cookies.get("theme"), "dark mode");
  deepEqual(r.cookies.getlist("a"), ["1", "2"]);
  equal(new Request(makeEnviron()).cookies.size, 0);
});

Deno.test("Request.acceptMimetypes orders by quality and picks the best match", () => {
  const r = new Request(makeEnviron({
    HTTP_ACCEPT: "text/html;q=0.5, application/json, */*;q=0.1",
    HTTP_ACCEPT_LANGUAGE: "de-CH, en;q=0.8",
    HTTP_ACCEPT_ENCODING: "gzip, br;q=0.9",
    HTTP_ACCEPT_CHARSET: "utf-8",
  }));
  equal(r.acceptMimetypes.bestMatch(["text/html", "application/json"]), "application/json");
  equal(r.acceptMimetypes.quality("text/html"), 0.5);
  equal(r.acceptMimetypes.acceptJson, true);
  equal(r.acceptLanguages.best, "de-CH");
  equal(r.acceptEncodings.quality("br"), 0.9);
  equal(r.acceptCharsets.quality("utf-8"), 1);
  equal(new Request(makeEnviron()).acceptMimetypes.provided, false);
});

Deno.test("Request.authorization parses Basic and Bearer, null when absent", () => {
  const basic = new Request(makeEnviron({ HTTP_AUTHORIZATION: `Basic ${btoa("user:pa:ss")}` }));
  equal(basic.authorization?.type, "basic");
  equal(basic.authorization?.username, "user");
  equal(basic.authorization?.password, "pa:ss");
  const bearer = new Request(makeEnviron({ HTTP_AUTHORIZATION: "Bearer tok123" }));
  equal(bearer.authorization?.type, "bearer");
  equal(bearer.authorization?.token, "tok123");
  equal(new Request(makeEnviron()).authorization, null);
});

Deno.test("Request.ifModifiedSince is a Date, null when missing or invalid", () => {
  const r = new Request(makeEnviron({ HTTP_IF_MODIFIED_SINCE: "Sun, 06 Nov 1994 08:49:37 GMT" }));
  equal(r.ifModifiedSince?.toISOString(), "1994-11-06T08:49:37.000Z");
  equal(new Request(makeEnviron({ HTTP_IF_MODIFIED_SINCE: "nope" })).ifModifiedSince, null);
  equal(new Request(makeEnviron()).ifUnmodifiedSince, null);
});

Deno.test("Request.remoteAddr, accessRoute, userAgent, referrer and origin", () => {
  const r = new Request(makeEnviron({
    REMOTE_ADDR: "127.0.0.1",
    HTTP_X_FORWARDED_FOR: "203.0.113.1, 10.0.0.2",
    HTTP_USER_AGENT: "curl/8.0",
    HTTP_REFERER: "http://a/",
    HTTP_ORIGIN: "http://b",
  }));
  equal(r.remoteAddr, "127.0.0.1");
  deepEqual(r.accessRoute, ["203.0.113.1", "10.0.0.2"]);
  equal(r.userAgent, "curl/8.0");
  equal(r.referrer, "http://a/");
  equal(r.origin, "http://b");
  const bare = new Request(makeEnviron({ REMOTE_ADDR: "::1" }));
  deepEqual(bare.accessRoute, ["::1"]);
  equal(bare.userAgent, "");
  equal(bare.referrer, null);
});

Deno.test("Request routing fields are settable by the application layer", () => {
  const r = new Request(makeEnviron());
  equal(r.endpoint, null);
  r.endpoint = "index";
  r.viewArgs = { id: 1 };
  equal(r.endpoint, "index");
  deepEqual(r.viewArgs, { id: 1 });
});

Deno.test("Request limits default as Flask 3.1 and are settable", () => {
  const r = new Request(makeEnviron());
  equal(r.maxContentLength, null);
  equal(r.maxFormMemorySize, 500_000);
  equal(r.maxFormParts, 1000);
  r.maxContentLength = 10;
  equal(r.maxContentLength, 10);
  equal(new Request(makeEnviron(), { maxFormMemorySize: null }).maxFormMemorySize, null);
});

Deno.test("Request.ifNoneMatch, ifMatch, range and ifRange parse their headers", () => {
  const r = new Request(makeEnviron({
    HTTP_IF_NONE_MATCH: '"abc", W/"weak"',
    HTTP_IF_MATCH: "*",
    HTTP_RANGE: "bytes=0-99, -50",
    HTTP_IF_RANGE: '"abc"',
  }));
  equal(r.ifNoneMatch.contains("abc"), true);
  equal(r.ifNoneMatch.containsWeak("weak"), true);
  equal(r.ifNoneMatch.contains("weak"), false);
  equal(r.ifMatch.starTag, true);
  equal(r.range?.units, "bytes");
  deepEqual(r.range?.ranges, [[0, 100], [-50, null]]);
  equal(r.ifRange.etag, "abc");
  const bare = new Request(makeEnviron({ HTTP_RANGE: "bytes=5-1" }));
  equal(bare.range, null);
  equal(bare.ifNoneMatch.contains("x"), false);
});
