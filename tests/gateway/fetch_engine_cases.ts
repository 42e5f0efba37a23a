// Behaviour every fetch-based engine (deno, serve-http) must show, on real loopback sockets.
import assert from "node:assert/strict";
import type { AppObject, Environ, WsgiApp } from "../../framework/gateway/types.ts";
import type { AccessLogEntry, ServeOptions, ServerHandle } from "../../framework/server/types.ts";
import { MemoryErrorStream } from "../../framework/gateway/error_stream.ts";

type Engine = (app: AppObject, options: ServeOptions) => ServerHandle;

const enc = new TextEncoder();
const dec = new TextDecoder();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Starts `app` on port 0 and gives its base URL; the server is shut down afterwards. */
async function withServer(
  engine: Engine,
  app: AppObject,
  options: ServeOptions,
  body: (base: string, server: ServerHandle) => Promise<void>,
): Promise<void> {
  const server = engine(app, { hostname: "127.0.0.1", port: 0, ...options });
  try {
    await body(`http://127.0.0.1:${server.addr.port}`, server);
  } finally {
    await server.shutdown();
    await server.finished;
  }
}

/** Routes wsgi.errors into memory so expected failures stay out of the test output. */
function quiet(app: WsgiApp, errors = new MemoryErrorStream()): WsgiApp {
  return (environ, startResponse) => {
    environ["wsgi.errors"] = errors;
    return app(environ, startResponse);
  };
}

const hello: WsgiApp = (_environ, startResponse) => {
  startResponse("200 OK", [["Content-Type", "text/html"]]);
  return ["<h1>Hello, web!</h1>"];
};

