import assert from "node:assert/strict";
import { type AppResponse, runApp } from "../../framework/gateway/run_app.ts";
import type { Body, StartResponse, WsgiApp } from "../../framework/gateway/types.ts";
import { testEnviron } from "./environ_fixture.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

async function drain(response: AppResponse): Promise<string> {
  let out = response.chunks.map((c) => dec.decode(c)).join("");
  for (let c = await response.next(); c !== null; c = await response.next()) out += dec.decode(c);
  return out;
}

const hello: WsgiApp = (_environ, startResponse) => {
  startResponse("200 OK", [["Content-Type", "text/html"]]);
  return [enc.encode("<h1>Hello, web!</h1>")];
};

Deno.test("runApp settles the seed's hello app complete, within one microtask", async () => {
  let response: AppResponse | undefined;
  runApp(hello, testEnviron()).then((r) => response = r);
  await Promise.resolve();
  assert.ok(response, "a synchronous app that returns an array must need only one hop");
  assert.equal(response.status, "200 OK");
  assert.equal(response.statusCode, 200);
  assert.deepEqual(response.headers, [["Content-Type", "text/html"]]);
  assert.equal(response.complete, true);
  assert.equal(dec.decode(response.chunks[0]), "<h1>Hello, web!</h1>");
  assert.equal(await response.next(), null);
});

Deno.test("runApp passes the app's header list through without copying it", async () => {
  const headers: [string, string][] = [["X-A", "1"]];
  const response = await runApp((_e, sr) => {
    sr("204 No Content", headers);
    return [];
  }, testEnviron());
  assert.equal(response.headers, headers);
  assert.deepEqual(response.chunks, []);
  assert.equal(response.complete, true);
});

Deno.test("runApp UTF-8 encodes string chunks and skips empty ones", async () => {
  const response = await runApp((_e, sr) => {
    sr("200 OK", []);
    return ["", "héllo ", new Uint8Array(0), "wörld"];
  }, testEnviron());
  assert.deepEqual(response.chunks.map((c) => c.length), [7, 6]);
  assert.equal(await drain(response), "héllo wörld");
});

for (
  const status of ["200", "200OK", "20 OK", "OK 200", "2000 OK", "200 OK\r\nX-Evil: 1", "099 X"]
) {
  Deno.test(`startResponse rejects the malformed status ${JSON.stringify(status)}`, async () => {
    await assert.rejects(
      runApp((_e, sr) => {
        sr(status, []);
        return [];
      }, testEnviron()),
      (e: unknown) => e instanceof TypeError && /status/i.test(e.message),
    );
  });
}

Deno.test("startResponse accepts a status with an empty reason phrase", async () => {
  const response = await runApp((_e, sr) => {
    sr("299 ", []);
    return [];
  }, testEnviron());
  assert.equal(response.statusCode, 299);
});

const badHeaders: [string, [string, string], RegExp][] = [
  ["CR LF in a value (response splitting)", ["X-A", "1\r\nSet-Cookie: evil=1"], /X-A/],
  ["a bare LF in a value", ["X-A", "a\nb"], /X-A/],
  ["NUL in a value", ["X-A", "a\0b"], /X-A/],
  ["a value beyond latin-1", ["X-Name", "snow ☃"], /X-Name/],
  ["a space in the name", ["X A", "1"], /X A/],
  ["a colon in the name", ["X-A:", "1"], /X-A:/],
  ["CR LF in the name", ["X-A\r\nX-B", "1"], /X-A/],
  ["an empty name", ["", "1"], /header name/],
];
for (const [what, header, names] of badHeaders) {
  Deno.test(`startResponse rejects ${what} with a TypeError naming it`, async () => {
    await assert.rejects(
      runApp((_e, sr) => {
        sr("200 OK", [["Content-Type", "text/plain"], header]);
        return ["x"];
      }, testEnviron()),
      (e: unknown) => e instanceof TypeError && names.test(e.message),
    );
  });
}

