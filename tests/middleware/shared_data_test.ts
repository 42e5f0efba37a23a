// SharedDataMiddleware over a temporary tree. WERKZEUG_CASES were recorded by running the same
// tree and requests through Werkzeug 3.1.8's SharedDataMiddleware and test Client in Python
// 3.11.7 (mimetypes limited to Python's built-in tables); mtimes are set to fixed values so
// ETags and Last-Modified are exact, and only Date and Expires are compared by shape.
import assert from "node:assert/strict";
import { SharedDataMiddleware } from "../../framework/middleware/shared_data.ts";
import { Client } from "../../framework/wrappers/client.ts";
import { EnvironBuilder } from "../../framework/wrappers/environ_builder.ts";
import { startServer } from "../../framework/server/serve.ts";
import { parseDate } from "../../framework/http/dates.ts";
import type { Body, Environ, StartResponse, WsgiApp } from "../../framework/gateway/types.ts";
import { isOpen, recordingOpens } from "../file_opens.ts";

const encoder = new TextEncoder();
const MTIME = 1700000000;

async function makeTree(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "phial_shared_data_" });
  await Deno.mkdir(`${root}/static/sub`, { recursive: true });
  await Deno.mkdir(`${root}/static/dir.css`);
  const files: Record<string, Uint8Array> = {
    "static/hello.txt": encoder.encode("Hello, static!\n"),
    "static/style.css": encoder.encode("body { color: red }\n"),
    "static/app.js": encoder.encode("console.log(1);\n"),
    "static/logo.png": new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13]),
    "static/data.bin": Uint8Array.from({ length: 256 }, (_, i) => i),
    "static/noext": encoder.encode("no extension"),
    "static/sub/nested.html": encoder.encode("<p>nested</p>"),
    "static/secret.key": encoder.encode("KEY"),
    "static/archive.tar.gz": new Uint8Array([0x1f, 0x8b, 0x20, 0x66, 0x61, 0x6b, 0x65]),
    "secret.txt": encoder.encode("outside"),
    "robots.txt": encoder.encode("User-agent: *\n"),
  };
  for (const [name, data] of Object.entries(files)) {
    await Deno.writeFile(`${root}/${name}`, data);
    await Deno.utime(`${root}/${name}`, MTIME, MTIME);
  }
  await Deno.utime(`${root}/static/style.css`, MTIME + 0.25, MTIME + 0.25);
  return root;
}

const root = await makeTree();
globalThis.addEventListener("unload", () => Deno.removeSync(root, { recursive: true }));

const fallback: WsgiApp = (environ, startResponse) => {
  startResponse("404 NOT FOUND", [["Content-Type", "text/plain"]]);
  return [`fallback ${environ.PATH_INFO}`];
};

const CONFIGS = {
  default: { disallow: "*.key" },
  nocache: { cache: false },
  fallback: { fallbackMimetype: "text/plain", cacheTimeout: 60 },
} as const;

function middleware(config: keyof typeof CONFIGS = "default"): SharedDataMiddleware {
  return new SharedDataMiddleware(
    fallback,
    { "/static": `${root}/static`, "/robots.txt": `${root}/robots.txt` },
    CONFIGS[config],
  );
}

interface WerkzeugCase {
  config: keyof typeof CONFIGS;
  method: string;
  path: string;
  headers: Record<string, string>;
  status: string;
  /** Date and Expires are `null`: they depend on the clock. */
  responseHeaders: [string, string | null][];
  text?: string;
  base64?: string;
}

