// flash and getFlashedMessages. The bodies, Set-Cookie deletions, signal payloads and
// errors below were recorded by running the same app through Flask 3.1.3's test client
// (recording script kept under /tmp); Flask's tuples are arrays here.
import assert from "node:assert/strict";
import { Application } from "../../framework/app/application.ts";
import { flash, getFlashedMessages } from "../../framework/app/flashing.ts";
import { session } from "../../framework/app/globals.ts";
import { messageFlashed } from "../../framework/app/signals.ts";

function makeApp(): Application {
  const app = new Application(import.meta.url);
  app.secretKey = "secret";
  app.route("/add", function add() {
    flash("Hello");
    flash("Oops", "error");
    flash("<b>Warn</b>", "warning");
    return "ok";
  });
  app.route("/show", function show() {
    const a = getFlashedMessages();
    const b = getFlashedMessages({ withCategories: true });
    const c = getFlashedMessages({ categoryFilter: ["error", "warning"] });
    const d = getFlashedMessages({ withCategories: true, categoryFilter: ["error"] });
    return JSON.stringify([a, b, c, d, session.has("_flashes")]);
  });
  app.route("/flash-then-get", function flashThenGet() {
    flash("one");
    const a = getFlashedMessages();
    flash("two");
    const b = getFlashedMessages();
    return JSON.stringify([a, b, session.get("_flashes", [])]);
  });
  return app;
}

Deno.test("flash stores [category, message] pairs in the session and sends messageFlashed", async () => {
  const app = makeApp();
  const sent: [string, string][] = [];
  const receiver = (_sender: unknown, data: { message: string; category: string }) => {
    sent.push([data.message, data.category]);
  };
  messageFlashed.connect(receiver, { sender: app });
  try {
    const client = app.testClient();
    const r = await client.get("/add");
    assert.equal(r.status, "200 OK");
    assert.match(r.headers.get("Set-Cookie") ?? "", /^session=[^;]+; HttpOnly; Path=\/$/);
    assert.deepEqual(sent, [["Hello", "message"], ["Oops", "error"], ["<b>Warn</b>", "warning"]]);
    // The session as the next request sees it.
    app.route("/raw", function raw() {
      return { flashes: session.get("_flashes") };
    });
    assert.deepEqual((await client.get("/raw")).json, {
      flashes: [["message", "Hello"], ["error", "Oops"], ["warning", "<b>Warn</b>"]],
    });
  } finally {
    messageFlashed.disconnect(receiver, { sender: app });
  }
});

Deno.test("getFlashedMessages takes the messages out once, with categories and filters", async () => {
  const client = makeApp().testClient();
  await client.get("/add");
  const first = await client.get("/show");
  assert.deepEqual(JSON.parse(first.text), [
    ["Hello", "Oops", "<b>Warn</b>"],
    [["message", "Hello"], ["error", "Oops"], ["warning", "<b>Warn</b>"]],
    ["Oops", "<b>Warn</b>"],
    [["error", "Oops"]],
    false,
  ]);
  // The emptied session is deleted, as Flask does.
  assert.equal(
    first.headers.get("Set-Cookie"),
    "session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Path=/",
  );
  const second = await client.get("/show");
  assert.deepEqual(JSON.parse(second.text), [[], [], [], [], false]);
  assert.equal(second.headers.get("Set-Cookie"), undefined);
});

Deno.test("getFlashedMessages reads the session once per request", async () => {
  const client = makeApp().testClient();
  const r = await client.get("/flash-then-get");
  // "two" was flashed after this request read its messages: it waits for the next one.
  assert.deepEqual(JSON.parse(r.text), [["one"], ["one"], [["message", "two"]]]);
  const next = await client.get("/show");
  assert.deepEqual(JSON.parse(next.text), [["two"], [["message", "two"]], [], [], false]);
});

Deno.test("flash needs a secret key; getFlashedMessages without one gives []", async () => {
  const app = new Application(import.meta.url);
  app.testing = true;
  app.route("/", function noKey() {
    flash("x");
    return "ok";
  });
  app.route("/g", function read() {
    return getFlashedMessages();
  });
  await assert.rejects(() => app.testClient().get("/"), /no secret key was set/);
  assert.deepEqual((await app.testClient().get("/g")).json, []);
});

Deno.test("flash and getFlashedMessages refuse bad arguments and need a request", async () => {
  const app = makeApp();
  await app.testRequestContext("/").run(() => {
    assert.throws(() => flash(42 as unknown as string), TypeError);
    assert.throws(() => flash("x", null as unknown as string), TypeError);
    assert.throws(() => getFlashedMessages({ categoryFilter: "error" }), TypeError);
    // A filter with no categories keeps everything, as Flask's empty tuple does.
    flash("kept");
    assert.deepEqual(getFlashedMessages({ categoryFilter: [] }), ["kept"]);
  });
  assert.throws(() => flash("x"), /Working outside of request context/);
  assert.throws(() => getFlashedMessages(), /Working outside of request context/);
});