for (
  const name of [
    "Connection",
    "keep-alive",
    "Proxy-Authenticate",
    "PROXY-AUTHORIZATION",
    "TE",
    "Trailer",
    "Trailers",
    "Transfer-Encoding",
    "Upgrade",
  ]
) {
  Deno.test(`startResponse rejects the hop-by-hop header ${name}`, async () => {
    await assert.rejects(
      runApp((_e, sr) => {
        sr("200 OK", [[name, "x"]]);
        return [];
      }, testEnviron()),
      (e: unknown) => e instanceof TypeError && e.message.includes(name),
    );
  });
}

Deno.test("startResponse accepts latin-1 values and headers like Content-Length", async () => {
  const response = await runApp((_e, sr) => {
    sr("200 OK", [["Content-Length", "1"], ["X-Latin", "caf\xe9\t!"], ["Teapot", "y"]]);
    return ["x"];
  }, testEnviron());
  assert.equal(response.headers.length, 3);
});

Deno.test("startResponse called twice without excInfo is an error", async () => {
  await assert.rejects(
    runApp((_e, sr) => {
      sr("200 OK", []);
      sr("404 Not Found", []);
      return [];
    }, testEnviron()),
    /second time without excInfo/,
  );
});

Deno.test("startResponse with excInfo before the headers are out replaces status and headers", async () => {
  const response = await runApp((_e, sr) => {
    sr("200 OK", [["X-First", "1"]]);
    return (function* () {
      try {
        throw new Error("view failed");
      } catch (error) {
        sr("500 Internal Server Error", [["X-Second", "2"]], error);
        yield "sorry";
      }
    })();
  }, testEnviron());
  assert.equal(response.status, "500 Internal Server Error");
  assert.deepEqual(response.headers, [["X-Second", "2"]]);
  assert.equal(await drain(response), "sorry");
});

Deno.test("startResponse with excInfo after the first chunk re-throws excInfo", async () => {
  let rethrown: unknown;
  const original = new Error("late failure");
  const response = await runApp((_e, sr) => {
    sr("200 OK", []);
    return (async function* () {
      yield "part one";
      try {
        sr("500 Internal Server Error", [], original);
      } catch (error) {
        rethrown = error;
      }
      yield "part two";
    })();
  }, testEnviron());
  assert.equal(await drain(response), "part onepart two");
  assert.equal(rethrown, original);
  assert.equal(response.status, "200 OK");
});

Deno.test("write() data comes before the body and counts as sending the headers", async () => {
  let rethrown: unknown;
  const response = await runApp((_e, sr) => {
    const write = sr("200 OK", []);
    write(enc.encode("written "));
    try {
      sr("500 Oops", [], new Error("x"));
    } catch (error) {
      rethrown = error;
    }
    return ["returned"];
  }, testEnviron());
  assert.ok(rethrown instanceof Error);
  assert.equal(response.complete, true);
  assert.equal(await drain(response), "written returned");
});

Deno.test("write() during iteration is sent in order", async () => {
  const response = await runApp((_e, sr) => {
    const write = sr("200 OK", []);
    return (async function* () {
      yield "a";
      write(enc.encode("b"));
      yield "c";
      write(enc.encode("d"));
    })();
  }, testEnviron());
  assert.equal(await drain(response), "abcd");
});

Deno.test("write() before startResponse is an error", async () => {
  let write: ((d: Uint8Array) => void) | undefined;
  await runApp((_e, sr) => {
    write = sr("200 OK", []);
    return [];
  }, testEnviron());
  assert.throws(() => write!(enc.encode("late")), /after the response ended/);
});

Deno.test("runApp rejects when the app never calls startResponse", async () => {
  let closed = 0;
  const body = Object.assign(["x"], { close: () => void closed++ });
  await assert.rejects(runApp(() => body, testEnviron()), /startResponse/);
  assert.equal(closed, 1);
  await assert.rejects(runApp(() => [], testEnviron()), /without calling startResponse/);
});

