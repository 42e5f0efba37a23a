// sendFile and sendFromDirectory. Statuses, headers (names, values and order, Date left
// out) and bodies below were recorded by running the same app through Flask 3.1.3's test
// client (Werkzeug 3.1) with the same files and mtimes (recording script kept under /tmp).
// The ETag's last part is zlib's adler32 of the file's full path, which here is a fresh
// temp dir: it is computed with `adler32` below, itself checked against values Python's
// zlib.adler32 gave.
import assert from "node:assert/strict";
import { Application } from "../../framework/app/application.ts";
import { sendFile, sendFromDirectory } from "../../framework/app/send_file.ts";
import type { Body, Environ } from "../../framework/gateway/types.ts";
import { EnvironBuilder } from "../../framework/wrappers/environ_builder.ts";
import { isOpen, recordingOpens } from "../file_opens.ts";

const MTIME = 1700000000;
const LAST_MODIFIED = "Tue, 14 Nov 2023 22:13:20 GMT";
const UNI = "r\u00e9sum\u00e9 \u20ac.txt";
const root = await Deno.makeTempDir({ prefix: "phial_send_file_" });

async function write(name: string, data: Uint8Array | string, mtime = MTIME): Promise<void> {
  const path = `${root}/${name}`;
  if (typeof data === "string") await Deno.writeTextFile(path, data);
  else await Deno.writeFile(path, data);
  await Deno.utime(path, mtime, mtime);
}

await Deno.mkdir(`${root}/sub`);
await write("hello.txt", "Hello, world!\n");
await write("data.bin", Uint8Array.from({ length: 256 }, (_, i) => i));
await write("sub/page.html", "<p>hi</p>");
await write("archive.tar.gz", "gzdata");
await write(UNI, "cv");
await write("frac.txt", "x", 1700000000.5);

globalThis.addEventListener("unload", () => Deno.removeSync(root, { recursive: true }));

function adler32(text: string): number {
  let a = 1;
  let b = 0;
  for (const byte of new TextEncoder().encode(text)) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return (b * 65536 + a) >>> 0;
}

function etag(name: string, size: number, mtime = "1700000000.0"): string {
  return `"${mtime}-${size}-${adler32(`${root}/${name}`)}"`;
}

function makeApp(): Application {
  const app = new Application(import.meta.url, { rootPath: root });
  app.route("/f", () => sendFile("hello.txt"), { endpoint: "f" });
  app.route("/abs", () => sendFile(`${root}/hello.txt`, { asAttachment: true }), {
    endpoint: "abs",
  });
  app.route("/url", () => sendFile(new URL(`file://${root}/hello.txt`)), { endpoint: "url" });
  app.route("/bin", () => sendFile("data.bin"), { endpoint: "bin" });
  app.route("/gz", () => sendFile("archive.tar.gz"), { endpoint: "gz" });
  app.route("/gza", () => sendFile("archive.tar.gz", { asAttachment: true }), {
    endpoint: "gza",
  });
  app.route("/uni", () => sendFile(UNI, { asAttachment: true }), { endpoint: "uni" });
  app.route("/dl", () => sendFile("hello.txt", { downloadName: "a b;c.txt" }), {
    endpoint: "dl",
  });
  app.route("/age", () => sendFile("hello.txt", { maxAge: 60 }), { endpoint: "age" });
  app.route("/age0", () => sendFile("hello.txt", { maxAge: 0 }), { endpoint: "age0" });
  app.route("/noetag", () => sendFile("hello.txt", { etag: false, conditional: false }), {
    endpoint: "noetag",
  });
  app.route("/stretag", () => sendFile("hello.txt", { etag: "v1" }), { endpoint: "stretag" });
  app.route("/mime", () => sendFile("hello.txt", { mimetype: "application/x-custom" }), {
    endpoint: "mime",
  });
  app.route("/lm", () => sendFile("hello.txt", { lastModified: 1600000000 }), {
    endpoint: "lm",
  });
  app.route("/frac", () => sendFile("frac.txt"), { endpoint: "frac" });
  app.route("/bytes", () => sendFile(new TextEncoder().encode("abc"), { downloadName: "x.json" }), {
    endpoint: "bytes",
  });
  app.route(
    "/bytesnoname",
    () => sendFile(new TextEncoder().encode("abc"), { mimetype: "text/plain" }),
    { endpoint: "bytesnoname" },
  );
  app.route("/bytesatt", () => sendFile(new Uint8Array(3), { asAttachment: true }), {
    endpoint: "bytesatt",
  });
  app.route("/bytesnomime", () => sendFile(new Uint8Array(3)), { endpoint: "bytesnomime" });
  app.route("/missing", () => sendFile("nope.txt"), { endpoint: "missing" });
  app.route("/dir/<path:name>", ({ name }) => sendFromDirectory("sub", name as string), {
    endpoint: "dir",
  });
  app.route(
    "/adir/<path:name>",
    ({ name }) => sendFromDirectory(root, name as string, { asAttachment: true }),
    { endpoint: "adir" },
  );
  return app;
}

