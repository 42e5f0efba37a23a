import assert from "node:assert/strict";
import { Response } from "../../framework/wrappers/response.ts";
import { EnvironBuilder } from "../../framework/wrappers/environ_builder.ts";
import { runApp } from "../../framework/gateway/run_app.ts";
import { Headers } from "../../framework/http/headers.ts";
import { NotFound } from "../../framework/http/exceptions.ts";
import type { Body, Environ, WsgiApp } from "../../framework/gateway/types.ts";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Sends `response` through the gateway as a server would. */
async function send(
  response: Response,
  environ: Environ = new EnvironBuilder("/").getEnviron(),
): Promise<{ status: string; headers: [string, string][]; body: string }> {
  const out = await runApp(response, environ);
  const chunks = [...out.chunks];
  if (!out.complete) {
    for (let c = await out.next(); c !== null; c = await out.next()) chunks.push(c);
  }
  await out.close();
  return { status: out.status, headers: out.headers, body: dec(concat(chunks)) };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

// [status given, status line, status code] as Werkzeug 3.1 computes them.
const STATUS_CASES: [number | string, string, number][] = [
  [404, "404 NOT FOUND", 404],
  ["404", "404 NOT FOUND", 404],
  ["404 Custom", "404 Custom", 404],
  [" 200 ", "200 OK", 200],
  ["200 ok", "200 ok", 200],
  [999, "999 UNKNOWN", 999],
  ["999", "999 UNKNOWN", 999],
  [418, "418 I'M A TEAPOT", 418],
  [201, "201 CREATED", 201],
  [308, "308 PERMANENT REDIRECT", 308],
];

for (const [given, line, code] of STATUS_CASES) {
  Deno.test(`Response status ${JSON.stringify(given)} gives ${JSON.stringify(line)}`, () => {
    const r = new Response("x", { status: given });
    assert.equal(r.status, line);
    assert.equal(r.statusCode, code);
    const s = new Response();
    s.status = given;
    assert.deepEqual([s.status, s.statusCode], [line, code]);
  });
}

Deno.test("Response statusCode and status stay in step", () => {
  const r = new Response("x");
  assert.deepEqual([r.status, r.statusCode], ["200 OK", 200]);
  r.statusCode = 201;
  assert.equal(r.status, "201 CREATED");
  r.status = "418";
  assert.deepEqual([r.status, r.statusCode], ["418 I'M A TEAPOT", 418]);
});

for (const bad of ["", "abc", "12", "1000", "0 x", 0, 12, 1000, 2.5, null, [1], "200 a\r\nX: y"]) {
  Deno.test(`Response rejects the status ${JSON.stringify(bad)} with a TypeError`, () => {
    // As in Werkzeug, a missing (null) status in the constructor means the default.
    if (bad !== null) assert.throws(() => new Response("x", { status: bad as number }), TypeError);
    const r = new Response("x");
    assert.throws(() => {
      r.status = bad as number;
    }, TypeError);
    assert.equal(r.status, "200 OK");
  });
}

// [init, Content-Type] as Werkzeug's get_content_type / Flask's default give them.
const CONTENT_TYPE_CASES: [ConstructorParameters<typeof Response>[1], string | undefined][] = [
  [{}, "text/html; charset=utf-8"],
  [{ mimetype: "application/json" }, "application/json"],
  [{ mimetype: "text/plain" }, "text/plain; charset=utf-8"],
  [{ mimetype: "image/svg+xml" }, "image/svg+xml; charset=utf-8"],
  [{ mimetype: "application/xml" }, "application/xml; charset=utf-8"],
  [{ mimetype: "application/javascript" }, "application/javascript; charset=utf-8"],
  [{ mimetype: "image/png" }, "image/png"],
  [{ contentType: "text/plain" }, "text/plain"],
  [{ headers: { "Content-Type": "text/css" } }, "text/css"],
  [{ headers: { "Content-Type": "text/css" }, mimetype: "text/csv" }, "text/csv; charset=utf-8"],
];

for (const [init, ct] of CONTENT_TYPE_CASES) {
  Deno.test(`Response Content-Type for ${JSON.stringify(init)} is ${ct}`, () => {
    assert.equal(new Response("x", init).headers.get("Content-Type"), ct);
  });
}

Deno.test("Response headers from a string body: Content-Type then Content-Length", () => {
  assert.deepEqual(new Response("hé").headers.toWsgiList(), [
    ["Content-Type", "text/html; charset=utf-8"],
    ["Content-Length", "3"],
  ]);
  const h = new Headers({ "X-A": "1" });
  const r = new Response("x", { headers: h });
  assert.equal(r.headers, h, "a phial Headers is used as is, as Werkzeug does");
});

// [method, status] → [headers sent, body] as Werkzeug's Response.__call__ gives them.
const WSGI_CASES: [string, number, [string, string][], string][] = [
  ["GET", 200, [["X", "1"], ["Content-Type", "text/html; charset=utf-8"], [
    "Content-Length",
    "5",
  ]], "hello"],
  ["GET", 204, [["X", "1"], ["Content-Type", "text/html; charset=utf-8"]], ""],
  ["GET", 304, [["X", "1"]], ""],
  ["HEAD", 200, [["X", "1"], ["Content-Type", "text/html; charset=utf-8"], [
    "Content-Length",
    "5",
  ]], ""],
  ["HEAD", 204, [["X", "1"], ["Content-Type", "text/html; charset=utf-8"]], ""],
  ["HEAD", 304, [["X", "1"]], ""],
];

for (const [method, code, headers, body] of WSGI_CASES) {
  Deno.test(`Response as an app: ${method} with ${code} sends Werkzeug's headers and body`, async () => {
    const r = new Response("hello", { status: code, headers: { X: "1" } });
    const out = await send(r, new EnvironBuilder("/", { method }).getEnviron());
    assert.deepEqual(out.headers, headers);
    assert.equal(out.body, body);
  });
}

Deno.test("Response 304 drops entity headers but keeps ETag, Expires and Content-Location", async () => {
  const r = new Response("x", {
    status: 304,
    headers: {
      ETag: '"a"',
      "Content-Encoding": "gzip",
      Expires: "x",
      "Last-Modified": "y",
      Allow: "GET",
      "Content-Language": "en",
      "Content-Location": "/x",
      "Content-Range": "bytes 0-1/2",
      "Content-MD5": "a",
    },
  });
  const out = await send(r);
  assert.deepEqual(out.headers, [["ETag", '"a"'], ["Expires", "x"], ["Content-Location", "/x"]]);
});

Deno.test("Response Location is made an ASCII URI when sent, as Werkzeug's iri_to_uri", async () => {
  const cases: [string, string][] = [
    ["/ü?q=ä b#frag", "/%C3%BC?q=%C3%A4%20b#frag"],
    ["http://ü.example.com:80/a b", "http://xn--tda.example.com:80/a%20b"],
    ["/a%20b", "/a%20b"],
    ['/a"<>\\^`{|}', "/a%22%3C%3E%5C%5E%60%7B%7C%7D"],
  ];
  for (const [given, sent] of cases) {
    const out = await send(new Response("", { status: 302, headers: { Location: given } }));
    assert.equal(out.headers.find(([k]) => k === "Location")?.[1], sent);
  }
});

Deno.test("Response with autocorrectLocationHeader makes Location absolute", async () => {
  const r = new Response("", { status: 302, headers: { Location: "next" } });
  r.autocorrectLocationHeader = true;
  const out = await send(r, new EnvironBuilder("/a/b", { host: "x.test" }).getEnviron());
  assert.equal(out.headers.find(([k]) => k === "Location")?.[1], "http://x.test/a/next");
});

Deno.test("Response bodies: strings, bytes, arrays, generators, async iterables, streams", async () => {
  const cases: [ConstructorParameters<typeof Response>[0], string, string | undefined][] = [
    ["héllo", "héllo", "6"],
    [enc("bytes"), "bytes", "5"],
    [new Uint8Array([104, 105]).buffer, "hi", "2"],
    [["a", enc("bc")], "abc", "3"],
    [
      (function* () {
        yield "a";
        yield enc("b");
      })(),
      "ab",
      undefined,
    ],
    [
      (async function* () {
        yield "x";
        yield "y";
      })(),
      "xy",
      undefined,
    ],
    [
      new ReadableStream({
        start(c) {
          c.enqueue(enc("s1"));
          c.enqueue(enc("s2"));
          c.close();
        },
      }),
      "s1s2",
      undefined,
    ],
    [new Blob(["blob!"]), "blob!", "5"],
    [undefined, "", "0"],
    [null, "", "0"],
  ];
  for (const [body, text, length] of cases) {
    const out = await send(new Response(body));
    assert.equal(out.body, text);
    assert.equal(out.headers.find(([k]) => k === "Content-Length")?.[1], length, text);
  }
});

Deno.test("Response rejects a body that is not one of the accepted kinds", () => {
  assert.throws(() => new Response(42 as unknown as string), TypeError);
  assert.throws(() => new Response({} as unknown as string), TypeError);
});

Deno.test("Response getData buffers any body and keeps it for a second read", async () => {
  const r = new Response((async function* () {
    yield "a";
    yield "b";
  })());
  assert.equal(r.isStreamed, true);
  assert.equal(await r.getData({ asText: true }), "ab");
  assert.equal(r.isSequence, true);
  assert.deepEqual(await r.getData(), enc("ab"));
  assert.equal(dec(r.data), "ab");
});

Deno.test("Response.data reads sync bodies and refuses async ones", () => {
  const r = new Response(["a", "b"]);
  assert.equal(dec(r.data), "ab");
  r.data = "xyz";
  assert.equal(r.headers.get("Content-Length"), "3");
  assert.equal(dec(r.data), "xyz");
  const a = new Response((async function* () {
    yield "a";
  })());
  assert.throws(() => a.data, TypeError);
  assert.equal(a.calculateContentLength(), null);
});

Deno.test("Response setData replaces the body and its Content-Length", async () => {
  const r = new Response("first");
  r.setData("second!");
  assert.equal(r.contentLength, 7);
  assert.equal((await send(r)).body, "second!");
});

Deno.test("Response header properties read and write their headers", () => {
  const r = new Response("x");
  r.mimetype = "application/json";
  assert.equal(r.contentType, "application/json");
  assert.equal(r.isJson, true);
  r.contentType = "text/plain; charset=latin-1";
  assert.equal(r.mimetype, "text/plain");
  assert.deepEqual(r.mimetypeParams, { charset: "latin-1" });
  // Quoted values may hold ";" and escaped quotes (expected from Werkzeug 3.1).
  r.contentType = 'text/html; a="x;y"; Charset=UTF-8; b';
  assert.deepEqual(r.mimetypeParams, { a: "x;y", charset: "UTF-8" });
  r.contentType = 'text/html; a="x\\"y"';
  assert.deepEqual(r.mimetypeParams, { a: 'x"y' });
  r.contentLength = 5;
  assert.equal(r.headers.get("Content-Length"), "5");
  r.location = "/next";
  assert.equal(r.headers.get("Location"), "/next");
  r.location = null;
  assert.equal(r.headers.has("Location"), false);
  const when = new Date(Date.UTC(2030, 0, 2, 3, 4, 5));
  r.lastModified = when;
  assert.equal(r.headers.get("Last-Modified"), "Wed, 02 Jan 2030 03:04:05 GMT");
  assert.equal(r.lastModified?.getTime(), when.getTime());
  r.expires = when;
  assert.equal(r.expires?.getTime(), when.getTime());
  assert.equal(new Response("x", { mimetype: "application/vnd.api+json" }).isJson, true);
});

Deno.test("Response getJson parses JSON bodies and returns null for other mimetypes", async () => {
  const r = new Response('{"a":1}', { mimetype: "application/json" });
  assert.deepEqual(await r.getJson(), { a: 1 });
  assert.deepEqual(r.json, { a: 1 });
  assert.equal(await new Response('{"a":1}').getJson(), null);
  assert.deepEqual(await new Response('{"a":1}').getJson({ force: true }), { a: 1 });
  const bad = new Response("{", { mimetype: "application/json" });
  await assert.rejects(() => bad.getJson(), SyntaxError);
  assert.equal(await bad.getJson({ silent: true }), null);
});

// Set-Cookie values as Werkzeug 3.1's set_cookie / delete_cookie write them.
Deno.test("Response setCookie writes Werkzeug's Set-Cookie", () => {
  const r = new Response("x");
  r.setCookie("a", "b c", { expires: new Date(Date.UTC(2030, 0, 2, 3, 4, 5)) });
  r.setCookie("s", "v", {
    path: "/p",
    domain: "example.com",
    secure: true,
    httpOnly: true,
    sameSite: "Lax",
    partitioned: true,
  });
  assert.deepEqual(r.headers.getlist("Set-Cookie"), [
    'a="b c"; Expires=Wed, 02 Jan 2030 03:04:05 GMT; Path=/',
    "s=v; Domain=example.com; Secure; HttpOnly; Path=/p; SameSite=Lax; Partitioned",
  ]);
});

Deno.test("Response setCookie with maxAge also sets Expires that far ahead", () => {
  const r = new Response("x");
  const before = Date.now();
  r.setCookie("a", "1", { maxAge: 60 });
  const header = r.headers.get("Set-Cookie")!;
  assert.match(header, /^a=1; Expires=[^;]+; Max-Age=60; Path=\/$/);
  const expires = Date.parse(/Expires=([^;]+)/.exec(header)![1]!);
  assert.ok(Math.abs(expires - (before + 60_000)) < 2000);
});

Deno.test("Response deleteCookie sends an expired empty cookie", () => {
  const r = new Response("x");
  r.deleteCookie("a", { path: "/x", domain: "d.com" });
  assert.deepEqual(r.headers.getlist("Set-Cookie"), [
    "a=; Domain=d.com; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/x",
  ]);
  assert.throws(() => r.setCookie("bad name", "x"), TypeError);
});

Deno.test("Response close() closes the body stream and runs callOnClose functions once sent", async () => {
  const events: string[] = [];
  const body = {
    *[Symbol.iterator]() {
      yield "a";
    },
    close() {
      events.push("body closed");
    },
  };
  const r = new Response(body);
  r.callOnClose(() => events.push("callback"));
  assert.equal((await send(r)).body, "a");
  assert.deepEqual(events, ["body closed", "callback"]);
  const head: string[] = [];
  const r2 = new Response("x");
  r2.callOnClose(() => head.push("closed"));
  await send(r2, new EnvironBuilder("/", { method: "HEAD" }).getEnviron());
  assert.deepEqual(head, ["closed"]);
});

Deno.test("Response cancels a ReadableStream body when the client goes away", async () => {
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      c.enqueue(enc("chunk"));
    },
    cancel() {
      cancelled = true;
    },
  });
  const out = await runApp(new Response(stream), new EnvironBuilder("/").getEnviron());
  await out.next();
  await out.close();
  assert.equal(cancelled, true);
});

