// Pure unit tests of the HTTP/1.1 head parser: scanning, environ keys, framing headers.
import assert from "node:assert/strict";
import {
  checkTransferEncoding,
  DEFAULT_HTTP1_LIMITS,
  HeadScanner,
  type Http1Limits,
  parseContentLength,
  parseRequestHead,
  type RequestHead,
} from "../../framework/gateway/http1_parser.ts";
import { Http1Error } from "../../framework/gateway/http1_error.ts";
import { splitTarget } from "../../framework/gateway/http1_target.ts";

function bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

function parse(text: string): { head: RequestHead; environ: Record<string, unknown> } {
  const data = bytes(text);
  const end = new HeadScanner().scan(data, 0, data.length, DEFAULT_HTTP1_LIMITS);
  assert.equal(end, data.length, "the head is complete");
  const environ: Record<string, unknown> = {};
  return { head: parseRequestHead(data, 0, end, environ), environ };
}

function status(fn: () => unknown): number {
  try {
    fn();
  } catch (error) {
    if (error instanceof Http1Error) return error.status;
    throw error;
  }
  return 0;
}

Deno.test("HeadScanner finds a head delivered one byte at a time", () => {
  const data = bytes("GET / HTTP/1.1\r\nHost: a\r\nX: y\r\n\r\nBODY");
  const scanner = new HeadScanner();
  let found = -1;
  for (let end = 1; end <= data.length && found === -1; end++) {
    found = scanner.scan(data, 0, end, DEFAULT_HTTP1_LIMITS);
  }
  assert.equal(found, data.length - 4);
});

Deno.test("HeadScanner skips empty lines before the request line", () => {
  const data = bytes("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");
  assert.equal(new HeadScanner().scan(data, 0, data.length, DEFAULT_HTTP1_LIMITS), data.length);
  const environ: Record<string, unknown> = {};
  assert.equal(parseRequestHead(data, 0, data.length, environ).method, "GET");
});

Deno.test("HeadScanner works from an offset in a reused buffer", () => {
  const data = bytes("junkGET / HTTP/1.1\r\nHost: a\r\n\r\n\nstale");
  const end = new HeadScanner().scan(data, 4, data.length - 6, DEFAULT_HTTP1_LIMITS);
  assert.equal(end, data.length - 6);
});

Deno.test("HeadScanner enforces the request line, header size and count limits", () => {
  const limits: Http1Limits = { maxRequestLine: 20, maxHeaderSize: 40, maxHeaderCount: 2 };
  const scan = (text: string) => () => {
    const data = bytes(text);
    return new HeadScanner().scan(data, 0, data.length, limits);
  };
  assert.equal(status(scan("GET /" + "a".repeat(30))), 414); // incomplete and already too long
  assert.equal(status(scan("GET /" + "a".repeat(30) + " HTTP/1.1\r\n")), 414);
  assert.equal(status(scan("GET / HTTP/1.1\r\nX: " + "b".repeat(50))), 431);
  assert.equal(status(scan("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n")), 431);
  assert.equal(status(scan("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\n\r\n")), 0);
  assert.equal(status(scan("GET / HTTP/1.1\nHost: a\n\n")), 400);
});

Deno.test("parseRequestHead maps headers to CGI keys", () => {
  const { head, environ } = parse(
    "POST /p%20q?a=1&b=%20 HTTP/1.1\r\nHost: example.com\r\nContent-Type: text/plain\r\n" +
      "Content-Length: 3\r\nX-Forwarded-For: 1.2.3.4\r\nx-forwarded-for: 5.6.7.8\r\n" +
      "Cookie: a=1\r\nCOOKIE: b=2\r\nAccept:   text/html  \r\nX-Empty:\r\nX_Under: no\r\n\r\n",
  );
  assert.equal(head.method, "POST");
  assert.equal(head.contentLength, 3);
  assert.equal(head.chunked, false);
  assert.equal(head.keepAlive, true);
  assert.deepEqual(environ, {
    REQUEST_METHOD: "POST",
    SCRIPT_NAME: "",
    PATH_INFO: "/p q",
    QUERY_STRING: "a=1&b=%20",
    RAW_URI: "/p%20q?a=1&b=%20",
    REQUEST_URI: "/p%20q?a=1&b=%20",
    SERVER_PROTOCOL: "HTTP/1.1",
    HTTP_HOST: "example.com",
    CONTENT_TYPE: "text/plain",
    CONTENT_LENGTH: "3",
    HTTP_X_FORWARDED_FOR: "1.2.3.4, 5.6.7.8",
    HTTP_COOKIE: "a=1; b=2",
    HTTP_ACCEPT: "text/html",
    HTTP_X_EMPTY: "",
  });
});

