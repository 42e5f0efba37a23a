import assert from "node:assert/strict";
import { validator, WsgiProtocolError } from "../../framework/gateway/validator.ts";
import { runApp } from "../../framework/gateway/run_app.ts";
import { bytesInput } from "../../framework/gateway/input_stream.ts";
import type { Body, Environ, StartResponse, WsgiApp } from "../../framework/gateway/types.ts";
import { testEnviron } from "./environ_fixture.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

const good: WsgiApp = (_environ, startResponse) => {
  startResponse("200 OK", [["Content-Type", "text/plain"]]);
  return ["fine"];
};

/** Runs an app through the validator and runApp and gives the whole body. */
async function serveOnce(app: WsgiApp, environ: Environ = testEnviron()): Promise<string> {
  const response = await runApp(validator(app), environ);
  let text = response.chunks.map((c) => dec.decode(c)).join("");
  for (let c = await response.next(); c !== null; c = await response.next()) text += dec.decode(c);
  return text;
}

function rejectsWith(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  return assert.rejects(
    promise,
    (e: unknown) => e instanceof WsgiProtocolError && pattern.test(e.message),
  );
}

const startResponseSpy: StartResponse = () => () => {};

Deno.test("validator lets a conforming app and server through unchanged", async () => {
  assert.equal(await serveOnce(good), "fine");
  const streaming: WsgiApp = (_e, sr) => {
    const write = sr("200 OK", [["Content-Type", "text/plain"]]);
    write(enc.encode("a"));
    return (async function* () {
      yield "b";
      yield enc.encode("c");
    })();
  };
  assert.equal(await serveOnce(streaming), "abc");
});

Deno.test("validator keeps a synchronous body synchronous (one hop through runApp)", async () => {
  let settled = false;
  runApp(validator(good), testEnviron()).then(() => settled = true);
  await Promise.resolve();
  assert.equal(settled, true);
});

Deno.test("WsgiProtocolError is an Error with its own name", () => {
  const error = new WsgiProtocolError("x");
  assert.ok(error instanceof Error);
  assert.equal(error.name, "WsgiProtocolError");
});

// Servers that break the protocol.
const brokenEnvirons: [string, (e: Environ) => void, RegExp][] = [
  [
    "a missing REQUEST_METHOD",
    (e) => delete (e as Partial<Environ>).REQUEST_METHOD,
    /REQUEST_METHOD/,
  ],
  ["a missing QUERY_STRING", (e) => delete (e as Partial<Environ>).QUERY_STRING, /QUERY_STRING/],
  ["HTTP_CONTENT_TYPE", (e) => e.HTTP_CONTENT_TYPE = "text/plain", /CONTENT_TYPE instead/],
  ["HTTP_CONTENT_LENGTH", (e) => e.HTTP_CONTENT_LENGTH = "1", /CONTENT_LENGTH instead/],
  [
    "a non-string CGI value",
    (e) => e.SERVER_PORT = 80 as unknown as string,
    /SERVER_PORT must be a string/,
  ],
  ["wsgi.version (1, 1)", (e) => e["wsgi.version"] = [1, 1] as unknown as [1, 0], /wsgi.version/],
  ["an unknown url scheme", (e) => e["wsgi.url_scheme"] = "ftp" as "http", /url_scheme/],
  [
    "a non-boolean wsgi.multithread",
    (e) => e["wsgi.multithread"] = 0 as unknown as boolean,
    /multithread/,
  ],
  [
    "wsgi.input_terminated false",
    (e) => e["wsgi.input_terminated"] = false as true,
    /input_terminated/,
  ],
  ["an input without readline", (e) => e["wsgi.input"] = { read() {} } as never, /readline/],
  ["errors without flush", (e) => e["wsgi.errors"] = { write() {} } as never, /flush/],
  ["PATH_INFO without a leading slash", (e) => e.PATH_INFO = "x", /PATH_INFO/],
  ["SCRIPT_NAME of /", (e) => e.SCRIPT_NAME = "/", /SCRIPT_NAME cannot be/],
  ["SCRIPT_NAME without a leading slash", (e) => e.SCRIPT_NAME = "app", /SCRIPT_NAME must/],
  ["a negative CONTENT_LENGTH", (e) => e.CONTENT_LENGTH = "-1", /CONTENT_LENGTH/],
  ["a non-latin-1 header value", (e) => e.HTTP_X_NAME = "☃", /latin-1/],
  ["a method that is not a token", (e) => e.REQUEST_METHOD = "GE T", /REQUEST_METHOD/],
];
for (const [what, breakIt, pattern] of brokenEnvirons) {
  Deno.test(`validator catches a server that gives ${what}`, () => {
    const environ = testEnviron();
    breakIt(environ);
    assert.throws(
      () => validator(good)(environ, startResponseSpy),
      (e: unknown) => e instanceof WsgiProtocolError && pattern.test(e.message),
    );
  });
}

