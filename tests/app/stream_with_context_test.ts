// streamWithContext. The bodies and the order of context events (appcontext pushed/popped,
// teardownRequest and teardownAppcontext calls, the generator's steps) were recorded by
// running the same apps through Flask 3.1.3's test client (recording script kept under
// /tmp): Flask 3.1 ends the view's request as usual, then pushes the contexts again around
// the generator and tears them down again when it ends. Where Flask passes GeneratorExit()
// to the teardown of a body closed early, phial passes null (JavaScript has no
// GeneratorExit).
import assert from "node:assert/strict";
import { Application } from "../../framework/app/application.ts";
import { g, request, session } from "../../framework/app/globals.ts";
import { streamWithContext } from "../../framework/app/stream_with_context.ts";
import { appcontextPopped, appcontextPushed } from "../../framework/app/signals.ts";
import type { Body } from "../../framework/gateway/types.ts";
import { EnvironBuilder } from "../../framework/wrappers/environ_builder.ts";
import { Response } from "../../framework/wrappers/response.ts";

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

function describeError(error: unknown): string {
  return error === null ? "null" : error instanceof Error ? error.message : String(error);
}

function makeApp(): { app: Application; log: unknown[]; done: () => void } {
  const app = new Application(import.meta.url);
  app.secretKey = "k";
  const log: unknown[] = [];
  app.teardownRequest((error) => {
    log.push(["teardown_request", describeError(error)]);
  });
  app.teardownAppcontext((error) => {
    log.push(["teardown_appcontext", describeError(error)]);
  });
  const pushed = () => log.push("pushed");
  const popped = () => log.push("popped");
  appcontextPushed.connect(pushed, { sender: app });
  appcontextPopped.connect(popped, { sender: app });
  app.route("/s", function s() {
    g.x = "gx";
    session.set("a", 1);
    return streamWithContext(async function* () {
      log.push("gen start");
      await tick();
      yield request.path + "|";
      await tick();
      yield String(g.x) + "|";
      yield String(session.get("a")) + "|" + (request.args.get("q") ?? "");
      log.push("gen end");
    }());
  });
  return {
    app,
    log,
    done: () => {
      appcontextPushed.disconnect(pushed, { sender: app });
      appcontextPopped.disconnect(popped, { sender: app });
    },
  };
}

const TEARDOWN = [["teardown_request", "null"], ["teardown_appcontext", "null"]];

Deno.test("streamWithContext keeps request, g and session in a body streamed after the view", async () => {
  const { app, log, done } = makeApp();
  try {
    const r = await app.testClient().get("/s?q=1");
    assert.equal(r.status, "200 OK");
    assert.equal(r.text, "/s|gx|1|1");
    assert.equal(r.headers.get("Content-Type"), "text/html; charset=utf-8");
    assert.equal(r.headers.get("Vary"), "Cookie");
    assert.match(r.headers.get("Set-Cookie") ?? "", /^session=[^;]+; HttpOnly; Path=\/$/);
    assert.deepEqual(log, [
      "pushed",
      ...TEARDOWN,
      "popped",
      "pushed",
      "gen start",
      "gen end",
      ...TEARDOWN,
      "popped",
    ]);
  } finally {
    done();
  }
});

Deno.test("streamWithContext wraps a function (decorator form) and works inside a Response", async () => {
  const { app, log, done } = makeApp();
  try {
    app.route("/w", function w() {
      const generate = streamWithContext(function* (greeting: string) {
        yield greeting;
        yield request.path;
      });
      assert.equal(typeof generate, "function");
      return new Response(generate("at "), { mimetype: "text/plain" });
    });
    const r = await app.testClient().get("/w");
    assert.equal(r.text, "at /w");
    assert.equal(r.headers.get("Content-Type"), "text/plain; charset=utf-8");
    assert.deepEqual(log, ["pushed", ...TEARDOWN, "popped", "pushed", ...TEARDOWN, "popped"]);
  } finally {
    done();
  }
});

Deno.test("without streamWithContext, a streamed body has no request, as in Flask", async () => {
  const app = new Application(import.meta.url);
  app.route("/n", function n() {
    return async function* () {
      yield "a";
      await tick();
      yield request.path;
    }();
  });
  await assert.rejects(() => app.testClient().get("/n"), /Working outside of request context/);
});

Deno.test("streamWithContext outside a request throws, saying where it works", () => {
  assert.throws(
    () => streamWithContext(["a"]),
    /streamWithContext can only be used when a request context is active/,
  );
  assert.throws(() => streamWithContext(42 as unknown as string[]), TypeError);
  // The decorator form checks when it is called, not when it is made.
  const later = streamWithContext(function* () {
    yield "a";
  });
  assert.throws(() => later(), /can only be used when a request context is active/);
});

Deno.test("streamWithContext tears the request down with the generator's error", async () => {
  const { app, log, done } = makeApp();
  try {
    app.route("/e", function e() {
      return streamWithContext(function* () {
        yield request.path;
        throw new Error("bad");
      }());
    });
    await assert.rejects(() => app.testClient().get("/e"), /bad/);
    assert.deepEqual(log, [
      "pushed",
      ...TEARDOWN,
      "popped",
      "pushed",
      ["teardown_request", "bad"],
      ["teardown_appcontext", "bad"],
      "popped",
    ]);
  } finally {
    done();
  }
});

Deno.test("streamWithContext: closing the body early closes the generator and tears down", async () => {
  const { app, log, done } = makeApp();
  try {
    let body: Body | null = null;
    const environ = new EnvironBuilder("/s").getEnviron();
    body = await app.wsgiApp(environ, () => () => {});
    const iterator = (body as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]();
    const first = await iterator.next();
    const value = first.value as Uint8Array | string;
    assert.equal(typeof value === "string" ? value : new TextDecoder().decode(value), "/s|");
    await body.close?.();
    await body.close?.(); // a second close does nothing more
    assert.deepEqual(log, [
      "pushed",
      ...TEARDOWN,
      "popped",
      "pushed",
      "gen start",
      ...TEARDOWN,
      "popped",
    ]);
    assert.equal((await iterator.next()).done, true);

    // Closed before it was iterated: the generator is closed, nothing is pushed again.
    log.length = 0;
    let finished = false;
    app.route("/never", function never() {
      return streamWithContext(async function* () {
        try {
          yield "x";
        } finally {
          finished = true;
        }
      }());
    });
    const never = await app.wsgiApp(new EnvironBuilder("/never").getEnviron(), () => () => {});
    await never.close?.();
    assert.deepEqual(log, ["pushed", ...TEARDOWN, "popped"]);
    assert.equal(finished, false); // never started, so its finally never ran
  } finally {
    done();
  }
});

Deno.test("streamWithContext keeps concurrent requests apart", async () => {
  const app = new Application(import.meta.url);
  app.route("/c/<name>", function c() {
    return streamWithContext(async function* () {
      for (let i = 0; i < 3; i++) {
        await tick();
        yield `${request.viewArgs?.name}${i} `;
      }
    }());
  });
  const client = app.testClient();
  const [a, b] = await Promise.all([client.get("/c/a"), client.get("/c/b")]);
  assert.equal(a.text, "a0 a1 a2 ");
  assert.equal(b.text, "b0 b1 b2 ");
});
