import assert from "node:assert/strict";
import { toFetchHandler } from "../../framework/gateway/to_fetch_handler.ts";
import type { Environ, WsgiApp } from "../../framework/gateway/types.ts";
import { MemoryErrorStream } from "../../framework/gateway/error_stream.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

const hello: WsgiApp = (_environ, startResponse) => {
  startResponse("200 OK", [["Content-Type", "text/html"]]);
  return ["<h1>Hello, web!</h1>"];
};

/** Routes the app's wsgi.errors into memory so failures stay out of the test output. */
function quiet(app: WsgiApp, errors = new MemoryErrorStream()): WsgiApp {
  return (environ, startResponse) => {
    environ["wsgi.errors"] = errors;
    return app(environ, startResponse);
  };
}

Deno.test("toFetchHandler answers the seed's hello app with a plain byte body", async () => {
  const response = await toFetchHandler(hello)(new Request("http://h/"));
  assert.equal(response.status, 200);
  assert.equal(response.statusText, "OK");
  assert.equal(response.headers.get("content-type"), "text/html");
  assert.equal(await response.text(), "<h1>Hello, web!</h1>");
});

Deno.test("toFetchHandler passes the environ the fetch adapter builds", async () => {
  let seen: Environ | undefined;
  const handler = toFetchHandler((environ, sr) => {
    seen = environ;
    sr("200 OK", []);
    return [];
  });
  await handler(new Request("http://h:81/x?y=1"), {
    remoteAddr: { transport: "tcp", hostname: "127.0.0.9", port: 4 },
  });
  assert.equal(seen?.PATH_INFO, "/x");
  assert.equal(seen?.QUERY_STRING, "y=1");
  assert.equal(seen?.REMOTE_ADDR, "127.0.0.9");
});

Deno.test("toFetchHandler streams an async body, pulling only as the client reads", async () => {
  let produced = 0;
  let closed = 0;
  const handler = toFetchHandler((_e, sr) => {
    sr("200 OK", [["Content-Type", "text/plain"]]);
    return Object.assign(
      (async function* () {
        for (let i = 0; i < 1000; i++) {
          produced++;
          yield `chunk ${i}\n`;
        }
      })(),
      { close: () => void closed++ },
    );
  });
  const response = await handler(new Request("http://h/"));
  const reader = response.body!.getReader();
  const first = await reader.read();
  assert.equal(dec.decode(first.value), "chunk 0\n");
  await new Promise((r) => setTimeout(r, 5));
  assert.ok(produced <= 3, `the body must not be read ahead (produced ${produced})`);
  await reader.cancel();
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(closed, 1, "cancelling the stream calls close() once");
});

Deno.test("toFetchHandler streams a whole sync generator body in order and closes it", async () => {
  let closed = 0;
  const handler = toFetchHandler((_e, sr) => {
    sr("200 OK", []);
    return Object.assign(
      (function* () {
        for (let i = 0; i < 200; i++) yield `${i},`;
      })(),
      { close: () => void closed++ },
    );
  });
  const text = await (await handler(new Request("http://h/"))).text();
  assert.equal(text, Array.from({ length: 200 }, (_, i) => `${i},`).join(""));
  assert.equal(closed, 1);
});

Deno.test("toFetchHandler answers 500 when the app fails before its headers", async () => {
  const errors = new MemoryErrorStream();
  const handler = toFetchHandler(quiet(() => {
    throw new Error("kaboom");
  }, errors));
  const response = await handler(new Request("http://h/"));
  assert.equal(response.status, 500);
  assert.equal(await response.text(), "Internal Server Error");
  assert.match(errors.text, /kaboom/);
});

Deno.test("toFetchHandler errors the body stream when the app fails mid-body", async () => {
  const errors = new MemoryErrorStream();
  const handler = toFetchHandler(quiet((_e, sr) => {
    sr("200 OK", []);
    return (async function* () {
      yield "partial";
      throw new Error("mid-body failure");
    })();
  }, errors));
  const response = await handler(new Request("http://h/"));
  assert.equal(response.status, 200);
  await assert.rejects(response.text(), /mid-body failure/);
  assert.match(errors.text, /mid-body failure/);
});

Deno.test("toFetchHandler sends no body for HEAD but keeps the app's headers", async () => {
  let closed = 0;
  const handler = toFetchHandler((_e, sr) => {
    sr("200 OK", [["Content-Length", "5"]]);
    return Object.assign(
      (async function* () {
        yield "hello";
      })(),
      { close: () => void closed++ },
    );
  });
  const response = await handler(new Request("http://h/", { method: "HEAD" }));
  assert.equal((await response.arrayBuffer()).byteLength, 0);
  assert.equal(response.headers.get("content-length"), "5");
  assert.equal(closed, 1);
});