Deno.test("validator catches a server that calls the app with three arguments", () => {
  const lint = validator(good) as (...args: unknown[]) => unknown;
  assert.throws(() => lint(testEnviron(), startResponseSpy, {}), /two arguments/);
});

Deno.test("validator catches a server whose input gives more than CONTENT_LENGTH", async () => {
  const app: WsgiApp = async (environ, sr) => {
    await environ["wsgi.input"].read();
    sr("200 OK", [["Content-Type", "text/plain"]]);
    return [];
  };
  const environ = testEnviron({
    CONTENT_LENGTH: "3",
    "wsgi.input": bytesInput(enc.encode("12345")),
  });
  await rejectsWith(serveOnce(app, environ), /more than CONTENT_LENGTH 3/);
});

Deno.test("validator catches a server whose input gives strings", async () => {
  const app: WsgiApp = async (environ, sr) => {
    await environ["wsgi.input"].readline();
    sr("200 OK", [["Content-Type", "text/plain"]]);
    return [];
  };
  const environ = testEnviron({
    "wsgi.input": {
      read: () => Promise.resolve("x"),
      readline: () => Promise.resolve("x"),
      [Symbol.asyncIterator]: async function* () {},
    },
  });
  await rejectsWith(serveOnce(app, environ), /readline\(\) must give a Uint8Array/);
});

Deno.test("validator catches a server that iterates the body after close()", () => {
  const breaches: WsgiProtocolError[] = [];
  const body = validator(good, { onBreach: (e) => breaches.push(e) })(
    testEnviron(),
    startResponseSpy,
  ) as Iterable<string> & { close(): void };
  const iter = body[Symbol.iterator]();
  iter.next();
  body.close();
  assert.throws(() => iter.next(), /iterated after close/);
  assert.equal(breaches.length, 1);
});

Deno.test("validator catches a server that calls close() twice", () => {
  const breaches: WsgiProtocolError[] = [];
  const body = validator(good, { onBreach: (e) => breaches.push(e) })(
    testEnviron(),
    startResponseSpy,
  ) as Body & { close(): void };
  body.close();
  assert.throws(() => body.close(), /close\(\) was called twice/);
  assert.match(breaches[0]!.message, /twice/);
});

Deno.test("validator catches a server that steps an async body concurrently", async () => {
  const app: WsgiApp = (_e, sr) => {
    sr("200 OK", [["Content-Type", "text/plain"]]);
    return (async function* () {
      await new Promise((r) => setTimeout(r, 5));
      yield "a";
      yield "b";
    })();
  };
  const body = validator(app)(testEnviron(), startResponseSpy) as AsyncIterable<string>;
  const iter = body[Symbol.asyncIterator]();
  const first = iter.next();
  await assert.rejects(iter.next(), /stepped again/);
  await first;
});

Deno.test("runApp passes the validator's server checks for every kind of body", async () => {
  const bodies: (() => Body)[] = [
    () => [],
    () => ["", "x", enc.encode("y")],
    () =>
      (function* () {
        yield "g";
      })(),
    () =>
      (async function* () {
        yield "a";
      })(),
  ];
  for (const make of bodies) {
    await serveOnce((_e, sr) => {
      sr("200 OK", [["Content-Type", "text/plain"]]);
      return make();
    });
  }
});