Deno.test("runApp rejects when the app throws before its headers, after close()", async () => {
  await assert.rejects(
    runApp(() => {
      throw new Error("boom");
    }, testEnviron()),
    /boom/,
  );
  let closed = 0;
  const failing: Body = {
    *[Symbol.iterator]() {
      yield "";
      throw new Error("generator boom");
    },
    close() {
      closed++;
    },
  };
  await assert.rejects(
    runApp((_e, sr) => {
      sr("200 OK", []);
      return failing;
    }, testEnviron()),
    /generator boom/,
  );
  assert.equal(closed, 1);
});

Deno.test("runApp rejects a bare string, a Uint8Array or null as the body", async () => {
  for (const bad of ["text", enc.encode("x"), null, 42]) {
    await assert.rejects(
      runApp((_e, sr) => {
        sr("200 OK", []);
        return bad as unknown as Body;
      }, testEnviron()),
      TypeError,
    );
  }
});

Deno.test("runApp rejects a chunk that is neither bytes nor a string", async () => {
  await assert.rejects(
    runApp((_e, sr) => {
      sr("200 OK", []);
      return [42 as unknown as string];
    }, testEnviron()),
    /Uint8Array or string chunks, not number/,
  );
});

Deno.test("close() is called exactly once when an array body completes", async () => {
  let closed = 0;
  const response = await runApp((_e, sr) => {
    sr("200 OK", []);
    return Object.assign(["a", "b"], { close: () => void closed++ });
  }, testEnviron());
  assert.equal(response.complete, true);
  assert.equal(closed, 1);
  await response.close();
  assert.equal(await response.next(), null);
  assert.equal(closed, 1);
});

Deno.test("close() is called once after an async body ends, and is awaited", async () => {
  const events: string[] = [];
  const body = {
    async *[Symbol.asyncIterator]() {
      yield "one";
      await new Promise((r) => setTimeout(r, 1));
      yield "two";
    },
    async close() {
      await new Promise((r) => setTimeout(r, 1));
      events.push("closed");
    },
  };
  const response = await runApp(async (_e, sr) => {
    await Promise.resolve();
    sr("200 OK", []);
    return body;
  }, testEnviron());
  assert.equal(response.complete, false);
  assert.equal(await drain(response), "onetwo");
  assert.deepEqual(events, ["closed"]);
  await response.close();
  assert.deepEqual(events, ["closed"]);
});

Deno.test("close() is called when the body fails mid-way, and next() rejects", async () => {
  let closed = 0;
  const response = await runApp((_e, sr) => {
    sr("200 OK", []);
    return Object.assign(
      (async function* () {
        yield "ok";
        throw new Error("mid-body");
      })(),
      { close: () => void closed++ },
    );
  }, testEnviron());
  assert.equal(dec.decode(response.chunks[0]), "ok");
  await assert.rejects(response.next(), /mid-body/);
  assert.equal(closed, 1);
  assert.equal(await response.next(), null);
});

Deno.test("a sync generator failing after its first chunk: runApp resolves, next() rejects", async () => {
  let closed = 0;
  const response = await runApp((_e, sr) => {
    sr("200 OK", []);
    return Object.assign(
      (function* () {
        yield "first";
        throw new Error("second chunk failed");
      })(),
      { close: () => void closed++ },
    );
  }, testEnviron());
  assert.equal(response.complete, false);
  assert.equal(dec.decode(response.chunks[0]), "first");
  await assert.rejects(response.next(), /second chunk failed/);
  assert.equal(closed, 1);
});

