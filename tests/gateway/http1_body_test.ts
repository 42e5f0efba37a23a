// Unit tests of request body framing: Content-Length and chunked decoding over a reader
// fed in arbitrary pieces.
import assert from "node:assert/strict";
import { ChunkedBody } from "../../framework/gateway/chunked_decoder.ts";
import { ContentLengthBody, type Http1Body } from "../../framework/gateway/http1_body.ts";
import { Http1Error } from "../../framework/gateway/http1_error.ts";
import { Http1Reader } from "../../framework/gateway/http1_reader.ts";

/** A reader that hands out `text` in pieces of `size` bytes, then ends. */
function readerOf(text: string, size = Infinity): Http1Reader {
  const data = Uint8Array.from(text, (c) => c.charCodeAt(0));
  let offset = 0;
  return new Http1Reader({
    read(p) {
      if (offset >= data.length) return Promise.resolve(null);
      const n = Math.min(size, p.length, data.length - offset);
      p.set(data.subarray(offset, offset + n));
      offset += n;
      return Promise.resolve(n);
    },
  }, 64);
}

async function readAll(body: Http1Body): Promise<string> {
  let out = "";
  for (;;) {
    const chunk = await body.pull();
    if (chunk === null) return out;
    out += String.fromCharCode(...chunk);
  }
}

async function failure(body: Http1Body): Promise<number> {
  try {
    await readAll(body);
  } catch (error) {
    assert.ok(error instanceof Http1Error);
    assert.equal(body.error, error);
    return error.status;
  }
  return 0;
}

Deno.test("ContentLengthBody reads exactly its length and leaves the rest", async () => {
  for (const size of [1, 3, Infinity]) {
    const reader = readerOf("hello worldNEXT", size);
    const body = new ContentLengthBody(reader, 11);
    assert.equal(await readAll(body), "hello world");
    assert.equal(body.done, true);
    while (reader.available < 4 && await reader.fill());
    assert.equal(String.fromCharCode(...reader.take(4)), "NEXT");
  }
});

Deno.test("ContentLengthBody fails with 400 when the connection ends early", async () => {
  assert.equal(await failure(new ContentLengthBody(readerOf("abc"), 5)), 400);
});

Deno.test("ContentLengthBody drains only within its limit", async () => {
  assert.equal(await new ContentLengthBody(readerOf("x".repeat(100), 7), 100).drain(100), true);
  assert.equal(await new ContentLengthBody(readerOf("x".repeat(100)), 100).drain(99), false);
});

Deno.test("ChunkedBody decodes chunks with extensions and trailers, in any pieces", async () => {
  const wire = '4;a=1;b="x y"\r\nWiki\r\n5 ; ext\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n' +
    "0\r\nX-Trailer: 1\r\nOther: two\r\n\r\nNEXT";
  for (const size of [1, 2, 7, Infinity]) {
    const reader = readerOf(wire, size);
    const body = new ChunkedBody(reader);
    assert.equal(await readAll(body), "Wikipedia in\r\n\r\nchunks.");
    assert.equal(body.done, true);
    while (reader.available < 4 && await reader.fill());
    assert.equal(String.fromCharCode(...reader.take(4)), "NEXT");
  }
});

Deno.test("ChunkedBody refuses malformed framing with 400", async () => {
  const cases = [
    "5\r\nhello0\r\n\r\n", // data not followed by CRLF
    "5\r\nhello\r\n0\r\n", // ends before the final CRLF
    "5\r\nhel", // ends inside data
    "5;a=\rb\r\nhello\r\n0\r\n\r\n", // CR inside an extension
    "5;a\nb\r\nhello\r\n0\r\n\r\n", // LF inside an extension
    "5\nhello\r\n0\r\n\r\n", // bare LF after the size
    "5 x\r\nhello\r\n0\r\n\r\n", // junk after the size
    "\r\nhello\r\n0\r\n\r\n", // no size
    "-5\r\nhello\r\n0\r\n\r\n",
    "ffffffffffffffff\r\nx\r\n0\r\n\r\n", // too many digits
    "0\r\nNo colon\r\n\r\n", // malformed trailer
    "0\r\nX: a\x00b\r\n\r\n", // NUL in a trailer
  ];
  for (const wire of cases) {
    assert.equal(await failure(new ChunkedBody(readerOf(wire, 3))), 400, JSON.stringify(wire));
  }
});

Deno.test("ChunkedBody enforces maxBodySize with 413 and the line limit with 400", async () => {
  const big = "8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n";
  assert.equal(await failure(new ChunkedBody(readerOf(big), { maxBodySize: 10 })), 413);
  assert.equal(
    await readAll(new ChunkedBody(readerOf(big), { maxBodySize: 16 })),
    "1234567812345678",
  );
  const longExt = "1;" + "x".repeat(100) + "\r\na\r\n0\r\n\r\n";
  assert.equal(await failure(new ChunkedBody(readerOf(longExt), { maxLineSize: 50 })), 400);
  const trailers = "0\r\n" + "X: 1\r\n".repeat(20) + "\r\n";
  assert.equal(await failure(new ChunkedBody(readerOf(trailers), { maxTrailerSize: 50 })), 431);
});

Deno.test("ChunkedBody.drain discards a small rest and refuses a large one", async () => {
  assert.equal(await new ChunkedBody(readerOf("3\r\nabc\r\n0\r\n\r\n")).drain(10), true);
  assert.equal(
    await new ChunkedBody(readerOf("30\r\n" + "a".repeat(48) + "\r\n0\r\n\r\n")).drain(10),
    false,
  );
});

Deno.test("body chunks keep their bytes while the connection's buffer is reused", async () => {
  // Many small bodies (copied into a shared slab) and a large one (copied on its own),
  // all kept: none may change when later bytes are read into the same buffer.
  const kept: [Uint8Array, string][] = [];
  for (let i = 0; i < 2000; i++) {
    const text = `body number ${i};`.repeat(1 + (i % 7));
    const body = new ContentLengthBody(readerOf(text, 5), text.length);
    for (let chunk = await body.pull(); chunk !== null; chunk = await body.pull()) {
      kept.push([chunk, String.fromCharCode(...chunk)]);
    }
  }
  const large = "L".repeat(10000) + "end";
  const reader = readerOf(large + "next request bytes", 4096);
  const body = new ContentLengthBody(reader, large.length);
  assert.equal(await readAll(body), large);
  for (const [chunk, text] of kept) assert.equal(String.fromCharCode(...chunk), text);
});
