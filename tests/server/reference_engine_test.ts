// The reference engine's HTTP/1.1 behaviour over real loopback sockets: environ
// building, keep-alive, pipelining, 100-continue, framing, errors, timeouts, shutdown.
import assert from "node:assert/strict";
import type { Environ, StartResponse } from "../../framework/gateway/types.ts";
import type { AccessLogEntry } from "../../framework/server/types.ts";
import { request, Wire, withServer } from "./reference_wire.ts";

const hello = (_environ: Environ, startResponse: StartResponse) => {
  startResponse("200 OK", [["Content-Type", "text/html"]]);
  return ["<h1>Hello, web!</h1>"];
};

/** Answers with the environ's string values as JSON. */
const echoEnviron = (environ: Environ, startResponse: StartResponse) => {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(environ)) {
    if (typeof value === "string") out[key] = value;
  }
  startResponse("200 OK", [["Content-Type", "application/json"]]);
  return [JSON.stringify(out)];
};

/** Answers with the request body it read. */
const echoBody = async (environ: Environ, startResponse: StartResponse) => {
  const body = await environ["wsgi.input"].read();
  startResponse("200 OK", [["Content-Type", "application/octet-stream"]]);
  return [body];
};

/** Streams three chunks from an async generator (length unknown up front). */
const streaming = (_environ: Environ, startResponse: StartResponse) => {
  startResponse("200 OK", [["Content-Type", "text/plain"]]);
  return (async function* () {
    yield "one,";
    await new Promise((r) => setTimeout(r, 5));
    yield "two,";
    yield "three";
  })();
};

