import assert from "node:assert/strict";
import { EnvironBuilder } from "../../framework/wrappers/environ_builder.ts";
import { encodeMultipart } from "../../framework/wrappers/encode_multipart.ts";
import { parseMultipart } from "../../framework/wrappers/multipart_parser.ts";
import { bytesInput } from "../../framework/gateway/input_stream.ts";
import type { Environ } from "../../framework/gateway/types.ts";

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

function pick(environ: Environ, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (environ[k] !== undefined) out[k] = environ[k];
  return out;
}

const CORE = [
  "REQUEST_METHOD",
  "SCRIPT_NAME",
  "PATH_INFO",
  "QUERY_STRING",
  "SERVER_NAME",
  "SERVER_PORT",
  "HTTP_HOST",
  "CONTENT_TYPE",
  "CONTENT_LENGTH",
  "wsgi.url_scheme",
];

// Expectations recorded from Werkzeug 3.1's EnvironBuilder (PATH_INFO as phial's
// contract wants it: decoded text instead of WSGI's latin-1 bytes).
const CASES: [
  string,
  string,
  ConstructorParameters<typeof EnvironBuilder>[1],
  Record<string, unknown>,
][] = [
  ["defaults to GET http://localhost/", "/", {}, {
    REQUEST_METHOD: "GET",
    SCRIPT_NAME: "",
    PATH_INFO: "/",
    QUERY_STRING: "",
    SERVER_NAME: "localhost",
    SERVER_PORT: "80",
    HTTP_HOST: "localhost",
    "wsgi.url_scheme": "http",
  }],
  ["decodes the path and keeps the raw query", "/a%20b/ü?x=1&y=%zz", {}, {
    REQUEST_METHOD: "GET",
    SCRIPT_NAME: "",
    PATH_INFO: "/a b/ü",
    QUERY_STRING: "x=1&y=%zz",
    SERVER_NAME: "localhost",
    SERVER_PORT: "80",
    HTTP_HOST: "localhost",
    "wsgi.url_scheme": "http",
  }],
  ["encodes a query record with repeated keys", "/p", { query: { a: ["1", "2"], b: "x y" } }, {
    REQUEST_METHOD: "GET",
    SCRIPT_NAME: "",
    PATH_INFO: "/p",
    QUERY_STRING: "a=1&a=2&b=x+y",
    SERVER_NAME: "localhost",
    SERVER_PORT: "80",
    HTTP_HOST: "localhost",
    "wsgi.url_scheme": "http",
  }],
  ["takes scheme, host, port and script root from baseUrl", "/p", {
    baseUrl: "https://example.com:8443/app/",
  }, {
    REQUEST_METHOD: "GET",
    SCRIPT_NAME: "/app",
    PATH_INFO: "/p",
    QUERY_STRING: "",
    SERVER_NAME: "example.com",
    SERVER_PORT: "8443",
    HTTP_HOST: "example.com:8443",
    "wsgi.url_scheme": "https",
  }],
  ["sends string data with its length and no content type", "/p", {
    method: "POST",
    data: "hello",
  }, {
    REQUEST_METHOD: "POST",
    SCRIPT_NAME: "",
    PATH_INFO: "/p",
    QUERY_STRING: "",
    SERVER_NAME: "localhost",
    SERVER_PORT: "80",
    HTTP_HOST: "localhost",
    CONTENT_LENGTH: "5",
    "wsgi.url_scheme": "http",
  }],
  ["urlencodes a data record", "/p", { method: "POST", data: { a: "1", b: ["2", "3"] } }, {
    REQUEST_METHOD: "POST",
    SCRIPT_NAME: "",
    PATH_INFO: "/p",
    QUERY_STRING: "",
    SERVER_NAME: "localhost",
    SERVER_PORT: "80",
    HTTP_HOST: "localhost",
    CONTENT_TYPE: "application/x-www-form-urlencoded",
    CONTENT_LENGTH: "11",
    "wsgi.url_scheme": "http",
  }],
  ["sends json with application/json", "/p", { method: "POST", json: { a: 1 } }, {
    REQUEST_METHOD: "POST",
    SCRIPT_NAME: "",
    PATH_INFO: "/p",
    QUERY_STRING: "",
    SERVER_NAME: "localhost",
    SERVER_PORT: "80",
    HTTP_HOST: "localhost",
    CONTENT_TYPE: "application/json",
    CONTENT_LENGTH: "7",
    "wsgi.url_scheme": "http",
  }],
  ["https scheme defaults the port to 443", "/", { urlScheme: "https", host: "api.test" }, {
    REQUEST_METHOD: "GET",
    SCRIPT_NAME: "",
    PATH_INFO: "/",
    QUERY_STRING: "",
    SERVER_NAME: "api.test",
    SERVER_PORT: "443",
    HTTP_HOST: "api.test",
    "wsgi.url_scheme": "https",
  }],
];

