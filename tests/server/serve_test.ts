/**
 * `serve()`'s dispatch and option checks, the access-log format, the app loader, and the
 * seed-shaped `WSGIServer` / `makeServer` of server.ts.
 */
import assert from "node:assert/strict";
import { accessLogger, formatAccessLog, formatLogTime } from "../../framework/server/access_log.ts";
import { AppLoadError, loadApp, parseAppSpec } from "../../framework/server/app_loader.ts";
import { serve, startServer } from "../../framework/server/serve.ts";
import type { ServeOptions } from "../../framework/server/types.ts";
import type { WsgiApp } from "../../framework/gateway/types.ts";
import { makeServer, WSGIServer } from "../../server.ts";

const hello: WsgiApp = (_environ, startResponse) => {
  startResponse("200 OK", [["Content-Type", "text/html"]]);
  return ["<h1>Hello, web!</h1>"];
};

const quiet = { hostname: "127.0.0.1", port: 0, onListen: () => {} } as const;

// --- serve() -----------------------------------------------------------------------------

Deno.test("serve() uses the reference engine by default (its own Server header)", async () => {
  const server = await serve(hello, { ...quiet, serverHeader: "phial-test" });
  try {
    const res = await fetch(`http://127.0.0.1:${server.addr.port}/`);
    assert.equal(await res.text(), "<h1>Hello, web!</h1>");
    assert.equal(res.headers.get("server"), "phial-test");
  } finally {
    await server.shutdown();
  }
});

for (const engine of ["reference", "deno", "serve-http"] as const) {
  Deno.test(`serve() with engine "${engine}" returns a handle with the real port`, async () => {
    const server = await serve(hello, { ...quiet, engine });
    try {
      assert.notEqual(server.addr.port, 0);
      assert.equal(server.addr.hostname, "127.0.0.1");
      const res = await fetch(`http://127.0.0.1:${server.addr.port}/`);
      assert.equal(await res.text(), "<h1>Hello, web!</h1>");
    } finally {
      await server.shutdown();
      await server.finished;
    }
  });
}

const badOptions: [string, ServeOptions, RegExp][] = [
  ["an unknown engine", { engine: "nginx" as never }, /Unknown engine "nginx".*reference/],
  ["maxConnections 0", { maxConnections: 0 }, /Invalid maxConnections 0: expected a number >= 1/],
  ["a negative port", { port: -1 }, /Invalid port -1/],
  ["a port above 65535", { port: 70000 }, /Invalid port 70000/],
  ["a fractional port", { port: 80.5 }, /Invalid port 80.5/],
  ["a string port", { port: "80" as never }, /Invalid port "80"/],
  ["an empty hostname", { hostname: "" }, /Invalid hostname/],
  ["a negative limit", { maxBodySize: -5 }, /Invalid maxBodySize -5/],
  ["a NaN timeout", { headTimeout: NaN }, /Invalid headTimeout/],
  ["workers = 0", { workers: 0 }, /Invalid workers 0/],
  ["workers > 1 (only the CLI has worker processes)", { workers: 2 }, /CLI/],
  ["a non-function onListen", { onListen: "x" as never }, /Invalid onListen/],
  ["a non-function accessLog", { accessLog: 1 as never }, /Invalid accessLog/],
  ["a signal that is not an AbortSignal", { signal: {} as never }, /Invalid signal/],
  ["a non-boolean reusePort", { reusePort: "yes" as never }, /Invalid reusePort/],
];
for (const [what, options, message] of badOptions) {
  Deno.test(`serve() rejects with a TypeError for ${what}`, async () => {
    await assert.rejects(serve(hello, { ...quiet, ...options }), (error: unknown) => {
      assert.ok(error instanceof TypeError, `${error} is a TypeError`);
      assert.match(error.message, message);
      return true;
    });
  });
}

Deno.test("serve() rejects with a TypeError for something that is not an app object", async () => {
  await assert.rejects(serve(42 as never, quiet), /not an app object.*got 42/);
  await assert.rejects(serve({ wsgi: () => {} } as never, quiet), /without a wsgiApp method/);
  class App {
    wsgiApp = hello;
  }
  await assert.rejects(serve(App as never, quiet), /the class App; serve an instance/);
  // startServer, which gives the handle at once, throws the same errors.
  assert.throws(() => startServer(42 as never, quiet), /not an app object.*got 42/);
});

Deno.test("serve() rejects with AddrInUse when the port is taken", async () => {
  const first = await serve(hello, quiet);
  try {
    for (const engine of ["reference", "deno", "serve-http"] as const) {
      await assert.rejects(
        serve(hello, { ...quiet, engine, port: first.addr.port }),
        Deno.errors.AddrInUse,
      );
    }
  } finally {
    await first.shutdown();
  }
});

