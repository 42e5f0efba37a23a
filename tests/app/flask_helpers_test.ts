// Flask 3.1.3's own tests of the helpers, ported: one Deno.test per Flask test, named after
// it (tests/test_helpers.py at the 3.1.3 tag: send_file/send_from_directory, url_for,
// redirect, abort, streaming, make_response). Each asserts what Flask's test asserts; the
// expected values are Flask's, and were checked by running those tests against the installed
// Flask 3.1.3 (pytest, script kept under /tmp). Flask's test files (static/index.html and
// test_apps/subdomaintestmodule/static/hello.txt) are written to a temp dir, the app's root.
// Left out: send_static_file, open_resource and get_debug_flag (not in phial's API), the
// Python-import test (TestNoImports), and test_app_aborter_class / test_abort_with_app,
// which need `aborter_class` / `app.aborter` on Application. The flashing tests are in
// Flask's test_basic.py (ported in flask_basic_test.ts); its test_flash_signal is in
// flask_context_test.ts.
import assert from "node:assert/strict";
import { Application } from "../../framework/app/application.ts";
import { request, session } from "../../framework/app/globals.ts";
import { makeResponse, redirect, urlFor } from "../../framework/app/helpers.ts";
import { sendFile, sendFromDirectory } from "../../framework/app/send_file.ts";
import { streamWithContext } from "../../framework/app/stream_with_context.ts";
import { abort, LookupError, Unauthorized } from "../../framework/http/exceptions.ts";
import { Response } from "../../framework/wrappers/response.ts";

const root = await Deno.makeTempDir({ prefix: "phial_flask_helpers_" });
await Deno.mkdir(`${root}/static`);
await Deno.mkdir(`${root}/test_apps/subdomaintestmodule/static`, { recursive: true });
await Deno.writeTextFile(`${root}/static/index.html`, "<h1>Hello World!</h1>\n");
await Deno.writeTextFile(
  `${root}/test_apps/subdomaintestmodule/static/hello.txt`,
  "Hello Subdomain\n",
);
globalThis.addEventListener("unload", () => Deno.removeSync(root, { recursive: true }));