const WERKZEUG_CASES: WerkzeugCase[] = [
  {
    "config": "default",
    "method": "GET",
    "path": "/static/hello.txt",
    "headers": {},
    "status": "200 OK",
    "responseHeaders": [
      ["Date", null],
      ["Etag", '"wzsdm-1700000000.0-15-301466531"'],
      ["Cache-Control", "max-age=43200, public"],
      ["Expires", null],
      ["Content-Type", "text/plain; charset=utf-8"],
      ["Content-Length", "15"],
      ["Last-Modified", "Tue, 14 Nov 2023 22:13:20 GMT"],
    ],
    "text": "Hello, static!\n",
  },
  {
    "config": "default",
    "method": "GET",
    "path": "/static/style.css",
    "headers": {},
    "status": "200 OK",
    "responseHeaders": [
      ["Date", null],
      ["Etag", '"wzsdm-1700000000.25-20-314442665"'],
      ["Cache-Control", "max-age=43200, public"],
      ["Expires", null],
      ["Content-Type", "text/css; charset=utf-8"],
      ["Content-Length", "20"],
      ["Last-Modified", "Tue, 14 Nov 2023 22:13:20 GMT"],
    ],
    "text": "body { color: red }\n",
  },
  {
    "config": "default",
    "method": "GET",
    "path": "/static/app.js",
    "headers": {},
    "status": "200 OK",
    "responseHeaders": [
      ["Date", null],
      ["Etag", '"wzsdm-1700000000.0-16-135070285"'],
      ["Cache-Control", "max-age=43200, public"],
      ["Expires", null],
      ["Content-Type", "application/javascript; charset=utf-8"],
      ["Content-Length", "16"],
      ["Last-Modified", "Tue, 14 Nov 2023 22:13:20 GMT"],
    ],
    "text": "console.log(1);\n",
  },
  {
    "config": "default",
    "method": "GET",
    "path": "/static/logo.png",
    "headers": {},
    "status": "200 OK",
    "responseHeaders": [
      ["Date", null],
      ["Etag", '"wzsdm-1700000000.0-12-240190245"'],
      ["Cache-Control", "max-age=43200, public"],
      ["Expires", null],
      ["Content-Type", "image/png"],
      ["Content-Length", "12"],
      ["Last-Modified", "Tue, 14 Nov 2023 22:13:20 GMT"],
    ],
    "base64": "iVBORw0KGgoAAAAN",
  },
  {
    "config": "default",
    "method": "GET",
    "path": "/static/data.bin",
    "headers": {},
    "status": "200 OK",
    "responseHeaders": [
      ["Date", null],
      ["Etag", '"wzsdm-1700000000.0-256-227148546"'],
      ["Cache-Control", "max-age=43200, public"],
      ["Expires", null],
      ["Content-Type", "application/octet-stream"],
      ["Content-Length", "256"],
      ["Last-Modified", "Tue, 14 Nov 2023 22:13:20 GMT"],
    ],
    "base64":
      "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKztLW2t7i5uru8vb6/wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7/P3+/w==",
  },
  {
    "config": "default",
    "method": "GET",
    "path": "/static/noext",
    "headers": {},
    "status": "200 OK",
    "responseHeaders": [
      ["Date", null],
      ["Etag", '"wzsdm-1700000000.0-12-108659247"'],
      ["Cache-Control", "max-age=43200, public"],
      ["Expires", null],
      ["Content-Type", "application/octet-stream"],
      ["Content-Length", "12"],
      ["Last-Modified", "Tue, 14 Nov 2023 22:13:20 GMT"],
    ],
    "text": "no extension",
  },
  {
    "config": "default",
    "method": "GET",
    "path": "/static/sub/nested.html",
    "headers": {},
    "status": "200 OK",
    "responseHeaders": [
      ["Date", null],
      ["Etag", '"wzsdm-1700000000.0-13-447022183"'],
      ["Cache-Control", "max-age=43200, public"],
      ["Expires", null],
      ["Content-Type", "text/html; charset=utf-8"],
      ["Content-Length", "13"],
      ["Last-Modified", "Tue, 14 Nov 2023 22:13:20 GMT"],
    ],
    "text": "<p>nested</p>",
  },
  {
    "config": "default",
    "method": "GET",
    "path": "/static/archive.tar.gz",
    "headers": {},
    "status": "200 OK",
    "responseHeaders": [
      ["Date", null],
      ["Etag", '"wzsdm-1700000000.0-7-690160999"'],
      ["Cache-Control", "max-age=43200, public"],
      ["Expires", null],
      ["Content-Type", "application/x-tar"],
      ["Content-Length", "7"],
      ["Last-Modified", "Tue, 14 Nov 2023 22:13:20 GMT"],
    ],
    "base64": "H4sgZmFrZQ==",
  },
  {
    "config": "default",
    "method": "GET",
    "path": "/static/secret.key",
    "headers": {},
    "status": "404 NOT FOUND",
    "responseHeaders": [["Content-Type", "text/plain"]],
    "text": "fallback /static/secret.key",
  },
  {
    "config": "default",
    "method": "GET",
    "path": "/static/dir.css",
    "headers": {},
    "status": "404 NOT FOUND",
    "responseHeaders": [["Content-Type", "text/plain"]],
    "text": "fallback /static/dir.css",
  },
  {
    "config": "default",
    "method": "GET",
    "path": "/static",
    "headers": {},
    "status": "404 NOT FOUND",
    "responseHeaders": [["Content-Type", "text/plain"]],
    "text": "fallback /static",
  },
  {
    "config": "default",
    "method": "GET",
    "path": "/static/",
    "headers": {},
    "status": "404 NOT FOUND",
    "responseHeaders": [["Content-Type", "text/plain"]],
    "text": "fallback /static/",
  },
  {
    "config": "default",
    "method": "GET",
    "path": "/static/missing.txt",
    "headers": {},
    "status": "404 NOT FOUND",
    "responseHeaders": [["Content-Type", "text/plain"]],
    "text": "fallback /static/missing.txt",
  },
  {
    "config": "default",
    "method": "GET",
    "path": "/static/HELLO.TXT",
    "headers": {},
    "status": "404 NOT FOUND",
    "responseHeaders": [["Content-Type", "text/plain"]],
    "text": "fallback /static/HELLO.TXT",
  },
  {
    "config": "default",
    "method": "GET",
    "path": "/other",
    "headers": {},
    "status": "404 NOT FOUND",
    "responseHeaders": [["Content-Type", "text/plain"]],
    "text": "fallback /other",
  },
  {
    "config": "default",
    "method": "GET",
    "path": "/static/../secret.txt",
    "headers": {},
    "status": "404 NOT FOUND",
    "responseHeaders": [["Content-Type", "text/plain"]],
    "text": "fallback /static/../secret.txt",
  },
  {
    "config": "default",
    "method": "GET",
    "path": "/static/%2e%2e/secret.txt",
    "headers": {},
    "status": "404 NOT FOUND",
    "responseHeaders": [["Content-Type", "text/plain"]],
    "text": "fallback /static/../secret.txt",
  },
  {
    "config": "default",
    "method": "GET",
    "path": "/static/sub/../../secret.txt",
    "headers": {},
    "status": "404 NOT FOUND",
    "responseHeaders": [["Content-Type", "text/plain"]],
    "text": "fallback /static/sub/../../secret.txt",
  },
  {
    "config": "default",
    "method": "GET",
    "path": "/static//etc/passwd",
    "headers": {},
    "status": "404 NOT FOUND",
    "responseHeaders": [["Content-Type", "text/plain"]],
    "text": "fallback /static//etc/passwd",
  },
  {
    "config": "default",
    "method": "GET",
    "path": "/static/sub/../hello.txt",
    "headers": {},
    "status": "200 OK",
    "responseHeaders": [
      ["Date", null],
      ["Etag", '"wzsdm-1700000000.0-15-301466531"'],
      ["Cache-Control", "max-age=43200, public"],
      ["Expires", null],
      ["Content-Type", "text/plain; charset=utf-8"],
      ["Content-Length", "15"],
      ["Last-Modified", "Tue, 14 Nov 2023 22:13:20 GMT"],
    ],
    "text": "Hello, static!\n",
  },
  {
    "config": "default",
    "method": "GET",
    "path": "/static/./hello.txt",
    "headers": {},
    "status": "200 OK",
    "responseHeaders": [
      ["Date", null],
      ["Etag", '"wzsdm-1700000000.0-15-301466531"'],
      ["Cache-Control", "max-age=43200, public"],
      ["Expires", null],
      ["Content-Type", "text/plain; charset=utf-8"],
      ["Content-Length", "15"],
      ["Last-Modified", "Tue, 14 Nov 2023 22:13:20 GMT"],
    ],
    "text": "Hello, static!\n",
  },
  {
    "config": "default",
    "method": "GET",
    "path": "/static/sub\\..\\..\\secret.txt",
    "headers": {},
    "status": "404 NOT FOUND",
    "responseHeaders": [["Content-Type", "text/plain"]],
    "text": "fallback /static/sub\\..\\..\\secret.txt",
  },
  {
    "config": "default",
    "method": "GET",
    "path": "/robots.txt",
    "headers": {},
    "status": "200 OK",
    "responseHeaders": [
      ["Date", null],
      ["Etag", '"wzsdm-1700000000.0-14-384631848"'],
      ["Cache-Control", "max-age=43200, public"],
      ["Expires", null],
      ["Content-Type", "text/plain; charset=utf-8"],
      ["Content-Length", "14"],
      ["Last-Modified", "Tue, 14 Nov 2023 22:13:20 GMT"],
    ],
    "text": "User-agent: *\n",
  },
  {
    "config": "default",
    "method": "GET",
    "path": "/robots.txt/extra",
    "headers": {},
    "status": "200 OK",
    "responseHeaders": [
      ["Date", null],
      ["Etag", '"wzsdm-1700000000.0-14-384631848"'],
      ["Cache-Control", "max-age=43200, public"],
      ["Expires", null],
      ["Content-Type", "text/plain; charset=utf-8"],
      ["Content-Length", "14"],
      ["Last-Modified", "Tue, 14 Nov 2023 22:13:20 GMT"],
    ],
    "text": "User-agent: *\n",
  },
  {
    "config": "default",
    "method": "POST",
    "path": "/static/hello.txt",
    "headers": {},
    "status": "200 OK",
    "responseHeaders": [
      ["Date", null],
      ["Etag", '"wzsdm-1700000000.0-15-301466531"'],
      ["Cache-Control", "max-age=43200, public"],
      ["Expires", null],
      ["Content-Type", "text/plain; charset=utf-8"],
      ["Content-Length", "15"],
      ["Last-Modified", "Tue, 14 Nov 2023 22:13:20 GMT"],
    ],
    "text": "Hello, static!\n",
  },
  {
    "config": "default",
    "method": "HEAD",
    "path": "/static/hello.txt",
    "headers": {},
    "status": "200 OK",
    "responseHeaders": [
      ["Date", null],
      ["Etag", '"wzsdm-1700000000.0-15-301466531"'],
      ["Cache-Control", "max-age=43200, public"],
      ["Expires", null],
      ["Content-Type", "text/plain; charset=utf-8"],
      ["Content-Length", "15"],
      ["Last-Modified", "Tue, 14 Nov 2023 22:13:20 GMT"],
    ],
    "text": "Hello, static!\n",
  },
  {
    "config": "default",
    "method": "GET",
    "path": "/static/hello.txt",
    "headers": { "If-None-Match": '"wzsdm-1700000000.0-15-301466531"' },
    "status": "304 Not Modified",
    "responseHeaders": [["Date", null], ["Etag", '"wzsdm-1700000000.0-15-301466531"'], [
      "Cache-Control",
      "max-age=43200, public",
    ]],
    "text": "",
  },
  {
    "config": "default",
    "method": "GET",
    "path": "/static/hello.txt",
    "headers": { "If-None-Match": 'W/"wzsdm-1700000000.0-15-301466531"' },
    "status": "304 Not Modified",
    "responseHeaders": [["Date", null], ["Etag", '"wzsdm-1700000000.0-15-301466531"'], [
      "Cache-Control",
      "max-age=43200, public",
    ]],
    "text": "",
  },
  {
    "config": "default",
    "method": "GET",
    "path": "/static/style.css",
    "headers": { "If-None-Match": '"x", "wzsdm-1700000000.25-20-314442665"' },
    "status": "304 Not Modified",
    "responseHeaders": [["Date", null], ["Etag", '"wzsdm-1700000000.25-20-314442665"'], [
      "Cache-Control",
      "max-age=43200, public",
    ]],
    "text": "",
  },
  {
    "config": "default",
    "method": "HEAD",
    "path": "/static/style.css",
    "headers": { "If-None-Match": "*" },
    "status": "304 Not Modified",
    "responseHeaders": [["Date", null], ["Etag", '"wzsdm-1700000000.25-20-314442665"'], [
      "Cache-Control",
      "max-age=43200, public",
    ]],
    "text": "",
  },
  {
    "config": "default",
    "method": "GET",
    "path": "/static/hello.txt",
    "headers": { "If-None-Match": '"other"' },
    "status": "200 OK",
    "responseHeaders": [
      ["Date", null],
      ["Etag", '"wzsdm-1700000000.0-15-301466531"'],
      ["Cache-Control", "max-age=43200, public"],
      ["Expires", null],
      ["Content-Type", "text/plain; charset=utf-8"],
      ["Content-Length", "15"],
      ["Last-Modified", "Tue, 14 Nov 2023 22:13:20 GMT"],
    ],
    "text": "Hello, static!\n",
  },
  {
    "config": "default",
    "method": "GET",
    "path": "/static/hello.txt",
    "headers": { "If-Modified-Since": "Tue, 14 Nov 2023 22:13:20 GMT" },
    "status": "304 Not Modified",
    "responseHeaders": [["Date", null], ["Etag", '"wzsdm-1700000000.0-15-301466531"'], [
      "Cache-Control",
      "max-age=43200, public",
    ]],
    "text": "",
  },
  {
    "config": "default",
    "method": "GET",
    "path": "/static/hello.txt",
    "headers": { "If-Modified-Since": "Tue, 14 Nov 2023 22:13:19 GMT" },
    "status": "200 OK",
    "responseHeaders": [
      ["Date", null],
      ["Etag", '"wzsdm-1700000000.0-15-301466531"'],
      ["Cache-Control", "max-age=43200, public"],
      ["Expires", null],
      ["Content-Type", "text/plain; charset=utf-8"],
      ["Content-Length", "15"],
      ["Last-Modified", "Tue, 14 Nov 2023 22:13:20 GMT"],
    ],
    "text": "Hello, static!\n",
  },
  {
    "config": "nocache",
    "method": "GET",
    "path": "/static/hello.txt",
    "headers": {},
    "status": "200 OK",
    "responseHeaders": [
      ["Date", null],
      ["Cache-Control", "public"],
      ["Content-Type", "text/plain; charset=utf-8"],
      ["Content-Length", "15"],
      ["Last-Modified", "Tue, 14 Nov 2023 22:13:20 GMT"],
    ],
    "text": "Hello, static!\n",
  },
  {
    "config": "nocache",
    "method": "GET",
    "path": "/static/hello.txt",
    "headers": { "If-Modified-Since": "Tue, 14 Nov 2023 22:13:20 GMT" },
    "status": "200 OK",
    "responseHeaders": [
      ["Date", null],
      ["Cache-Control", "public"],
      ["Content-Type", "text/plain; charset=utf-8"],
      ["Content-Length", "15"],
      ["Last-Modified", "Tue, 14 Nov 2023 22:13:20 GMT"],
    ],
    "text": "Hello, static!\n",
  },
  {
    "config": "nocache",
    "method": "GET",
    "path": "/static/secret.key",
    "headers": {},
    "status": "200 OK",
    "responseHeaders": [
      ["Date", null],
      ["Cache-Control", "public"],
      ["Content-Type", "application/octet-stream"],
      ["Content-Length", "3"],
      ["Last-Modified", "Tue, 14 Nov 2023 22:13:20 GMT"],
    ],
    "text": "KEY",
  },
  {
    "config": "fallback",
    "method": "GET",
    "path": "/static/data.bin",
    "headers": {},
    "status": "200 OK",
    "responseHeaders": [
      ["Date", null],
      ["Etag", '"wzsdm-1700000000.0-256-227148546"'],
      ["Cache-Control", "max-age=60, public"],
      ["Expires", null],
      ["Content-Type", "application/octet-stream"],
      ["Content-Length", "256"],
      ["Last-Modified", "Tue, 14 Nov 2023 22:13:20 GMT"],
    ],
    "base64":
      "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKztLW2t7i5uru8vb6/wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7/P3+/w==",
  },
  {
    "config": "fallback",
    "method": "GET",
    "path": "/static/noext",
    "headers": {},
    "status": "200 OK",
    "responseHeaders": [
      ["Date", null],
      ["Etag", '"wzsdm-1700000000.0-12-108659247"'],
      ["Cache-Control", "max-age=60, public"],
      ["Expires", null],
      ["Content-Type", "text/plain; charset=utf-8"],
      ["Content-Length", "12"],
      ["Last-Modified", "Tue, 14 Nov 2023 22:13:20 GMT"],
    ],
    "text": "no extension",
  },
  {
    "config": "fallback",
    "method": "GET",
    "path": "/static/logo.png",
    "headers": {},
    "status": "200 OK",
    "responseHeaders": [
      ["Date", null],
      ["Etag", '"wzsdm-1700000000.0-12-240190245"'],
      ["Cache-Control", "max-age=60, public"],
      ["Expires", null],
      ["Content-Type", "image/png"],
      ["Content-Length", "12"],
      ["Last-Modified", "Tue, 14 Nov 2023 22:13:20 GMT"],
    ],
    "base64": "iVBORw0KGgoAAAAN",
  },
];

function decodeBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

Deno.test("SharedDataMiddleware answers as Werkzeug 3.1's over the same tree", async () => {
  for (const c of WERKZEUG_CASES) {
    const label = `${c.config} ${c.method} ${c.path} ${JSON.stringify(c.headers)}`;
    const before = Math.floor(Date.now() / 1000);
    const response = await new Client(middleware(c.config)).open(c.path, {
      method: c.method,
      headers: c.headers,
    });
    const after = Math.floor(Date.now() / 1000);
    assert.equal(response.status, c.status, label);
    const headers = [...response.headers];
    assert.deepEqual(
      headers.map(([name, value]) => [name, name === "Date" || name === "Expires" ? null : value]),
      c.responseHeaders,
      label,
    );
    const date = response.headers.get("Date");
    if (date) {
      const seconds = parseDate(date)!.getTime() / 1000;
      assert.ok(seconds >= before && seconds <= after, label);
      const expires = response.headers.get("Expires");
      if (expires) {
        const timeout = c.config === "fallback" ? 60 : 43200;
        const expiresAt = parseDate(expires)!.getTime() / 1000;
        assert.ok(expiresAt >= before + timeout && expiresAt <= after + timeout, label);
      }
    }
    const body = c.text !== undefined ? encoder.encode(c.text) : decodeBase64(c.base64!);
    assert.deepEqual(response.data, body, label);
  }
});