Deno.test("toFetchHandler sends 204 and 304 without a body", async () => {
  for (const status of ["204 No Content", "304 Not Modified"]) {
    const response = await toFetchHandler((_e, sr) => {
      sr(status, []);
      return [];
    })(new Request("http://h/"));
    assert.equal(response.status, Number(status.slice(0, 3)));
    assert.equal(response.body, null);
  }
});

Deno.test("toFetchHandler answers 500 for a status fetch cannot send", async () => {
  const errors = new MemoryErrorStream();
  const response = await toFetchHandler(quiet((_e, sr) => {
    sr("103 Early Hints", []);
    return [];
  }, errors))(new Request("http://h/"));
  assert.equal(response.status, 500);
  assert.match(errors.text, /status 103/);
});

Deno.test("toFetchHandler answers 500 when the app sets a hop-by-hop header", async () => {
  const errors = new MemoryErrorStream();
  const response = await toFetchHandler(quiet((_e, sr) => {
    sr("200 OK", [["Connection", "close"]]);
    return ["x"];
  }, errors))(new Request("http://h/"));
  assert.equal(response.status, 500);
  assert.match(errors.text, /Connection/);
});

Deno.test("toFetchHandler adds serverHeader unless the app set Server", async () => {
  const handler = toFetchHandler(hello, { serverHeader: "phial" });
  assert.equal((await handler(new Request("http://h/"))).headers.get("server"), "phial");
  const own = toFetchHandler((_e, sr) => {
    sr("200 OK", [["Server", "mine"]]);
    return [];
  }, { serverHeader: "phial" });
  assert.equal((await own(new Request("http://h/"))).headers.get("server"), "mine");
});

Deno.test("toFetchHandler with maxBodySize answers 413 for a larger Content-Length", async () => {
  let called = false;
  const handler = toFetchHandler((_e, sr) => {
    called = true;
    sr("200 OK", []);
    return [];
  }, { maxBodySize: 4 });
  const response = await handler(
    new Request("http://h/", {
      method: "POST",
      body: "too long body",
      headers: { "Content-Length": "13" },
    }),
  );
  assert.equal(response.status, 413);
  assert.equal(called, false);
});

Deno.test("toFetchHandler with maxBodySize answers 413 for a streamed body over the limit", async () => {
  const handler = toFetchHandler(async (environ, sr) => {
    const body = await environ["wsgi.input"].read();
    sr("200 OK", []);
    return [body];
  }, { maxBodySize: 8 });
  const stream = (parts: string[]) =>
    new ReadableStream({
      pull(c) {
        const p = parts.shift();
        if (p === undefined) c.close();
        else c.enqueue(enc.encode(p));
      },
    });
  const big = await handler(
    new Request(
      "http://h/",
      { method: "POST", body: stream(["12345", "67890"]), duplex: "half" } as RequestInit,
    ),
  );
  assert.equal(big.status, 413);
  const small = await handler(
    new Request(
      "http://h/",
      { method: "POST", body: stream(["1234", "5678"]), duplex: "half" } as RequestInit,
    ),
  );
  assert.equal(small.status, 200);
  assert.equal(await small.text(), "12345678");
});

Deno.test("toFetchHandler reports each finished response to onFinish", async () => {
  const seen: [string, number, number][] = [];
  const handler = toFetchHandler((environ, sr) => {
    sr("200 OK", []);
    if (environ.PATH_INFO === "/stream") {
      return (async function* () {
        yield "abc";
        yield "de";
      })();
    }
    return ["hello"];
  }, { onFinish: (environ, status, bytes) => seen.push([environ.PATH_INFO, status, bytes]) });
  await (await handler(new Request("http://h/plain"))).text();
  await (await handler(new Request("http://h/stream"))).text();
  assert.deepEqual(seen, [["/plain", 200, 5], ["/stream", 200, 5]]);
});

Deno.test("toFetchHandler looks wsgiApp up per request on an app object", async () => {
  const appObject = { wsgiApp: hello };
  const handler = toFetchHandler(appObject);
  assert.equal((await handler(new Request("http://h/"))).status, 200);
  appObject.wsgiApp = (_e, sr) => {
    sr("202 Accepted", []);
    return [];
  };
  assert.equal((await handler(new Request("http://h/"))).status, 202);
});