/** Flask's `app` fixture: TESTING and a secret key, rooted where its test files are. */
function makeApp(rootPath: string = root): Application {
  const app = new Application("flask_test", { rootPath });
  app.config.update({ TESTING: true, SECRET_KEY: "test key" });
  return app;
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

// --- TestSendfile ------------------------------------------------------------------------

Deno.test("test_send_file", async () => {
  const app = makeApp();
  await app.testRequestContext().run(async () => {
    const rv = await sendFile("static/index.html");
    // Flask also checks rv.direct_passthrough, which phial's Response does not have.
    assert.equal(rv.mimetype, "text/html");
    const f = await Deno.readFile(`${root}/static/index.html`);
    assert.deepEqual(await rv.getData(), f);
    await rv.close();
  });
});

Deno.test("test_static_file", async () => {
  // Flask checks app.send_static_file too; phial has no static route, so sendFile only.
  const app = makeApp();
  await app.testRequestContext().run(async () => {
    // Default max_age is None.
    let rv = await sendFile("static/index.html");
    assert.equal(rv.cacheControl.maxAge, null);
    await rv.close();

    app.config.SEND_FILE_MAX_AGE_DEFAULT = 3600;
    rv = await sendFile("static/index.html");
    assert.equal(rv.cacheControl.maxAge, 3600);
    await rv.close();
  });

  class StaticFileApp extends Application {
    getSendFileMaxAge(_filename: string | null): number {
      return 10;
    }
  }
  const app2 = new StaticFileApp("flask_test", { rootPath: root });
  await app2.testRequestContext().run(async () => {
    const rv = await sendFile("static/index.html");
    assert.equal(rv.cacheControl.maxAge, 10);
    await rv.close();
  });
});

Deno.test("test_send_from_directory", async () => {
  // Flask sets app.root_path afterwards; phial takes the root path when the app is made.
  const app = makeApp(`${root}/test_apps/subdomaintestmodule`);
  await app.testRequestContext().run(async () => {
    const rv = await sendFromDirectory("static", "hello.txt");
    assert.equal(text(await rv.getData()).trim(), "Hello Subdomain");
    await rv.close();
  });
});

// --- TestUrlFor --------------------------------------------------------------------------

Deno.test("test_url_for_with_anchor", async () => {
  const app = makeApp();
  app.route("/", function index() {
    return "42";
  });
  await app.testRequestContext().run(() => {
    assert.equal(urlFor("index", { _anchor: "x y" }), "/#x%20y");
  });
});

Deno.test("test_url_for_with_scheme", async () => {
  const app = makeApp();
  app.route("/", function index() {
    return "42";
  });
  await app.testRequestContext().run(() => {
    assert.equal(urlFor("index", { _external: true, _scheme: "https" }), "https://localhost/");
  });
});

Deno.test("test_url_for_with_scheme_not_external", async () => {
  const app = makeApp();
  app.addUrlRule("/", { endpoint: "index" });
  await app.testRequestContext().run(() => {
    // Implicit external with scheme.
    assert.equal(urlFor("index", { _scheme: "https" }), "https://localhost/");
    // An error when external is false with a scheme (Flask's ValueError).
    assert.throws(() => urlFor("index", { _scheme: "https", _external: false }), TypeError);
  });
});

Deno.test("test_url_for_with_alternating_schemes", async () => {
  const app = makeApp();
  app.route("/", function index() {
    return "42";
  });
  await app.testRequestContext().run(() => {
    assert.equal(urlFor("index", { _external: true }), "http://localhost/");
    assert.equal(urlFor("index", { _external: true, _scheme: "https" }), "https://localhost/");
    assert.equal(urlFor("index", { _external: true }), "http://localhost/");
  });
});

Deno.test("test_url_with_method", async () => {
  // Flask's MethodView becomes one view registered on three rules, as as_view() gives.
  const app = makeApp();
  const myview = function myview({ id }: { id?: number }) {
    if (request.method === "POST") return "Create";
    return id === undefined ? "List" : `Get ${id}`;
  };
  app.addUrlRule("/myview/", { methods: ["GET"], view: myview });
  app.addUrlRule("/myview/<int:id>", { methods: ["GET"], view: myview });
  app.addUrlRule("/myview/create", { methods: ["POST"], view: myview });
  await app.testRequestContext().run(() => {
    assert.equal(urlFor("myview", { _method: "GET" }), "/myview/");
    assert.equal(urlFor("myview", { id: 42, _method: "GET" }), "/myview/42");
    assert.equal(urlFor("myview", { _method: "POST" }), "/myview/create");
  });
});

Deno.test("test_url_for_with_self", async () => {
  const app = makeApp();
  app.route("/<self>", function index() {
    return "42";
  });
  await app.testRequestContext().run(() => {
    assert.equal(urlFor("index", { self: "2" }), "/2");
  });
});

// --- redirect and abort ------------------------------------------------------------------

Deno.test("test_redirect_no_app", () => {
  const response = redirect("https://localhost", 307);
  assert.equal(response.location, "https://localhost");
  assert.equal(response.statusCode, 307);
});

Deno.test("test_redirect_with_app", async () => {
  const app = makeApp();
  app.redirect = () => {
    throw new RangeError("ValueError");
  };
  await app.appContext().run(() => {
    assert.throws(() => redirect("other"), RangeError);
  });
});

Deno.test("test_abort_no_app", () => {
  assert.throws(() => abort(401), Unauthorized);
  assert.throws(() => abort(900), LookupError);
});

// --- TestStreaming -----------------------------------------------------------------------

Deno.test("test_streaming_with_context", async () => {
  const app = makeApp();
  app.route("/", function index() {
    function* generate() {
      yield "Hello ";
      yield request.args.get("name") as string;
      yield "!";
    }
    return new Response(streamWithContext(generate()));
  });
  const rv = await app.testClient().get("/?name=World");
  assert.equal(rv.text, "Hello World!");
});

Deno.test("test_streaming_with_context_as_decorator", async () => {
  const app = makeApp();
  app.route("/", function index() {
    const generate = streamWithContext(function* (hello: string) {
      yield hello;
      yield request.args.get("name") as string;
      yield "!";
    });
    return new Response(generate("Hello "));
  });
  const rv = await app.testClient().get("/?name=World");
  assert.equal(rv.text, "Hello World!");
});

Deno.test("test_streaming_with_context_and_custom_close", async () => {
  const app = makeApp();
  const called: number[] = [];
  class Wrapper implements Iterator<string>, Iterable<string> {
    #gen: Iterator<string>;
    constructor(gen: Iterator<string>) {
      this.#gen = gen;
    }
    [Symbol.iterator](): Iterator<string> {
      return this;
    }
    close(): void {
      called.push(42);
    }
    next(): IteratorResult<string> {
      return this.#gen.next();
    }
  }
  app.route("/", function index() {
    function* generate() {
      yield "Hello ";
      yield request.args.get("name") as string;
      yield "!";
    }
    return new Response(streamWithContext(new Wrapper(generate())));
  });
  const rv = await app.testClient().get("/?name=World");
  assert.equal(rv.text, "Hello World!");
  assert.deepEqual(called, [42]);
});

Deno.test("test_stream_keeps_session", async () => {
  const app = makeApp();
  app.route("/", function index() {
    session.set("test", "flask");
    const gen = streamWithContext(function* () {
      yield session.get("test") as string;
    });
    return new Response(gen());
  });
  const rv = await app.testClient().get("/");
  assert.equal(rv.text, "flask");
});

Deno.test("test_async_view", async () => {
  // Flask also closes a response without reading it, and repeats both inside `with client:`
  // (context preservation); phial's test client reads every body and preserves no context.
  const app = makeApp();
  app.route("/", async function index() {
    await null;
    session.set("test", "flask");
    const gen = streamWithContext(function* () {
      yield session.get("test") as string;
    });
    return new Response(gen());
  });
  const client = app.testClient();
  await client.get("/");
  assert.equal((await client.get("/")).text, "flask");
});

// --- TestHelpers -------------------------------------------------------------------------

Deno.test("test_make_response", async () => {
  const app = new Application("flask_test");
  await app.testRequestContext().run(async () => {
    let rv = await makeResponse();
    assert.equal(rv.statusCode, 200);
    assert.equal(rv.mimetype, "text/html");

    rv = await makeResponse("Hello");
    assert.equal(rv.statusCode, 200);
    assert.equal(text(rv.data), "Hello");
    assert.equal(rv.mimetype, "text/html");
  });
});