Deno.test("SharedDataMiddleware ETag: wzsdm-<mtime>-<size>-<adler32 of the file name>", () => {
  const mw = middleware();
  // zlib.adler32(b"hello.txt") == 301466531; Python prints the float timestamp with ".0".
  assert.equal(
    mw.generateEtag(new Date(MTIME * 1000), 15, "hello.txt"),
    "wzsdm-1700000000.0-15-301466531",
  );
  assert.equal(
    mw.generateEtag(new Date(MTIME * 1000 + 250), 20, "style.css"),
    "wzsdm-1700000000.25-20-314442665",
  );
  assert.equal(mw.generateEtag(new Date(0), 0, ""), "wzsdm-0.0-0-1");
});

Deno.test("SharedDataMiddleware never serves outside the export: traversal reaches the app", async () => {
  const client = new Client(middleware());
  for (
    const path of [
      "/static/../secret.txt",
      "/static/%2e%2e/secret.txt",
      "/static/%2E%2E/%2e%2e/secret.txt",
      "/static/sub/../../secret.txt",
      "/static/..%2fsecret.txt",
      "/static//etc/passwd",
      "/static/%2fetc/passwd",
    ]
  ) {
    const response = await client.get(path);
    assert.equal(response.statusCode, 404, path);
    assert.match(response.text, /^fallback /, path);
  }
});

