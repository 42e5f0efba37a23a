import assert from "node:assert/strict";
import { Response } from "../../framework/wrappers/response.ts";
import { EnvironBuilder } from "../../framework/wrappers/environ_builder.ts";
import { runApp } from "../../framework/gateway/run_app.ts";
import { RequestedRangeNotSatisfiable } from "../../framework/http/exceptions.ts";
import type { Environ } from "../../framework/gateway/types.ts";

const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

async function send(
  response: Response,
  environ: Environ,
): Promise<{ status: string; headers: [string, string][]; body: string }> {
  const out = await runApp(response, environ);
  const chunks = [...out.chunks];
  if (!out.complete) {
    for (let c = await out.next(); c !== null; c = await out.next()) chunks.push(c);
  }
  await out.close();
  return { status: out.status, headers: out.headers, body: chunks.map(dec).join("") };
}

interface Case {
  name: string;
  method: string;
  headers: Record<string, string>;
  etag: string | null;
  lastModified: string | null;
  acceptRanges?: boolean | string;
  completeLength?: number;
  raises?: number;
  contentRange?: string;
  status?: string;
  sent?: [string, string][];
  body?: string;
  hasDate?: boolean;
}

// Recorded from Werkzeug 3.1: Response("0123456789", mimetype text/plain), optional
// set_etag / Last-Modified, make_conditional(environ, accept_ranges, complete_length),
// then the response run as a WSGI app on the same environ (Date left out of `sent`).
const CASES: Case[] = [
  {
    "name": "If-None-Match matching the ETag gives 304",
    "method": "GET",
    "headers": { "If-None-Match": '"abc"' },
    "etag": "abc",
    "lastModified": null,
    "status": "304 NOT MODIFIED",
    "sent": [["ETag", '"abc"']],
    "body": "",
    "hasDate": true,
  },
  {
    "name": "If-None-Match not matching gives 200",
    "method": "GET",
    "headers": { "If-None-Match": '"x"' },
    "etag": "abc",
    "lastModified": null,
    "status": "200 OK",
    "sent": [["Content-Type", "text/plain; charset=utf-8"], ["Content-Length", "10"], [
      "ETag",
      '"abc"',
    ]],
    "body": "0123456789",
    "hasDate": true,
  },
  {
    "name": "If-None-Match * gives 304",
    "method": "GET",
    "headers": { "If-None-Match": "*" },
    "etag": "abc",
    "lastModified": null,
    "status": "304 NOT MODIFIED",
    "sent": [["ETag", '"abc"']],
    "body": "",
    "hasDate": true,
  },
  {
    "name": "a weak If-None-Match matches a strong ETag",
    "method": "GET",
    "headers": { "If-None-Match": 'W/"abc"' },
    "etag": "abc",
    "lastModified": null,
    "status": "304 NOT MODIFIED",
    "sent": [["ETag", '"abc"']],
    "body": "",
    "hasDate": true,
  },
  {
    "name": "If-Modified-Since equal to Last-Modified gives 304",
    "method": "GET",
    "headers": { "If-Modified-Since": "Wed, 02 Jan 2030 03:04:05 GMT" },
    "etag": null,
    "lastModified": "Wed, 02 Jan 2030 03:04:05 GMT",
    "status": "304 NOT MODIFIED",
    "sent": [],
    "body": "",
    "hasDate": true,
  },
  {
    "name": "If-Modified-Since older than Last-Modified gives 200",
    "method": "GET",
    "headers": { "If-Modified-Since": "Wed, 02 Jan 2030 03:04:04 GMT" },
    "etag": null,
    "lastModified": "Wed, 02 Jan 2030 03:04:05 GMT",
    "status": "200 OK",
    "sent": [["Content-Type", "text/plain; charset=utf-8"], ["Content-Length", "10"], [
      "Last-Modified",
      "Wed, 02 Jan 2030 03:04:05 GMT",
    ]],
    "body": "0123456789",
    "hasDate": true,
  },
  {
    "name": "If-Modified-Since newer than Last-Modified gives 304",
    "method": "GET",
    "headers": { "If-Modified-Since": "Wed, 02 Jan 2030 03:04:06 GMT" },
    "etag": null,
    "lastModified": "Wed, 02 Jan 2030 03:04:05 GMT",
    "status": "304 NOT MODIFIED",
    "sent": [],
    "body": "",
    "hasDate": true,
  },
  {
    "name": "If-Match present turns the 304 into 412",
    "method": "GET",
    "headers": { "If-Match": '"zzz"', "If-None-Match": '"abc"' },
    "etag": "abc",
    "lastModified": null,
    "status": "412 PRECONDITION FAILED",
    "sent": [["Content-Type", "text/plain; charset=utf-8"], ["Content-Length", "10"], [
      "ETag",
      '"abc"',
    ]],
    "body": "0123456789",
    "hasDate": true,
  },
  {
    "name": "POST ignores conditional headers",
    "method": "POST",
    "headers": { "If-None-Match": '"abc"' },
    "etag": "abc",
    "lastModified": null,
    "status": "200 OK",
    "sent": [["Content-Type", "text/plain; charset=utf-8"], ["Content-Length", "10"], [
      "ETag",
      '"abc"',
    ]],
    "body": "0123456789",
    "hasDate": false,
  },
  {
    "name": "HEAD gets 304 like GET",
    "method": "HEAD",
    "headers": { "If-None-Match": '"abc"' },
    "etag": "abc",
    "lastModified": null,
    "status": "304 NOT MODIFIED",
    "sent": [["ETag", '"abc"']],
    "body": "",
    "hasDate": true,
  },
  {
    "name": "Range bytes=2-4 gives 206",
    "method": "GET",
    "headers": { "Range": "bytes=2-4" },
    "etag": null,
    "lastModified": null,
    "acceptRanges": true,
    "completeLength": 10,
    "status": "206 PARTIAL CONTENT",
    "sent": [["Content-Type", "text/plain; charset=utf-8"], ["Content-Length", "3"], [
      "Accept-Ranges",
      "bytes",
    ], ["Content-Range", "bytes 2-4/10"]],
    "body": "234",
    "hasDate": true,
  },
  {
    "name": "a suffix Range gives the last bytes",
    "method": "GET",
    "headers": { "Range": "bytes=-3" },
    "etag": null,
    "lastModified": null,
    "acceptRanges": true,
    "completeLength": 10,
    "status": "206 PARTIAL CONTENT",
    "sent": [["Content-Type", "text/plain; charset=utf-8"], ["Content-Length", "3"], [
      "Accept-Ranges",
      "bytes",
    ], ["Content-Range", "bytes 7-9/10"]],
    "body": "789",
    "hasDate": true,
  },
  {
    "name": "an open Range runs to the end",
    "method": "GET",
    "headers": { "Range": "bytes=7-" },
    "etag": null,
    "lastModified": null,
    "acceptRanges": true,
    "completeLength": 10,
    "status": "206 PARTIAL CONTENT",
    "sent": [["Content-Type", "text/plain; charset=utf-8"], ["Content-Length", "3"], [
      "Accept-Ranges",
      "bytes",
    ], ["Content-Range", "bytes 7-9/10"]],
    "body": "789",
    "hasDate": true,
  },
  {
    "name": "a Range past the end gives 416",
    "method": "GET",
    "headers": { "Range": "bytes=12-20" },
    "etag": null,
    "lastModified": null,
    "acceptRanges": true,
    "completeLength": 10,
    "raises": 416,
    "contentRange": "bytes */10",
  },
  {
    "name": "a malformed Range gives 416",
    "method": "GET",
    "headers": { "Range": "bytes=a-b" },
    "etag": null,
    "lastModified": null,
    "acceptRanges": true,
    "completeLength": 10,
    "raises": 416,
    "contentRange": "bytes */10",
  },
  {
    "name": "a multi-range Range gives 416",
    "method": "GET",
    "headers": { "Range": "bytes=0-1,4-5" },
    "etag": null,
    "lastModified": null,
    "acceptRanges": true,
    "completeLength": 10,
    "raises": 416,
    "contentRange": "bytes */10",
  },
  {
    "name": "Range is ignored without acceptRanges",
    "method": "GET",
    "headers": { "Range": "bytes=2-4" },
    "etag": null,
    "lastModified": null,
    "status": "200 OK",
    "sent": [["Content-Type", "text/plain; charset=utf-8"], ["Content-Length", "10"]],
    "body": "0123456789",
    "hasDate": true,
  },
  {
    "name": "Range is ignored without completeLength",
    "method": "GET",
    "headers": { "Range": "bytes=2-4" },
    "etag": null,
    "lastModified": null,
    "acceptRanges": true,
    "status": "200 OK",
    "sent": [["Content-Type", "text/plain; charset=utf-8"], ["Content-Length", "10"], [
      "Accept-Ranges",
      "bytes",
    ]],
    "body": "0123456789",
    "hasDate": true,
  },
  {
    "name": "acceptRanges as a string names the unit",
    "method": "GET",
    "headers": { "Range": "bytes=2-4" },
    "etag": null,
    "lastModified": null,
    "acceptRanges": "items",
    "completeLength": 10,
    "status": "206 PARTIAL CONTENT",
    "sent": [["Content-Type", "text/plain; charset=utf-8"], ["Content-Length", "3"], [
      "Accept-Ranges",
      "items",
    ], ["Content-Range", "bytes 2-4/10"]],
    "body": "234",
    "hasDate": true,
  },
  {
    "name": "If-Range with the current ETag keeps the range",
    "method": "GET",
    "headers": { "Range": "bytes=2-4", "If-Range": '"abc"' },
    "etag": "abc",
    "lastModified": null,
    "acceptRanges": true,
    "completeLength": 10,
    "status": "206 PARTIAL CONTENT",
    "sent": [
      ["Content-Type", "text/plain; charset=utf-8"],
      ["Content-Length", "3"],
      ["ETag", '"abc"'],
      ["Accept-Ranges", "bytes"],
      ["Content-Range", "bytes 2-4/10"],
    ],
    "body": "234",
    "hasDate": true,
  },
  {
    "name": "If-Range with a stale ETag sends everything",
    "method": "GET",
    "headers": { "Range": "bytes=2-4", "If-Range": '"old"' },
    "etag": "abc",
    "lastModified": null,
    "acceptRanges": true,
    "completeLength": 10,
    "status": "200 OK",
    "sent": [["Content-Type", "text/plain; charset=utf-8"], ["Content-Length", "10"], [
      "ETag",
      '"abc"',
    ], ["Accept-Ranges", "bytes"]],
    "body": "0123456789",
    "hasDate": true,
  },
  {
    "name": "If-Range with the Last-Modified date keeps the range",
    "method": "GET",
    "headers": { "Range": "bytes=2-4", "If-Range": "Wed, 02 Jan 2030 03:04:05 GMT" },
    "etag": null,
    "lastModified": "Wed, 02 Jan 2030 03:04:05 GMT",
    "acceptRanges": true,
    "completeLength": 10,
    "status": "206 PARTIAL CONTENT",
    "sent": [
      ["Content-Type", "text/plain; charset=utf-8"],
      ["Content-Length", "3"],
      ["Last-Modified", "Wed, 02 Jan 2030 03:04:05 GMT"],
      ["Accept-Ranges", "bytes"],
      ["Content-Range", "bytes 2-4/10"],
    ],
    "body": "234",
    "hasDate": true,
  },
  {
    "name": "a Range end past the length is clamped",
    "method": "GET",
    "headers": { "Range": "bytes=5-100" },
    "etag": null,
    "lastModified": null,
    "acceptRanges": true,
    "completeLength": 10,
    "status": "206 PARTIAL CONTENT",
    "sent": [["Content-Type", "text/plain; charset=utf-8"], ["Content-Length", "5"], [
      "Accept-Ranges",
      "bytes",
    ], ["Content-Range", "bytes 5-9/10"]],
    "body": "56789",
    "hasDate": true,
  },
  {
    "name": "no conditional headers: 200 with Date",
    "method": "GET",
    "headers": {},
    "etag": null,
    "lastModified": null,
    "status": "200 OK",
    "sent": [["Content-Type", "text/plain; charset=utf-8"], ["Content-Length", "10"]],
    "body": "0123456789",
    "hasDate": true,
  },
];

