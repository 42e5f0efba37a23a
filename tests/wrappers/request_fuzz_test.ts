// Bounded fuzzing: random and mutated bodies, content types, query strings and headers
// never make Request do anything but give a result or throw an HTTPException.
import { fail } from "node:assert/strict";
import { BodyInput } from "../../framework/gateway/input_stream.ts";
import { HTTPException } from "../../framework/http/exceptions.ts";
import { Request } from "../../framework/wrappers/request.ts";
import { makeEnviron } from "./request_helpers.ts";

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const enc = new TextEncoder();
const SEEDS = [
  '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b\r\n' +
  'Content-Disposition: form-data; name="f"; filename="x.txt"\r\nContent-Type: text/plain\r\n\r\n' +
  "data\r\n--b--\r\n",
  "a=1&b=%20%zz&c=%E2%82%AC&&=&d",
  '{"a": [1, {"b": null}], "c": "\\u00e9"}',
];
const TYPES = [
  "multipart/form-data; boundary=b",
  'multipart/form-data; boundary="b"',
  "multipart/form-data",
  "multipart/form-data; boundary=",
  "application/x-www-form-urlencoded",
  "application/json",
  "application/x+json; charset=latin1",
  "text/plain",
  "",
  ";;;",
  "multipart/form-data; boundary*=UTF-8''%E2%82%AC",
];
const PIECES = ["\r", "\n", "\r\n", "--", "--b", "%", "%E2", "=", "&", ";", '"', ":", "\0", "\xff"];

function mutate(rand: () => number, base: Uint8Array): Uint8Array {
  const body = [...base];
  const ops = 1 + Math.floor(rand() * 5);
  for (let i = 0; i < ops; i++) {
    const pos = Math.floor(rand() * (body.length + 1));
    const op = Math.floor(rand() * 4);
    if (op === 0 && body.length > 0) {
      body[Math.min(pos, body.length - 1)] = Math.floor(rand() * 256);
    } else if (op === 1) {
      const piece = PIECES[Math.floor(rand() * PIECES.length)]!;
      body.splice(pos, 0, ...Array.from(piece, (c) => c.charCodeAt(0) & 0xff));
    } else if (op === 2) body.splice(pos, 1 + Math.floor(rand() * 6));
    else body.length = pos;
  }
  return Uint8Array.from(body);
}

function randomString(rand: () => number, max: number): string {
  let s = "";
  const n = Math.floor(rand() * max);
  for (let i = 0; i < n; i++) {
    s += rand() < 0.3
      ? PIECES[Math.floor(rand() * PIECES.length)]!
      : String.fromCharCode(Math.floor(rand() * 256));
  }
  return s;
}

function inputOf(rand: () => number, body: Uint8Array): BodyInput {
  let pos = 0;
  return new BodyInput(() => {
    if (pos >= body.length) return Promise.resolve(null);
    const size = 1 + Math.floor(rand() * 64);
    const chunk = body.slice(pos, pos + size);
    pos += size;
    return Promise.resolve(chunk);
  });
}

Deno.test("Request survives 600 random and mutated requests with results or HTTP errors only", async () => {
  const rand = rng(20261121);
  const problems: string[] = [];
  for (let i = 0; i < 600; i++) {
    const base = rand() < 0.8
      ? enc.encode(SEEDS[Math.floor(rand() * SEEDS.length)]!)
      : Uint8Array.from({ length: Math.floor(rand() * 200) }, () => Math.floor(rand() * 256));
    const body = mutate(rand, base);
    const contentType = rand() < 0.85
      ? TYPES[Math.floor(rand() * TYPES.length)]!
      : randomString(rand, 40);
    const chunked = rand() < 0.3;
    const extra: Record<string, unknown> = {
      REQUEST_METHOD: rand() < 0.2 ? "GET" : "POST",
      CONTENT_TYPE: contentType,
      QUERY_STRING: randomString(rand, 30),
      HTTP_HOST: randomString(rand, 12),
      HTTP_COOKIE: randomString(rand, 30),
      HTTP_ACCEPT: randomString(rand, 30),
      HTTP_AUTHORIZATION: rand() < 0.5 ? `Basic ${randomString(rand, 12)}` : randomString(rand, 20),
      HTTP_IF_MODIFIED_SINCE: randomString(rand, 20),
      CONTENT_LENGTH: chunked ? undefined : String(body.length),
      "wsgi.input": inputOf(rand, body),
    };
    if (chunked) {
      delete extra.CONTENT_LENGTH;
      extra.HTTP_TRANSFER_ENCODING = "chunked";
    }
    const environ = makeEnviron(extra);
    if (chunked) delete environ.CONTENT_LENGTH;
    const request = new Request(environ, {
      maxContentLength: rand() < 0.3 ? Math.floor(rand() * 300) : null,
      maxFormMemorySize: rand() < 0.3 ? Math.floor(rand() * 100) : 500_000,
      maxFormParts: rand() < 0.3 ? Math.floor(rand() * 3) : 1000,
    });
    const steps: [string, () => unknown][] = [
      ["args", () => request.args.items()],
      ["url", () => request.url],
      ["fullPath", () => request.fullPath],
      ["cookies", () => request.cookies.items()],
      ["accept", () => request.acceptMimetypes.best],
      ["authorization", () => request.authorization],
      ["ifModifiedSince", () => request.ifModifiedSince],
      ["mimetype", () => request.mimetype],
      ["form", () => request.form],
      ["files", () => request.files],
      ["values", () => request.values],
      ["json", () => request.getJson({ force: rand() < 0.5 })],
      ["data", () => request.getData()],
    ];
    for (const [name, step] of steps) {
      try {
        await step();
      } catch (error) {
        if (!(error instanceof HTTPException)) {
          problems.push(`#${i} ${name} (${JSON.stringify(contentType)}): ${error}`);
        }
      }
    }
    await request.close();
  }
  if (problems.length > 0) {
    fail(`${problems.length} non-HTTP errors:\n${problems.slice(0, 20).join("\n")}`);
  }
});