Deno.test("parseRequestHead keeps header values latin-1, one character per byte", () => {
  const { environ } = parse("GET / HTTP/1.1\r\nHost: a\r\nX-Name: caf\xe9 \x85\xff\r\n\r\n");
  assert.equal(environ.HTTP_X_NAME, "caf\xe9 \x85\xff");
});

Deno.test("parseRequestHead applies HTTP/1.0 and 1.1 keep-alive rules", () => {
  assert.equal(parse("GET / HTTP/1.0\r\n\r\n").head.keepAlive, false);
  assert.equal(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").head.keepAlive, true);
  assert.equal(parse("GET / HTTP/1.1\r\nHost: a\r\n\r\n").head.keepAlive, true);
  assert.equal(
    parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, Close\r\n\r\n").head.keepAlive,
    false,
  );
  assert.equal(parse("GET / HTTP/1.0\r\n\r\n").head.protocol, "HTTP/1.0");
});

Deno.test("parseRequestHead recognises Expect: 100-continue on HTTP/1.1 only", () => {
  assert.equal(
    parse("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\n\r\n").head.expectContinue,
    true,
  );
  assert.equal(parse("POST / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n").head.expectContinue, false);
});

Deno.test("parseRequestHead accepts chunked and refuses ambiguous framing", () => {
  assert.equal(
    parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n").head.chunked,
    true,
  );
  const fail = (text: string) => status(() => parse(text));
  assert.equal(
    fail("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n"),
    400,
  );
  assert.equal(fail("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), 400);
  assert.equal(
    fail("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
    400,
  );
  assert.equal(fail("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400);
  assert.equal(fail("GET / HTTP/1.1\r\n\r\n"), 400);
  assert.equal(fail("GET / HTTP/3.0\r\nHost: a\r\n\r\n"), 505);
  assert.equal(fail("GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n"), 400);
  assert.equal(fail("GET / HTTP/1.1\r\nHost: a\r\nX: a\x7fb\r\n\r\n"), 400);
});

Deno.test("parseContentLength reads digits and lists of equal values only", () => {
  assert.equal(parseContentLength("0"), 0);
  assert.equal(parseContentLength("007"), 7);
  assert.equal(parseContentLength("42, 42,42"), 42);
  for (
    const bad of ["", " ", "1.0", "0x10", "+1", "-1", "1 2", "4, 5", "1,", "99999999999999999"]
  ) {
    assert.equal(status(() => parseContentLength(bad)), 400, bad);
  }
});

Deno.test("checkTransferEncoding allows exactly one final chunked", () => {
  assert.equal(status(() => checkTransferEncoding("chunked")), 0);
  assert.equal(status(() => checkTransferEncoding("CHUNKED")), 0);
  assert.equal(status(() => checkTransferEncoding(" chunked , ")), 0);
  assert.equal(status(() => checkTransferEncoding("gzip, chunked")), 501);
  assert.equal(status(() => checkTransferEncoding("foo")), 501);
  assert.equal(status(() => checkTransferEncoding("chunked, foo")), 501);
  assert.equal(status(() => checkTransferEncoding("chunked, gzip")), 400);
  assert.equal(status(() => checkTransferEncoding("identity")), 400);
  assert.equal(status(() => checkTransferEncoding("chunked,chunked")), 400);
  assert.equal(status(() => checkTransferEncoding("")), 400);
  assert.equal(status(() => checkTransferEncoding("chunked\xa0")), 400);
  assert.equal(status(() => checkTransferEncoding("\x85chunked")), 400);
  assert.equal(status(() => checkTransferEncoding("chunked;q=1")), 400);
  assert.equal(status(() => checkTransferEncoding("chu nked")), 400);
});

Deno.test("splitTarget handles origin, absolute and asterisk forms", () => {
  assert.deepEqual(splitTarget("/a?b", "GET"), { path: "/a", query: "b", authority: undefined });
  assert.deepEqual(splitTarget("/a??b?", "GET"), {
    path: "/a",
    query: "?b?",
    authority: undefined,
  });
  assert.deepEqual(splitTarget("HTTP://h:1?x", "GET"), { path: "/", query: "x", authority: "h:1" });
  assert.deepEqual(splitTarget("https://h/x%41", "GET"), {
    path: "/xA",
    query: "",
    authority: "h",
  });
  assert.deepEqual(splitTarget("*", "OPTIONS"), { path: "*", query: "", authority: undefined });
  assert.equal(status(() => splitTarget("*", "GET")), 400);
  assert.equal(status(() => splitTarget("http://user@h/", "GET")), 400);
  assert.equal(status(() => splitTarget("http:///x", "GET")), 400);
  assert.equal(status(() => splitTarget("x/y", "GET")), 400);
});
