// The Application pipeline. Statuses, bodies, headers and URLs below were recorded by
// running the same apps through Flask 3.1's test client (Allow headers are compared as
// sets: Flask's order is a Python set's).
import assert from "node:assert/strict";
import { Application } from "../../framework/app/application.ts";
import {
  currentApp,
  g,
  hasAppContext,
  hasRequestContext,
  request,
  session,
} from "../../framework/app/globals.ts";
import { jsonify, makeResponse, redirect, urlFor } from "../../framework/app/helpers.ts";
import { NotFound } from "../../framework/http/exceptions.ts";
import { startServer } from "../../framework/server/serve.ts";
import { ProxyFix } from "../../framework/middleware/proxy_fix.ts";

function allow(value: string | undefined): string[] {
  return (value ?? "").split(", ").filter((m) => m !== "").sort();
}

function exampleApp(): Application {
  const app = new Application(import.meta.url);
  app.route("/", () => "Hello World");
  app.route("/user/<int:id>", ({ id }) => ({ id }), { methods: ["GET", "POST"] });
  app.get("/items", function listItems() {
    return ["a", 201];
  });
  app.route("/boom", () => {
    throw new Error("boom");
  });
  return app;
}

Deno.test("Application answers views' return values as Flask does", async () => {
  const client = exampleApp().testClient();
  const hello = await client.get("/");
  assert.equal(hello.status, "200 OK");
  assert.equal(hello.text, "Hello World");
  assert.equal(hello.headers.get("Content-Type"), "text/html; charset=utf-8");
  const user = await client.get("/user/42");
  assert.equal(user.text, '{"id":42}\n');
  assert.equal(user.headers.get("Content-Type"), "application/json");
  assert.equal((await client.post("/user/7")).text, '{"id":7}\n');
  const items = await client.get("/items");
  assert.equal(items.status, "201 CREATED");
  assert.equal(items.text, "a");
  const head = await client.head("/");
  assert.equal(head.statusCode, 200);
  assert.equal(head.text, "");
});

Deno.test("Application answers 404, 405 with Allow, and OPTIONS automatically", async () => {
  const client = exampleApp().testClient();
  const missing = await client.get("/nope");
  assert.equal(missing.status, "404 NOT FOUND");
  assert.match(missing.text, /<title>404 Not Found<\/title>/);
  const wrong = await client.delete("/user/7");
  assert.equal(wrong.status, "405 METHOD NOT ALLOWED");
  assert.deepEqual(allow(wrong.headers.get("Allow")), ["GET", "HEAD", "OPTIONS", "POST"]);
  const options = await client.options("/user/7");
  assert.equal(options.status, "200 OK");
  assert.equal(options.text, "");
  assert.deepEqual(allow(options.headers.get("Allow")), ["GET", "HEAD", "OPTIONS", "POST"]);

  const app = new Application(import.meta.url);
  app.route("/manual", () => "x", { provideAutomaticOptions: false });
  assert.equal((await app.testClient().options("/manual")).statusCode, 405);
});

Deno.test("Application redirects to the canonical URL with 308, keeping the query", async () => {
  const app = new Application(import.meta.url);
  app.route("/strict/", () => "s");
  const response = await app.testClient().get("/strict?a=1");
  assert.equal(response.status, "308 PERMANENT REDIRECT");
  assert.equal(response.headers.get("Location"), "http://localhost/strict/?a=1");
});

Deno.test("Application names endpoints after views, or after the rule for anonymous views", () => {
  const app = new Application(import.meta.url);
  app.route("/a", function about() {
    return "";
  });
  app.route("/b", () => "");
  assert.ok("about" in app.viewFunctions);
  assert.ok("/b" in app.viewFunctions);
  assert.throws(
    () =>
      app.route("/c", function about() {
        return "other";
      }),
    /overwriting an existing endpoint function: about/,
  );
  assert.throws(
    () => app.get("/d", () => "", { methods: ["POST"] }),
    /Use route\(\) to give methods/,
  );
  assert.throws(() => app.route("/e", () => "", { methods: "POST" as never }), /list of strings/);
  assert.throws(() => app.route("/f", "nope" as never), TypeError);
});

