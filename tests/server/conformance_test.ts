/**
 * One conformance suite, run against every engine through `serve()` on real loopback
 * sockets: HTTP semantics (status, headers, HEAD, keep-alive, request bodies, query
 * strings, streamed responses) and the gateway protocol's (excInfo, deferred headers,
 * close(), write(), string chunks). Every app runs inside `validator()`.
 */
import assert from "node:assert/strict";
import { validator } from "../../framework/gateway/validator.ts";
import type { Body, Environ, WsgiApp, WsgiAppObject } from "../../framework/gateway/types.ts";
import { serve } from "../../framework/server/serve.ts";
import type {
  AccessLogEntry,
  EngineName,
  ServeOptions,
  ServerHandle,
} from "../../framework/server/types.ts";

const ENGINES: EngineName[] = ["reference", "deno", "serve-http"];
const enc = new TextEncoder();
const dec = new TextDecoder();
const latin1 = new TextDecoder("latin1");

// ---------------------------------------------------------------------------------------
// Helpers: a server per test, a small raw HTTP/1.1 client, polling.

async function withServer(
  engine: EngineName,
  app: WsgiApp | WsgiAppObject,
  fn: (base: string, port: number, handle: ServerHandle) => Promise<void>,
  options: ServeOptions = {},
): Promise<void> {
  const handle = await serve(app, {
    hostname: "127.0.0.1",
    port: 0,
    engine,
    onListen: () => {},
    gracefulTimeout: 2000,
    ...options,
  });
  try {
    await fn(`http://127.0.0.1:${handle.addr.port}`, handle.addr.port, handle);
  } finally {
    await handle.shutdown();
    await handle.finished;
  }
}

function timeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function until(check: () => boolean, what: string, ms = 3000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface RawResponse {
  version: string;
  status: number;
  reason: string;
  /** Header names lower-cased, repeated values kept in order. */
  headers: [string, string][];
  body: Uint8Array;
  chunked: boolean;
}

function header(res: RawResponse, name: string): string | undefined {
  return res.headers.find(([k]) => k === name)?.[1];
}

/** A raw HTTP/1.1 connection that writes exact bytes and parses responses one by one. */
class RawClient {
  #conn: Deno.Conn;
  #buf = new Uint8Array(0);
  #eof = false;

  private constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  static async open(port: number): Promise<RawClient> {
    return new RawClient(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  async write(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === "string" ? enc.encode(data) : data;
    let n = 0;
    while (n < bytes.length) n += await this.#conn.write(bytes.subarray(n));
  }

  async #fill(): Promise<boolean> {
    if (this.#eof) return false;
    const chunk = new Uint8Array(65536);
    let n: number | null;
    try {
      n = await timeout(this.#conn.read(chunk), 5000, "reading from the server");
    } catch (error) {
      if (error instanceof Deno.errors.ConnectionReset) n = null;
      else throw error;
    }
    if (n === null) {
      this.#eof = true;
      return false;
    }
    const merged = new Uint8Array(this.#buf.length + n);
    merged.set(this.#buf);
    merged.set(chunk.subarray(0, n), this.#buf.length);
    this.#buf = merged;
    return true;
  }

  #take(n: number): Uint8Array {
    const out = this.#buf.slice(0, n);
    this.#buf = this.#buf.subarray(n);
    return out;
  }

  async #line(): Promise<string> {
    for (;;) {
      const i = this.#buf.indexOf(0x0a);
      if (i >= 0) return latin1.decode(this.#take(i + 1)).replace(/\r?\n$/, "");
      if (!await this.#fill()) throw new Error("connection closed in the middle of a line");
    }
  }

  async #exactly(n: number): Promise<Uint8Array> {
    while (this.#buf.length < n) {
      if (!await this.#fill()) throw new Error(`connection closed with ${n} body bytes due`);
    }
    return this.#take(n);
  }

  /** Reads one response (skipping 1xx); `head` says the request was HEAD. */
  async response(head = false): Promise<RawResponse> {
    for (;;) {
      const statusLine = await this.#line();
      const m = /^(HTTP\/\d\.\d) (\d{3})(?: (.*))?$/.exec(statusLine);
      if (!m) throw new Error(`bad status line ${JSON.stringify(statusLine)}`);
      const headers: [string, string][] = [];
      for (;;) {
        const line = await this.#line();
        if (line === "") break;
        const colon = line.indexOf(":");
        headers.push([line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()]);
      }
      const status = Number(m[2]);
      if (status >= 100 && status < 200) continue;
      const res: RawResponse = {
        version: m[1]!,
        status,
        reason: m[3] ?? "",
        headers,
        body: new Uint8Array(0),
        chunked: false,
      };
      if (head || status === 204 || status === 304) return res;
      const te = header(res, "transfer-encoding");
      const cl = header(res, "content-length");
      if (te !== undefined && /chunked/i.test(te)) {
        res.chunked = true;
        const parts: Uint8Array[] = [];
        for (;;) {
          const size = parseInt((await this.#line()).split(";")[0]!, 16);
          if (size === 0) {
            while ((await this.#line()) !== "");
            break;
          }
          parts.push(await this.#exactly(size));
          await this.#exactly(2);
        }
        res.body = concat(parts);
      } else if (cl !== undefined) {
        res.body = await this.#exactly(Number(cl));
      } else {
        while (await this.#fill());
        res.body = this.#take(this.#buf.length);
      }
      return res;
    }
  }

  /** Reads one interim (1xx) response head and returns its status. */
  async interim(): Promise<number> {
    const statusLine = await this.#line();
    const m = /^HTTP\/\d\.\d (1\d\d)/.exec(statusLine);
    if (!m) throw new Error(`expected an interim response, got ${JSON.stringify(statusLine)}`);
    while ((await this.#line()) !== "");
    return Number(m[1]);
  }

  /** Resolves true when the server closes the connection (with nothing more sent). */
  async closedByServer(): Promise<boolean> {
    if (this.#buf.length > 0) return false;
    return !await this.#fill();
  }

  close(): void {
    try {
      this.#conn.close();
    } catch {
      // already closed
    }
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function readAll(input: Environ["wsgi.input"]): Promise<Uint8Array> {
  return await input.read();
}

/** The article's application. */
const hello: WsgiApp = (_environ, startResponse) => {
  startResponse("200 OK", [["Content-Type", "text/html"]]);
  return [enc.encode("<h1>Hello, web!</h1>")];
};

/** Answers with the environ's CGI keys as JSON. */
const environEcho: WsgiApp = (environ, startResponse) => {
  const picked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(environ)) {
    if (typeof value === "string" || typeof value === "boolean") picked[key] = value;
  }
  picked["wsgi.version"] = environ["wsgi.version"];
  startResponse("200 OK", [["Content-Type", "application/json"]]);
  return [JSON.stringify(picked)];
};

/** Echoes the request body with its length in a header. */
const bodyEcho: WsgiApp = async (environ, startResponse) => {
  const data = await readAll(environ["wsgi.input"]);
  startResponse("200 OK", [
    ["Content-Type", "application/octet-stream"],
    ["X-Received", String(data.length)],
    ["X-Content-Length", environ.CONTENT_LENGTH ?? "-"],
  ]);
  return [data];
};

// ---------------------------------------------------------------------------------------
// The suite.

function conformance(engine: EngineName): void {
  const test = (name: string, fn: () => Promise<void>) =>
    Deno.test({ name: `[${engine}] ${name}`, fn });

  // --- HTTP semantics ------------------------------------------------------------------

  test("serves the article's application: 200, text/html, <h1>Hello, web!</h1>", async () => {
    await withServer(engine, validator(hello), async (base) => {
      const res = await fetch(base + "/");
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), "text/html");
      assert.ok(res.headers.get("date"), "a Date header is sent");
      assert.equal(await res.text(), "<h1>Hello, web!</h1>");
    });
  });

  test("sends the app's status code, repeated headers and latin-1 header values", async () => {
    const app: WsgiApp = (_environ, startResponse) => {
      startResponse("201 Created", [
        ["Content-Type", "text/plain"],
        ["Set-Cookie", "a=1"],
        ["Set-Cookie", "b=2"],
        ["X-Thing", "latin-1 caf\xe9"],
      ]);
      return ["made"];
    };
    await withServer(engine, validator(app), async (_base, port) => {
      const client = await RawClient.open(port);
      try {
        await client.write(`GET /x HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
        const res = await client.response();
        assert.equal(res.status, 201);
        assert.equal(res.reason, "Created");
        assert.deepEqual(
          res.headers.filter(([k]) => k === "set-cookie").map(([, v]) => v),
          ["a=1", "b=2"],
        );
        assert.equal(header(res, "x-thing"), "latin-1 caf\xe9");
        assert.equal(dec.decode(res.body), "made");
      } finally {
        client.close();
      }
    });
  });

  // Deno.serve and Deno.serveHttp always send the standard reason phrase for a code (hyper
  // does not let a fetch Response choose it), so only the reference engine can keep the
  // app's own wording.
  if (engine === "reference") {
    test("sends the app's own reason phrase", async () => {
      const app: WsgiApp = (_environ, startResponse) => {
        startResponse("299 Made It", [["Content-Type", "text/plain"]]);
        return ["made"];
      };
      await withServer(engine, validator(app), async (_base, port) => {
        const client = await RawClient.open(port);
        try {
          await client.write(`GET / HTTP/1.1\r\nHost: x\r\n\r\n`);
          const res = await client.response();
          assert.equal(res.status, 299);
          assert.equal(res.reason, "Made It");
        } finally {
          client.close();
        }
      });
    });
  }

  test("answers 404 and 500 statuses the app sets, with their bodies", async () => {
    const app: WsgiApp = (environ, startResponse) => {
      const status = environ.PATH_INFO === "/missing" ? "404 Not Found" : "500 Oops";
      startResponse(status, [["Content-Type", "text/plain"]]);
      return [status];
    };
    await withServer(engine, validator(app), async (base) => {
      const a = await fetch(base + "/missing");
      assert.equal(a.status, 404);
      assert.equal(await a.text(), "404 Not Found");
      const b = await fetch(base + "/broken");
      assert.equal(b.status, 500);
      assert.equal(await b.text(), "500 Oops");
    });
  });

  test("HEAD gets the GET headers and no body, and the connection stays usable", async () => {
    const seen: string[] = [];
    const app: WsgiApp = (environ, startResponse) => {
      seen.push(environ.REQUEST_METHOD);
      startResponse("200 OK", [["Content-Type", "text/html"], ["Content-Length", "20"]]);
      return ["<h1>Hello, web!</h1>"];
    };
    await withServer(engine, validator(app), async (_base, port) => {
      const client = await RawClient.open(port);
      try {
        await client.write(`HEAD / HTTP/1.1\r\nHost: x\r\n\r\n`);
        const head = await client.response(true);
        assert.equal(head.status, 200);
        assert.equal(header(head, "content-length"), "20");
        // If the server had sent the body after the HEAD response, it would be read as
        // the status line here.
        await client.write(`GET / HTTP/1.1\r\nHost: x\r\n\r\n`);
        const get = await client.response();
        assert.equal(get.status, 200);
        assert.equal(dec.decode(get.body), "<h1>Hello, web!</h1>");
        assert.deepEqual(seen, ["HEAD", "GET"]);
      } finally {
        client.close();
      }
    });
  });

  test("HEAD on a streamed body sends no body and still calls close()", async () => {
    let closed = 0;
    const app: WsgiApp = (_environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      const gen = (async function* () {
        yield "streamed ";
        yield "body";
      })();
      return Object.assign(gen, { close: () => void closed++ });
    };
    await withServer(engine, validator(app), async (_base, port) => {
      const client = await RawClient.open(port);
      try {
        await client.write("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n");
        assert.equal((await client.response(true)).status, 200);
        await client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        const get = await client.response();
        assert.equal(dec.decode(get.body), "streamed body");
        await until(() => closed === 2, "close() for both the HEAD and the GET");
      } finally {
        client.close();
      }
    });
  });

  test("keeps an HTTP/1.1 connection alive across requests", async () => {
    let n = 0;
    const app: WsgiApp = (_environ, startResponse) => {
      n++;
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return [`request ${n}`];
    };
    await withServer(engine, validator(app), async (_base, port) => {
      const client = await RawClient.open(port);
      try {
        for (let i = 1; i <= 3; i++) {
          await client.write(`GET /${i} HTTP/1.1\r\nHost: x\r\n\r\n`);
          const res = await client.response();
          assert.equal(res.status, 200);
          assert.equal(dec.decode(res.body), `request ${i}`);
          assert.notEqual(header(res, "connection")?.toLowerCase(), "close");
        }
      } finally {
        client.close();
      }
    });
  });

  test("204 and 304 responses carry no body and keep the connection usable", async () => {
    const app: WsgiApp = (environ, startResponse) => {
      if (environ.PATH_INFO === "/204") {
        startResponse("204 No Content", [["X-Kind", "empty"]]);
        return [];
      }
      if (environ.PATH_INFO === "/304") {
        startResponse("304 Not Modified", [["ETag", '"v1"']]);
        return [];
      }
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return ["after"];
    };
    await withServer(engine, validator(app), async (_base, port) => {
      const client = await RawClient.open(port);
      try {
        await client.write("DELETE /204 HTTP/1.1\r\nHost: x\r\n\r\n");
        const noContent = await client.response();
        assert.equal(noContent.status, 204);
        assert.equal(header(noContent, "x-kind"), "empty");
        assert.equal(header(noContent, "transfer-encoding"), undefined);
        await client.write('GET /304 HTTP/1.1\r\nHost: x\r\nIf-None-Match: "v1"\r\n\r\n');
        const notModified = await client.response();
        assert.equal(notModified.status, 304);
        assert.equal(header(notModified, "etag"), '"v1"');
        await client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assert.equal(dec.decode((await client.response()).body), "after");
      } finally {
        client.close();
      }
    });
  });

  test("answers pipelined requests in order", async () => {
    const app: WsgiApp = (environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return [environ.PATH_INFO];
    };
    await withServer(engine, validator(app), async (_base, port) => {
      const client = await RawClient.open(port);
      try {
        await client.write(
          "GET /one HTTP/1.1\r\nHost: x\r\n\r\n" +
            "POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc" +
            "GET /three HTTP/1.1\r\nHost: x\r\n\r\n",
        );
        for (const path of ["/one", "/two", "/three"]) {
          assert.equal(dec.decode((await client.response()).body), path);
        }
      } finally {
        client.close();
      }
    });
  });

  test("skips a request body the app did not read before the next keep-alive request", async () => {
    await withServer(engine, validator(environEcho), async (_base, port) => {
      const client = await RawClient.open(port);
      try {
        await client.write(
          "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nGET /bad HT",
        );
        assert.equal(JSON.parse(dec.decode((await client.response()).body)).PATH_INFO, "/a");
        await client.write(
          "POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
            "4\r\nGET \r\n0\r\n\r\n",
        );
        assert.equal(JSON.parse(dec.decode((await client.response()).body)).PATH_INFO, "/b");
        await client.write("GET /c HTTP/1.1\r\nHost: x\r\n\r\n");
        assert.equal(JSON.parse(dec.decode((await client.response()).body)).PATH_INFO, "/c");
      } finally {
        client.close();
      }
    });
  });

  test("Expect: 100-continue gets 100 Continue before the body is sent", async () => {
    await withServer(engine, validator(bodyEcho), async (_base, port) => {
      const client = await RawClient.open(port);
      try {
        await client.write(
          "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n" +
            "Expect: 100-continue\r\n\r\n",
        );
        const interim = await client.interim();
        assert.equal(interim, 100);
        await client.write("hello");
        const res = await client.response();
        assert.equal(res.status, 200);
        assert.equal(dec.decode(res.body), "hello");
      } finally {
        client.close();
      }
    });
  });

  test("closes the connection after a response to Connection: close", async () => {
    await withServer(engine, validator(hello), async (_base, port) => {
      const client = await RawClient.open(port);
      try {
        await client.write(`GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
        const res = await client.response();
        assert.equal(dec.decode(res.body), "<h1>Hello, web!</h1>");
        assert.equal(await client.closedByServer(), true);
      } finally {
        client.close();
      }
    });
  });

  test("answers an HTTP/1.0 request and closes the connection", async () => {
    await withServer(engine, validator(hello), async (_base, port) => {
      const client = await RawClient.open(port);
      try {
        await client.write(`GET / HTTP/1.0\r\n\r\n`);
        const res = await client.response();
        assert.equal(res.status, 200);
        assert.equal(res.chunked, false);
        assert.equal(dec.decode(res.body), "<h1>Hello, web!</h1>");
        assert.equal(await client.closedByServer(), true);
      } finally {
        client.close();
      }
    });
  });

  test("builds the environ: method, decoded PATH_INFO, raw QUERY_STRING, HTTP_* keys", async () => {
    await withServer(engine, validator(environEcho), async (base, port) => {
      const res = await fetch(base + "/caf%C3%A9/a%20b?x=1&y=%20z&x=2", {
        method: "PUT",
        headers: {
          "X-Custom": "yes",
          "User-Agent": "conformance",
          "X-Under_Score": "dropped",
          "Content-Type": "text/plain",
        },
        body: "hi",
      });
      assert.equal(res.status, 200);
      const env = await res.json();
      assert.equal(env.REQUEST_METHOD, "PUT");
      assert.equal(env.PATH_INFO, "/café/a b");
      assert.equal(env.SCRIPT_NAME, "");
      assert.equal(env.QUERY_STRING, "x=1&y=%20z&x=2");
      assert.equal(env.HTTP_X_CUSTOM, "yes");
      assert.equal(env.HTTP_USER_AGENT, "conformance");
      assert.equal(env.HTTP_HOST, `127.0.0.1:${port}`);
      assert.equal(env.HTTP_X_UNDER_SCORE, undefined, "header names with _ are dropped");
      assert.equal(env.CONTENT_TYPE, "text/plain");
      assert.equal(env.CONTENT_LENGTH, "2");
      assert.equal(env.SERVER_PORT, String(port));
      assert.equal(env.REMOTE_ADDR, "127.0.0.1");
      assert.match(env.SERVER_PROTOCOL, /^HTTP\/1\.1$/);
      assert.equal(env["wsgi.url_scheme"], "http");
      assert.equal(env["wsgi.input_terminated"], true);
      assert.deepEqual(env["wsgi.version"], [1, 0]);
    });
  });

  test("wsgi.multiprocess is true in one of several workers (workers > 1, reusePort)", async () => {
    const flags: unknown[] = [];
    const app: WsgiApp = (environ, startResponse) => {
      flags.push(environ["wsgi.multiprocess"]);
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return ["ok"];
    };
    await withServer(engine, validator(app), async (base) => {
      await (await fetch(base + "/")).text();
    }, { workers: 2, reusePort: true });
    await withServer(engine, validator(app), async (base) => {
      await (await fetch(base + "/")).text();
    });
    assert.deepEqual(flags, [true, false]);
  });

  test("a request without a query string has an empty QUERY_STRING", async () => {
    await withServer(engine, validator(environEcho), async (base) => {
      const env = await (await fetch(base + "/plain")).json();
      assert.equal(env.QUERY_STRING, "");
      assert.equal(env.PATH_INFO, "/plain");
    });
  });

  test("joins repeated request headers with a comma", async () => {
    await withServer(engine, validator(environEcho), async (_base, port) => {
      const client = await RawClient.open(port);
      try {
        await client.write(
          `GET / HTTP/1.1\r\nHost: x\r\nX-Multi: a\r\nX-Multi: b\r\nConnection: close\r\n\r\n`,
        );
        const env = JSON.parse(dec.decode((await client.response()).body));
        assert.equal(env.HTTP_X_MULTI, "a, b");
      } finally {
        client.close();
      }
    });
  });

  test("joins repeated Cookie headers with '; ' and keeps latin-1 header bytes", async () => {
    await withServer(engine, validator(environEcho), async (_base, port) => {
      const client = await RawClient.open(port);
      try {
        const head = enc.encode(
          "GET / HTTP/1.1\r\nHost: x\r\nCookie: a=1\r\nCookie: b=2\r\nX-Latin: caf#\r\n" +
            "Connection: close\r\n\r\n",
        );
        head[head.indexOf(0x23)] = 0xe9; // the byte é is in latin-1
        await client.write(head);
        const env = JSON.parse(dec.decode((await client.response()).body));
        assert.equal(env.HTTP_COOKIE, "a=1; b=2");
        assert.equal(env.HTTP_X_LATIN, "caf\xe9");
      } finally {
        client.close();
      }
    });
  });

  test("PATH_INFO keeps an invalid percent-escape or invalid UTF-8 as the original text", async () => {
    await withServer(engine, validator(environEcho), async (_base, port) => {
      const client = await RawClient.open(port);
      try {
        await client.write("GET /a%FFb/%zz/%E2%82%AC HTTP/1.1\r\nHost: x\r\n\r\n");
        const env = JSON.parse(dec.decode((await client.response()).body));
        assert.equal(env.PATH_INFO, "/a%FFb/%zz/\u20ac");
        assert.equal(env.RAW_URI ?? env.REQUEST_URI, "/a%FFb/%zz/%E2%82%AC");
      } finally {
        client.close();
      }
    });
  });

  test("keeps an HTTP/1.0 Connection: keep-alive connection open for a sized response", async () => {
    await withServer(engine, validator(hello), async (_base, port) => {
      const client = await RawClient.open(port);
      try {
        for (let i = 0; i < 2; i++) {
          await client.write("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
          const res = await client.response();
          assert.equal(res.status, 200);
          assert.equal(dec.decode(res.body), "<h1>Hello, web!</h1>");
        }
      } finally {
        client.close();
      }
    });
  });

  test("reads a Content-Length request body through wsgi.input", async () => {
    await withServer(engine, validator(bodyEcho), async (base) => {
      const res = await fetch(base + "/", { method: "POST", body: "hello body" });
      assert.equal(res.headers.get("x-content-length"), "10");
      assert.equal(await res.text(), "hello body");
    });
  });

  test("reads a chunked upload (with a chunk extension) through wsgi.input", async () => {
    await withServer(engine, validator(bodyEcho), async (_base, port) => {
      const client = await RawClient.open(port);
      try {
        await client.write(
          "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
            "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n",
        );
        const res = await client.response();
        assert.equal(res.status, 200);
        assert.equal(header(res, "x-received"), "12");
        assert.equal(dec.decode(res.body), "hello, world");
        // The connection is still usable after a chunked body.
        await client.write("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
        assert.equal((await client.response()).status, 200);
      } finally {
        client.close();
      }
    });
  });

  test("streams a fetch upload of unknown length (chunked) into wsgi.input", async () => {
    await withServer(engine, validator(bodyEcho), async (base) => {
      const parts = ["one ", "two ", "three"];
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = parts.shift();
          if (next === undefined) controller.close();
          else controller.enqueue(enc.encode(next));
        },
      });
      const res = await fetch(base + "/", { method: "POST", body, duplex: "half" } as RequestInit);
      assert.equal(await res.text(), "one two three");
    });
  });

  test("reads a 1 MiB request body completely", async () => {
    const data = new Uint8Array(1 << 20);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 0xff;
    await withServer(engine, validator(bodyEcho), async (base) => {
      const res = await fetch(base + "/", { method: "POST", body: data });
      const echoed = new Uint8Array(await res.arrayBuffer());
      assert.equal(res.headers.get("x-received"), String(data.length));
      assert.deepEqual(echoed, data);
    });
  });

  test("a client that leaves mid-upload makes wsgi.input fail, not the server", async () => {
    const outcomes: string[] = [];
    const app: WsgiApp = async (environ, startResponse) => {
      if (environ.REQUEST_METHOD === "POST") {
        try {
          const data = await environ["wsgi.input"].read();
          outcomes.push(`read ${data.length} bytes`);
        } catch {
          outcomes.push("read failed");
        }
      }
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return ["alive"];
    };
    await withServer(engine, validator(app), async (base, port) => {
      const client = await RawClient.open(port);
      await client.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789");
      await new Promise((resolve) => setTimeout(resolve, 50));
      client.close();
      await until(() => outcomes.length > 0, "the app to see the upload end");
      assert.deepEqual(outcomes, ["read failed"], "a cut-off body is an error, not a short read");
      assert.equal(await (await fetch(base + "/")).text(), "alive");
    });
  });

  test("wsgi.input supports read(n), readline() and async iteration", async () => {
    const app: WsgiApp = async (environ, startResponse) => {
      const input = environ["wsgi.input"];
      const first = dec.decode(await input.read(3));
      const line = dec.decode(await input.readline());
      const rest: string[] = [];
      for await (const chunk of input) rest.push(dec.decode(chunk));
      const after = (await input.read()).length;
      startResponse("200 OK", [["Content-Type", "application/json"]]);
      return [JSON.stringify({ first, line, rest: rest.join(""), after })];
    };
    await withServer(engine, validator(app), async (base) => {
      const res = await fetch(base + "/", { method: "POST", body: "abcdef\nghi\njkl" });
      assert.deepEqual(await res.json(), {
        first: "abc",
        line: "def\n",
        rest: "ghi\njkl",
        after: 0,
      });
    });
  });

  test("streams a large response (8 MiB in 128 chunks) intact", async () => {
    const chunk = new Uint8Array(65536);
    const app: WsgiApp = (_environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "application/octet-stream"]]);
      return (async function* () {
        for (let i = 0; i < 128; i++) {
          chunk.fill(i);
          yield chunk.slice();
        }
      })();
    };
    await withServer(engine, validator(app), async (base) => {
      const res = await fetch(base + "/big");
      const data = new Uint8Array(await res.arrayBuffer());
      assert.equal(data.length, 128 * 65536);
      for (let i = 0; i < 128; i++) {
        assert.equal(data[i * 65536], i);
        assert.equal(data[i * 65536 + 65535], i);
      }
    });
  });

  test("sends each chunk as it is produced, before the body is finished", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const app: WsgiApp = (_environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return (async function* () {
        yield "first;";
        await gate;
        yield "second";
      })();
    };
    await withServer(engine, validator(app), async (base) => {
      const res = await fetch(base + "/");
      const reader = res.body!.getReader();
      const first = await timeout(reader.read(), 3000, "the first chunk before the second");
      assert.equal(dec.decode(first.value), "first;");
      release();
      let rest = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        rest += dec.decode(value);
      }
      assert.equal(rest, "second");
    });
  });

  test("serves a slow request and a fast one concurrently", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const app: WsgiApp = async (environ, startResponse) => {
      if (environ.PATH_INFO === "/slow") await gate;
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return [environ.PATH_INFO];
    };
    await withServer(engine, validator(app), async (base) => {
      const slow = fetch(base + "/slow");
      const fast = await timeout(fetch(base + "/fast"), 3000, "the fast request");
      assert.equal(await fast.text(), "/fast");
      release();
      assert.equal(await (await slow).text(), "/slow");
    });
  });

  test("answers 100 concurrent requests, each with its own response", async () => {
    const app: WsgiApp = async (environ, startResponse) => {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return [environ.QUERY_STRING];
    };
    await withServer(engine, validator(app), async (base) => {
      const answers = await Promise.all(
        Array.from({ length: 100 }, async (_, i) => await (await fetch(`${base}/?n=${i}`)).text()),
      );
      assert.deepEqual(answers, Array.from({ length: 100 }, (_, i) => `n=${i}`));
    });
  });

  test("answers 500 when the app throws before starting the response", async () => {
    const app: WsgiApp = () => {
      throw new Error("boom");
    };
    await withServer(engine, validator(app), async (base) => {
      const res = await fetch(base + "/");
      assert.equal(res.status, 500);
      await res.body?.cancel();
      // And it keeps serving.
      const again = await fetch(base + "/");
      assert.equal(again.status, 500);
      await again.body?.cancel();
    });
  });

  test("answers 500 when the app returns without calling startResponse", async () => {
    const app = (() => []) as unknown as WsgiApp;
    await withServer(engine, validator(app), async (base) => {
      const res = await fetch(base + "/");
      assert.equal(res.status, 500);
      await res.body?.cancel();
    });
  });

  test("cuts the response short when the app fails after its headers are out", async () => {
    const app: WsgiApp = (environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      if (environ.PATH_INFO !== "/fail") return ["fine"];
      return (async function* () {
        yield "partial";
        throw new Error("mid-body failure");
      })();
    };
    await withServer(engine, validator(app), async (base, port) => {
      // Either the head got out and the body is cut short, or nothing got out: what must
      // never happen is a response that looks complete (or a 500 after a 200 was sent).
      let complete = false;
      try {
        const res = await fetch(base + "/fail");
        assert.equal(res.status, 200);
        await res.text();
        complete = true;
      } catch {
        // The connection was closed: expected.
      }
      assert.equal(complete, false, "the body must not look complete");
      // The server still answers on a fresh connection.
      const client = await RawClient.open(port);
      try {
        await client.write("GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
        const next = await client.response();
        assert.equal(next.status, 200);
        assert.equal(dec.decode(next.body), "fine");
      } finally {
        client.close();
      }
    });
  });

  test("reports each request to the accessLog callback", async () => {
    const entries: AccessLogEntry[] = [];
    await withServer(engine, validator(hello), async (base) => {
      const res = await fetch(base + "/logged?q=1", { headers: { "User-Agent": "ua/1" } });
      await res.text();
      await until(() => entries.length === 1, "an access-log entry");
      const entry = entries[0]!;
      assert.equal(entry.method, "GET");
      assert.equal(entry.target, "/logged?q=1");
      assert.equal(entry.status, 200);
      assert.equal(entry.bytes, 20);
      assert.equal(entry.remoteAddr, "127.0.0.1");
      assert.equal(entry.userAgent, "ua/1");
      assert.equal(entry.referer, undefined);
      assert.match(entry.protocol, /^HTTP\//);
      assert.ok(entry.durationMs >= 0);
    }, { accessLog: (entry) => entries.push(entry) });
  });

  test("looks wsgiApp up on every request (app.wsgiApp = middleware(app.wsgiApp))", async () => {
    const inner: WsgiApp = (_environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return ["inner"];
    };
    const obj: WsgiAppObject = { wsgiApp: validator(inner) };
    await withServer(engine, obj, async (base) => {
      const a = await fetch(base + "/");
      assert.equal(a.headers.get("x-wrapped"), null);
      assert.equal(await a.text(), "inner");
      const wrap = (app: WsgiApp): WsgiApp => (environ, startResponse) =>
        app(
          environ,
          (status, headers, excInfo) =>
            startResponse(status, [...headers, ["X-Wrapped", "yes"]], excInfo),
        );
      obj.wsgiApp = validator(wrap(inner));
      const b = await fetch(base + "/");
      assert.equal(b.headers.get("x-wrapped"), "yes");
      assert.equal(await b.text(), "inner");
    });
  });

  // --- protocol semantics --------------------------------------------------------------

  test("startResponse with excInfo before the first chunk replaces status and headers", async () => {
    const app: WsgiApp = (_environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/plain"], ["X-First", "1"]]);
      try {
        throw new Error("handled failure");
      } catch (error) {
        startResponse("500 Internal Server Error", [["Content-Type", "text/html"]], error);
      }
      return ["<p>error page</p>"];
    };
    await withServer(engine, validator(app), async (base) => {
      const res = await fetch(base + "/");
      assert.equal(res.status, 500);
      assert.equal(res.headers.get("x-first"), null, "the first headers are discarded");
      assert.equal(res.headers.get("content-type"), "text/html");
      assert.equal(await res.text(), "<p>error page</p>");
    });
  });

  test("headers are deferred until the first non-empty chunk", async () => {
    // Empty chunks do not send the headers, so excInfo may still replace them after them.
    const app: WsgiApp = (_environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/plain"], ["X-First", "1"]]);
      return (async function* () {
        yield "";
        yield new Uint8Array(0);
        startResponse("503 Service Unavailable", [["Content-Type", "text/plain"]], new Error("x"));
        yield "try later";
      })();
    };
    await withServer(engine, validator(app), async (base) => {
      const res = await fetch(base + "/");
      assert.equal(res.status, 503);
      assert.equal(res.headers.get("x-first"), null);
      assert.equal(await res.text(), "try later");
    });
  });

  test("startResponse may be called from inside the body iterator (deferred start)", async () => {
    const app: WsgiApp = (_environ, startResponse) =>
      (function* () {
        startResponse("202 Accepted", [["Content-Type", "text/plain"]]);
        yield "late start";
      })();
    await withServer(engine, validator(app), async (base) => {
      const res = await fetch(base + "/");
      assert.equal(res.status, 202);
      assert.equal(await res.text(), "late start");
    });
  });

  test("startResponse with excInfo after the headers are sent re-throws excInfo", async () => {
    let rethrown: unknown = "not called";
    const failure = new Error("too late");
    const app: WsgiApp = (_environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return (async function* () {
        yield "sent;";
        try {
          startResponse("500 Internal Server Error", [["Content-Type", "text/plain"]], failure);
          rethrown = "returned normally";
        } catch (error) {
          rethrown = error;
        }
        yield "after";
      })();
    };
    await withServer(engine, validator(app), async (base) => {
      const res = await fetch(base + "/");
      assert.equal(res.status, 200);
      assert.equal(await res.text(), "sent;after");
      assert.equal(rethrown, failure);
    });
  });

  test("calls close() exactly once when the body completes", async () => {
    let closed = 0;
    const app: WsgiApp = (_environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      const body: Body = Object.assign(["a", "b", "c"], { close: () => void closed++ });
      return body;
    };
    await withServer(engine, validator(app), async (base) => {
      const res = await fetch(base + "/");
      assert.equal(await res.text(), "abc");
      await until(() => closed >= 1, "close() after the body");
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(closed, 1);
    });
  });

  test("calls close() once when a streaming body completes", async () => {
    let closed = 0;
    const app: WsgiApp = (_environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      const gen = (async function* () {
        yield "x";
        yield "y";
      })();
      return Object.assign(gen, {
        close: async () => {
          await Promise.resolve();
          closed++;
        },
      });
    };
    await withServer(engine, validator(app), async (base) => {
      assert.equal(await (await fetch(base + "/")).text(), "xy");
      await until(() => closed >= 1, "close() after the stream");
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(closed, 1);
    });
  });

  test("calls close() when the client disconnects mid-stream, and stops pulling", async () => {
    let closed = 0;
    let produced = 0;
    const app: WsgiApp = (_environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      const gen = (async function* () {
        for (let i = 0; i < 2000; i++) {
          produced++;
          yield `chunk ${i}\n`;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })();
      return Object.assign(gen, { close: () => void closed++ });
    };
    await withServer(engine, validator(app), async (_base, port) => {
      const client = await RawClient.open(port);
      await client.write("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
      await until(() => produced >= 3, "the stream to start");
      client.close();
      await until(() => closed >= 1, "close() after the client left", 5000);
      const at = produced;
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(closed, 1);
      assert.ok(produced <= at + 1, "the server stops pulling chunks");
      assert.ok(produced < 2000);
    });
  });

  test("the write() callable sends data before the returned body", async () => {
    const app: WsgiApp = (_environ, startResponse) => {
      const write = startResponse("200 OK", [["Content-Type", "text/plain"]]);
      write(enc.encode("written "));
      write(enc.encode("twice, "));
      return ["then returned"];
    };
    await withServer(engine, validator(app), async (base) => {
      assert.equal(await (await fetch(base + "/")).text(), "written twice, then returned");
    });
  });

  test("the write() callable alone makes the body when the app returns nothing more", async () => {
    const app: WsgiApp = (_environ, startResponse) => {
      const write = startResponse("200 OK", [["Content-Type", "text/plain"]]);
      write(enc.encode("only written"));
      return [];
    };
    await withServer(engine, validator(app), async (base) => {
      assert.equal(await (await fetch(base + "/")).text(), "only written");
    });
  });

  test("string chunks are sent UTF-8 encoded", async () => {
    const app: WsgiApp = (_environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/plain; charset=utf-8"]]);
      return ["héllo ", "世界 ", "🙂"];
    };
    await withServer(engine, validator(app), async (base) => {
      const bytes = new Uint8Array(await (await fetch(base + "/")).arrayBuffer());
      assert.deepEqual(bytes, enc.encode("héllo 世界 🙂"));
    });
  });

  test("an async app (returning a promise of the body) is awaited", async () => {
    const app: WsgiApp = async (_environ, startResponse) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return ["async"];
    };
    await withServer(engine, validator(app), async (base) => {
      assert.equal(await (await fetch(base + "/")).text(), "async");
    });
  });

  test("an app's Content-Length is kept and an empty body has length 0", async () => {
    const app: WsgiApp = (environ, startResponse) => {
      if (environ.PATH_INFO === "/empty") {
        startResponse("200 OK", [["Content-Type", "text/plain"]]);
        return [];
      }
      startResponse("200 OK", [["Content-Type", "text/plain"], ["Content-Length", "5"]]);
      return ["ab", "cde"];
    };
    await withServer(engine, validator(app), async (_base, port) => {
      const client = await RawClient.open(port);
      try {
        await client.write("GET /sized HTTP/1.1\r\nHost: x\r\n\r\n");
        const sized = await client.response();
        assert.equal(header(sized, "content-length"), "5");
        assert.equal(dec.decode(sized.body), "abcde");
        await client.write("GET /empty HTTP/1.1\r\nHost: x\r\n\r\n");
        const empty = await client.response();
        assert.equal(empty.body.length, 0);
        assert.ok(
          header(empty, "content-length") === "0" || empty.chunked,
          "an empty body is framed",
        );
      } finally {
        client.close();
      }
    });
  });

  test("serves two servers side by side on distinct ports", async () => {
    await withServer(engine, validator(hello), async (baseA, portA) => {
      await withServer(engine, validator(environEcho), async (baseB, portB) => {
        assert.notEqual(portA, portB);
        assert.equal(await (await fetch(baseA + "/")).text(), "<h1>Hello, web!</h1>");
        assert.equal((await (await fetch(baseB + "/")).json()).SERVER_PORT, String(portB));
      });
    });
  });

  test("shutdown() lets an in-flight request finish and refuses new connections", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    const app: WsgiApp = async (_environ, startResponse) => {
      started = true;
      await gate;
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return ["finished"];
    };
    const handle = await serve(validator(app), {
      hostname: "127.0.0.1",
      port: 0,
      engine,
      onListen: () => {},
      gracefulTimeout: 5000,
    });
    const port = handle.addr.port;
    const client = await RawClient.open(port);
    try {
      await client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      await until(() => started, "the request to reach the app");
      const stopping = handle.shutdown();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await assert.rejects(
        Deno.connect({ hostname: "127.0.0.1", port }).then((c) => c.close()),
        "no new connections once shutting down",
      );
      release();
      const res = await client.response();
      assert.equal(res.status, 200);
      assert.equal(dec.decode(res.body), "finished");
      await timeout(stopping, 5000, "shutdown()");
      await timeout(handle.finished, 1000, "finished");
    } finally {
      client.close();
      release();
      await handle.shutdown();
    }
  });

  test("aborting options.signal shuts the server down", async () => {
    const controller = new AbortController();
    const handle = await serve(validator(hello), {
      hostname: "127.0.0.1",
      port: 0,
      engine,
      onListen: () => {},
      signal: controller.signal,
    });
    const res = await fetch(`http://127.0.0.1:${handle.addr.port}/`);
    assert.equal(await res.text(), "<h1>Hello, web!</h1>");
    controller.abort();
    await timeout(handle.finished, 5000, "finished after abort");
  });

  test("onListen receives the bound address with the real port", async () => {
    let seen: Deno.NetAddr | undefined;
    await withServer(engine, validator(hello), (_base, port) => {
      assert.equal(seen?.port, port);
      assert.equal(seen?.hostname, "127.0.0.1");
      return Promise.resolve();
    }, { onListen: (addr) => (seen = addr) });
  });
}

for (const engine of ENGINES) conformance(engine);