type Pairs = [string, string][];

async function get(
  app: Application,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: string; headers: Pairs; data: Uint8Array; text: string }> {
  const response = await app.testClient().get(path, { headers });
  return {
    status: response.status,
    headers: [...response.headers].filter(([name]) => name.toLowerCase() !== "date"),
    data: response.data,
    text: response.text,
  };
}

function fileHeaders(
  disposition: string,
  contentType: string,
  length: number,
  tag: string | null,
  extra: Pairs = [],
): Pairs {
  return [
    ["Content-Disposition", disposition],
    ["Content-Type", contentType],
    ["Content-Length", String(length)],
    ["Last-Modified", LAST_MODIFIED],
    ["Cache-Control", "no-cache"],
    ...(tag === null ? [] : [["ETag", tag] as [string, string]]),
    ["Accept-Ranges", "bytes"],
    ...extra,
  ];
}

Deno.test("adler32 in this test gives Python zlib.adler32's values", () => {
  assert.equal(adler32("Wikipedia"), 300286872);
  assert.equal(adler32("/tmp/rec/files/hello.txt"), 1826556157);
});

Deno.test("sendFile sends a file relative to the app's root with Werkzeug's headers", async () => {
  const app = makeApp();
  const r = await get(app, "/f");
  assert.equal(r.status, "200 OK");
  assert.equal(r.text, "Hello, world!\n");
  assert.deepEqual(
    r.headers,
    fileHeaders(
      "inline; filename=hello.txt",
      "text/plain; charset=utf-8",
      14,
      etag("hello.txt", 14),
    ),
  );
  const date = (await app.testClient().get("/f")).headers.get("Date");
  assert.match(date ?? "", /^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$/);
  // An absolute path and a file: URL name the same file (and the same ETag).
  const abs = await get(app, "/abs");
  assert.deepEqual(
    abs.headers,
    fileHeaders(
      "attachment; filename=hello.txt",
      "text/plain; charset=utf-8",
      14,
      etag("hello.txt", 14),
    ),
  );
  const url = await get(app, "/url");
  assert.equal(url.text, "Hello, world!\n");
  assert.equal(url.headers.find(([n]) => n === "ETag")![1], etag("hello.txt", 14));
});

Deno.test("sendFile guesses the mimetype, and sends Content-Encoding for inline files only", async () => {
  const app = makeApp();
  const bin = await get(app, "/bin");
  assert.deepEqual(
    bin.headers,
    fileHeaders(
      "inline; filename=data.bin",
      "application/octet-stream",
      256,
      etag("data.bin", 256),
    ),
  );
  assert.deepEqual(bin.data, Uint8Array.from({ length: 256 }, (_, i) => i));
  const gz = await get(app, "/gz");
  assert.deepEqual(gz.headers, [
    ["Content-Encoding", "gzip"],
    ...fileHeaders(
      "inline; filename=archive.tar.gz",
      "application/x-tar",
      6,
      etag("archive.tar.gz", 6),
    ),
  ]);
  const gza = await get(app, "/gza");
  assert.deepEqual(
    gza.headers,
    fileHeaders(
      "attachment; filename=archive.tar.gz",
      "application/x-tar",
      6,
      etag("archive.tar.gz", 6),
    ),
  );
  const mime = await get(app, "/mime");
  assert.equal(mime.headers.find(([n]) => n === "Content-Type")![1], "application/x-custom");
});