Deno.test("Application runs the request hooks in Flask's order", async () => {
  const app = new Application(import.meta.url);
  const calls: string[] = [];
  app.beforeFirstRequest(() => void calls.push("first"));
  app.beforeRequest(() => void calls.push("before 1"));
  app.beforeRequest(() => {
    calls.push("before 2");
    if (request.path === "/blocked") return ["blocked", 403];
  });
  app.afterRequest((response) => (calls.push("after 1"), response));
  app.afterRequest((response) => {
    calls.push("after 2");
    response.headers.set("X-After", "1");
    return response;
  });
  app.teardownRequest((error) => void calls.push(`teardown ${error}`));
  app.teardownAppcontext(() => void calls.push("appcontext"));
  app.route("/", () => (calls.push("view"), "ok"));
  const client = app.testClient();
  const ok = await client.get("/");
  assert.equal(ok.headers.get("X-After"), "1");
  assert.deepEqual(calls, [
    "first",
    "before 1",
    "before 2",
    "view",
    "after 2",
    "after 1",
    "teardown null",
    "appcontext",
  ]);
  calls.length = 0;
  const blocked = await client.get("/blocked");
  assert.equal(blocked.status, "403 FORBIDDEN");
  assert.equal(blocked.text, "blocked");
  // Before-first-request ran once; a short-circuit still runs the after and teardown hooks.
  assert.deepEqual(calls, [
    "before 1",
    "before 2",
    "after 2",
    "after 1",
    "teardown null",
    "appcontext",
  ]);
});

Deno.test("Application finds error handlers by code, then by class and its parents", async () => {
  class AppError extends Error {}
  class NotAllowedHere extends AppError {}
  const app = new Application(import.meta.url);
  app.errorHandler(404, (e) => [`custom 404: ${e.code}`, 404]);
  app.errorHandler(AppError, (e) => [`app error: ${e.constructor.name}`, 418]);
  app.route("/sub", () => {
    throw new NotAllowedHere();
  });
  app.route("/abort", () => {
    throw new NotFound();
  });
  const client = app.testClient();
  assert.equal((await client.get("/nope")).text, "custom 404: 404");
  assert.equal((await client.get("/abort")).text, "custom 404: 404");
  const sub = await client.get("/sub");
  assert.equal(sub.statusCode, 418);
  assert.equal(sub.text, "app error: NotAllowedHere");
  assert.throws(() => app.errorHandler(999, () => ""), /999 is not a recognized HTTP error code/);
  assert.throws(() => app.errorHandler(new Error() as never, () => ""), /pass its class/);
});

Deno.test("Application answers an unhandled error with 500 and logs it, or lets it through in testing", async () => {
  const app = exampleApp();
  const logged: string[] = [];
  const errors = { write: (text: string) => void logged.push(text), flush() {} };
  const response = await app.testClient().get("/boom", {
    environOverrides: { "wsgi.errors": errors },
  } as never);
  assert.equal(response.status, "500 INTERNAL SERVER ERROR");
  assert.match(response.text, /<title>500 Internal Server Error<\/title>/);
  assert.match(logged.join(""), /Exception on \/boom \[GET\]/);
  assert.match(logged.join(""), /Error: boom/);

  app.errorHandler(500, (e) => [`handled ${e.originalException.message}`, 500]);
  assert.equal((await app.testClient().get("/boom")).text, "handled boom");

  app.testing = true;
  await assert.rejects(app.testClient().get("/boom"), /boom/);
});