// --- access log --------------------------------------------------------------------------

Deno.test("formatAccessLog writes gunicorn's combined format", () => {
  const when = new Date(2026, 10, 21, 5, 7, 9);
  const line = formatAccessLog({
    remoteAddr: "127.0.0.1",
    method: "GET",
    target: "/a?b=1",
    protocol: "HTTP/1.1",
    status: 200,
    bytes: 20,
    durationMs: 1.5,
    referer: "http://x/",
    userAgent: "curl/8.5.0",
  }, when);
  assert.equal(
    line,
    `127.0.0.1 - - [${formatLogTime(when)}] "GET /a?b=1 HTTP/1.1" 200 20 "http://x/" "curl/8.5.0"`,
  );
  assert.match(formatLogTime(when), /^21\/Nov\/2026:05:07:09 [+-]\d{4}$/);
});

Deno.test("formatAccessLog writes - for missing fields and escapes quotes and controls", () => {
  const line = formatAccessLog({
    remoteAddr: "",
    method: "GET",
    target: '/"evil"\n',
    protocol: "HTTP/1.0",
    status: 404,
    bytes: 0,
    durationMs: 0,
    referer: undefined,
    userAgent: undefined,
  });
  assert.match(line, /^- - - \[[^\]]+\] "GET \/\\"evil\\"\\x0a HTTP\/1\.0" 404 0 "-" "-"$/);
  assert.equal(line.includes("\n"), false);
});

// --- app loader ----------------------------------------------------------------------------

Deno.test("parseAppSpec splits MODULE[:ATTR] and keeps colons that belong to the module", () => {
  assert.deepEqual(parseAppSpec("examples/hello.ts"), {
    module: "examples/hello.ts",
    attr: "app",
    attrGiven: false,
  });
  assert.deepEqual(parseAppSpec("myapp.ts:application"), {
    module: "myapp.ts",
    attr: "application",
    attrGiven: true,
  });
  assert.deepEqual(parseAppSpec("mod.ts:api.app"), {
    module: "mod.ts",
    attr: "api.app",
    attrGiven: true,
  });
  assert.deepEqual(parseAppSpec("mod.ts:createApp()"), {
    module: "mod.ts",
    attr: "createApp()",
    attrGiven: true,
  });
  assert.deepEqual(parseAppSpec("file:///srv/app.ts"), {
    module: "file:///srv/app.ts",
    attr: "app",
    attrGiven: false,
  });
  assert.deepEqual(parseAppSpec("https://example.com:8080/app.ts:wsgi"), {
    module: "https://example.com:8080/app.ts",
    attr: "wsgi",
    attrGiven: true,
  });
  assert.throws(() => parseAppSpec(":app"), AppLoadError);
});

Deno.test("loadApp imports a file relative to cwd and takes ATTR (default app)", async () => {
  const root = new URL("../../", import.meta.url).pathname;
  const app = await loadApp("examples/hello.ts", root);
  const named = await loadApp("examples/hello.ts:application", root);
  assert.equal(typeof app, "function");
  assert.equal(typeof named, "function");
  const object = await loadApp("examples/class_app.ts", root);
  assert.equal(typeof (object as { wsgiApp: unknown }).wsgiApp, "function");
});

Deno.test("loadApp finds myapp.ts for a module given without extension, as gunicorn's myapp", async () => {
  const root = new URL("../../", import.meta.url).pathname;
  const app = await loadApp("examples/hello:application", root);
  assert.equal(typeof app, "function");
  await assert.rejects(loadApp("examples/nope", root), /Cannot find module "examples\/nope"/);
});