for (const [name, path, options, expected] of CASES) {
  Deno.test(`EnvironBuilder ${name}`, () => {
    const environ = new EnvironBuilder(path, options).getEnviron();
    assert.deepEqual(pick(environ, CORE), expected);
    assert.deepEqual(environ["wsgi.version"], [1, 0]);
    assert.equal(environ["wsgi.input_terminated"], true);
    assert.equal(environ.SERVER_PROTOCOL, "HTTP/1.1");
  });
}

Deno.test("EnvironBuilder body reads back exactly what was given", async () => {
  const env = new EnvironBuilder("/", { method: "PUT", data: new Uint8Array([0, 255, 10]) })
    .getEnviron();
  assert.deepEqual(await env["wsgi.input"].read(), new Uint8Array([0, 255, 10]));
  assert.equal(env.CONTENT_LENGTH, "3");
  const form = new EnvironBuilder("/", { method: "POST", form: { q: "a&b", n: 1 } }).getEnviron();
  assert.equal(text(await form["wsgi.input"].read()), "q=a%26b&n=1");
  const json = new EnvironBuilder("/", { method: "POST", json: ["é"] }).getEnviron();
  assert.equal(text(await json["wsgi.input"].read()), '["é"]');
  assert.equal(json.CONTENT_LENGTH, "6");
});

Deno.test("EnvironBuilder gives a fresh wsgi.input on every getEnviron()", async () => {
  const builder = new EnvironBuilder("/", { method: "POST", data: "abc" });
  assert.equal(text(await builder.getEnviron()["wsgi.input"].read()), "abc");
  assert.equal(text(await builder.getEnviron()["wsgi.input"].read()), "abc");
});

Deno.test("EnvironBuilder turns headers into HTTP_* keys, repeated ones joined", () => {
  const env = new EnvironBuilder("/", {
    headers: [["X-A", "1"], ["X-A", "2"], ["Cookie", "a=1"], ["Cookie", "b=2"], [
      "Content-Type",
      "text/plain",
    ]],
  }).getEnviron();
  assert.equal(env.HTTP_X_A, "1, 2");
  assert.equal(env.HTTP_COOKIE, "a=1; b=2");
  assert.equal(env.CONTENT_TYPE, "text/plain");
  assert.equal(env.HTTP_CONTENT_TYPE, undefined);
});

Deno.test("EnvironBuilder sends Basic auth as Werkzeug does (UTF-8, base64)", () => {
  const env = new EnvironBuilder("/", { auth: ["ü", "p:w"] }).getEnviron();
  assert.equal(env.HTTP_AUTHORIZATION, "Basic w7w6cDp3");
});

Deno.test("EnvironBuilder rejects a query both in the path and as an option", () => {
  assert.throws(() => new EnvironBuilder("/?a=1", { query: { b: "2" } }), TypeError);
  assert.throws(() => new EnvironBuilder("/", { json: {}, data: "x" }), TypeError);
  assert.throws(() => new EnvironBuilder("/", { baseUrl: "http://x/?q=1" }), TypeError);
  assert.throws(() => new EnvironBuilder("/", { baseUrl: "ftp://x/" }), TypeError);
  assert.throws(
    () => new EnvironBuilder("/", { files: { f: 42 as unknown as Blob } }),
    TypeError,
  );
});

Deno.test("EnvironBuilder takes scheme and host from an absolute URL path", () => {
  const env = new EnvironBuilder("https://shop.test:8000/cart?x=1").getEnviron();
  assert.deepEqual(pick(env, ["wsgi.url_scheme", "HTTP_HOST", "SERVER_PORT", "PATH_INFO"]), {
    "wsgi.url_scheme": "https",
    HTTP_HOST: "shop.test:8000",
    SERVER_PORT: "8000",
    PATH_INFO: "/cart",
  });
  assert.equal(env.QUERY_STRING, "x=1");
});

Deno.test("EnvironBuilder keeps an invalid percent-escape in PATH_INFO as text", () => {
  const env = new EnvironBuilder("/a%zz/%ff").getEnviron();
  assert.equal(env.PATH_INFO, "/a%zz/%FF");
});