Deno.test("SharedDataMiddleware refuses backslashes in the path on every platform", async () => {
  // Werkzeug refuses them only on Windows; on Linux a file may really have this name.
  await Deno.writeTextFile(`${root}/static/back\\slash.txt`, "odd");
  try {
    const mw = middleware();
    for (const path of ["/static/back\\slash.txt", "/static/sub\\..\\..\\secret.txt"]) {
      const { status, body } = await run(mw, environFor(path));
      assert.equal(status, "404 NOT FOUND", path);
      assert.equal(await text(body), `fallback ${path}`);
    }
  } finally {
    await Deno.remove(`${root}/static/back\\slash.txt`);
  }
});

Deno.test("SharedDataMiddleware: a directory, the bare prefix and a missing file reach the app", async () => {
  const client = new Client(middleware());
  for (const path of ["/static/dir.css", "/static/sub", "/static", "/static/", "/static/nope"]) {
    const response = await client.get(path);
    assert.equal(response.text, `fallback ${path}`, path);
  }
});

Deno.test("SharedDataMiddleware disallow uses Python's fnmatch on the file name", async () => {
  // Each pattern with the names Python 3.11's fnmatch.fnmatch matched among NAMES.
  const cases: [string, string[]][] = [
    ["*.key", ["a.key"]],
    ["secret*", ["secret.txt", "secrets"]],
    ["?.txt", ["a.txt", "b.txt", "d.txt", "].txt", "x.txt"]],
    ["[abc].txt", ["a.txt", "b.txt"]],
    ["[!abc].txt", ["d.txt", "].txt", "x.txt"]],
    ["[a-c].txt", ["a.txt", "b.txt"]],
    ["[!a-c]*", [
      "A.KEY",
      "secret.txt",
      "secrets",
      "d.txt",
      "]. txt",
      "].txt",
      "x.txt",
      ".txt",
      "file[",
      "-x",
      "notes~",
      ".env",
      "[x",
      "dx",
      "ex",
      "x-y",
      "xay",
      "-x",
    ]],
    ["[]].txt", ["].txt"]],
    ["[!]].txt", ["a.txt", "b.txt", "d.txt", "x.txt"]],
    ["[z-a].txt", []],
    ["[!z-a].txt", ["a.txt", "b.txt", "d.txt", "].txt", "x.txt"]],
    ["*[", ["file["]],
    ["[a-]x", ["-x", "ax", "-x"]],
    ["[-a]x", ["-x", "ax", "-x"]],
    ["*.*.bak", ["a.b.bak"]],
    ["a*b*c", ["abc", "aXbYc"]],
    ["*~", ["notes~"]],
    [".*", [".txt", ".env"]],
    ["[[]x", ["[x"]],
    ["[a-c-e]x", ["-x", "ax", "ex", "bx", "-x"]],
    ["*\\*", ["a\\b"]],
    ["x[!-]y", ["xay"]],
    ["*.KEY", ["A.KEY"]],
    ["[a--]x", []],
  ];
  const names: string[] = [
    "a.key",
    "A.KEY",
    "secret.txt",
    "secrets",
    "a.txt",
    "b.txt",
    "d.txt",
    "ab.txt",
    "]. txt",
    "].txt",
    "x.txt",
    ".txt",
    "file[",
    "-x",
    "ax",
    "a.b.bak",
    "abc",
    "aXbYc",
    "acb",
    "notes~",
    ".env",
    "[x",
    "dx",
    "ex",
    "bx",
    "a\\b",
    "x-y",
    "xay",
    "a-b.txt",
    "-x",
  ];
  for (const [pattern, matched] of cases) {
    const mw = new SharedDataMiddleware(fallback, {}, { disallow: pattern });
    const got = names.filter((name) => !mw.isAllowed(name));
    assert.deepEqual(got, matched, pattern);
  }
  const response = await new Client(middleware()).get("/static/secret.key");
  assert.equal(response.text, "fallback /static/secret.key");
});