Deno.test("sendFile writes download names as Werkzeug does, with filename* when not ASCII", async () => {
  const app = makeApp();
  const uni = await get(app, "/uni");
  assert.deepEqual(
    uni.headers,
    fileHeaders(
      "attachment; filename=\"resume .txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%E2%82%AC.txt",
      "text/plain; charset=utf-8",
      2,
      etag(UNI, 2),
    ),
  );
  assert.equal(uni.text, "cv");
  const dl = await get(app, "/dl");
  assert.equal(dl.headers[0]![1], 'inline; filename="a b;c.txt"');
});

Deno.test("sendFile's maxAge, etag and lastModified options", async () => {
  const app = makeApp();
  const now = Date.now();
  const age = await get(app, "/age");
  const expires = Date.parse(age.headers.find(([n]) => n === "Expires")![1]);
  assert.ok(Math.abs(expires - (now + 60_000)) <= 2000, `Expires ${expires} vs ${now}`);
  assert.deepEqual(age.headers, [
    ["Content-Disposition", "inline; filename=hello.txt"],
    ["Content-Type", "text/plain; charset=utf-8"],
    ["Content-Length", "14"],
    ["Last-Modified", LAST_MODIFIED],
    ["Cache-Control", "public, max-age=60"],
    ["Expires", age.headers.find(([n]) => n === "Expires")![1]],
    ["ETag", etag("hello.txt", 14)],
    ["Accept-Ranges", "bytes"],
  ]);
  const age0 = await get(app, "/age0");
  assert.equal(age0.headers.find(([n]) => n === "Cache-Control")![1], "no-cache, max-age=0");
  assert.ok(age0.headers.some(([n]) => n === "Expires"));
  const noetag = await get(app, "/noetag");
  assert.deepEqual(noetag.headers, [
    ["Content-Disposition", "inline; filename=hello.txt"],
    ["Content-Type", "text/plain; charset=utf-8"],
    ["Content-Length", "14"],
    ["Last-Modified", LAST_MODIFIED],
    ["Cache-Control", "no-cache"],
  ]);
  const stretag = await get(app, "/stretag");
  assert.equal(stretag.headers.find(([n]) => n === "ETag")![1], '"v1"');
  const lm = await get(app, "/lm");
  assert.equal(
    lm.headers.find(([n]) => n === "Last-Modified")![1],
    "Sun, 13 Sep 2020 12:26:40 GMT",
  );
  const frac = await get(app, "/frac");
  assert.equal(frac.headers.find(([n]) => n === "ETag")![1], etag("frac.txt", 1, "1700000000.5"));
  assert.equal(frac.headers.find(([n]) => n === "Last-Modified")![1], LAST_MODIFIED);

  // SEND_FILE_MAX_AGE_DEFAULT is the default max age.
  app.config.SEND_FILE_MAX_AGE_DEFAULT = 3600;
  const configured = await get(app, "/f");
  assert.equal(configured.headers.find(([n]) => n === "Cache-Control")![1], "public, max-age=3600");
});

Deno.test("sendFile sends bytes; without a name it needs a mimetype", async () => {
  const app = makeApp();
  const bytes = await get(app, "/bytes");
  assert.equal(bytes.status, "200 OK");
  assert.equal(bytes.text, "abc");
  assert.deepEqual(bytes.headers, [
    ["Content-Disposition", "inline; filename=x.json"],
    ["Content-Type", "application/json"],
    ["Content-Length", "3"],
    ["Cache-Control", "no-cache"],
    ["Accept-Ranges", "bytes"],
  ]);
  const noname = await get(app, "/bytesnoname");
  assert.deepEqual(noname.headers, [
    ["Content-Type", "text/plain; charset=utf-8"],
    ["Content-Length", "3"],
    ["Cache-Control", "no-cache"],
    ["Accept-Ranges", "bytes"],
  ]);
  const ranged = await get(app, "/bytes", { Range: "bytes=0-0" });
  assert.equal(ranged.status, "206 PARTIAL CONTENT");
  assert.equal(ranged.text, "a");
  assert.equal(ranged.headers.find(([n]) => n === "Content-Range")![1], "bytes 0-0/3");
  // Flask answers these with a 500 (a TypeError in the view); so does phial.
  for (const path of ["/bytesatt", "/bytesnomime", "/missing"]) {
    assert.equal((await get(app, path)).status, "500 INTERNAL SERVER ERROR", path);
  }
  app.testing = true;
  await assert.rejects(() => app.testClient().get("/bytesnomime"), {
    name: "TypeError",
    message: /Unable to detect the MIME type/,
  });
  await assert.rejects(() => app.testClient().get("/bytesatt"), {
    name: "TypeError",
    message: /Unable to detect the MIME type/,
  });
  app.route(
    "/bytesatt-typed",
    () => sendFile(new Uint8Array(3), { asAttachment: true, mimetype: "text/plain" }),
    { endpoint: "bytesatt-typed" },
  );
  await assert.rejects(() => app.testClient().get("/bytesatt-typed"), {
    name: "TypeError",
    message: /No name provided for attachment/,
  });
  await assert.rejects(() => app.testClient().get("/missing"), Deno.errors.NotFound);
});

