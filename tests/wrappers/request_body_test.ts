// Request body access: form, files, JSON, limits. The table cases were recorded from
// Werkzeug 3.1's Request (tests/wrappers/fixtures/werkzeug_request_body_cases.json).
import { deepEqual, equal, rejects, throws } from "node:assert/strict";
import { BodyInput } from "../../framework/gateway/input_stream.ts";
import {
  BadRequest,
  HTTPException,
  RequestEntityTooLarge,
  UnsupportedMediaType,
} from "../../framework/http/exceptions.ts";
import { Request, type RequestOptions } from "../../framework/wrappers/request.ts";
import { makeEnviron } from "./request_helpers.ts";

interface BodyCase {
  kind: "form" | "json";
  label: string;
  body: string;
  contentType: string | null;
  limits?: Record<string, number>;
  options?: { force?: boolean; silent?: boolean };
  expected:
    | { status: number }
    | { form: [string, string][]; files: [string, string][] }
    | { value: unknown };
}
const cases: BodyCase[] = JSON.parse(
  await Deno.readTextFile(
    new URL("./fixtures/werkzeug_request_body_cases.json", import.meta.url),
  ),
);

function limitsOf(c: BodyCase): RequestOptions {
  const out: RequestOptions = {};
  const l = c.limits ?? {};
  if (l.max_content_length !== undefined) out.maxContentLength = l.max_content_length;
  if (l.max_form_memory_size !== undefined) out.maxFormMemorySize = l.max_form_memory_size;
  if (l.max_form_parts !== undefined) out.maxFormParts = l.max_form_parts;
  return out;
}

function requestFor(c: BodyCase): Request {
  const body = Uint8Array.from(atob(c.body), (ch) => ch.charCodeAt(0));
  const extra: Record<string, string> = {};
  if (c.contentType !== null) extra.CONTENT_TYPE = c.contentType;
  return new Request(makeEnviron(extra, body), limitsOf(c));
}

async function settle(work: () => Promise<BodyCase["expected"]>): Promise<BodyCase["expected"]> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof HTTPException) return { status: error.code };
    throw error;
  }
}

for (const c of cases) {
  Deno.test(`Request ${c.kind}: ${c.label} (as Werkzeug)`, async () => {
    const r = requestFor(c);
    const actual = await settle(async () => {
      if (c.kind === "json") return { value: await r.getJson(c.options) };
      const form = await r.form;
      const files = await r.files;
      return {
        form: form.items({ multi: true }),
        files: files.items({ multi: true }).map(([k, f]) => [k, f.filename!]),
      };
    });
    deepEqual(actual, c.expected);
  });
}

Deno.test("Request.files gives FileStorage with the uploaded bytes", async () => {
  const body = '--B\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n' +
    "Content-Type: text/plain\r\n\r\nline1\r\nline2\r\n--B--\r\n";
  const r = new Request(makeEnviron({ CONTENT_TYPE: "multipart/form-data; boundary=B" }, body));
  const file = (await r.files).get("f")!;
  equal(file.filename, "a.txt");
  equal(file.name, "f");
  equal(file.mimetype, "text/plain");
  equal(await file.text(), "line1\r\nline2");
  deepEqual((await r.form).items(), []);
  await r.close();
});

Deno.test("Request.values merges args and form, but not form for GET", async () => {
  const post = new Request(
    makeEnviron(
      { QUERY_STRING: "a=1", CONTENT_TYPE: "application/x-www-form-urlencoded" },
      "a=2&b=3",
    ),
  );
  deepEqual((await post.values).getlist("a"), ["1", "2"]);
  equal((await post.values).get("b"), "3");
  const get = new Request(
    makeEnviron({
      QUERY_STRING: "a=1",
      CONTENT_TYPE: "application/x-www-form-urlencoded",
      CONTENT_LENGTH: "3",
      "wsgi.input": BodyInput.fromBytes(new TextEncoder().encode("b=3")),
    }),
  );
  equal((await get.values).get("b"), undefined);
});

Deno.test("Request.getData caches the body, and form parsing reuses the cache", async () => {
  const r = new Request(
    makeEnviron({ CONTENT_TYPE: "application/x-www-form-urlencoded" }, "x=1&y=2"),
  );
  equal(await r.getData({ asText: true }), "x=1&y=2");
  equal(await r.getData({ asText: true }), "x=1&y=2");
  equal((await r.form).get("y"), "2");
});

