// Flask 3.1.3's tests/test_async.py, ported to phial: one Deno.test per Flask test, named
// after it, asserting what the Flask test asserts (the expectations are Flask's own, from its
// test suite at the 3.1.3 tag, which the installed Flask 3.1.3 passes with asgiref). Flask
// runs `async def` views, hooks and error handlers through asgiref; in phial every view, hook
// and handler may be async natively, so these check that async views, before/after-request
// functions and error handlers work, on the app and on a blueprint. Each awaits a macrotask
// (`asyncio.sleep(0)`) before answering, so the pipeline really waits on a pending promise.
// Left out: the `/view` and `/methodview` cases of test_async_route, which use Flask's
// class-based views (`flask.views.View` / `MethodView`), which API.md §3 does not cover, and
// the `pytest.importorskip("asgiref")` guard (phial needs no adapter).
import assert from "node:assert/strict";
import { Application } from "../../framework/app/application.ts";
import { Blueprint } from "../../framework/app/blueprint.ts";
import { request } from "../../framework/app/globals.ts";

class AppError extends Error {}
class BlueprintError extends Error {}

/** `asyncio.sleep(0)`: gives the event loop a turn. */
const sleep0 = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** The `async_app` fixture (without the class-based views). */
function makeAsyncApp(): Application {
  const app = new Application(import.meta.url);
  const index = async function index() {
    await sleep0();
    return request.method;
  };
  app.route("/", index, { methods: ["GET", "POST"] });
  app.route("/home", index, { methods: ["GET", "POST"] });
  app.errorHandler(AppError, async function handle() {
    await sleep0();
    return ["", 412];
  });
  app.route("/error", async function error(): Promise<never> {
    await sleep0();
    throw new AppError();
  });

  const blueprint = new Blueprint("bp", import.meta.url);
  blueprint.route("/", async function bpIndex() {
    await sleep0();
    return request.method;
  }, { methods: ["GET", "POST"] });
  blueprint.errorHandler(BlueprintError, async function bpHandle() {
    await sleep0();
    return ["", 412];
  });
  blueprint.route("/error", async function bpError(): Promise<never> {
    await sleep0();
    throw new BlueprintError();
  });
  app.registerBlueprint(blueprint, { urlPrefix: "/bp" });
  return app;
}

Deno.test("test_async_route: async views answer GET and POST, on the app and a blueprint", async () => {
  for (const path of ["/", "/home", "/bp/"]) {
    const testClient = makeAsyncApp().testClient();
    let response = await testClient.get(path);
    assert.ok(response.text.includes("GET"), path);
    response = await testClient.post(path);
    assert.ok(response.text.includes("POST"), path);
  }
});

Deno.test("test_async_error_handler: async error handlers answer, on the app and a blueprint", async () => {
  for (const path of ["/error", "/bp/error"]) {
    const testClient = makeAsyncApp().testClient();
    const response = await testClient.get(path);
    assert.equal(response.statusCode, 412, path);
  }
});

Deno.test("test_async_before_after_request: async before/after-request functions run", async () => {
  let appBeforeCalled = false;
  let appAfterCalled = false;
  let bpBeforeCalled = false;
  let bpAfterCalled = false;

  const app = new Application(import.meta.url);
  app.route("/", function index() {
    return "";
  });
  app.beforeRequest(async function before() {
    await sleep0();
    appBeforeCalled = true;
  });
  app.afterRequest(async function after(response) {
    await sleep0();
    appAfterCalled = true;
    return response;
  });

  const blueprint = new Blueprint("bp", import.meta.url);
  blueprint.route("/", function bpIndex() {
    return "";
  });
  blueprint.beforeRequest(async function bpBefore() {
    await sleep0();
    bpBeforeCalled = true;
  });
  blueprint.afterRequest(async function bpAfter(response) {
    await sleep0();
    bpAfterCalled = true;
    return response;
  });
  app.registerBlueprint(blueprint, { urlPrefix: "/bp" });

  const testClient = app.testClient();
  await testClient.get("/");
  assert.ok(appBeforeCalled);
  assert.ok(appAfterCalled);
  await testClient.get("/bp/");
  assert.ok(bpBeforeCalled);
  assert.ok(bpAfterCalled);
});
