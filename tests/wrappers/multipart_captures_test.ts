// Replays multipart and urlencoded bodies captured byte for byte from real clients
// (curl -F, headless Chromium's FormData and <form> submission, Deno's fetch) with
// tests/wrappers/fixtures/capture_server.ts; the expectations are the values those
// clients were given (fixtures/captures/page.html and the curl command lines).
import { deepEqual, equal, rejects } from "node:assert/strict";
import { BodyInput } from "../../framework/gateway/input_stream.ts";
import type { Environ } from "../../framework/gateway/types.ts";
import { Request } from "../../framework/wrappers/request.ts";
import { makeEnviron } from "./request_helpers.ts";

const dir = new URL("./fixtures/captures/", import.meta.url);
const notes = await Deno.readFile(new URL("notes.txt", dir));
const tricky = await Deno.readFile(new URL("tricky.bin", dir));
const notesText = new TextDecoder().decode(notes);
// curl_big's upload: 600 KiB made by (i * 7 + i >> 8) % 256.
const big = Uint8Array.from({ length: 600 * 1024 }, (_, i) => (i * 7 + (i >> 8)) % 256);
const GREETING_CRLF = "héllo wörld ☃\r\nline2";

interface Expected {
  form: [string, string][];
  files: [string, string, string, Uint8Array][];
}
const CAPTURES: Record<string, Expected> = {
  curl_form: {
    form: [["name", "phial"], ["greeting", "héllo wörld ☃"]],
    files: [
      ["file", "notes.txt", "text/plain", notes],
      ["blob", "tricky.bin", "application/x-custom", tricky],
    ],
  },
  curl_unicode: {
    form: [["empty", ""], ["multi", "1"], ["multi", "2"]],
    files: [["doc", "café résumé.txt", "text/plain", notes]],
  },
  curl_big: {
    form: [["after", "yes"]],
    files: [["big", "big.bin", "application/octet-stream", big]],
  },
  curl_options: {
    form: [["text", notesText]],
    files: [["explicit", "renamed.md", "text/markdown", notes]],
  },
  curl_escape: { form: [["a", "1"], ["b", "2"], ['quo"te', "x"]], files: [] },
  deno_fetch: {
    form: [["name", "phial"], ["greeting", GREETING_CRLF], ["multi", "1"], ["multi", "2"]],
    files: [
      ["file", "notes.txt", "text/plain", notes],
      ["blob", "blob", "application/octet-stream", tricky],
      ["unicode", 'café "quoted".txt', "text/plain", new TextEncoder().encode("x")],
      ["empty", "", "application/octet-stream", new Uint8Array(0)],
    ],
  },
  chromium_fetch: {
    form: [["name", "phial"], ["greeting", GREETING_CRLF], ["multi", "1"], ["multi", "2"]],
    files: [
      ["file", "notes.txt", "text/plain", notes],
      ["blob", "blob", "application/octet-stream", tricky],
      ["unicode", 'café "quoted".txt', "text/plain", new TextEncoder().encode("x")],
      ["empty", "", "application/octet-stream", new Uint8Array(0)],
    ],
  },
  chromium_form_submit: {
    form: [["name", "phial"], ["greeting", GREETING_CRLF], ["multi", "1"], ["multi", "2"]],
    files: [
      ["file", "notes.txt", "text/plain", notes],
      ["nofile", "", "application/octet-stream", new Uint8Array(0)],
    ],
  },
  chromium_form_urlencoded: {
    form: [["name", "phial"], ["greeting", GREETING_CRLF], ["symbols", "a+b&c=d%e/f?g#h"]],
    files: [],
  },
};

async function load(name: string): Promise<{ body: Uint8Array; contentType: string }> {
  const body = await Deno.readFile(new URL(`${name}.body`, dir));
  const meta = JSON.parse(await Deno.readTextFile(new URL(`${name}.json`, dir)));
  return { body, contentType: meta.contentType };
}

/** An input that hands the body over in irregular chunks, as a socket would. */
function chunkedInput(body: Uint8Array, seed: number): BodyInput {
  let pos = 0;
  let state = seed;
  return new BodyInput(() => {
    if (pos >= body.length) return Promise.resolve(null);
    state = (state * 1103515245 + 12345) % 2147483648;
    const size = 1 + (state % 997);
    const chunk = body.slice(pos, pos + size);
    pos += size;
    return Promise.resolve(chunk);
  });
}

function sortedForm(pairs: [string, string][]): [string, string][] {
  return [...pairs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

async function check(request: Request, expected: Expected): Promise<void> {
  const form = await request.form;
  // MultiDict groups values by key; compare per key, in order.
  deepEqual(sortedForm(form.items({ multi: true })), sortedForm(expected.form));
  const files = await request.files;
  const got: [string, string, string, Uint8Array][] = [];
  for (const [key, file] of files.items({ multi: true })) {
    got.push([key, file.filename!, file.contentType!, await file.read()]);
  }
  const want = [...expected.files];
  deepEqual(
    got.sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    want.sort((a, b) => (a[0] < b[0] ? -1 : 1)),
  );
}

for (const [name, expected] of Object.entries(CAPTURES)) {
  Deno.test(`Request parses the ${name} capture byte for byte`, async () => {
    const { body, contentType } = await load(name);
    const request = new Request(makeEnviron({ CONTENT_TYPE: contentType }, body));
    try {
      await check(request, expected);
    } finally {
      await request.close();
    }
  });

  Deno.test(`Request parses the ${name} capture arriving in irregular chunks`, async () => {
    const { body, contentType } = await load(name);
    const environ: Environ = makeEnviron({
      CONTENT_TYPE: contentType,
      CONTENT_LENGTH: String(body.length),
      REQUEST_METHOD: "POST",
      "wsgi.input": chunkedInput(body, body.length),
    });
    const request = new Request(environ);
    try {
      await check(request, expected);
    } finally {
      await request.close();
    }
  });
}

Deno.test("a 600 KiB upload spills to a temporary file that Request.close removes", async () => {
  const { body, contentType } = await load("curl_big");
  const request = new Request(makeEnviron({ CONTENT_TYPE: contentType }, body));
  const file = (await request.files).get("big")!;
  const path = file.tempPath;
  equal(typeof path, "string");
  equal((await Deno.stat(path!)).size, big.length);
  const dir = await Deno.makeTempDir();
  try {
    await file.save(`${dir}/big.bin`);
    deepEqual(await Deno.readFile(`${dir}/big.bin`), big);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  await request.close();
  await rejects(() => Deno.stat(path!), Deno.errors.NotFound);
});

Deno.test("small uploads from the captures stay in memory", async () => {
  const { body, contentType } = await load("curl_form");
  const request = new Request(makeEnviron({ CONTENT_TYPE: contentType }, body));
  equal((await request.files).get("file")!.tempPath, undefined);
});

Deno.test("curl_big's upload is a 413 with maxContentLength below its size", async () => {
  const { body, contentType } = await load("curl_big");
  const request = new Request(makeEnviron({ CONTENT_TYPE: contentType }, body), {
    maxContentLength: 100_000,
  });
  await rejects(() => request.files, (e: unknown) => (e as { code?: number }).code === 413);
});