Deno.test("sendFile answers conditional and range requests", async () => {
  const app = makeApp();
  const tag = etag("hello.txt", 14);
  const notModified: Pairs = [
    ["Content-Disposition", "inline; filename=hello.txt"],
    ["Cache-Control", "no-cache"],
    ["ETag", tag],
    ["Accept-Ranges", "bytes"],
  ];
  const byTag = await get(app, "/f", { "If-None-Match": tag });
  assert.equal(byTag.status, "304 NOT MODIFIED");
  assert.deepEqual(byTag.headers, notModified);
  assert.equal(byTag.data.length, 0);
  const byDate = await get(app, "/f", { "If-Modified-Since": LAST_MODIFIED });
  assert.equal(byDate.status, "304 NOT MODIFIED");
  assert.deepEqual(byDate.headers, notModified);
  const older = await get(app, "/f", { "If-Modified-Since": "Tue, 14 Nov 2023 22:13:19 GMT" });
  assert.equal(older.status, "200 OK");
  assert.equal(older.text, "Hello, world!\n");

  const range = await get(app, "/bin", { Range: "bytes=10-19" });
  assert.equal(range.status, "206 PARTIAL CONTENT");
  assert.deepEqual(
    range.headers,
    fileHeaders(
      "inline; filename=data.bin",
      "application/octet-stream",
      10,
      etag("data.bin", 256),
      [
        ["Content-Range", "bytes 10-19/256"],
      ],
    ),
  );
  assert.deepEqual(range.data, Uint8Array.from({ length: 10 }, (_, i) => 10 + i));
  const suffix = await get(app, "/bin", { Range: "bytes=-5" });
  assert.equal(suffix.status, "206 PARTIAL CONTENT");
  assert.deepEqual(suffix.data, Uint8Array.of(251, 252, 253, 254, 255));
  assert.equal(suffix.headers.find(([n]) => n === "Content-Range")![1], "bytes 251-255/256");
  const unsatisfiable = await get(app, "/bin", { Range: "bytes=300-400" });
  assert.equal(unsatisfiable.status, "416 REQUESTED RANGE NOT SATISFIABLE");
  assert.equal(unsatisfiable.headers.find(([n]) => n === "Content-Range")![1], "bytes */256");

  const failed = await get(app, "/f", { "If-Match": '"nope"' });
  assert.equal(failed.status, "412 PRECONDITION FAILED");
  assert.deepEqual(
    failed.headers,
    fileHeaders("inline; filename=hello.txt", "text/plain; charset=utf-8", 14, tag),
  );

  const head = await app.testClient().head("/f");
  assert.equal(head.status, "200 OK");
  assert.equal(head.headers.get("Content-Length"), "14");
  assert.equal(head.data.length, 0);
});