Deno.test("Request.data is empty for a form body (parsed into form instead)", async () => {
  const r = new Request(
    makeEnviron({ CONTENT_TYPE: "application/x-www-form-urlencoded" }, "x=1"),
  );
  equal((await r.data).length, 0);
  equal((await r.form).get("x"), "1");
});

Deno.test("Request.stream is a 413 when Content-Length exceeds maxContentLength", () => {
  const r = new Request(makeEnviron({}, "x".repeat(20)), { maxContentLength: 10 });
  throws(() => r.stream, RequestEntityTooLarge);
});

function chunkedEnviron(body: string, contentType: string): ReturnType<typeof makeEnviron> {
  const bytes = new TextEncoder().encode(body);
  let sent = false;
  return makeEnviron({
    REQUEST_METHOD: "POST",
    CONTENT_TYPE: contentType,
    HTTP_TRANSFER_ENCODING: "chunked",
    "wsgi.input": new BodyInput(() => {
      if (sent) return Promise.resolve(null);
      sent = true;
      return Promise.resolve(bytes);
    }),
  });
}

Deno.test("Request.getData on a chunked body over maxContentLength is a 413", async () => {
  const r = new Request(chunkedEnviron("x".repeat(20), "text/plain"), { maxContentLength: 10 });
  equal(r.contentLength, null);
  await rejects(() => r.getData(), RequestEntityTooLarge);
  const ok = new Request(chunkedEnviron("x".repeat(10), "text/plain"), { maxContentLength: 10 });
  equal((await ok.getData()).length, 10);
});

Deno.test("Request.form on a chunked multipart body over maxContentLength is a 413", async () => {
  const body = '--B\r\nContent-Disposition: form-data; name="t"\r\n\r\n' + "x".repeat(100) +
    "\r\n--B--\r\n";
  const r = new Request(chunkedEnviron(body, "multipart/form-data; boundary=B"), {
    maxContentLength: 50,
  });
  await rejects(() => r.form, RequestEntityTooLarge);
});

Deno.test("Request.getJson caches per silent flag and request.json awaits it", async () => {
  const r = new Request(makeEnviron({ CONTENT_TYPE: "application/json" }, '{"n": 1}'));
  deepEqual(await r.json, { n: 1 });
  deepEqual(await r.getJson(), { n: 1 });
  const bad = new Request(makeEnviron({ CONTENT_TYPE: "application/json" }, "{"));
  equal(await bad.getJson({ silent: true }), null);
  const err = await rejects(() => bad.getJson(), BadRequest);
  void err;
  await rejects(
    () => new Request(makeEnviron({ CONTENT_TYPE: "text/plain" }, "{}")).getJson(),
    (e: unknown) => e instanceof UnsupportedMediaType && e.code === 415,
  );
});

Deno.test("Request.getJson parses with jsonModule, as Werkzeug's json_module", async () => {
  const seen: Uint8Array[] = [];
  const jsonModule = {
    loads(data: Uint8Array): unknown {
      seen.push(data);
      return { parsed: new TextDecoder().decode(data) };
    },
  };
  const r = new Request(makeEnviron({ CONTENT_TYPE: "application/json" }, "NaN"), { jsonModule });
  deepEqual(await r.getJson(), { parsed: "NaN" });
  deepEqual(seen, [new TextEncoder().encode("NaN")]);
  // Its errors are the same 400 as JSON.parse's.
  const failing = new Request(makeEnviron({ CONTENT_TYPE: "application/json" }, "{}"), {
    jsonModule: {
      loads(): unknown {
        throw new SyntaxError("Expecting value");
      },
    },
  });
  await rejects(() => failing.getJson(), BadRequest);
});

Deno.test("Request.contentLength follows Werkzeug: invalid is 0, chunked is null", () => {
  const len = (extra: Record<string, string>) => new Request(makeEnviron(extra)).contentLength;
  equal(len({ CONTENT_LENGTH: "12" }), 12);
  equal(len({ CONTENT_LENGTH: " 12 " }), 12);
  equal(len({ CONTENT_LENGTH: "+12" }), 0);
  equal(len({ CONTENT_LENGTH: "-5" }), 0);
  equal(len({ CONTENT_LENGTH: "abc" }), 0);
  equal(len({}), null);
  equal(len({ CONTENT_LENGTH: "12", HTTP_TRANSFER_ENCODING: "gzip, chunked" }), null);
});