Deno.test("Context locals follow each request across await, concurrently", async () => {
  const app = new Application(import.meta.url);
  app.route("/slow/<int:ms>", async ({ ms }) => {
    g.started = request.path;
    await new Promise((resolve) => setTimeout(resolve, ms));
    return `${request.path} ${g.started} ${currentApp.name === app.name}`;
  });
  const client = app.testClient();
  const [a, b] = await Promise.all([client.get("/slow/30"), client.get("/slow/5")]);
  assert.equal(a.text, "/slow/30 /slow/30 true");
  assert.equal(b.text, "/slow/5 /slow/5 true");
  assert.equal(hasRequestContext(), false);
  assert.equal(hasAppContext(), false);
  assert.throws(() => request.path, /Working outside of request context/);
  assert.throws(() => g.x, /Working outside of application context/);
});

Deno.test("appContext() and testRequestContext() run code with the locals bound", async () => {
  const app = exampleApp();
  const name = await app.appContext().run(() => {
    assert.equal(hasAppContext(), true);
    assert.equal(hasRequestContext(), false);
    g.value = 1;
    return currentApp.name;
  });
  assert.equal(name, "application_test");
  const seen = await app.testRequestContext("/user/3?q=x").run(() => [
    request.args.get("q"),
    request.endpoint,
    request.viewArgs,
    request instanceof app.requestClass,
  ]);
  assert.deepEqual(seen, ["x", "/user/<int:id>", { id: 3 }, true]);

  const ctx = app.testRequestContext("/");
  await ctx.push();
  assert.equal(request.path, "/");
  await ctx.pop();
  assert.equal(hasRequestContext(), false);
});

Deno.test("urlFor builds relative URLs in a request and absolute ones outside", async () => {
  const app = new Application(import.meta.url);
  app.route("/user/<int:id>", function user() {
    return "u";
  });
  app.route("/files/<path:rest>", function files() {
    return "f";
  });
  const urls = await app.testRequestContext("/x").run(() => [
    urlFor("user", { id: 42, page: 2 }),
    urlFor("user", { id: 1, _external: true }),
    urlFor("user", { id: 1, _anchor: "a b" }),
    urlFor("files", { rest: "a/b c" }),
    urlFor("user", { id: 1, _scheme: "https", _external: true }),
  ]);
  assert.deepEqual(urls, [
    "/user/42?page=2",
    "http://localhost/user/1",
    "/user/1#a%20b",
    "/files/a/b%20c",
    "https://localhost/user/1",
  ]);
  await assert.rejects(
    app.appContext().run(() => urlFor("user", { id: 5 })),
    /without SERVER_NAME configured/,
  );
  app.config.SERVER_NAME = "example.com";
  assert.equal(
    await app.appContext().run(() => urlFor("user", { id: 5 })),
    "http://example.com/user/5",
  );
});

Deno.test("redirect, jsonify and makeResponse build responses as Flask's helpers", async () => {
  const app = new Application(import.meta.url);
  app.route("/go", () => redirect("/x?a=<b>"));
  app.route("/json", () => jsonify({ b: 1, a: [1, 2] }));
  app.route("/made", () => makeResponse("made", 202, { "X-Made": "1" }));
  const client = app.testClient();
  const go = await client.get("/go");
  assert.equal(go.status, "302 FOUND");
  assert.equal(go.headers.get("Location"), "/x?a=%3Cb%3E");
  assert.equal(
    go.text,
    "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n" +
      '<p>You should be redirected automatically to the target URL: <a href="/x?a=&lt;b&gt;">' +
      "/x?a=&lt;b&gt;</a>. If not, click the link.\n",
  );
  assert.equal((await client.get("/json")).text, '{"a":[1,2],"b":1}\n');
  const made = await client.get("/made");
  assert.equal(made.statusCode, 202);
  assert.equal(made.headers.get("X-Made"), "1");
});

