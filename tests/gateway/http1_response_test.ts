// Unit tests of the HTTP/1.1 response serializer's framing decisions and encoding.
import assert from "node:assert/strict";
import {
  encodeResponse,
  encodeResponseInto,
  errorResponse,
  frameResponse,
} from "../../framework/gateway/http1_response.ts";

const DATE = "Sat, 21 Nov 2026 05:00:00 GMT";
const http11 = { http10: false, head: false, keepAlive: true };
const text = (data: Uint8Array) => String.fromCharCode(...data);

Deno.test("frameResponse uses the known length, else chunked on 1.1, else close on 1.0", () => {
  const known = frameResponse(
    "200 OK",
    200,
    [["Content-Type", "text/plain"]],
    http11,
    5,
    "phial",
    DATE,
  );
  assert.equal(
    known.head,
    `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nDate: ${DATE}\r\nServer: phial\r\n` +
      "Content-Length: 5\r\n\r\n",
  );
  assert.equal(known.framing, "length");
  const streamed = frameResponse("200 OK", 200, [], http11, -1, "phial", DATE);
  assert.equal(streamed.framing, "chunked");
  assert.match(streamed.head, /Transfer-Encoding: chunked\r\n\r\n$/);
  const old = frameResponse("200 OK", 200, [], { ...http11, http10: true }, -1, "", DATE);
  assert.equal(old.framing, "close");
  assert.equal(old.keepAlive, false);
  assert.match(old.head, /Connection: close\r\n\r\n$/);
  assert.doesNotMatch(old.head, /Server:/);
});

Deno.test("frameResponse prefers the app's Content-Length and keeps its Date and Server", () => {
  const frame = frameResponse(
    "200 OK",
    200,
    [["content-length", "3"], ["Date", "x"], ["SERVER", "mine"]],
    http11,
    -1,
    "phial",
    DATE,
  );
  assert.equal(frame.framing, "length");
  assert.equal(frame.contentLength, 3);
  assert.equal(
    frame.head,
    "HTTP/1.1 200 OK\r\ncontent-length: 3\r\nDate: x\r\nSERVER: mine\r\n\r\n",
  );
  const bad = frameResponse("200 OK", 200, [["Content-Length", "x1"]], http11, 4, "", DATE);
  assert.equal(bad.contentLength, 4);
  assert.doesNotMatch(bad.head, /x1/);
});

Deno.test("frameResponse sends no body for HEAD, 204 and 304, and says keep-alive to 1.0", () => {
  const head = frameResponse("200 OK", 200, [], { ...http11, head: true }, 20, "", DATE);
  assert.equal(head.framing, "none");
  assert.match(head.head, /Content-Length: 20\r\n/);
  assert.equal(frameResponse("204 No Content", 204, [], http11, 0, "", DATE).framing, "none");
  assert.doesNotMatch(
    frameResponse("304 Not Modified", 304, [], http11, 0, "", DATE).head,
    /Length/,
  );
  const kept = frameResponse("200 OK", 200, [], { ...http11, http10: true }, 1, "", DATE);
  assert.match(kept.head, /Connection: keep-alive\r\n\r\n$/);
});

Deno.test("encodeResponse writes latin-1 heads and chunked framing", () => {
  const body = new TextEncoder().encode("hello");
  assert.equal(
    text(encodeResponse("X: caf\xe9\r\n\r\n", [body], true, true)),
    "X: caf\xe9\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
  );
  const scratch = new Uint8Array(64);
  const out = encodeResponse(new Uint8Array([65, 66]), [body, body], false, false, scratch);
  assert.equal(out.buffer, scratch.buffer);
  assert.equal(text(out), "ABhellohello");
  const big = encodeResponse("", [new Uint8Array(100)], false, false, scratch);
  assert.notEqual(big.buffer, scratch.buffer);
  assert.equal(big.length, 100);
});

Deno.test("errorResponse is a complete closing response", () => {
  const response = text(errorResponse(431, true, "phial"));
  assert.match(response, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
  assert.match(response, /\r\nConnection: close\r\n\r\nRequest Header Fields Too Large\n$/);
  assert.match(response, /\r\nContent-Length: 32\r\n/);
});

Deno.test("encodeResponseInto reports the size written, or -1 without writing when it does not fit", () => {
  const out = new Uint8Array(8);
  assert.equal(encodeResponseInto("ab", [new Uint8Array([99])], false, false, out), 3);
  assert.equal(text(out.subarray(0, 3)), "abc");
  const before = [...out];
  assert.equal(encodeResponseInto("", [new Uint8Array(5)], true, true, out), -1);
  assert.deepEqual([...out], before);
});
