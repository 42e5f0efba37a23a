import assert from "node:assert/strict";
import { CallableApp } from "../../framework/middleware/callable_app.ts";
import { callApp } from "../../framework/gateway/call_app.ts";
import type { Body, Environ, StartResponse, WsgiApp } from "../../framework/gateway/types.ts";
import { Client } from "../../framework/wrappers/client.ts";

const hello: WsgiApp = (_environ, startResponse) => {
  startResponse("200 OK", [["Content-Type", "text/plain"]]);
  return ["hello"];
};

class Tagged extends CallableApp {
  calls = 0;
  constructor(readonly app: WsgiApp) {
    super();
  }
  wsgiApp(environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
    this.calls++;
    return this.app(
      environ,
      (status, headers, excInfo) =>
        startResponse(status, [...headers, ["X-Tag", String(this.calls)]], excInfo),
    );
  }
}

Deno.test("a CallableApp is an instance of its class and a WsgiApp function", async () => {
  const tagged = new Tagged(hello);
  assert.equal(typeof tagged, "function");
  assert.ok(tagged instanceof Tagged && tagged instanceof CallableApp);
  assert.deepEqual(Object.keys(tagged), ["app", "calls"]);
  // Called as a function, served as an object, wrapped again: all run wsgiApp.
  const client = new Client(tagged);
  assert.equal((await client.get("/")).headers.get("X-Tag"), "1");
  const asFunction = new Client((environ, startResponse) => tagged(environ, startResponse));
  assert.equal((await asFunction.get("/")).headers.get("X-Tag"), "2");
  const twice = new Tagged(tagged);
  const response = await new Client(twice).get("/");
  assert.deepEqual(response.headers.getlist("X-Tag"), ["3", "1"]);
  assert.equal(response.text, "hello");
});

Deno.test("Flask's idiom app.wsgiApp = new Middleware(app.wsgiApp) keeps the app servable", async () => {
  const app = { wsgiApp: hello as WsgiApp };
  app.wsgiApp = new Tagged(app.wsgiApp);
  const response = await new Client(app).get("/");
  assert.equal(response.headers.get("X-Tag"), "1");
});

Deno.test("callApp calls a function, or looks an object's wsgiApp up at the call", () => {
  const seen: string[] = [];
  const startResponse: StartResponse = () => () => {};
  callApp((() => (seen.push("fn"), [])) as WsgiApp, {} as Environ, startResponse);
  const object = { wsgiApp: (() => (seen.push("first"), [])) as WsgiApp };
  callApp(object, {} as Environ, startResponse);
  object.wsgiApp = () => (seen.push("later"), []);
  callApp(object, {} as Environ, startResponse);
  assert.deepEqual(seen, ["fn", "first", "later"]);
});