export function fetchEngineCases(name: string, engine: Engine): void {
  Deno.test(`${name} engine serves the seed's hello app with Content-Length and no Server header, as Deno.serve`, async () => {
    let listened: Deno.NetAddr | undefined;
    await withServer(
      engine,
      hello,
      { onListen: (addr) => listened = addr },
      async (base, server) => {
        assert.equal(listened?.port, server.addr.port);
        assert.notEqual(server.addr.port, 0);
        const response = await fetch(base + "/");
        assert.equal(response.status, 200);
        assert.equal(response.headers.get("content-type"), "text/html");
        assert.equal(response.headers.get("content-length"), "20");
        // Deno.serve sends no Server header; neither do the engines built on it.
        assert.equal(response.headers.get("server"), null);
        assert.ok(response.headers.get("date"));
        assert.equal(await response.text(), "<h1>Hello, web!</h1>");
      },
    );
  });

  Deno.test(`${name} engine builds the environ from the request and streams wsgi.input`, async () => {
    let seen: Environ | undefined;
    let body = "";
    const app: WsgiApp = async (environ, startResponse) => {
      seen = environ;
      for await (const chunk of environ["wsgi.input"]) body += dec.decode(chunk);
      startResponse("200 OK", []);
      return [];
    };
    await withServer(engine, app, {}, async (base, server) => {
      const upload = new ReadableStream({
        start(c) {
          c.enqueue(enc.encode("part one, "));
          c.enqueue(enc.encode("part two"));
          c.close();
        },
      });
      const response = await fetch(base + "/caf%C3%A9/x?q=1", {
        method: "POST",
        body: upload,
        headers: { "X-Custom": "v", "Content-Type": "text/plain" },
      });
      await response.arrayBuffer();
      assert.equal(seen?.REQUEST_METHOD, "POST");
      assert.equal(seen?.PATH_INFO, "/café/x");
      assert.equal(seen?.QUERY_STRING, "q=1");
      assert.equal(seen?.RAW_URI, "/caf%C3%A9/x?q=1");
      assert.equal(seen?.SERVER_PORT, String(server.addr.port));
      assert.equal(seen?.REMOTE_ADDR, "127.0.0.1");
      assert.match(String(seen?.REMOTE_PORT), /^\d+$/);
      assert.equal(seen?.HTTP_X_CUSTOM, "v");
      assert.equal(seen?.CONTENT_TYPE, "text/plain");
      assert.equal(seen?.["wsgi.url_scheme"], "http");
      assert.ok(seen?.["deno.request"] instanceof Request);
      assert.equal(body, "part one, part two");
    });
  });

  Deno.test(`${name} engine streams an async body as the app produces it`, async () => {
    let produced = 0;
    const app: WsgiApp = (_environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return (async function* () {
        for (let i = 0; i < 3; i++) {
          produced++;
          yield `line ${i}\n`;
          await sleep(30);
        }
      })();
    };
    await withServer(engine, app, {}, async (base) => {
      const response = await fetch(base + "/");
      assert.equal(response.headers.get("content-length"), null);
      const reader = response.body!.getReader();
      const first = await reader.read();
      assert.equal(dec.decode(first.value), "line 0\n");
      assert.ok(produced < 3, "the first chunk arrives before the app has finished");
      let rest = "";
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        rest += dec.decode(r.value);
      }
      assert.equal(rest, "line 1\nline 2\n");
    });
  });

  Deno.test(`${name} engine calls close() once when the client disconnects mid-body`, async () => {
    let closed = 0;
    const app: WsgiApp = (_environ, startResponse) => {
      startResponse("200 OK", []);
      return Object.assign(
        (async function* () {
          for (;;) {
            yield "tick\n";
            await sleep(5);
          }
        })(),
        { close: () => void closed++ },
      );
    };
    await withServer(engine, app, {}, async (_base, server) => {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
      await conn.write(enc.encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
      const buf = new Uint8Array(1024);
      const n = await conn.read(buf);
      assert.match(dec.decode(buf.subarray(0, n ?? 0)), /^HTTP\/1.1 200/);
      conn.close();
      await until(() => closed > 0, "close() after the client went away");
      await sleep(30);
      assert.equal(closed, 1);
    });
  });

  Deno.test(`${name} engine answers 500 when the app fails before its headers`, async () => {
    const errors = new MemoryErrorStream();
    const app = quiet(() => {
      throw new Error("app exploded");
    }, errors);
    await withServer(engine, app, {}, async (base) => {
      const response = await fetch(base + "/");
      assert.equal(response.status, 500);
      await response.text();
      assert.match(errors.text, /app exploded/);
      const again = await fetch(base + "/");
      assert.equal(again.status, 500, "the server keeps serving");
      await again.text();
    });
  });

  Deno.test(`${name} engine sends no body for HEAD and keeps Content-Length`, async () => {
    const app: WsgiApp = (_environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/plain"], ["Content-Length", "5"]]);
      return ["hello"];
    };
    await withServer(engine, app, {}, async (_base, server) => {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
      await conn.write(enc.encode("HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
      let text = "";
      const buf = new Uint8Array(4096);
      for (let n = await conn.read(buf); n !== null; n = await conn.read(buf)) {
        text += dec.decode(buf.subarray(0, n));
      }
      conn.close();
      assert.match(text, /^HTTP\/1.1 200/);
      assert.match(text, /content-length: 5\r\n/i);
      assert.ok(text.endsWith("\r\n\r\n"), `no body after the head: ${JSON.stringify(text)}`);
    });
  });

  Deno.test(`${name} engine answers HEAD with the length GET would have`, async () => {
    const app: WsgiApp = (environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      if (environ.PATH_INFO === "/stream") {
        return (async function* () {
          yield "streamed";
        })();
      }
      return ["hello"];
    };
    await withServer(engine, app, {}, async (_base, server) => {
      const head = async (path: string) => {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
        await conn.write(
          enc.encode(`HEAD ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
        );
        let text = "";
        const buf = new Uint8Array(4096);
        for (let n = await conn.read(buf); n !== null; n = await conn.read(buf)) {
          text += dec.decode(buf.subarray(0, n));
        }
        conn.close();
        return text;
      };
      const complete = await head("/");
      assert.match(complete, /content-length: 5\r\n/i);
      assert.ok(complete.endsWith("\r\n\r\n"));
      const streamed = await head("/stream");
      assert.doesNotMatch(streamed, /content-length: 0/i, "a streamed body's length is unknown");
      assert.ok(streamed.endsWith("\r\n\r\n"), `no body: ${JSON.stringify(streamed)}`);
    });
  });

  Deno.test(`${name} engine answers 413 for a body over maxBodySize`, async () => {
    const app: WsgiApp = async (environ, startResponse) => {
      const body = await environ["wsgi.input"].read();
      startResponse("200 OK", []);
      return [body];
    };
    await withServer(engine, app, { maxBodySize: 10 }, async (base) => {
      const big = await fetch(base + "/", { method: "POST", body: "x".repeat(11) });
      assert.equal(big.status, 413);
      await big.text();
      const ok = await fetch(base + "/", { method: "POST", body: "x".repeat(10) });
      assert.equal(ok.status, 200);
      assert.equal(await ok.text(), "x".repeat(10));
    });
  });

  Deno.test(`${name} engine reports every request to accessLog`, async () => {
    const entries: AccessLogEntry[] = [];
    await withServer(engine, hello, { accessLog: (e) => entries.push(e) }, async (base) => {
      const response = await fetch(base + "/path?x=1", {
        headers: { "User-Agent": "tester/1", Referer: "http://ref/" },
      });
      await response.text();
      await until(() => entries.length === 1, "the access log entry");
    });
    const entry = entries[0]!;
    assert.equal(entry.remoteAddr, "127.0.0.1");
    assert.equal(entry.method, "GET");
    assert.equal(entry.target, "/path?x=1");
    assert.equal(entry.protocol, "HTTP/1.1");
    assert.equal(entry.status, 200);
    assert.equal(entry.bytes, 20);
    assert.equal(entry.userAgent, "tester/1");
    assert.equal(entry.referer, "http://ref/");
    assert.ok(entry.durationMs >= 0);
  });

  Deno.test(`${name} engine uses serverHeader, and sends none when it is empty`, async () => {
    await withServer(engine, hello, { serverHeader: "custom/1" }, async (base) => {
      const response = await fetch(base + "/");
      assert.equal(response.headers.get("server"), "custom/1");
      await response.text();
    });
    await withServer(engine, hello, { serverHeader: "" }, async (base) => {
      const response = await fetch(base + "/");
      assert.equal(response.headers.get("server"), null);
      await response.text();
    });
  });

  Deno.test(`${name} engine lets an in-flight request finish on shutdown`, async () => {
    let started = false;
    const app: WsgiApp = async (_environ, startResponse) => {
      started = true;
      await sleep(150);
      startResponse("200 OK", []);
      return ["finished"];
    };
    const server = engine(app, { hostname: "127.0.0.1", port: 0 });
    const pending = fetch(`http://127.0.0.1:${server.addr.port}/`);
    await until(() => started, "the request to reach the app");
    const stopping = server.shutdown();
    const response = await pending;
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "finished");
    await stopping;
    await server.finished;
    await assert.rejects(fetch(`http://127.0.0.1:${server.addr.port}/`));
  });

  Deno.test(`${name} engine cuts off an endless response after gracefulTimeout`, async () => {
    let closed = 0;
    const app: WsgiApp = (_environ, startResponse) => {
      startResponse("200 OK", []);
      return Object.assign(
        (async function* () {
          for (;;) {
            yield "tick\n";
            await sleep(10);
          }
        })(),
        { close: () => void closed++ },
      );
    };
    const server = engine(app, { hostname: "127.0.0.1", port: 0, gracefulTimeout: 100 });
    const response = await fetch(`http://127.0.0.1:${server.addr.port}/`);
    const reader = response.body!.getReader();
    await reader.read();
    const started = Date.now();
    const stopping = server.shutdown();
    await assert.rejects(async () => {
      while (!(await reader.read()).done);
    });
    await stopping;
    await server.finished;
    assert.ok(Date.now() - started < 2000, "shutdown is bounded by gracefulTimeout");
    await until(() => closed === 1, "close() of the cut-off body");
  });

  Deno.test(`${name} engine shuts down when options.signal aborts`, async () => {
    const controller = new AbortController();
    const server = engine(hello, {
      hostname: "127.0.0.1",
      port: 0,
      signal: controller.signal,
    });
    const response = await fetch(`http://127.0.0.1:${server.addr.port}/`);
    await response.text();
    controller.abort();
    await server.finished;
    await assert.rejects(fetch(`http://127.0.0.1:${server.addr.port}/`));
  });

  Deno.test(`${name} engine throws when the port is in use`, () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    try {
      assert.throws(
        () => engine(hello, { hostname: "127.0.0.1", port: (listener.addr as Deno.NetAddr).port }),
        Deno.errors.AddrInUse,
      );
    } finally {
      listener.close();
    }
  });
}
