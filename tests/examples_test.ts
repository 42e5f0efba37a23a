/**
 * Every example in examples/ served on a loopback port and requested, on every engine.
 */
import assert from "node:assert/strict";
import { app as hello, application } from "../examples/hello.ts";
import { app as classApp, Application } from "../examples/class_app.ts";
import { app as streaming } from "../examples/streaming.ts";
import { app as timed, timing } from "../examples/middleware.ts";
import { app as flaskApp } from "../examples/flask_app.ts";
import type { AppObject, WsgiApp } from "../framework/gateway/types.ts";
import { serve } from "../framework/server/serve.ts";
import type { EngineName } from "../framework/server/types.ts";

const ENGINES: EngineName[] = ["reference", "deno", "serve-http"];

async function served(
  engine: EngineName,
  app: AppObject,
  fn: (base: string) => Promise<void>,
): Promise<void> {
  const server = await serve(app, { hostname: "127.0.0.1", port: 0, engine, onListen: () => {} });
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`);
  } finally {
    await server.shutdown();
  }
}

for (const engine of ENGINES) {
  Deno.test(`[${engine}] examples/hello.ts answers <h1>Hello, web!</h1> as text/html`, async () => {
    assert.equal(hello, application);
    await served(engine, hello, async (base) => {
      const res = await fetch(base + "/");
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), "text/html");
      assert.equal(await res.text(), "<h1>Hello, web!</h1>");
    });
  });

  Deno.test(`[${engine}] examples/class_app.ts greets by name and counts requests`, async () => {
    const app = new Application("Hi");
    await served(engine, app, async (base) => {
      assert.equal(await (await fetch(base + "/?name=deno")).text(), "Hi, deno! (request 1)\n");
      assert.equal(await (await fetch(base + "/")).text(), "Hi, web! (request 2)\n");
      assert.equal(app.count, 2);
    });
    assert.ok(classApp instanceof Application);
  });

  Deno.test(`[${engine}] examples/class_app.ts can be wrapped through its wsgiApp`, async () => {
    const app = new Application();
    await served(engine, app, async (base) => {
      app.wsgiApp = timing(app.wsgiApp);
      const res = await fetch(base + "/");
      assert.match(res.headers.get("x-response-time") ?? "", /^\d+\.\d+ms$/);
      assert.equal(await res.text(), "Hello, web! (request 1)\n");
    });
  });

  Deno.test(`[${engine}] examples/streaming.ts streams n lines`, async () => {
    await served(engine, streaming, async (base) => {
      const res = await fetch(base + "/?n=5&delay=1");
      assert.equal(res.headers.get("content-type"), "text/plain; charset=utf-8");
      const text = await res.text();
      assert.equal(
        text,
        ["line 1 of 5", "line 2 of 5", "line 3 of 5", "line 4 of 5", "line 5 of 5", ""].join(
          "\n",
        ),
      );
    });
  });

  Deno.test(`[${engine}] examples/streaming.ts stops when the client leaves`, async () => {
    await served(engine, streaming, async (base) => {
      const controller = new AbortController();
      const res = await fetch(base + "/?n=1000&delay=20", { signal: controller.signal });
      const reader = res.body!.getReader();
      const first = await reader.read();
      assert.match(new TextDecoder().decode(first.value), /^line 1 of 1000\n/);
      controller.abort();
      await reader.read().catch(() => {});
    });
  });

  Deno.test(`[${engine}] examples/middleware.ts adds X-Response-Time to the hello app`, async () => {
    await served(engine, timed, async (base) => {
      const res = await fetch(base + "/");
      assert.match(res.headers.get("x-response-time") ?? "", /^\d+\.\d+ms$/);
      assert.equal(await res.text(), "<h1>Hello, web!</h1>");
    });
  });
}

Deno.test("examples/middleware.ts timing() passes excInfo through to startResponse", () => {
  const calls: unknown[][] = [];
  const inner: WsgiApp = (_environ, startResponse) => {
    startResponse("200 OK", []);
    startResponse("500 Internal Server Error", [], "the error");
    return [];
  };
  timing(inner)({} as never, (status, headers, excInfo) => {
    calls.push([status, headers.map(([k]) => k), excInfo]);
    return () => {};
  });
  assert.deepEqual(calls, [
    ["200 OK", ["X-Response-Time"], undefined],
    ["500 Internal Server Error", ["X-Response-Time"], "the error"],
  ]);
});

for (const engine of ENGINES) {
  Deno.test(`[${engine}] examples/flask_app.ts routes, builds URLs, redirects and keeps a session`, async () => {
    await served(engine, flaskApp, async (base) => {
      const home = await fetch(base + "/");
      assert.equal(await home.text(), "<h1>Hello, web!</h1>");
      assert.equal(home.headers.get("x-powered-by"), "phial");
      assert.deepEqual(await (await fetch(base + "/user/41")).json(), { id: 41, next: "/user/42" });
      const moved = await fetch(base + "/old-home", { redirect: "manual" });
      assert.equal(moved.status, 302);
      assert.equal(moved.headers.get("location"), "/");
      await moved.body?.cancel();
      const first = await fetch(base + "/visits");
      assert.equal(await first.text(), "visit 1");
      const cookie = first.headers.get("set-cookie")!.split(";")[0]!;
      const second = await fetch(base + "/visits", { headers: { cookie } });
      assert.equal(await second.text(), "visit 2");
      const echoed = await fetch(base + "/echo", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text: "hi" }),
      });
      assert.equal(echoed.status, 201);
      assert.deepEqual(await echoed.json(), { echoed: "hi" });
      const missing = await fetch(base + "/missing");
      assert.equal(missing.status, 404);
      assert.deepEqual(await missing.json(), { error: "nothing at /missing" });
    });
  });
}
