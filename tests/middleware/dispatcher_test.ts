// Expected SCRIPT_NAME/PATH_INFO splits recorded from Werkzeug 3.1's DispatcherMiddleware
// with the same mounts (each mounted app answered with its name and the two keys).
import assert from "node:assert/strict";
import { DispatcherMiddleware } from "../../framework/middleware/dispatcher.ts";
import type { Environ, WsgiApp } from "../../framework/gateway/types.ts";
import { startServer } from "../../framework/server/serve.ts";
import { Client } from "../../framework/wrappers/client.ts";

function named(name: string): WsgiApp {
  return (environ, startResponse) => {
    startResponse("200 OK", [["Content-Type", "application/json"]]);
    return [JSON.stringify([name, environ.SCRIPT_NAME, environ.PATH_INFO])];
  };
}

const mounts = {
  "/api": named("api"),
  "/api/v2": named("v2"),
  "/static/": named("slash"),
  "/a b": named("space"),
};

// [SCRIPT_NAME, PATH_INFO] in → [app, SCRIPT_NAME, PATH_INFO] seen by the app.
const cases: [string, string, string, string, string][] = [
  ["", "/api", "api", "/api", ""],
  ["", "/api/", "api", "/api", "/"],
  ["", "/api/x/y", "api", "/api", "/x/y"],
  ["", "/api/v2", "v2", "/api/v2", ""],
  ["", "/api/v2/z", "v2", "/api/v2", "/z"],
  ["", "/api/v3", "api", "/api", "/v3"],
  ["", "/apix", "root", "", "/apix"],
  ["", "/", "root", "", "/"],
  ["", "", "root", "", ""],
  ["", "/static/", "slash", "/static/", ""],
  ["", "/static/x", "root", "", "/static/x"],
  ["", "/static", "root", "", "/static"],
  ["/pre", "/api/q", "api", "/pre/api", "/q"],
  ["", "//api", "root", "", "//api"],
  ["", "/a b/c", "space", "/a b", "/c"],
  ["", "/API", "root", "", "/API"],
];

const dispatcher = new DispatcherMiddleware(named("root"), mounts);

for (const [script, path, app, seenScript, seenPath] of cases) {
  Deno.test(`DispatcherMiddleware sends ${JSON.stringify(script + path)} to ${app} as ${JSON.stringify([seenScript, seenPath])}`, async () => {
    const environ = { SCRIPT_NAME: script, PATH_INFO: path } as Environ;
    let status = "";
    const body = await dispatcher(environ, (s) => {
      status = s;
      return () => {};
    }) as string[];
    assert.equal(status, "200 OK");
    assert.deepEqual(JSON.parse(body[0]!), [app, seenScript, seenPath]);
    // The environ itself is updated, as a middleware passes it on.
    assert.equal(environ.SCRIPT_NAME, seenScript);
    assert.equal(environ.PATH_INFO, seenPath);
  });
}

Deno.test("DispatcherMiddleware reads its mounts at each request and mounts app objects", async () => {
  const root = new DispatcherMiddleware(named("root"));
  const client = new Client(root);
  assert.deepEqual((await client.get("/late/x")).json, ["root", "", "/late/x"]);
  root.mounts["/late"] = { wsgiApp: named("late") };
  assert.deepEqual((await client.get("/late/x")).json, ["late", "/late", "/x"]);
  // An Object.prototype name is not a mount; a path without a slash moves into SCRIPT_NAME
  // whole, as in Werkzeug.
  assert.deepEqual((await client.get("constructor")).json, ["root", "constructor", ""]);
});

Deno.test("DispatcherMiddleware nests, and a mounted app builds URLs under its prefix", async () => {
  const inner = new DispatcherMiddleware(named("inner-root"), { "/v1": named("v1") });
  const outer = new DispatcherMiddleware(named("root"), { "/api": inner });
  assert.deepEqual((await new Client(outer).get("/api/v1/users")).json, [
    "v1",
    "/api/v1",
    "/users",
  ]);
  assert.deepEqual((await new Client(outer).get("/api/other")).json, [
    "inner-root",
    "/api",
    "/other",
  ]);
});

Deno.test("DispatcherMiddleware serves mounted apps over a real socket", async () => {
  const server = startServer(dispatcher, { hostname: "127.0.0.1", port: 0, onListen: () => {} });
  try {
    const base = `http://127.0.0.1:${server.addr.port}`;
    assert.deepEqual(await (await fetch(`${base}/api/v2/items?x=1`)).json(), [
      "v2",
      "/api/v2",
      "/items",
    ]);
    assert.deepEqual(await (await fetch(`${base}/a%20b/c`)).json(), ["space", "/a b", "/c"]);
    assert.deepEqual(await (await fetch(`${base}/elsewhere`)).json(), ["root", "", "/elsewhere"]);
  } finally {
    await server.shutdown();
  }
});