for (const c of CASES) {
  Deno.test(`Response.makeConditional: ${c.name}`, async () => {
    const r = new Response("0123456789", { mimetype: "text/plain" });
    if (c.etag) r.setEtag(c.etag);
    if (c.lastModified) r.headers.set("Last-Modified", c.lastModified);
    const environ = () =>
      new EnvironBuilder("/", { method: c.method, headers: c.headers }).getEnviron();
    const options = {
      ...(c.acceptRanges !== undefined ? { acceptRanges: c.acceptRanges } : {}),
      ...(c.completeLength !== undefined ? { completeLength: c.completeLength } : {}),
    };
    if (c.raises !== undefined) {
      await assert.rejects(() => r.makeConditional(environ(), options), (e: unknown) => {
        assert.ok(e instanceof RequestedRangeNotSatisfiable);
        assert.equal(e.code, c.raises);
        assert.deepEqual(e.getHeaders().find(([k]) => k === "Content-Range")?.[1], c.contentRange);
        return true;
      });
      return;
    }
    assert.equal(await r.makeConditional(environ(), options), r);
    const out = await send(r, environ());
    assert.equal(out.status, c.status);
    assert.deepEqual(out.headers.filter(([k]) => k !== "Date"), c.sent);
    assert.equal(out.body, c.body);
    assert.equal(out.headers.some(([k]) => k === "Date"), c.hasDate);
  });
}