Deno.test("sendFile leaves the body to the server with USE_X_SENDFILE", async () => {
  const app = makeApp();
  app.config.USE_X_SENDFILE = true;
  const r = await get(app, "/f");
  assert.equal(r.status, "200 OK");
  assert.equal(r.data.length, 0);
  assert.deepEqual(r.headers, [
    ["Content-Disposition", "inline; filename=hello.txt"],
    ["X-Sendfile", `${root}/hello.txt`],
    ["Content-Type", "text/plain; charset=utf-8"],
    ["Content-Length", "14"],
    ["Last-Modified", LAST_MODIFIED],
    ["Cache-Control", "no-cache"],
    ["ETag", etag("hello.txt", 14)],
    ["Accept-Ranges", "bytes"],
  ]);
  // A 304 drops X-Sendfile: some servers send the file anyway.
  const cached = await get(app, "/f", { "If-None-Match": etag("hello.txt", 14) });
  assert.equal(cached.status, "304 NOT MODIFIED");
  assert.ok(!cached.headers.some(([n]) => n === "X-Sendfile"));
  // Bytes have no path: they are sent as usual.
  assert.equal((await get(app, "/bytes")).text, "abc");
});

Deno.test("sendFromDirectory joins safely and answers 404 for what it refuses", async () => {
  const app = makeApp();
  const page = await get(app, "/dir/page.html");
  assert.equal(page.status, "200 OK");
  assert.equal(page.text, "<p>hi</p>");
  assert.deepEqual(
    page.headers,
    fileHeaders(
      "inline; filename=page.html",
      "text/html; charset=utf-8",
      9,
      etag("sub/page.html", 9),
    ),
  );
  for (const path of ["/dir/../hello.txt", "/dir/nope", "/dir/", "/dir/..%2fhello.txt"]) {
    assert.equal((await get(app, path)).status, "404 NOT FOUND", path);
  }
  const attachment = await get(app, "/adir/sub/page.html");
  assert.equal(attachment.headers[0]![1], "attachment; filename=page.html");
  assert.equal(attachment.text, "<p>hi</p>");
  // Nothing inside the directory but the file itself: a directory is not a file.
  assert.equal((await get(app, "/adir/sub")).status, "404 NOT FOUND");
});

async function call(app: Application, environ: Environ): Promise<[string, Body]> {
  let status = "";
  const body = await app.wsgiApp(environ, (s) => {
    status = s;
    return () => {};
  });
  return [status, body];
}

Deno.test("sendFile streams the file and closes it when the body is done or abandoned", async () => {
  const size = 200_000;
  const data = Uint8Array.from({ length: size }, (_, i) => (i * 7) & 0xff);
  await write("large.bin", data);
  const app = makeApp();
  app.route("/large", () => sendFile("large.bin"), { endpoint: "large" });
  await recordingOpens(async (opened) => {
    const [status, body] = await call(app, new EnvironBuilder("/large").getEnviron());
    assert.equal(status, "200 OK");
    assert.equal(opened.length, 1);
    assert.ok(await isOpen(opened[0]!));
    const chunks: Uint8Array[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk);
    assert.ok(chunks.length > 1, `${chunks.length} chunks: streamed, not buffered`);
    assert.deepEqual(new Uint8Array(await new Blob(chunks as BlobPart[]).arrayBuffer()), data);
    await body.close?.();
    assert.equal(await isOpen(opened[0]!), false);

    const [, abandoned] = await call(app, new EnvironBuilder("/large").getEnviron());
    const iterator = (abandoned as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    assert.equal((await iterator.next()).done, false);
    assert.ok(await isOpen(opened[1]!));
    await abandoned.close?.();
    assert.equal(await isOpen(opened[1]!), false);

    // A 304 and a 416 close the file they opened too.
    const environ = new EnvironBuilder("/large", { headers: { Range: "bytes=999999-" } })
      .getEnviron();
    const [rangeStatus, rangeBody] = await call(app, environ);
    assert.equal(rangeStatus, "416 REQUESTED RANGE NOT SATISFIABLE");
    await rangeBody.close?.();
    assert.equal(await isOpen(opened[2]!), false);
  });
});

Deno.test("sendFile refuses bad arguments with a TypeError, and needs a request", async () => {
  const app = makeApp();
  await app.testRequestContext("/").run(async () => {
    await assert.rejects(() => sendFile(42 as unknown as string), TypeError);
    await assert.rejects(
      () => sendFile("hello.txt", { maxAge: "1" as unknown as number }),
      TypeError,
    );
    await assert.rejects(() => sendFile(new URL("https://example.com/a.txt")), TypeError);
    await assert.rejects(() => sendFromDirectory(root, 1 as unknown as string), TypeError);
  });
  await assert.rejects(() => sendFile("hello.txt"), /Working outside of request context/);
});