Deno.test("Response.forceType returns a Response unchanged and runs gateway apps", async () => {
  const r = new Response("x");
  assert.equal(await Response.forceType(r), r);
  const app: WsgiApp = (_env, startResponse): Body => {
    const write = startResponse("201 Made", [["Content-Type", "text/plain"], ["X-A", "1"]]);
    write(enc("w"));
    return ["hel", "lo"];
  };
  const forced = await Response.forceType(app, new EnvironBuilder("/").getEnviron());
  assert.equal(forced.status, "201 Made");
  assert.equal(forced.headers.get("X-A"), "1");
  assert.equal(forced.contentType, "text/plain");
  assert.equal(await forced.getData({ asText: true }), "whello");
  const obj = { wsgiApp: app };
  assert.equal(
    await (await Response.forceType(obj, new EnvironBuilder("/").getEnviron())).getData({
      asText: true,
    }),
    "whello",
  );
  await assert.rejects(() => Response.forceType(app), TypeError);
  await assert.rejects(() => Response.forceType(42 as unknown as WsgiApp), TypeError);
});

Deno.test("Response.forceType wraps a fetch Response", async () => {
  const fetched = new globalThis.Response("from fetch", {
    status: 202,
    headers: { "content-type": "text/plain", "x-b": "2" },
  });
  const forced = await Response.forceType(fetched);
  assert.equal(forced.statusCode, 202);
  assert.equal(forced.headers.get("X-B"), "2");
  assert.equal(await forced.getData({ asText: true }), "from fetch");
});