Deno.test("SharedDataMiddleware.isAllowed can be overridden by a subclass", async () => {
  class NoCss extends SharedDataMiddleware {
    override isAllowed(filename: string): boolean {
      return !filename.endsWith(".css");
    }
  }
  const client = new Client(new NoCss(fallback, { "/static": `${root}/static` }));
  assert.equal((await client.get("/static/style.css")).statusCode, 404);
  assert.equal((await client.get("/static/hello.txt")).statusCode, 200);
});

Deno.test("SharedDataMiddleware: a file export serves its file at and below its prefix", async () => {
  const client = new Client(middleware());
  for (const path of ["/robots.txt", "/robots.txt/anything"]) {
    const response = await client.get(path);
    assert.equal(response.statusCode, 200);
    assert.equal(response.text, "User-agent: *\n");
  }
});

Deno.test("SharedDataMiddleware: a file export whose file is gone reaches the app", async () => {
  const path = `${root}/gone.txt`;
  await Deno.writeTextFile(path, "soon gone");
  const mw = new SharedDataMiddleware(fallback, { "/gone.txt": path });
  await Deno.remove(path);
  const response = await new Client(mw).get("/gone.txt");
  assert.equal(response.text, "fallback /gone.txt");
});

Deno.test("SharedDataMiddleware: exports are tried in order, the first that has the file wins", async () => {
  const other = await Deno.makeTempDir({ prefix: "phial_shared_data_other_" });
  try {
    await Deno.mkdir(`${other}/static`);
    await Deno.writeTextFile(`${other}/static/hello.txt`, "from the root export");
    const mw = new SharedDataMiddleware(fallback, [
      ["/", other],
      ["/static", `${root}/static`],
    ]);
    const client = new Client(mw);
    assert.equal((await client.get("/static/hello.txt")).text, "from the root export");
    assert.equal((await client.get("/static/style.css")).text, "body { color: red }\n");
  } finally {
    await Deno.remove(other, { recursive: true });
  }
});