Deno.test("close() by the engine abandons a body: close() once, generator finally runs", async () => {
  let closed = 0;
  let finallyRan = false;
  const response = await runApp((_e, sr) => {
    sr("200 OK", []);
    return Object.assign(
      (async function* () {
        try {
          for (let i = 0;; i++) yield `chunk ${i}`;
        } finally {
          finallyRan = true;
        }
      })(),
      { close: () => void closed++ },
    );
  }, testEnviron());
  await response.next();
  await Promise.all([response.close(), response.close()]);
  assert.equal(closed, 1);
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(finallyRan, true);
  assert.equal(await response.next(), null);
});

Deno.test("an endless sync generator is drained only a bounded amount up front", async () => {
  let made = 0;
  const response = await runApp((_e, sr) => {
    sr("200 OK", []);
    return (function* () {
      for (;;) {
        made++;
        yield "x";
      }
    })();
  }, testEnviron());
  assert.equal(response.complete, false);
  assert.ok(made > 0 && made <= 64, `made ${made}`);
  const next = await response.next();
  assert.equal(dec.decode(next!), "x");
  await response.close();
});

Deno.test("a generator may call startResponse lazily, on its first step", async () => {
  const response = await runApp((_e, sr) => {
    return (function* () {
      sr("201 Created", [["Location", "/x"]]);
      yield "made";
    })();
  }, testEnviron());
  assert.equal(response.statusCode, 201);
  assert.equal(response.complete, true);
});

Deno.test("runApp looks wsgiApp up on an app object at every call", async () => {
  const appObject = { wsgiApp: hello };
  assert.equal((await runApp(appObject, testEnviron())).statusCode, 200);
  const inner = appObject.wsgiApp;
  appObject.wsgiApp = (environ: Parameters<WsgiApp>[0], sr: StartResponse) => {
    return inner(environ, (_s, h, e) => sr("418 I'm a teapot", h, e));
  };
  assert.equal((await runApp(appObject, testEnviron())).statusCode, 418);
});

Deno.test("runApp keeps `this` for class-style app objects", async () => {
  class App {
    greeting = "hi";
    wsgiApp(_e: unknown, sr: StartResponse): string[] {
      sr("200 OK", []);
      return [this.greeting];
    }
  }
  assert.equal(await drain(await runApp(new App(), testEnviron())), "hi");
});

Deno.test("runApp rejects something that is not an app object", async () => {
  await assert.rejects(runApp({} as unknown as WsgiApp, testEnviron()), /Not an app object/);
});

Deno.test("an error from the body's close() goes to wsgi.errors, not to the engine", async () => {
  const environ = testEnviron();
  const response = await runApp((_e, sr) => {
    sr("200 OK", []);
    return Object.assign(["x"], {
      close: () => {
        throw new Error("close failed");
      },
    });
  }, environ);
  assert.equal(response.complete, true);
  assert.match((environ["wsgi.errors"] as unknown as { text: string }).text, /close failed/);
});

Deno.test("string chunks: ASCII, non-ASCII and long strings all come out as their UTF-8 bytes", async () => {
  const long = "x".repeat(1000) + "é";
  const pieces = ["<p>", "café ☕ 😀", "plain ascii", long, "a\u0080b", ""];
  const response = await runApp((_e, sr) => {
    sr("200 OK", [["Content-Type", "text/plain; charset=utf-8"]]);
    return pieces;
  }, testEnviron());
  const expected = pieces.filter((p) => p !== "").map((p) => enc.encode(p));
  assert.deepEqual(response.chunks.map((c) => [...c]), expected.map((c) => [...c]));
});

Deno.test("bytes of an encoded string chunk never change when later strings are encoded", async () => {
  // Short ASCII chunks are copied into a shared slab: enough of them to fill several slabs.
  const responses: AppResponse[] = [];
  for (let i = 0; i < 3000; i++) {
    responses.push(
      await runApp((_e, sr) => {
        sr("200 OK", []);
        return ["first", `chunk number ${i}`];
      }, testEnviron()),
    );
  }
  responses.forEach((response, i) => {
    assert.deepEqual(response.chunks.map((c) => dec.decode(c)), ["first", `chunk number ${i}`]);
  });
});