Deno.test("Response subclasses: forceType keeps the subclass", async () => {
  class JsonResponse extends Response {
    static override defaultMimetype: string | null = "application/json";
  }
  assert.equal(new JsonResponse("{}").contentType, "application/json");
  const plain = new Response("x", { status: 201 });
  const forced = await JsonResponse.forceType(plain);
  assert.ok(forced instanceof JsonResponse);
  assert.equal(forced, plain, "the same object, re-classed");
  assert.equal(forced.status, "201 CREATED");
  assert.equal(await forced.getData({ asText: true }), "x");
});

Deno.test("HTTPException.getResponse() gives a phial Response once response.ts is loaded", async () => {
  const r = new NotFound().getResponse();
  assert.ok(r instanceof Response);
  assert.equal(r.status, "404 NOT FOUND");
  assert.match(await r.getData({ asText: true }), /<title>404 Not Found<\/title>/);
});

Deno.test("Response.stream appends to the body and drops a stale Content-Length", async () => {
  const r = new Response("a");
  assert.equal(r.headers.get("Content-Length"), "1");
  const stream = r.stream;
  assert.equal(stream.write("bc"), 2);
  stream.writelines(["d", enc("é")]);
  assert.equal(stream.tell(), 6);
  assert.equal(r.headers.has("Content-Length"), false);
  const out = await send(r);
  assert.equal(out.body, "abcdé");
  assert.equal(out.headers.find(([k]) => k === "Content-Length")?.[1], "6");
  stream.close();
  assert.throws(() => stream.write("x"), TypeError);
});