Deno.test("SharedDataMiddleware rejects (package, path) exports with a TypeError naming the key", () => {
  assert.throws(
    () =>
      new SharedDataMiddleware(fallback, {
        "/pkg": ["mypackage", "static"] as unknown as string,
      }),
    { name: "TypeError", message: /"\/pkg".*\(package, path\)/ },
  );
  assert.throws(
    () => new SharedDataMiddleware(fallback, [["/n", 1 as unknown as string]]),
    { name: "TypeError", message: /"\/n"/ },
  );
});

Deno.test("SharedDataMiddleware calls the app synchronously for paths outside every export", async () => {
  const mw = middleware();
  const body = mw(environFor("/elsewhere"), () => () => {});
  assert.ok(!(body instanceof Promise));
  const served = mw(environFor("/static/hello.txt"), () => () => {});
  assert.ok(served instanceof Promise);
  // Finish it here: left running, it would open the file during the next test.
  await (await served).close?.();
});

function environFor(path: string, headers: Record<string, string> = {}): Environ {
  const environ = new EnvironBuilder("/", { headers }).getEnviron();
  environ.PATH_INFO = path;
  return environ;
}

async function run(
  app: WsgiApp,
  environ: Environ,
): Promise<{ status: string; headers: [string, string][]; body: Body }> {
  let status = "";
  let headers: [string, string][] = [];
  const startResponse: StartResponse = (s, h) => {
    status = s;
    headers = h;
    return () => {};
  };
  const body = await app(environ, startResponse);
  return { status, headers, body };
}

async function text(body: Body): Promise<string> {
  const parts: string[] = [];
  for await (const chunk of body) {
    parts.push(typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk));
  }
  await body.close?.();
  return parts.join("");
}

Deno.test("SharedDataMiddleware streams a large file in chunks and close() closes it", async () => {
  const size = 300_000;
  const data = Uint8Array.from({ length: size }, (_, i) => (i * 31) & 0xff);
  await Deno.writeFile(`${root}/static/large.bin`, data);
  try {
    await recordingOpens(async (opened) => {
      const mw = middleware();
      const { status, headers, body } = await run(mw, environFor("/static/large.bin"));
      assert.equal(status, "200 OK");
      assert.deepEqual(headers.find(([name]) => name === "Content-Length"), [
        "Content-Length",
        String(size),
      ]);
      assert.ok(!Array.isArray(body) && Symbol.asyncIterator in body);
      assert.equal(opened.length, 1);
      assert.ok(await isOpen(opened[0]!));
      const chunks: Uint8Array[] = [];
      for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk);
      assert.ok(chunks.length > 1, `${chunks.length} chunks`);
      assert.ok(chunks.every((chunk) => chunk.length <= 64 * 1024));
      const joined = new Uint8Array(size);
      let offset = 0;
      for (const chunk of chunks) {
        joined.set(chunk, offset);
        offset += chunk.length;
      }
      assert.equal(offset, size);
      assert.deepEqual(joined, data);
      await body.close!();
      await body.close!(); // the server calls it once; a second call must be harmless
      assert.equal(await isOpen(opened[0]!), false);

      // Abandoned after the first chunk: close() alone releases the file.
      const second = await run(mw, environFor("/static/large.bin"));
      const iterator = (second.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
      assert.equal((await iterator.next()).value.length, 64 * 1024);
      assert.equal(opened.length, 2);
      assert.ok(await isOpen(opened[1]!));
      await second.body.close!();
      assert.equal(await isOpen(opened[1]!), false);
      assert.equal((await iterator.next()).done, true);
    });
  } finally {
    await Deno.remove(`${root}/static/large.bin`);
  }
});