Deno.test("Response.makeConditional accepts a request-like object with an environ", async () => {
  const r = new Response("x");
  r.setEtag("v1");
  const environ = new EnvironBuilder("/", { headers: { "If-None-Match": '"v1"' } }).getEnviron();
  await r.makeConditional({ environ });
  assert.equal(r.statusCode, 304);
});

Deno.test("Response.makeConditional serves a range of a streamed body lazily", async () => {
  const r = new Response(
    (async function* () {
      yield "01234";
      yield "56789";
    })(),
    { mimetype: "text/plain" },
  );
  const environ = () => new EnvironBuilder("/", { headers: { Range: "bytes=3-6" } }).getEnviron();
  await r.makeConditional(environ(), { acceptRanges: true, completeLength: 10 });
  assert.equal(r.isStreamed, true);
  const out = await send(r, environ());
  assert.equal(out.status, "206 PARTIAL CONTENT");
  assert.equal(out.body, "3456");
  assert.equal(out.headers.find(([k]) => k === "Content-Range")?.[1], "bytes 3-6/10");
});

Deno.test("Response.addEtag hashes the body with SHA-1, as Werkzeug", async () => {
  const r = new Response("hello");
  await r.addEtag();
  assert.equal(r.headers.get("ETag"), '"aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"');
  assert.deepEqual(r.getEtag(), ["aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d", false]);
  await r.addEtag();
  r.setData("changed");
  await r.addEtag();
  assert.equal(r.getEtag()[0], "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d", "kept unless overwrite");
  await r.addEtag({ overwrite: true, weak: true });
  assert.equal(r.getEtag()[1], true);
});

Deno.test("Response.setEtag / getEtag round-trip weak and strong tags", () => {
  const r = new Response("x");
  assert.deepEqual(r.getEtag(), [null, null]);
  r.setEtag("x", true);
  assert.equal(r.headers.get("ETag"), 'W/"x"');
  assert.deepEqual(r.getEtag(), ["x", true]);
  r.setEtag("y");
  assert.deepEqual(r.getEtag(), ["y", false]);
});

Deno.test("Response.freeze buffers the body and sets Content-Length and ETag", async () => {
  const r = new Response((function* () {
    yield "hel";
    yield "lo";
  })());
  await r.freeze();
  assert.equal(r.isSequence, true);
  assert.equal(r.headers.get("Content-Length"), "5");
  assert.equal(r.headers.get("ETag"), '"aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"');
});