// Apps that break the protocol.
const brokenApps: [string, WsgiApp, RegExp][] = [
  ["returns undefined", (_e, sr) => {
    sr("200 OK", [["Content-Type", "text/plain"]]);
    return undefined as unknown as Body;
  }, /must return an iterable/],
  ["returns a bare string", (_e, sr) => {
    sr("200 OK", [["Content-Type", "text/plain"]]);
    return "text" as unknown as Body;
  }, /bare string/],
  ["returns a number", () => 42 as unknown as Body, /iterable or async iterable/],
  ["gives a status without a reason", (_e, sr) => {
    sr("200", [["Content-Type", "text/plain"]]);
    return [];
  }, /three digits/],
  ["gives status 099", (_e, sr) => {
    sr("099 Low", [["Content-Type", "text/plain"]]);
    return [];
  }, /invalid/],
  ["gives a status with CR LF", (_e, sr) => {
    sr("200 OK\r\nX: 1", [["Content-Type", "text/plain"]]);
    return [];
  }, /control characters/],
  ["gives headers as an object", (_e, sr) => {
    sr("200 OK", { "Content-Type": "text/plain" } as unknown as [string, string][]);
    return [];
  }, /array of \[name, value\] pairs/],
  ["gives a header triple", (_e, sr) => {
    sr("200 OK", [["Content-Type", "text/plain", "x"] as unknown as [string, string]]);
    return [];
  }, /pair/],
  ["sets a Status header", (_e, sr) => {
    sr("200 OK", [["Content-Type", "text/plain"], ["Status", "200"]]);
    return [];
  }, /Status header/],
  ["sets a header name ending in -", (_e, sr) => {
    sr("200 OK", [["Content-Type", "text/plain"], ["X-", "1"]]);
    return [];
  }, /may not end/],
  ["sets a hop-by-hop header", (_e, sr) => {
    sr("200 OK", [["Content-Type", "text/plain"], ["Transfer-Encoding", "chunked"]]);
    return [];
  }, /Transfer-Encoding is a hop-by-hop header/],
  ["sets a value with a newline", (_e, sr) => {
    sr("200 OK", [["Content-Type", "text/plain\nX: y"]]);
    return [];
  }, /bad value for header Content-Type/],
  ["omits Content-Type on a 200", (_e, sr) => {
    sr("200 OK", []);
    return [];
  }, /no Content-Type/],
  ["calls startResponse twice without excInfo", (_e, sr) => {
    sr("200 OK", [["Content-Type", "text/plain"]]);
    sr("500 Oops", [["Content-Type", "text/plain"]]);
    return [];
  }, /second time without excInfo/],
  ["calls startResponse with four arguments", (_e, sr) => {
    (sr as (...a: unknown[]) => unknown)("200 OK", [["Content-Type", "text/plain"]], null, 1);
    return [];
  }, /two or three arguments/],
  ["writes a string with write()", (_e, sr) => {
    const write = sr("200 OK", [["Content-Type", "text/plain"]]);
    write("text" as unknown as Uint8Array);
    return [];
  }, /write\(\) takes a Uint8Array/],
  ["yields a number", (_e, sr) => {
    sr("200 OK", [["Content-Type", "text/plain"]]);
    return [1 as unknown as string];
  }, /chunks must be Uint8Array or string/],
  ["yields before calling startResponse", () =>
    (function* () {
      yield "early";
    })(), /before startResponse/],
  ["writes bytes to wsgi.errors", (environ, sr) => {
    environ["wsgi.errors"].write(enc.encode("x") as unknown as string);
    sr("200 OK", [["Content-Type", "text/plain"]]);
    return [];
  }, /wsgi.errors.write\(\) takes a string/],
  ["closes wsgi.input", (environ, sr) => {
    (environ["wsgi.input"] as unknown as { close(): void }).close();
    sr("200 OK", [["Content-Type", "text/plain"]]);
    return [];
  }, /input.close\(\) must not be called/],
];
for (const [what, app, pattern] of brokenApps) {
  Deno.test(`validator catches an app that ${what}`, async () => {
    await rejectsWith(serveOnce(app), pattern);
  });
}

Deno.test("validator catches an app that reads wsgi.input with a bad size", async () => {
  const app: WsgiApp = async (environ, sr) => {
    await environ["wsgi.input"].read("10" as unknown as number);
    sr("200 OK", [["Content-Type", "text/plain"]]);
    return [];
  };
  await rejectsWith(serveOnce(app), /integer size/);
});

Deno.test("validator allows startResponse again with excInfo, and 204 without Content-Type", async () => {
  const app: WsgiApp = (_e, sr) => {
    sr("200 OK", [["Content-Type", "text/plain"]]);
    sr("204 No Content", [], new Error("handled"));
    return [];
  };
  assert.equal(await serveOnce(app), "");
});

Deno.test("validator catches a server whose readline gives more than one line", async () => {
  const app: WsgiApp = async (environ, sr) => {
    await environ["wsgi.input"].readline();
    sr("200 OK", [["Content-Type", "text/plain"]]);
    return [];
  };
  const environ = testEnviron({
    "wsgi.input": {
      read: () => Promise.resolve(new Uint8Array(0)),
      readline: () => Promise.resolve(enc.encode("one\ntwo\n")),
      [Symbol.asyncIterator]: async function* () {},
    },
  });
  await rejectsWith(serveOnce(app, environ), /more than one line/);
});

Deno.test("validator catches a server with a malformed SERVER_PROTOCOL", () => {
  const environ = testEnviron({ SERVER_PROTOCOL: "HTTP1.1" });
  assert.throws(() => validator(good)(environ, startResponseSpy), /SERVER_PROTOCOL/);
  for (const ok of ["HTTP/1.0", "HTTP/1.1", "HTTP/2"]) {
    validator(good)(testEnviron({ SERVER_PROTOCOL: ok }), startResponseSpy);
  }
});