Deno.test("The session round-trips through the signed cookie, with Vary: Cookie", async () => {
  const app = new Application(import.meta.url);
  app.secretKey = "dev";
  app.route("/set", () => {
    session.set("x", 1);
    return "ok";
  });
  app.route("/get", () => String(session.get("x")));
  const client = app.testClient();
  const set = await client.get("/set");
  assert.equal(set.headers.get("Vary"), "Cookie");
  assert.match(set.headers.get("Set-Cookie")!, /^session=[^;]+; HttpOnly; Path=\/$/);
  const get = await client.get("/get");
  assert.equal(get.text, "1");
  assert.equal(get.headers.get("Vary"), "Cookie");
  assert.equal(get.headers.get("Set-Cookie"), undefined);
});

Deno.test("An Application is served by the reference server, as the seed article's app", async () => {
  const app = exampleApp();
  const server = startServer(app, { hostname: "127.0.0.1", port: 0, onListen: () => {} });
  try {
    const base = `http://127.0.0.1:${server.addr.port}`;
    const hello = await fetch(base + "/");
    assert.equal(await hello.text(), "Hello World");
    const user = await fetch(base + "/user/5", { method: "POST" });
    assert.deepEqual(await user.json(), { id: 5 });
    const missing = await fetch(base + "/nope");
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
  } finally {
    await server.shutdown();
  }
});

Deno.test("Flask's idiom app.wsgiApp = new ProxyFix(app.wsgiApp) works on an Application", async () => {
  const app = new Application(import.meta.url);
  app.route("/", () => `${request.remoteAddr} ${request.scheme}`);
  app.wsgiApp = new ProxyFix(app.wsgiApp, { xFor: 1, xProto: 1 });
  const response = await app.testClient().get("/", {
    headers: { "X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https" },
  });
  assert.equal(response.text, "203.0.113.9 https");
});

Deno.test("Application sends Flask's signals around each request, in order", async () => {
  const signals = await import("../../framework/app/signals.ts");
  const app = exampleApp();
  const seen: string[] = [];
  const receivers = [
    ["appcontextPushed", signals.appcontextPushed],
    ["requestStarted", signals.requestStarted],
    ["requestFinished", signals.requestFinished],
    ["gotRequestException", signals.gotRequestException],
    ["requestTearingDown", signals.requestTearingDown],
    ["appcontextTearingDown", signals.appcontextTearingDown],
    ["appcontextPopped", signals.appcontextPopped],
  ] as const;
  const connected = receivers.map(([name, signal]) => {
    const receiver = (sender: unknown) => void seen.push(`${name}${sender === app ? "" : "?"}`);
    (signal as unknown as { connect(fn: unknown): void }).connect(receiver);
    return () => (signal as unknown as { disconnect(fn: unknown): void }).disconnect(receiver);
  });
  try {
    await app.testClient().get("/");
    assert.deepEqual(seen, [
      "appcontextPushed",
      "requestStarted",
      "requestFinished",
      "requestTearingDown",
      "appcontextTearingDown",
      "appcontextPopped",
    ]);
    seen.length = 0;
    await app.testClient().get("/boom");
    assert.ok(seen.includes("gotRequestException"));
  } finally {
    for (const disconnect of connected) disconnect();
  }
});

Deno.test("An upload spilled to a temporary file is removed when the request ends", async () => {
  const app = new Application(import.meta.url);
  app.post("/upload", async function upload() {
    const files = await request.files;
    return String(files.get("f")?.filename);
  });
  const made: string[] = [];
  const realMakeTempFile = Deno.makeTempFile;
  Deno.makeTempFile = async (...args: Parameters<typeof Deno.makeTempFile>) => {
    const path = await realMakeTempFile(...args);
    made.push(path);
    return path;
  };
  try {
    const big = new Uint8Array(600 * 1024).fill(120); // beyond the 500 KiB kept in memory
    const response = await app.testClient().post("/upload", {
      files: { f: { data: big, filename: "big.bin" } },
    } as never);
    assert.equal(response.text, "big.bin");
    assert.equal(made.length, 1);
    await assert.rejects(Deno.stat(made[0]!), Deno.errors.NotFound);
  } finally {
    Deno.makeTempFile = realMakeTempFile;
  }
});