Deno.test("Response.toString reads like Werkzeug's repr", () => {
  assert.equal(
    String(new Response("hello", { status: 404 })),
    "<Response 5 bytes [404 NOT FOUND]>",
  );
  assert.equal(
    String(new Response((async function* () {})())),
    "<Response streamed [200 OK]>",
  );
});

// Expected headers recorded from Werkzeug 3.1 (the same steps on a werkzeug Response).
Deno.test("Response.vary, allow and contentLanguage are live header sets, as Werkzeug's", () => {
  const r = new Response("x");
  assert.equal(r.vary.size, 0);
  assert.equal(r.headers.get("Vary"), undefined);
  r.vary.add("Cookie");
  assert.equal(r.headers.get("Vary"), "Cookie");
  const vary = r.vary;
  vary.add("accept-encoding");
  assert.equal(r.headers.get("Vary"), "Cookie, accept-encoding");
  r.vary = "a, b";
  assert.equal(r.headers.get("Vary"), "a, b");
  assert.deepEqual([...r.vary], ["a", "b"]);
  r.vary = ["X", "Y"];
  assert.equal(r.headers.get("Vary"), "X, Y");
  r.vary = null;
  assert.equal(r.headers.has("Vary"), false);
  r.vary = "";
  assert.equal(r.headers.has("Vary"), false);
  r.vary.add("Z");
  r.vary.discard("Z");
  assert.equal(r.headers.has("Vary"), false);
  r.allow = ["GET", "HEAD"];
  assert.equal(r.headers.get("Allow"), "GET, HEAD");
  r.contentLanguage = "en";
  r.contentLanguage.add("de");
  assert.equal(r.headers.get("Content-Language"), "en, de");
});

Deno.test("Response.cacheControl is a live ResponseCacheControl, as Werkzeug's", () => {
  const r = new Response("x");
  const cc = r.cacheControl;
  assert.equal(cc.maxAge, null);
  assert.equal(r.headers.has("Cache-Control"), false);
  cc.maxAge = 60;
  assert.equal(r.headers.get("Cache-Control"), "max-age=60");
  r.cacheControl.public = true;
  assert.equal(r.headers.get("Cache-Control"), "max-age=60, public");
  r.cacheControl.maxAge = null;
  r.cacheControl.public = false;
  assert.equal(r.headers.has("Cache-Control"), false);
  r.headers.set("Cache-Control", "no-cache, max-age=5");
  assert.equal(r.cacheControl.noCache, true);
  assert.equal(r.cacheControl.maxAge, 5);
  // A string replaces the header outright (Werkzeug has no setter).
  r.cacheControl = "no-store";
  assert.equal(r.cacheControl.noStore, true);
  r.cacheControl = null;
  assert.equal(r.headers.has("Cache-Control"), false);
});