Deno.test("SharedDataMiddleware sends no more than Content-Length when the file grows", async () => {
  const path = `${root}/static/growing.txt`;
  await Deno.writeTextFile(path, "12345");
  try {
    const mw = middleware();
    const environ = environFor("/static/growing.txt");
    let length = "";
    const startResponse: StartResponse = (_status, headers) => {
      length = headers.find(([name]) => name === "Content-Length")![1];
      return () => {};
    };
    // Between the stat and the read, the file grows.
    const realOpen = Deno.open;
    Deno.open = async (...args: Parameters<typeof Deno.open>) => {
      await Deno.writeTextFile(path, "67890", { append: true });
      return realOpen(...args);
    };
    let body: Body;
    try {
      body = await mw(environ, startResponse);
    } finally {
      Deno.open = realOpen;
    }
    assert.equal(length, "5");
    assert.equal(await text(body), "12345");
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("SharedDataMiddleware: a file that cannot be opened reaches the app, logged", async () => {
  const mw = middleware();
  const errors: string[] = [];
  const realOpen = Deno.open;
  for (
    const [error, logged] of [
      [new Deno.errors.PermissionDenied("Permission denied (os error 13)"), true],
      [new Deno.errors.NotFound("No such file or directory (os error 2)"), false],
    ] as const
  ) {
    errors.length = 0;
    Deno.open = () => Promise.reject(error);
    let result;
    try {
      const environ = environFor("/static/hello.txt");
      environ["wsgi.errors"] = { write: (text: string) => errors.push(text), flush() {} };
      result = await run(mw, environ);
    } finally {
      Deno.open = realOpen;
    }
    assert.equal(result.status, "404 NOT FOUND");
    assert.equal(await text(result.body), "fallback /static/hello.txt");
    assert.equal(errors.length, logged ? 1 : 0);
    if (logged) assert.match(errors[0]!, /cannot open .*hello\.txt: PermissionDenied/);
  }
});

Deno.test("SharedDataMiddleware answers 304 without opening the file", async () => {
  const realOpen = Deno.open;
  let opened = 0;
  Deno.open = (...args: Parameters<typeof Deno.open>) => {
    opened++;
    return realOpen(...args);
  };
  try {
    const { status, body } = await run(
      middleware(),
      environFor("/static/hello.txt", { "If-Modified-Since": "Tue, 14 Nov 2023 22:13:20 GMT" }),
    );
    assert.equal(status, "304 Not Modified");
    assert.equal(await text(body), "");
    assert.equal(opened, 0);
  } finally {
    Deno.open = realOpen;
  }
});

Deno.test("SharedDataMiddleware over a real socket", async () => {
  const large = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7) & 0xff);
  await Deno.writeFile(`${root}/static/socket.bin`, large);
  const server = startServer(middleware(), { hostname: "127.0.0.1", port: 0, onListen: () => {} });
  try {
    const base = `http://127.0.0.1:${server.addr.port}`;
    let response = await fetch(`${base}/static/style.css`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "text/css; charset=utf-8");
    assert.equal(response.headers.get("etag"), '"wzsdm-1700000000.25-20-314442665"');
    assert.equal(response.headers.get("last-modified"), "Tue, 14 Nov 2023 22:13:20 GMT");
    assert.equal(response.headers.get("cache-control"), "max-age=43200, public");
    assert.equal(await response.text(), "body { color: red }\n");

    response = await fetch(`${base}/static/socket.bin`);
    assert.equal(response.headers.get("content-length"), "200000");
    assert.deepEqual(new Uint8Array(await response.arrayBuffer()), large);

    response = await fetch(`${base}/static/style.css`, {
      headers: { "If-None-Match": '"wzsdm-1700000000.25-20-314442665"' },
    });
    assert.equal(response.status, 304);
    assert.equal(await response.text(), "");

    response = await fetch(`${base}/static/hello.txt`, { method: "HEAD" });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-length"), "15");
    assert.equal(await response.text(), "");

    response = await fetch(`${base}/static/missing.txt`);
    assert.equal(response.status, 404);
    assert.equal(await response.text(), "fallback /static/missing.txt");
  } finally {
    await server.shutdown();
    await Deno.remove(`${root}/static/socket.bin`);
  }
});
