// Uploads over a real loopback socket: the reference server turns the bytes into an
// environ and Request parses the multipart body as it streams in. (curl's bytes are
// replayed from captures in multipart_captures_test.ts.)
import { deepEqual, equal } from "node:assert/strict";
import { serveReference } from "../../framework/server/reference_engine.ts";
import type { WsgiApp } from "../../framework/gateway/types.ts";
import { Request } from "../../framework/wrappers/request.ts";

function json(value: unknown, status = "200 OK"): WsgiApp {
  return (_environ, startResponse) => {
    startResponse(status, [["Content-Type", "application/json"]]);
    return [JSON.stringify(value)];
  };
}

const app = Request.application(async (request) => {
  const form = await request.form;
  const files = await request.files;
  const out: Record<string, unknown> = { form: form.items({ multi: true }), files: [] };
  for (const [key, file] of files.items({ multi: true })) {
    const data = await file.read();
    let sum = 0;
    for (const b of data) sum = (sum * 31 + b) >>> 0;
    (out.files as unknown[]).push([key, file.filename, file.contentType, data.length, sum]);
  }
  return json(out);
}, { maxContentLength: 4 * 1024 * 1024 });

function checksum(data: Uint8Array): number {
  let sum = 0;
  for (const b of data) sum = (sum * 31 + b) >>> 0;
  return sum;
}

async function withServer(fn: (base: string) => Promise<void>): Promise<void> {
  const server = serveReference(app, { hostname: "127.0.0.1", port: 0 });
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`);
  } finally {
    await server.shutdown();
  }
}

const big = Uint8Array.from({ length: 700 * 1024 }, (_, i) => (i * 13) & 0xff);

Deno.test("a FormData upload from fetch over a socket reaches Request.form and files", async () => {
  await withServer(async (base) => {
    const fd = new FormData();
    fd.append("name", "phial ☃");
    fd.append("file", new File([big], "big.bin", { type: "application/octet-stream" }));
    const res = await fetch(`${base}/upload`, { method: "POST", body: fd });
    equal(res.status, 200);
    deepEqual(await res.json(), {
      form: [["name", "phial ☃"]],
      files: [["file", "big.bin", "application/octet-stream", big.length, checksum(big)]],
    });
  });
});

Deno.test("an upload over maxContentLength is answered 413 over the socket", async () => {
  await withServer(async (base) => {
    const fd = new FormData();
    fd.append("file", new File([new Uint8Array(5 * 1024 * 1024)], "huge.bin"));
    const res = await fetch(`${base}/upload`, { method: "POST", body: fd });
    equal(res.status, 413);
    await res.body?.cancel();
  });
});
