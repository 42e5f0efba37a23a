import assert from "node:assert/strict";
import { collectBody } from "../../framework/gateway/collect_body.ts";
import { runApp } from "../../framework/gateway/run_app.ts";
import type { Body, StartResponse } from "../../framework/gateway/types.ts";
import { testEnviron } from "./environ_fixture.ts";

const text = (chunks: Uint8Array[]) => new TextDecoder().decode(concat(chunks));
function concat(chunks: Uint8Array[]): Uint8Array {
  return new Uint8Array(chunks.flatMap((c) => [...c]));
}

Deno.test("collectBody reads a streamed body to its end and closes it", async () => {
  let closed = 0;
  const app = (_e: unknown, startResponse: StartResponse): Body => {
    startResponse("200 OK", [["Content-Type", "text/plain"]]);
    const body = (async function* () {
      yield "a";
      yield new TextEncoder().encode("b");
      yield "c";
    })();
    return Object.assign(body, { close: () => void closed++ });
  };
  const out = await runApp(app, testEnviron());
  assert.equal(text(await collectBody(out)), "abc");
  assert.equal(closed, 1);
});

Deno.test("collectBody gives a list the caller may change without touching the response", async () => {
  const out = await runApp((_e, startResponse) => {
    startResponse("200 OK", []);
    return ["x", "y"];
  }, testEnviron());
  const chunks = await collectBody(out);
  chunks.push(new Uint8Array([1]));
  assert.equal(text(out.chunks), "xy");
});

Deno.test("collectBody closes the body when reading it fails", async () => {
  let closed = 0;
  const app = (_e: unknown, startResponse: StartResponse): Body => {
    startResponse("200 OK", []);
    const body = (async function* () {
      yield "a";
      throw new Error("broken stream");
    })();
    return Object.assign(body, { close: () => void closed++ });
  };
  const out = await runApp(app, testEnviron());
  await assert.rejects(collectBody(out), /broken stream/);
  assert.equal(closed, 1);
});