Deno.test("toFetchHandler's signal cuts in-flight responses short", async () => {
  const controller = new AbortController();
  let closed = 0;
  const handler = toFetchHandler(async (environ, sr) => {
    if (environ.PATH_INFO === "/slow") await new Promise((r) => setTimeout(r, 50));
    sr("200 OK", []);
    return Object.assign(
      (async function* () {
        for (;;) {
          yield "tick";
          await new Promise((r) => setTimeout(r, 1));
        }
      })(),
      { close: () => void closed++ },
    );
  }, { signal: controller.signal });
  const streaming = await handler(new Request("http://h/stream"));
  const slow = handler(new Request("http://h/slow"));
  const reader = streaming.body!.getReader();
  assert.equal(dec.decode((await reader.read()).value), "tick");
  controller.abort();
  assert.equal((await slow).status, 503);
  await assert.rejects(async () => {
    while (!(await reader.read()).done);
  }, /shutting down/);
  assert.equal((await handler(new Request("http://h/"))).status, 503);
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(closed, 2, "the streaming body and the late one are both closed");
});

Deno.test("toFetchHandler sends small text bodies byte for byte, valid UTF-8 or not", async () => {
  const bodies = [
    new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69]), // a BOM, then "hi"
    enc.encode("snow ☃ and 😀"),
    new Uint8Array([0x41, 0xff, 0xfe, 0x42]), // not UTF-8
  ];
  for (const bytes of bodies) {
    for (const type of ["text/plain; charset=utf-8", "application/octet-stream"]) {
      const response = await toFetchHandler((_e, sr) => {
        sr("200 OK", [["Content-Type", type]]);
        return [bytes];
      })(new Request("http://h/"));
      assert.deepEqual(new Uint8Array(await response.arrayBuffer()), bytes);
      assert.equal(response.headers.get("content-type"), type);
    }
  }
});

Deno.test("toFetchHandler leaves Content-Type out when the app set none", async () => {
  for (const body of [["text"], [enc.encode("bytes")]]) {
    const response = await toFetchHandler((_e, sr) => {
      sr("200 OK", []);
      return body;
    })(new Request("http://h/"));
    assert.equal(response.headers.get("content-type"), null);
    await response.arrayBuffer();
  }
});

Deno.test("toFetchHandler sets wsgi.multiprocess when told it is one of several workers", async () => {
  const seen: unknown[] = [];
  const app: WsgiApp = (environ, sr) => {
    seen.push(environ["wsgi.multiprocess"]);
    sr("204 No Content", []);
    return [];
  };
  await toFetchHandler(app, { multiprocess: true })(new Request("http://h/"));
  await toFetchHandler(app)(new Request("http://h/"));
  assert.deepEqual(seen, [true, false]);
});

Deno.test("toFetchHandler adds no Server header when serverHeader is empty", async () => {
  const response = await toFetchHandler(hello, { serverHeader: "" })(new Request("http://h/"));
  assert.equal(response.headers.get("server"), null);
  await response.text();
});

Deno.test("toFetchHandler re-reads a body buffer the app rewrites between requests", async () => {
  // The same Uint8Array object each time, with new contents: the answer must follow them.
  const buffer = enc.encode("<p>first</p>");
  const app: WsgiApp = (_environ, startResponse) => {
    startResponse("200 OK", [["Content-Type", "text/html"]]);
    return [buffer];
  };
  const handler = toFetchHandler(app);
  assert.equal(await (await handler(new Request("http://h/"))).text(), "<p>first</p>");
  assert.equal(await (await handler(new Request("http://h/"))).text(), "<p>first</p>");
  buffer.set(enc.encode("secnd"), 3);
  assert.equal(await (await handler(new Request("http://h/"))).text(), "<p>secnd</p>");
  buffer[3] = 0xe9; // no longer ASCII (nor valid UTF-8): sent byte for byte
  const bytes = await (await handler(new Request("http://h/"))).bytes();
  assert.deepEqual([...bytes], [...buffer]);
});

Deno.test("toFetchHandler keeps the app's Content-Type, wherever it is in the list", async () => {
  const app: WsgiApp = (_environ, startResponse) => {
    startResponse("200 OK", [["X-One", "1"], ["X-Two", "2"], ["content-TYPE", "text/csv"]]);
    return ["a,b\n"];
  };
  const response = await toFetchHandler(app)(new Request("http://h/"));
  assert.equal(response.headers.get("content-type"), "text/csv");
  assert.equal(response.headers.get("x-one"), "1");
  assert.equal(response.headers.get("x-two"), "2");
  assert.equal(await response.text(), "a,b\n");
});