Deno.test("reference engine serves the article's application with Date and Server", async () => {
  await withServer(hello, {}, async (port) => {
    const response = await request(port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    assert.equal(response.statusLine, "HTTP/1.1 200 OK");
    assert.equal(response.body, "<h1>Hello, web!</h1>");
    assert.equal(response.headers["content-length"], "20");
    assert.equal(response.headers["server"], "phial");
    assert.match(response.headers["date"]!, /^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$/);
  });
});

Deno.test("reference engine builds the environ the CGI way", async () => {
  await withServer(echoEnviron, {}, async (port, server) => {
    const response = await request(
      port,
      "GET /caf%C3%A9/a%2Fb/bad%ZZ/x%FF?q=%20a+b&r HTTP/1.1\r\nHost: example.com:8080\r\n" +
        "User-Agent: t\r\nX-Many: 1\r\nx-many: 2\r\nCookie: a=1\r\nCookie: b=2\r\n" +
        "Content-Type: text/plain\r\nX-Latin: caf\xe9\r\n\r\n",
    );
    const environ = JSON.parse(
      new TextDecoder().decode(Uint8Array.from(response.body, (c) => c.charCodeAt(0))),
    );
    assert.equal(environ.REQUEST_METHOD, "GET");
    assert.equal(environ.SCRIPT_NAME, "");
    assert.equal(environ.PATH_INFO, "/café/a/b/bad%ZZ/x%FF");
    assert.equal(environ.QUERY_STRING, "q=%20a+b&r");
    assert.equal(environ.RAW_URI, "/caf%C3%A9/a%2Fb/bad%ZZ/x%FF?q=%20a+b&r");
    assert.equal(environ.REQUEST_URI, environ.RAW_URI);
    assert.equal(environ.SERVER_PROTOCOL, "HTTP/1.1");
    assert.equal(environ.SERVER_NAME, "127.0.0.1");
    assert.equal(environ.SERVER_PORT, String(server.addr.port));
    assert.equal(environ.REMOTE_ADDR, "127.0.0.1");
    assert.match(environ.REMOTE_PORT, /^\d+$/);
    assert.equal(environ.HTTP_HOST, "example.com:8080");
    assert.equal(environ.HTTP_USER_AGENT, "t");
    assert.equal(environ.HTTP_X_MANY, "1, 2");
    assert.equal(environ.HTTP_COOKIE, "a=1; b=2");
    assert.equal(environ.CONTENT_TYPE, "text/plain");
    assert.equal(environ.HTTP_CONTENT_TYPE, undefined);
    assert.equal(environ.HTTP_X_LATIN, "caf\xe9");
    assert.equal(environ["wsgi.url_scheme"], "http");
  });
});

Deno.test("reference engine drops header names with underscores so X-Foo_Bar cannot spoof X-Foo-Bar", async () => {
  await withServer(echoEnviron, {}, async (port) => {
    const spoof = JSON.parse(
      (await request(port, "GET / HTTP/1.1\r\nHost: a\r\nX-Foo_Bar: spoof\r\n\r\n")).body,
    );
    assert.equal(spoof.HTTP_X_FOO_BAR, undefined);
    const both = JSON.parse(
      (await request(
        port,
        "GET / HTTP/1.1\r\nHost: a\r\nX-Foo-Bar: real\r\nX-Foo_Bar: spoof\r\n\r\n",
      )).body,
    );
    assert.equal(both.HTTP_X_FOO_BAR, "real");
  });
});

Deno.test("reference engine takes the host from an absolute-form target", async () => {
  await withServer(echoEnviron, {}, async (port) => {
    const environ = JSON.parse(
      (await request(port, "GET http://other.example:81/p%20q?x=1 HTTP/1.1\r\nHost: a\r\n\r\n"))
        .body,
    );
    assert.equal(environ.HTTP_HOST, "other.example:81");
    assert.equal(environ.PATH_INFO, "/p q");
    assert.equal(environ.QUERY_STRING, "x=1");
  });
});

Deno.test("reference engine keeps HTTP/1.1 connections alive and closes on Connection: close", async () => {
  await withServer(hello, {}, async (port) => {
    const wire = await Wire.open(port);
    try {
      for (let i = 0; i < 3; i++) {
        await wire.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        const response = await wire.response();
        assert.equal(response.status, 200);
        assert.equal(response.headers["connection"], undefined);
      }
      await wire.send("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
      const last = await wire.response();
      assert.equal(last.headers["connection"], "close");
      assert.equal(await wire.closedByServer(), true);
    } finally {
      wire.close();
    }
  });
});

Deno.test("reference engine closes HTTP/1.0 connections unless asked to keep them alive", async () => {
  await withServer(hello, {}, async (port) => {
    const plain = await Wire.open(port);
    try {
      await plain.send("GET / HTTP/1.0\r\n\r\n");
      const response = await plain.response();
      assert.equal(response.statusLine, "HTTP/1.1 200 OK");
      assert.equal(response.headers["connection"], "close");
      assert.equal(await plain.closedByServer(), true);
    } finally {
      plain.close();
    }
    const kept = await Wire.open(port);
    try {
      await kept.send("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
      const first = await kept.response();
      assert.equal(first.headers["connection"], "keep-alive");
      await kept.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
      assert.equal((await kept.response()).status, 200);
    } finally {
      kept.close();
    }
  });
});

Deno.test("reference engine answers pipelined requests in order", async () => {
  await withServer(echoEnviron, {}, async (port) => {
    const wire = await Wire.open(port);
    try {
      await wire.send(
        "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc" +
          "GET /3 HTTP/1.1\r\nHost: a\r\n\r\n",
      );
      for (const path of ["/1", "/2", "/3"]) {
        const response = await wire.response();
        assert.equal(JSON.parse(response.body).PATH_INFO, path);
      }
    } finally {
      wire.close();
    }
  });
});

Deno.test("reference engine sends 100 Continue when the app first reads its input", async () => {
  await withServer(echoBody, {}, async (port) => {
    const wire = await Wire.open(port);
    try {
      await wire.send(
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n",
      );
      const interim = await wire.response();
      assert.equal(interim.statusLine, "HTTP/1.1 100 Continue");
      await wire.send("hello");
      const response = await wire.response();
      assert.equal(response.status, 200);
      assert.equal(response.body, "hello");
    } finally {
      wire.close();
    }
  });
});

Deno.test("reference engine sends no 100 Continue to an app that does not read, and closes", async () => {
  await withServer(hello, {}, async (port) => {
    const wire = await Wire.open(port);
    try {
      await wire.send(
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n",
      );
      const response = await wire.response();
      assert.equal(response.status, 200);
      assert.equal(response.headers["connection"], "close");
      assert.equal(await wire.closedByServer(), true);
    } finally {
      wire.close();
    }
  });
});

Deno.test("reference engine answers HEAD with headers only and keeps the connection", async () => {
  await withServer(hello, {}, async (port) => {
    const wire = await Wire.open(port);
    try {
      await wire.send("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n");
      const head = await wire.response(true);
      assert.equal(head.headers["content-length"], "20");
      await wire.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      const get = await wire.response();
      assert.equal(get.body, "<h1>Hello, web!</h1>");
    } finally {
      wire.close();
    }
  });
});

Deno.test("reference engine frames a streamed body chunked on HTTP/1.1", async () => {
  await withServer(streaming, {}, async (port) => {
    const response = await request(port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    assert.equal(response.headers["transfer-encoding"], "chunked");
    assert.equal(response.headers["content-length"], undefined);
    assert.equal(response.body, "one,two,three");
    assert.equal(response.terminated, true);
  });
});

Deno.test("reference engine frames a streamed body by closing on HTTP/1.0", async () => {
  await withServer(streaming, {}, async (port) => {
    const response = await request(port, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    assert.equal(response.headers["transfer-encoding"], undefined);
    assert.equal(response.headers["connection"], "close");
    assert.equal(response.body, "one,two,three");
  });
});

Deno.test("reference engine uses the app's Content-Length for a streamed body", async () => {
  const app = (_environ: Environ, startResponse: StartResponse) => {
    startResponse("200 OK", [["Content-Length", "6"]]);
    return (async function* () {
      yield "abc";
      yield "def";
    })();
  };
  await withServer(app, {}, async (port) => {
    const wire = await Wire.open(port);
    try {
      await wire.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      const response = await wire.response();
      assert.equal(response.headers["transfer-encoding"], undefined);
      assert.equal(response.body, "abcdef");
      await wire.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      assert.equal((await wire.response()).body, "abcdef");
    } finally {
      wire.close();
    }
  });
});

Deno.test("reference engine decodes chunked request bodies with extensions and trailers", async () => {
  await withServer(echoBody, {}, async (port) => {
    const wire = await Wire.open(port);
    try {
      await wire.send(
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" +
          '5;name=value;quoted="a b"\r\nhello\r\n',
      );
      await wire.send("1 ; x\r\n \r\nB\r\nchunked!!!!\r\n0\r\nX-Trailer: yes\r\n\r\n");
      const response = await wire.response();
      assert.equal(response.body, "hello chunked!!!!");
      await wire.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      assert.equal((await wire.response()).status, 200);
    } finally {
      wire.close();
    }
  });
});

Deno.test("reference engine drains an unread body before the next request", async () => {
  await withServer(echoEnviron, {}, async (port) => {
    const wire = await Wire.open(port);
    try {
      await wire.send("POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789");
      assert.equal(JSON.parse((await wire.response()).body).PATH_INFO, "/a");
      await wire.send("GET /b HTTP/1.1\r\nHost: a\r\n\r\n");
      assert.equal(JSON.parse((await wire.response()).body).PATH_INFO, "/b");
    } finally {
      wire.close();
    }
  });
});

Deno.test("reference engine closes instead of draining a large unread body", async () => {
  await withServer(hello, {}, async (port) => {
    const wire = await Wire.open(port);
    try {
      await wire.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100000000\r\n\r\nxx");
      assert.equal((await wire.response()).status, 200);
      assert.equal(await wire.closedByServer(), true);
    } finally {
      wire.close();
    }
  });
});

Deno.test("reference engine answers 500 when the app throws before its headers", async () => {
  const app = () => {
    throw new Error("boom");
  };
  await withServer(app, {}, async (port) => {
    const response = await request(port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    assert.equal(response.status, 500);
    assert.equal(response.body.includes("boom"), false);
  });
});

Deno.test("reference engine refuses CR LF in an app's header (no response splitting)", async () => {
  const app = (_environ: Environ, startResponse: StartResponse) => {
    startResponse("200 OK", [["X-Note", "a\r\nSet-Cookie: evil=1"]]);
    return ["x"];
  };
  const nameApp = (_environ: Environ, startResponse: StartResponse) => {
    startResponse("200 OK", [["X-Note\r\nSet-Cookie: evil", "1"]]);
    return ["x"];
  };
  for (const bad of [app, nameApp]) {
    await withServer(bad, {}, async (port) => {
      const response = await request(port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      assert.equal(response.status, 500);
      assert.equal(response.headers["set-cookie"], undefined);
    });
  }
});

Deno.test("reference engine cuts the connection when the app fails after its headers", async () => {
  let closed = 0;
  const app = (_environ: Environ, startResponse: StartResponse) => {
    startResponse("200 OK", [["Content-Type", "text/plain"]]);
    const body = (async function* () {
      yield "partial";
      await new Promise((r) => setTimeout(r, 5));
      throw new Error("mid-body failure");
    })();
    return Object.assign(body, { close: () => void closed++ });
  };
  await withServer(app, {}, async (port) => {
    const response = await request(port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    assert.equal(response.status, 200);
    assert.equal(response.body, "partial");
    assert.equal(response.terminated, false);
  });
  assert.equal(closed, 1);
});

Deno.test("reference engine closes the app's body when the client goes away mid-stream", async () => {
  let closed: () => void;
  const wasClosed = new Promise<void>((resolve) => closed = resolve);
  const app = (_environ: Environ, startResponse: StartResponse) => {
    startResponse("200 OK", [["Content-Type", "text/plain"]]);
    const body = (async function* () {
      for (let i = 0; i < 10000; i++) {
        yield "x".repeat(65536);
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    return Object.assign(body, { close: () => closed() });
  };
  await withServer(app, {}, async (port) => {
    const wire = await Wire.open(port);
    await wire.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    await wire.until("\r\n\r\n");
    wire.close();
    await wasClosed;
  });
});

Deno.test("reference engine times out a slow request head with 408 while serving others", async () => {
  await withServer(hello, { headTimeout: 300 }, async (port) => {
    const slow = await Wire.open(port);
    try {
      await slow.send("GET / HTTP/1.1\r\nHost:");
      const good = await request(port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      assert.equal(good.status, 200);
      const started = Date.now();
      const response = await slow.response();
      assert.equal(response.status, 408);
      assert.ok(Date.now() - started < 2000);
      assert.equal(await slow.closedByServer(), true);
    } finally {
      slow.close();
    }
  });
});

Deno.test("reference engine closes keep-alive connections idle past keepAliveTimeout", async () => {
  await withServer(hello, { keepAliveTimeout: 200 }, async (port) => {
    const wire = await Wire.open(port);
    try {
      await wire.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      assert.equal((await wire.response()).status, 200);
      const started = Date.now();
      assert.equal(await wire.closedByServer(), true);
      assert.ok(Date.now() - started < 2000);
    } finally {
      wire.close();
    }
  });
});

Deno.test("reference engine logs every request through accessLog", async () => {
  const entries: AccessLogEntry[] = [];
  await withServer(hello, { accessLog: (entry) => entries.push(entry) }, async (port) => {
    await request(
      port,
      "GET /x?y=1 HTTP/1.1\r\nHost: a\r\nReferer: http://r/\r\nUser-Agent: ua\r\n\r\n",
    );
    await request(port, "BAD\r\n\r\n");
  });
  assert.equal(entries.length, 2);
  const [ok, bad] = entries;
  assert.equal(ok!.method, "GET");
  assert.equal(ok!.target, "/x?y=1");
  assert.equal(ok!.protocol, "HTTP/1.1");
  assert.equal(ok!.status, 200);
  assert.equal(ok!.bytes, 20);
  assert.equal(ok!.referer, "http://r/");
  assert.equal(ok!.userAgent, "ua");
  assert.equal(ok!.remoteAddr, "127.0.0.1");
  assert.ok(ok!.durationMs >= 0);
  assert.equal(bad!.status, 400);
});

Deno.test("reference engine shuts down gracefully: in-flight requests finish, idle ones close", async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  let entered!: () => void;
  const inside = new Promise<void>((resolve) => entered = resolve);
  const app = async (environ: Environ, startResponse: StartResponse) => {
    if (environ.PATH_INFO === "/slow") {
      entered();
      await gate;
    }
    startResponse("200 OK", [["Content-Type", "text/plain"]]);
    return [environ.PATH_INFO];
  };
  await withServer(app, {}, async (port, server) => {
    const idle = await Wire.open(port);
    await idle.send("GET /fast HTTP/1.1\r\nHost: a\r\n\r\n");
    assert.equal((await idle.response()).body, "/fast");
    const busy = await Wire.open(port);
    await busy.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
    await inside;
    const stopping = server.shutdown();
    assert.equal(await idle.closedByServer(), true);
    await assert.rejects(async () => {
      const late = await Deno.connect({ hostname: "127.0.0.1", port });
      late.close();
    });
    release();
    const response = await busy.response();
    assert.equal(response.body, "/slow");
    assert.equal(response.headers["connection"], "close");
    await stopping;
    idle.close();
    busy.close();
  });
});

Deno.test("reference engine bounds a graceful shutdown by gracefulTimeout", async () => {
  let entered!: () => void;
  const inside = new Promise<void>((resolve) => entered = resolve);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const app = async (_environ: Environ, startResponse: StartResponse) => {
    entered();
    await new Promise((r) => timer = setTimeout(r, 5000));
    startResponse("200 OK", []);
    return [];
  };
  await withServer(app, { gracefulTimeout: 200 }, async (port, server) => {
    const wire = await Wire.open(port);
    await wire.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    await inside;
    const started = Date.now();
    await server.shutdown();
    assert.ok(Date.now() - started < 2000);
    assert.equal(await wire.closedByServer(), true);
    wire.close();
  });
  clearTimeout(timer);
});

Deno.test("reference engine's 413 reaches a client that is still sending its body", async () => {
  await withServer(hello, { maxBodySize: 1000 }, async (port) => {
    const wire = await Wire.open(port);
    try {
      const sending = wire.send(
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 400000\r\n\r\n" + "x".repeat(400000),
      ).catch(() => {});
      const response = await wire.response();
      assert.equal(response.status, 413);
      await sending;
    } finally {
      wire.close();
    }
  });
});

Deno.test("reference engine times out a client that stops sending its body", async () => {
  let failed!: (error: unknown) => void;
  const failure = new Promise<unknown>((resolve) => failed = resolve);
  const app = async (environ: Environ, startResponse: StartResponse) => {
    try {
      await environ["wsgi.input"].read();
    } catch (error) {
      failed(error);
      throw error;
    }
    startResponse("200 OK", []);
    return ["read it all"];
  };
  await withServer(app, { headTimeout: 300 }, async (port) => {
    const wire = await Wire.open(port);
    try {
      await wire.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc");
      const started = Date.now();
      assert.ok(await failure);
      assert.ok(Date.now() - started < 2000);
      assert.equal(await wire.closedByServer(), true);
      const next = await request(
        port,
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc",
      );
      assert.equal(next.body, "read it all");
    } finally {
      wire.close();
    }
  });
});

Deno.test("reference engine serves at most maxConnections at once: the next client waits, not refused", async () => {
  await withServer(hello, { maxConnections: 2 }, async (port) => {
    const a = await Wire.open(port);
    const b = await Wire.open(port);
    const c = await Wire.open(port);
    try {
      for (const wire of [a, b]) {
        await wire.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        assert.equal((await wire.response()).status, 200);
      }
      // Two keep-alive connections fill the cap: the third waits in the backlog...
      await c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      const answer = c.response();
      const early = await Promise.race([
        answer.then(() => "answered"),
        new Promise((resolve) => setTimeout(() => resolve("waiting"), 300)),
      ]);
      assert.equal(early, "waiting");
      // ...until one of them closes.
      a.close();
      const response = await answer;
      assert.equal(response.status, 200);
      assert.equal(response.body, "<h1>Hello, web!</h1>");
    } finally {
      for (const wire of [a, b, c]) wire.close();
    }
  });
});

Deno.test("reference engine shuts down while clients wait for a free connection", async () => {
  const a = { wire: undefined as Wire | undefined };
  const extra: Wire[] = [];
  await withServer(hello, { maxConnections: 1 }, async (port) => {
    a.wire = await Wire.open(port);
    await a.wire.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    assert.equal((await a.wire.response()).status, 200);
    for (let i = 0; i < 3; i++) extra.push(await Wire.open(port));
  });
  // withServer's shutdown() returned: nothing hung on the waiting accept loop.
  for (const wire of [a.wire!, ...extra]) wire.close();
});