Deno.test("EnvironBuilder files make a multipart body the multipart parser reads back", async () => {
  const env = new EnvironBuilder("/upload", {
    method: "POST",
    form: { title: "Report", tags: ["a", "b"] },
    files: {
      doc: { data: "hello\r\n--not-a-boundary", filename: "doc.txt" },
      pic: new File([new Uint8Array([0x47, 0x49, 0x46])], "p.gif", { type: "image/gif" }),
      raw: { data: new Uint8Array([1, 2, 3]), filename: "x.bin", contentType: "app/x" },
    },
  }).getEnviron();
  const ct = env.CONTENT_TYPE!;
  const boundary = /boundary="([^"]+)"/.exec(ct)![1]!;
  assert.ok(ct.startsWith("multipart/form-data; boundary="));
  const body = await env["wsgi.input"].read();
  assert.equal(String(body.byteLength), env.CONTENT_LENGTH);
  const parsed = await parseMultipart(bytesInput(body), boundary);
  assert.deepEqual(parsed.form, [["title", "Report"], ["tags", "a"], ["tags", "b"]]);
  const files = parsed.files.map(([k, f]) => [k, f.filename, f.contentType]);
  assert.deepEqual(files, [
    ["doc", "doc.txt", "text/plain"],
    ["pic", "p.gif", "image/gif"],
    ["raw", "x.bin", "app/x"],
  ]);
  assert.equal(text(await parsed.files[0]![1].read()), "hello\r\n--not-a-boundary");
  assert.deepEqual(await parsed.files[1]![1].read(), new Uint8Array([0x47, 0x49, 0x46]));
});

Deno.test("encodeMultipart lays parts out as browsers do, escaping quotes in names", async () => {
  const [boundary, body] = await encodeMultipart([
    ["a", "1"],
    ['n"m', ""],
    ["f", { data: "x", filename: 'q".bin' }],
  ], "XYZ");
  assert.equal(boundary, "XYZ");
  assert.equal(
    text(body),
    '--XYZ\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n' +
      '--XYZ\r\nContent-Disposition: form-data; name="n%22m"\r\n\r\n\r\n' +
      '--XYZ\r\nContent-Disposition: form-data; name="f"; filename="q%22.bin"\r\n' +
      "Content-Type: application/octet-stream\r\n\r\nx\r\n--XYZ--\r\n",
  );
  await assert.rejects(() => encodeMultipart([["a", "1"]], "bad\nboundary"), TypeError);
});

Deno.test("EnvironBuilder.fromEnviron rebuilds the same request", () => {
  const original = new EnvironBuilder("/p%20q?x=1", {
    baseUrl: "http://example.org:81/mount",
    headers: { "X-Test": "yes" },
    method: "DELETE",
  }).getEnviron();
  const copy = EnvironBuilder.fromEnviron(original).getEnviron();
  assert.deepEqual(pick(copy, [...CORE, "HTTP_X_TEST"]), pick(original, [...CORE, "HTTP_X_TEST"]));
});

Deno.test("EnvironBuilder.getRequest gives a Request that reads the built body", async () => {
  const request = new EnvironBuilder("/search?q=deno", {
    method: "POST",
    form: { name: "Ada", langs: ["ts", "py"] },
    headers: { "X-Trace": "1" },
  }).getRequest();
  assert.equal(request.method, "POST");
  assert.equal(request.args.get("q"), "deno");
  assert.equal(request.headers.get("x-trace"), "1");
  const form = await request.form;
  assert.equal(form.get("name"), "Ada");
  assert.deepEqual(form.getlist("langs"), ["ts", "py"]);
});

Deno.test("EnvironBuilder files are read back by Request.files as FileStorage", async () => {
  const request = new EnvironBuilder("/", {
    method: "POST",
    data: {
      title: "x",
      upload: { data: "file body", filename: "notes.md", contentType: "text/markdown" },
    },
  }).getRequest();
  const files = await request.files;
  const upload = files.get("upload")!;
  assert.equal(upload.filename, "notes.md");
  assert.equal(upload.contentType, "text/markdown");
  assert.equal(text(await upload.read()), "file body");
  assert.equal((await request.form).get("title"), "x");
});

Deno.test("encodeMultipart matches a fetch Request's FormData body byte for byte", async () => {
  const fields: [string, string | File | Blob][] = [
    ["a", "1"],
    ['n"m\r\nx', "é"],
    ["f", new File(["abc"], 'q".txt', { type: "text/plain" })],
    ["b", new Blob([new Uint8Array([1, 2])])],
  ];
  const fd = new FormData();
  for (const [k, v] of fields) fd.append(k, v);
  const request = new Request("http://localhost/", { method: "POST", body: fd });
  const boundary = /boundary=(.+)$/.exec(request.headers.get("content-type")!)![1]!;
  const fetchBody = new Uint8Array(await request.arrayBuffer());
  const [, ours] = await encodeMultipart(fields, boundary);
  // Deno ends the body right after the closing delimiter; browsers and Werkzeug add CRLF.
  assert.deepEqual(ours.subarray(0, fetchBody.length), fetchBody);
  assert.equal(text(ours.subarray(fetchBody.length)), "\r\n");
});
