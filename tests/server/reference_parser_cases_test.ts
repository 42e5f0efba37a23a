// Every malformed or hostile request gets its RFC 9112 status and a closed connection,
// and the server keeps serving: after each case a fresh connection still gets a 200.
import assert from "node:assert/strict";
import type { Environ, StartResponse } from "../../framework/gateway/types.ts";
import { request, Wire, withServer } from "./reference_wire.ts";

/** Reads the whole body (so chunked framing errors surface), then answers 200. */
async function readingApp(environ: Environ, startResponse: StartResponse) {
  let size = 0;
  for await (const chunk of environ["wsgi.input"]) size += chunk.length;
  startResponse("200 OK", [["Content-Type", "text/plain"]]);
  return [`read ${size}`];
}

const H = "Host: example.com\r\n";
const LONG = "x".repeat(300);

const cases: [name: string, raw: string, status: number][] = [
  ["a request line that is not one", "GARBAGE\r\n\r\n", 400],
  ["a request line with two spaces", "GET  / HTTP/1.1\r\n" + H + "\r\n", 400],
  ["a missing HTTP version", "GET /\r\n" + H + "\r\n", 400],
  ["a lowercase protocol name", "GET / http/1.1\r\n" + H + "\r\n", 400],
  ["a control byte in the target", "GET /a\x01b HTTP/1.1\r\n" + H + "\r\n", 400],
  ["a non-ASCII byte in the target", "GET /caf\xe9 HTTP/1.1\r\n" + H + "\r\n", 400],
  ["an authority-form target", "GET example.com:80 HTTP/1.1\r\n" + H + "\r\n", 400],
  ["an absolute-form target with another scheme", "GET ftp://x/ HTTP/1.1\r\n" + H + "\r\n", 400],
  ["HTTP/2.0", "GET / HTTP/2.0\r\n" + H + "\r\n", 505],
  ["HTTP/0.9-style version", "GET / HTTP/0.9\r\n" + H + "\r\n", 505],
  ["a request line over maxRequestLine", `GET /${LONG} HTTP/1.1\r\n` + H + "\r\n", 414],
  [
    "a header section over maxHeaderSize",
    "GET / HTTP/1.1\r\n" + H + `X-Big: ${LONG.repeat(4)}\r\n\r\n`,
    431,
  ],
  [
    "more fields than maxHeaderCount",
    "GET / HTTP/1.1\r\n" + H + "X-A: 1\r\n".repeat(30) + "\r\n",
    431,
  ],
  [
    "Content-Length with Transfer-Encoding",
    "POST / HTTP/1.1\r\n" + H + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    400,
  ],
  [
    "Transfer-Encoding before Content-Length",
    "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
    400,
  ],
  [
    "two different Content-Length fields",
    "POST / HTTP/1.1\r\n" + H + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
    400,
  ],
  [
    "a Content-Length list with different values",
    "POST / HTTP/1.1\r\n" + H + "Content-Length: 5, 6\r\n\r\nhello!",
    400,
  ],
  ["a non-numeric Content-Length", "POST / HTTP/1.1\r\n" + H + "Content-Length: abc\r\n\r\n", 400],
  ["a signed Content-Length", "POST / HTTP/1.1\r\n" + H + "Content-Length: +5\r\n\r\nhello", 400],
  ["a negative Content-Length", "POST / HTTP/1.1\r\n" + H + "Content-Length: -1\r\n\r\n", 400],
  ["an unknown transfer coding", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: foo\r\n\r\n", 501],
  [
    "an unsupported coding before chunked",
    "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
    501,
  ],
  [
    "chunked not last",
    "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n",
    400,
  ],
  [
    "a coding list without chunked",
    "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: gzip\r\n\r\n",
    400,
  ],
  [
    "chunked twice in one field",
    "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n",
    400,
  ],
  [
    "chunked in two fields",
    "POST / HTTP/1.1\r\n" + H +
    "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    400,
  ],
  [
    "chunked with a parameter",
    "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked;x=1\r\n\r\n0\r\n\r\n",
    400,
  ],
  [
    "a space before the colon",
    "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
    400,
  ],
  [
    "\\xa0 before a header name",
    "POST / HTTP/1.1\r\n" + H + "\xa0Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    400,
  ],
  [
    "\\xa0 after a header name",
    "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding\xa0: chunked\r\n\r\n0\r\n\r\n",
    400,
  ],
  [
    "\\x85 after a header name",
    "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding\x85: chunked\r\n\r\n0\r\n\r\n",
    400,
  ],
  [
    "\\xa0 before the chunked token",
    "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: \xa0chunked\r\n\r\n0\r\n\r\n",
    400,
  ],
  [
    "\\x85 after the chunked token",
    "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\x85\r\n\r\n0\r\n\r\n",
    400,
  ],
  [
    "\\xa0 after the chunked token",
    "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\xa0\r\n\r\n0\r\n\r\n",
    400,
  ],
  ["a bare LF inside a field value", "GET / HTTP/1.1\r\n" + H + "X-A: a\nb\r\n\r\n", 400],
  ["a bare CR inside a field value", "GET / HTTP/1.1\r\n" + H + "X-A: a\rb\r\n\r\n", 400],
  ["a NUL inside a field value", "GET / HTTP/1.1\r\n" + H + "X-A: a\x00b\r\n\r\n", 400],
  ["a bare LF ending the lines", "GET / HTTP/1.1\nHost: example.com\n\n", 400],
  ["obsolete line folding", "GET / HTTP/1.1\r\n" + H + "X-A: a\r\n b\r\n\r\n", 400],
  ["whitespace before the first field", "GET / HTTP/1.1\r\n " + H + "\r\n", 400],
  ["a field line without a colon", "GET / HTTP/1.1\r\n" + H + "X-A\r\n\r\n", 400],
  ["duplicate Host", "GET / HTTP/1.1\r\n" + H + "Host: evil.example\r\n\r\n", 400],
  ["HTTP/1.1 without Host", "GET / HTTP/1.1\r\nX-A: 1\r\n\r\n", 400],
  ["chunked on HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400],
  [
    "a CR inside a chunk extension",
    "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n5;a=\rb\r\nhello\r\n0\r\n\r\n",
    400,
  ],
  [
    "a LF inside a chunk extension",
    "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n5;a\nb\r\nhello\r\n0\r\n\r\n",
    400,
  ],
  [
    "a chunk missing its CRLF",
    "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello0\r\n\r\n",
    400,
  ],
  [
    "a chunk size that is not hex",
    "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
    400,
  ],
  [
    "a chunk size with a 0x prefix",
    "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n",
    400,
  ],
  [
    "an oversized chunk size",
    "POST / HTTP/1.1\r\n" + H +
    "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nhello\r\n0\r\n\r\n",
    400,
  ],
  [
    "a malformed trailer",
    "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n",
    400,
  ],
  [
    "a Content-Length over maxBodySize",
    "POST / HTTP/1.1\r\n" + H + "Content-Length: 100\r\n\r\n" + "x".repeat(100),
    413,
  ],
  [
    "a chunked body over maxBodySize",
    "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n40\r\n" + "x".repeat(64) +
    "\r\n0\r\n\r\n",
    413,
  ],
];

const limits = { maxRequestLine: 200, maxHeaderSize: 1024, maxHeaderCount: 20, maxBodySize: 50 };

for (const [name, raw, status] of cases) {
  Deno.test(`reference engine answers ${status} and closes for ${name}`, async () => {
    await withServer(readingApp, limits, async (port) => {
      const wire = await Wire.open(port);
      try {
        await wire.send(raw);
        const response = await wire.response();
        assert.equal(response.status, status, response.statusLine);
        assert.equal(response.headers["connection"], "close");
        assert.equal(await wire.closedByServer(), true);
      } finally {
        wire.close();
      }
      const next = await request(port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      assert.equal(next.status, 200);
    });
  });
}

Deno.test("reference engine answers 400 when a chunked body ends without its last CRLF", async () => {
  await withServer(readingApp, {}, async (port) => {
    const wire = await Wire.open(port);
    try {
      await wire.send(
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n",
      );
      await wire.conn.closeWrite();
      const response = await wire.response();
      assert.equal(response.status, 400);
    } finally {
      wire.close();
    }
  });
});

Deno.test("reference engine accepts a Content-Length list of equal values", async () => {
  await withServer(readingApp, {}, async (port) => {
    const response = await request(
      port,
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\nContent-Length: 5\r\n\r\nhello",
    );
    assert.equal(response.status, 200);
    assert.equal(response.body, "read 5");
  });
});

Deno.test("reference engine keeps serving others while a client sends garbage slowly", async () => {
  await withServer(readingApp, { headTimeout: 2000 }, async (port) => {
    const slow = await Wire.open(port);
    const bad = await Wire.open(port);
    try {
      await slow.send("GET / HTTP/1.1\r\nHo");
      await bad.send("\x00\x01\x02\xff garbage\r\n\r\n");
      const good = await request(port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      assert.equal(good.status, 200);
      assert.equal((await bad.response()).status, 400);
    } finally {
      slow.close();
      bad.close();
    }
  });
});

Deno.test("reference engine survives mutated requests and keeps answering well-formed ones", async () => {
  // A seeded generator, so a failure can be replayed.
  let seed = 0x2545f491;
  const random = (n: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const seeds = [
    "GET /a?b=1 HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
    "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n0\r\nT: 1\r\n\r\n",
    "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.1\r\nHost: b\r\n\r\n",
  ];
  const special = ["\r", "\n", "\0", " ", ":", ";", "\t", "\xa0", "\x85", "\xff", "0", "f", ","];
  const mutate = (input: string) => {
    let out = input;
    for (let k = 1 + random(3); k > 0; k--) {
      const at = random(out.length + 1);
      switch (random(5)) {
        case 0:
          out = out.slice(0, at) + special[random(special.length)] + out.slice(at);
          break;
        case 1:
          out = out.slice(0, at) + out.slice(at + 1 + random(4));
          break;
        case 2:
          out = out.slice(0, at) + out.slice(at, at + 8) + out.slice(at);
          break;
        case 3:
          out = out.slice(0, at);
          break;
        default:
          out = out.replace("\r\n", "\n");
      }
    }
    return out;
  };
  const allowed = new Set([200, 400, 408, 413, 414, 431, 501, 505]);
  await withServer(readingApp, { ...limits, headTimeout: 500 }, async (port) => {
    for (let batch = 0; batch < 8; batch++) {
      await Promise.all(Array.from({ length: 20 }, async () => {
        const input = mutate(seeds[random(seeds.length)]!);
        const wire = await Wire.open(port);
        try {
          try {
            await wire.send(input);
            await wire.conn.closeWrite();
          } catch (error) {
            // The server may have answered and closed before all of it was sent.
            if (
              !(error instanceof Deno.errors.ConnectionReset) &&
              !(error instanceof Deno.errors.BrokenPipe) &&
              !(error instanceof Deno.errors.NotConnected)
            ) throw error;
          }
          // Whatever it answers, the server ends the exchange (it never hangs).
          await wire.closedByServer();
        } finally {
          wire.close();
        }
        for (const match of wire.pending.matchAll(/HTTP\/1\.1 (\d{3}) /g)) {
          assert.ok(allowed.has(Number(match[1])), `${match[1]} for ${JSON.stringify(input)}`);
        }
        if (wire.pending !== "") {
          assert.match(wire.pending, /^HTTP\/1\.1 \d{3} /, JSON.stringify(input));
        }
      }));
      const check = await request(port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      assert.equal(check.status, 200);
    }
  });
});
