// Request.application end to end through the gateway's runApp: every bad input of the
// request side gets its HTTP status, and good input reaches the handler.
import { deepEqual, equal } from "node:assert/strict";
import { runApp } from "../../framework/gateway/run_app.ts";
import type { Environ, WsgiApp } from "../../framework/gateway/types.ts";
import { Request } from "../../framework/wrappers/request.ts";
import { makeEnviron } from "./request_helpers.ts";

function text(body: string, status = "200 OK"): WsgiApp {
  return (_environ, startResponse) => {
    startResponse(status, [["Content-Type", "text/plain; charset=utf-8"]]);
    return [body];
  };
}

const app = Request.application(async (request) => {
  if (request.path === "/json") return text(JSON.stringify(await request.getJson()));
  if (request.path === "/host") return text(request.host);
  const form = await request.form;
  const files = await request.files;
  return text(
    JSON.stringify({
      form: form.items({ multi: true }),
      files: files.items({ multi: true }).map(([k, f]) => [k, f.filename]),
    }),
  );
}, { maxContentLength: 2000, maxFormMemorySize: 200, maxFormParts: 3, trustedHosts: ["ok.test"] });

async function call(environ: Environ): Promise<[number, string]> {
  const response = await runApp(app, environ);
  const chunks = [...response.chunks];
  for (let c = await response.next(); c !== null; c = await response.next()) chunks.push(c);
  const body = new TextDecoder().decode(
    chunks.reduce((a, b) => Uint8Array.from([...a, ...b]), new Uint8Array()),
  );
  return [response.statusCode, body];
}

function part(name: string, value: string, filename?: string): string {
  const fn = filename === undefined ? "" : `; filename="${filename}"`;
  return `--B\r\nContent-Disposition: form-data; name="${name}"${fn}\r\n\r\n${value}\r\n`;
}
const MP = "multipart/form-data; boundary=B";

const STATUS_CASES: [string, Record<string, unknown>, string | undefined, number][] = [
  ["Content-Length over maxContentLength", { CONTENT_TYPE: MP }, "x".repeat(2001), 413],
  ["too many multipart parts", { CONTENT_TYPE: MP }, part("a", "1").repeat(4) + "--B--\r\n", 413],
  [
    "multipart field over maxFormMemorySize",
    { CONTENT_TYPE: MP },
    part("a", "x".repeat(201)) + "--B--\r\n",
    413,
  ],
  [
    "urlencoded body over maxFormMemorySize",
    { CONTENT_TYPE: "application/x-www-form-urlencoded" },
    "a=" + "x".repeat(220),
    413,
  ],
  ["malformed JSON", { PATH_INFO: "/json", CONTENT_TYPE: "application/json" }, "{", 400],
  ["JSON read of a text/plain body", { PATH_INFO: "/json", CONTENT_TYPE: "text/plain" }, "{}", 415],
  ["untrusted Host", { PATH_INFO: "/host", HTTP_HOST: "evil.test" }, undefined, 400],
  ["malformed multipart (Werkzeug: empty form)", { CONTENT_TYPE: MP }, "--B\r\nno blank line", 200],
  [
    "multipart without boundary (Werkzeug: empty form)",
    { CONTENT_TYPE: "multipart/form-data" },
    "x",
    200,
  ],
  [
    "bad percent-escapes (kept as text)",
    { CONTENT_TYPE: "application/x-www-form-urlencoded" },
    "a=%zz%",
    200,
  ],
];

for (const [label, extra, body, status] of STATUS_CASES) {
  Deno.test(`Request.application answers ${label} with ${status}`, async () => {
    const [code] = await call(makeEnviron(extra, body));
    equal(code, status);
  });
}

Deno.test("Request.application hands good form input to the handler", async () => {
  const [code, body] = await call(
    makeEnviron({ CONTENT_TYPE: MP }, part("a", "1") + part("f", "data", "f.txt") + "--B--\r\n"),
  );
  equal(code, 200);
  deepEqual(JSON.parse(body), { form: [["a", "1"]], files: [["f", "f.txt"]] });
  const [, badEscapes] = await call(
    makeEnviron({ CONTENT_TYPE: "application/x-www-form-urlencoded" }, "a=%zz%"),
  );
  deepEqual(JSON.parse(badEscapes).form, [["a", "%zz%"]]);
});