Deno.test("loadApp without ATTR falls back to application, then the default export", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/a.ts`,
      "export const application = () => [];\nexport default { wsgiApp: () => [] };\n",
    );
    await Deno.writeTextFile(`${dir}/d.ts`, "export default { wsgiApp: () => [] };\n");
    assert.equal(typeof await loadApp("a.ts", dir), "function");
    assert.equal(typeof await loadApp("d.ts", dir), "object");
    await assert.rejects(loadApp("d.ts:app", dir), /Failed to find attribute "app".*default/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadApp calls an app factory written ATTR()", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/factory.ts`,
      "export async function createApp() { return { wsgiApp: () => [] }; }\n",
    );
    const app = await loadApp("factory.ts:createApp()", dir);
    assert.equal(typeof (app as { wsgiApp: unknown }).wsgiApp, "function");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadApp gives one-line errors for each way a spec can be wrong", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/five.ts`, "export const app = 5;\nexport const other = 1;\n");
    await Deno.writeTextFile(`${dir}/broken.ts`, "export const app = {;\n");
    const cases: [string, RegExp][] = [
      ["missing.ts", /^Cannot find module "missing\.ts"/],
      ["five.ts:nope", /^Failed to find attribute "nope" in module "five\.ts".*app, other/],
      ["five.ts", /^"five\.ts:app" is not an app object.*got 5$/],
      ["broken.ts", /^Cannot import module "broken\.ts": /],
      [".", /^Cannot import module "\.": not a file$/],
      ["five.ts:other()", /^Cannot call "other\(\)"/],
    ];
    for (const [spec, message] of cases) {
      await assert.rejects(loadApp(spec, dir), (error: unknown) => {
        assert.ok(error instanceof AppLoadError, `${spec}: ${error}`);
        assert.match(error.message, message, spec);
        assert.equal(error.message.includes("\n"), false, `${spec}: one line`);
        return true;
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// --- WSGIServer / makeServer ----------------------------------------------------------------

Deno.test("makeServer binds at once, reports serverName/serverPort, serves after serveForever", async () => {
  const httpd = makeServer({ hostname: "127.0.0.1", port: 0 }, hello, { onListen: () => {} });
  assert.equal(httpd.serverName, "127.0.0.1");
  assert.notEqual(httpd.serverPort, 0);
  const running = httpd.serveForever();
  const res = await fetch(`http://127.0.0.1:${httpd.serverPort}/`);
  assert.equal(await res.text(), "<h1>Hello, web!</h1>");
  await httpd.shutdown();
  await running;
});

Deno.test("WSGIServer holds requests that arrive before serveForever(), then answers them", async () => {
  const server = new WSGIServer({ hostname: "127.0.0.1", port: 0 }, { onListen: () => {} });
  server.setApp(hello);
  let answered = false;
  const early = fetch(`http://127.0.0.1:${server.serverPort}/`).then(async (res) => {
    answered = true;
    return await res.text();
  });
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(answered, false, "not answered before serveForever()");
  const running = server.serveForever();
  assert.equal(await early, "<h1>Hello, web!</h1>");
  await server.shutdown();
  await running;
});

Deno.test("WSGIServer.serveForever() without setApp() rejects with a TypeError", async () => {
  const server = new WSGIServer({ hostname: "127.0.0.1", port: 0 }, { onListen: () => {} });
  try {
    await assert.rejects(server.serveForever(), /call setApp\(app\) before serveForever\(\)/);
    assert.throws(() => server.setApp(null as never), TypeError);
  } finally {
    await server.shutdown();
  }
});

Deno.test("WSGIServer serves on the engine its options name", async () => {
  const server = new WSGIServer({ hostname: "127.0.0.1", port: 0 }, {
    engine: "deno",
    onListen: () => {},
  });
  server.setApp({ wsgiApp: hello });
  const running = server.serveForever();
  try {
    const res = await fetch(`http://127.0.0.1:${server.serverPort}/`);
    assert.equal(await res.text(), "<h1>Hello, web!</h1>");
  } finally {
    await server.shutdown();
    await running;
  }
});

Deno.test("makeServer takes the article's (HOST, PORT) pair as [hostname, port]", async () => {
  const httpd = makeServer(["127.0.0.1", 0], hello, { onListen: () => {} });
  const running = httpd.serveForever();
  try {
    assert.equal(httpd.serverName, "127.0.0.1");
    const res = await fetch(`http://127.0.0.1:${httpd.serverPort}/`);
    assert.equal(await res.text(), "<h1>Hello, web!</h1>");
  } finally {
    await httpd.shutdown();
    await running;
  }
  assert.throws(() => new WSGIServer(null as never), /must be \{ hostname\?, port \}/);
  assert.throws(() => makeServer({ port: 70000 }, hello), /Invalid port 70000/);
});

Deno.test("accessLogger(write) hands one formatted line per request to write", async () => {
  const lines: string[] = [];
  const server = await serve(hello, {
    ...quiet,
    accessLog: accessLogger((line) => lines.push(line)),
  });
  try {
    await (await fetch(`http://127.0.0.1:${server.addr.port}/x`, {
      headers: { "User-Agent": "t" },
    })).text();
    for (let i = 0; i < 100 && lines.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^127\.0\.0\.1 - - \[[^\]]+\] "GET \/x HTTP\/1\.1" 200 20 "-" "t"$/);
  } finally {
    await server.shutdown();
  }
});

Deno.test("serve() with reusePort on the reference engine but no --unstable-net is a TypeError, not an exit", async () => {
  const script = `
    import { serve } from ${JSON.stringify(new URL("../../mod.ts", import.meta.url).href)};
    try {
      await serve(() => [], { port: 0, reusePort: true });
      console.log("served");
    } catch (error) {
      console.log(error instanceof TypeError ? "TypeError: " + error.message : String(error));
    }
  `;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-config", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout);
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  assert.match(
    text,
    /TypeError: reusePort on the reference engine needs Deno's --unstable-net flag/,
  );
});
