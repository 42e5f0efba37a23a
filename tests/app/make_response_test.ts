// viewReturnToResponse against Flask 3.1's make_response: each [status, headers, body] marked
// "Flask" was recorded from Flask 3.1.3 / Werkzeug 3.1 on Python 3.11, by a view returning
// the Python counterpart (str, bytes, dict, list, tuple, Response, WSGI callable, generator)
// under `app.test_client()`, headers as sent (`to_wsgi_list()`); error messages were recorded
// from `app.make_response(rv)` and adapted to JavaScript's types as the JSDoc says. The script
// is kept outside the repo. Cases marked "phial's choice" have no Python counterpart (fetch
// Response, ReadableStream, async iterables) or follow the documented tuple test where a JS
// array is ambiguous; JSON arrays recorded from Flask were returned as Python lists.
import assert from "node:assert/strict";
import {
  type MakeResponseOptions,
  viewReturnToResponse,
} from "../../framework/app/make_response.ts";
import { DefaultJSONProvider } from "../../framework/app/json_provider.ts";
import { Response } from "../../framework/wrappers/response.ts";
import { EnvironBuilder } from "../../framework/wrappers/environ_builder.ts";
import { Client } from "../../framework/wrappers/client.ts";
import { Headers } from "../../framework/http/headers.ts";
import type { Environ, StartResponse, WsgiApp } from "../../framework/gateway/types.ts";

const json = new DefaultJSONProvider();

function options(extra: Partial<MakeResponseOptions> = {}): MakeResponseOptions {
  return {
    responseClass: Response,
    json,
    environ: new EnvironBuilder("/").getEnviron(),
    endpoint: "index",
    ...extra,
  };
}

type Sent = [status: string, headers: [string, string][], body: string];

/** What a client receives for `response`: status, headers as sent, body text. */
async function send(response: Response): Promise<Sent> {
  const r = await new Client(response).get("/");
  return [r.status, r.headers.toWsgiList(), r.text];
}

/** Makes the response and checks it came without a promise. */
function makeSync(rv: unknown, opts: MakeResponseOptions = options()): Response {
  const response = viewReturnToResponse(rv, opts);
  assert.ok(!(response instanceof Promise), "expected a Response, not a promise");
  assert.ok(response instanceof Response);
  return response;
}

const HTML: [string, string] = ["Content-Type", "text/html; charset=utf-8"];
const JSON_CT: [string, string] = ["Content-Type", "application/json"];
const length = (n: number): [string, string] => ["Content-Length", String(n)];

function* gen(): Generator<string | Uint8Array> {
  yield "a";
  yield new TextEncoder().encode("b");
}

const wsgiApp: WsgiApp = (_environ: Environ, startResponse: StartResponse) => {
  startResponse("202 ACCEPTED", [["Content-Type", "text/plain"], ["X-App", "1"]]);
  return ["from ", new TextEncoder().encode("app")];
};

// [label, return value (a function, so streams are fresh), what Flask sent]
const SYNC_CASES: [string, () => unknown, Sent][] = [
  ["a string is an HTML body (Flask)", () => "Hello", ["200 OK", [HTML, length(5)], "Hello"]],
  [
    "a Uint8Array is the body's bytes (Flask)",
    () => new Uint8Array([0, 1]),
    ["200 OK", [HTML, length(2)], "\x00\x01"],
  ],
  [
    "a plain object is JSON (Flask)",
    () => ({ b: 1, a: [1, 2] }),
    ["200 OK", [JSON_CT, length(18)], '{"a":[1,2],"b":1}\n'],
  ],
  ["[1, 2] is JSON (Flask)", () => [1, 2], ["200 OK", [JSON_CT, length(6)], "[1,2]\n"]],
  [
    '["a", "b"] is JSON (Flask)',
    () => ["a", "b"],
    ["200 OK", [JSON_CT, length(10)], '["a","b"]\n'],
  ],
  ["[] is JSON (Flask)", () => [], ["200 OK", [JSON_CT, length(3)], "[]\n"]],
  [
    "a phial Response is used as is (Flask)",
    () => new Response("r", { status: 418, headers: { "X-R": "1" } }),
    ["418 I'M A TEAPOT", [["X-R", "1"], HTML, length(1)], "r"],
  ],
  [
    "a generator is streamed, without Content-Length (Flask)",
    () => gen(),
    ["200 OK", [HTML], "ab"],
  ],
  [
    "[string, status] (Flask)",
    () => ["Created", 201],
    ["201 CREATED", [HTML, length(7)], "Created"],
  ],
  [
    "[string, status, headers] (Flask)",
    () => ["Created", 201, { Location: "/x" }],
    ["201 CREATED", [["Location", "/x"], HTML, length(7)], "Created"],
  ],
  [
    "[string, headers] (Flask)",
    () => ["x", { "X-A": "1" }],
    ["200 OK", [["X-A", "1"], HTML, length(1)], "x"],
  ],
  [
    "a Content-Type in the headers replaces the default one (Flask)",
    () => ["x", { "Content-Type": "text/plain" }],
    ["200 OK", [["Content-Type", "text/plain"], length(1)], "x"],
  ],
  [
    "pairs with a string body are all added, as the constructor does (Flask)",
    () => ["x", [["X-A", "1"], ["X-A", "2"]]],
    ["200 OK", [["X-A", "1"], ["X-A", "2"], HTML, length(1)], "x"],
  ],
  [
    "[string, status, Headers] keeps repeated headers (Flask)",
    () => ["x", 201, new Headers([["Set-Cookie", "a=1"], ["Set-Cookie", "b=2"]])],
    ["201 CREATED", [["Set-Cookie", "a=1"], ["Set-Cookie", "b=2"], HTML, length(1)], "x"],
  ],
  [
    "[string, status, {}] (Flask)",
    () => ["x", 201, {}],
    ["201 CREATED", [HTML, length(1)], "x"],
  ],
  [
    "an unknown status code (Flask)",
    () => ["x", 599],
    ["599 UNKNOWN", [HTML, length(1)], "x"],
  ],
  [
    "[object, status] (Flask)",
    () => [{ error: "x" }, 404],
    ["404 NOT FOUND", [JSON_CT, length(14)], '{"error":"x"}\n'],
  ],
  [
    "[object, status string] sets the status line as given (Flask)",
    () => [{ a: 1 }, "201 Made It"],
    ["201 Made It", [JSON_CT, length(8)], '{"a":1}\n'],
  ],
  [
    "pairs after a JSON body replace: the last of a name wins (Flask)",
    () => [{ a: 1 }, [["X-A", "1"], ["X-A", "2"]]],
    ["200 OK", [JSON_CT, length(8), ["X-A", "2"]], '{"a":1}\n'],
  ],
  [
    "[object, Headers] replaces Content-Type (Flask)",
    () => [{ a: 1 }, new Headers({ "Content-Type": "application/problem+json" })],
    ["200 OK", [["Content-Type", "application/problem+json"], length(8)], '{"a":1}\n'],
  ],
  [
    "[object, Headers with a repeated name] keeps every value (Flask)",
    () => [{ a: 1 }, new Headers([["X-A", "1"], ["X-A", "2"]])],
    ["200 OK", [JSON_CT, length(8), ["X-A", "1"], ["X-A", "2"]], '{"a":1}\n'],
  ],
  [
    "[object, status, record with an array value] sets every value (Flask)",
    () => [{ a: 1 }, 200, { "X-A": ["1", "2"] }],
    ["200 OK", [JSON_CT, length(8), ["X-A", "1"], ["X-A", "2"]], '{"a":1}\n'],
  ],
  [
    "[array, status] is a JSON array with the status (Flask)",
    () => [[1, 2], 201],
    ["201 CREATED", [JSON_CT, length(6)], "[1,2]\n"],
  ],
  [
    "an array body inside a tuple is JSON, not a nested tuple (Flask)",
    () => [["x", 201], 404],
    ["404 NOT FOUND", [JSON_CT, length(10)], '["x",201]\n'],
  ],
  [
    "[Response, status, headers]: status replaced, named headers replaced, others kept (Flask)",
    () => [new Response("r", { headers: { "X-R": "1", "X-K": "keep" } }), 202, { "X-R": "2" }],
    ["202 ACCEPTED", [["X-R", "2"], ["X-K", "keep"], HTML, length(1)], "r"],
  ],
  [
    "[Response, status string] (Flask)",
    () => [new Response("r"), "299 Custom"],
    ["299 Custom", [HTML, length(1)], "r"],
  ],
  [
    "[Response, pairs]: replaced in place, new names appended (Flask)",
    () => [new Response("r", { headers: { "X-R": "1" } }), [["X-R", "2"], ["X-R", "3"], [
      "X-N",
      "n",
    ]]],
    ["200 OK", [["X-R", "3"], HTML, length(1), ["X-N", "n"]], "r"],
  ],
  [
    "[generator, status, headers] (Flask)",
    () => [gen(), 206, { "X-G": "1" }],
    ["206 PARTIAL CONTENT", [["X-G", "1"], HTML], "ab"],
  ],
  [
    "[generator, pairs] (Flask)",
    () => [gen(), [["X-G", "1"], ["X-G", "2"]]],
    ["200 OK", [["X-G", "1"], ["X-G", "2"], HTML], "ab"],
  ],
  [
    "[bytes, status] (Flask)",
    () => [new TextEncoder().encode("bin"), 500],
    ["500 INTERNAL SERVER ERROR", [HTML, length(3)], "bin"],
  ],
  [
    '[bytes, "201"] (Flask)',
    () => [new TextEncoder().encode("bin"), "201"],
    ["201 CREATED", [HTML, length(3)], "bin"],
  ],
  // Arrays that look like tuples but are data: JSON, as Flask does for the same lists.
  [
    'two strings are JSON even when the second looks like a status: ["a", "201"] (Flask list)',
    () => ["a", "201"],
    ["200 OK", [JSON_CT, length(12)], '["a","201"]\n'],
  ],
  [
    "two plain objects are JSON, not [body, headers] (Flask list)",
    () => [{ a: "1" }, { b: "2" }],
    ["200 OK", [JSON_CT, length(22)], '[{"a":"1"},{"b":"2"}]\n'],
  ],
  [
    "[null, object] is JSON (Flask list)",
    () => [null, { b: "2" }],
    ["200 OK", [JSON_CT, length(17)], '[null,{"b":"2"}]\n'],
  ],
  [
    "a number outside 100-999 is no status: JSON (Flask list)",
    () => ["x", 99],
    ["200 OK", [JSON_CT, length(9)], '["x",99]\n'],
  ],
  [
    "an empty array is no headers: JSON (Flask list)",
    () => ["x", []],
    ["200 OK", [JSON_CT, length(9)], '["x",[]]\n'],
  ],
  [
    "a list of string pairs is JSON (Flask list)",
    () => [["a", "1"], ["b", "2"]],
    ["200 OK", [JSON_CT, length(22)], '[["a","1"],["b","2"]]\n'],
  ],
  [
    "an async generator is streamed (phial's choice)",
    () =>
      (async function* () {
        yield "as";
        yield "ync";
      })(),
    ["200 OK", [HTML], "async"],
  ],
  [
    "a ReadableStream is streamed, with a tuple's status (phial's choice)",
    () => [
      new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode("str"));
          controller.enqueue(new TextEncoder().encode("eam"));
          controller.close();
        },
      }),
      201,
    ],
    ["201 CREATED", [HTML], "stream"],
  ],
  [
    "fetch Headers in a tuple (phial's choice)",
    () => [{ a: 1 }, new globalThis.Headers({ "X-A": "1" })],
    ["200 OK", [JSON_CT, length(8), ["x-a", "1"]], '{"a":1}\n'],
  ],
];

for (const [label, rv, expected] of SYNC_CASES) {
  Deno.test(`viewReturnToResponse: ${label}`, async () => {
    assert.deepEqual(await send(makeSync(rv())), expected);
  });
}

Deno.test("viewReturnToResponse: a phial Response of the response class is the same object", () => {
  const response = new Response("r");
  assert.equal(makeSync(response), response);
  assert.equal(makeSync([response, 201]), response);
  assert.equal(response.status, "201 CREATED");
});

Deno.test("viewReturnToResponse: a base Response is re-classed to a subclass, as force_type", async () => {
  class MyResponse extends Response {
    hello(): string {
      return "hi";
    }
  }
  const response = new Response("r", { status: 201 });
  const made = makeSync(response, options({ responseClass: MyResponse }));
  assert.equal(made, response);
  assert.ok(made instanceof MyResponse);
  assert.equal((made as MyResponse).hello(), "hi");
  assert.deepEqual(await send(made), ["201 CREATED", [HTML, length(1)], "r"]);
});

Deno.test("viewReturnToResponse: strings and JSON are made with the response class", () => {
  class MyResponse extends Response {
    static override defaultMimetype: string | null = "text/plain";
  }
  const made = makeSync(["x", 201], options({ responseClass: MyResponse }));
  assert.ok(made instanceof MyResponse);
  assert.equal(made.headers.get("Content-Type"), "text/plain; charset=utf-8");
  const jsonClass = new DefaultJSONProvider({ responseClass: MyResponse });
  assert.ok(
    makeSync({ a: 1 }, options({ responseClass: MyResponse, json: jsonClass })) instanceof
      MyResponse,
  );
});

Deno.test("viewReturnToResponse: a gateway app is run and buffered (Flask, plus Content-Length)", async () => {
  const pending = viewReturnToResponse(wsgiApp, options());
  assert.ok(pending instanceof Promise);
  const response = await pending;
  assert.ok(response.isSequence);
  // Flask sends no Content-Length here (force_type does not buffer); phial buffers, as the
  // API says, so the length is known.
  assert.deepEqual(await send(response), [
    "202 ACCEPTED",
    [["Content-Type", "text/plain"], ["X-App", "1"], length(8)],
    "from app",
  ]);
});

Deno.test("viewReturnToResponse: [app, status, headers] replaces the app's status and header (Flask)", async () => {
  const response = await viewReturnToResponse([wsgiApp, 201, { "X-App": "2" }], options());
  assert.deepEqual(await send(response), [
    "201 CREATED",
    [["Content-Type", "text/plain"], ["X-App", "2"], length(8)],
    "from app",
  ]);
});

Deno.test("viewReturnToResponse: an object with a wsgiApp method, even a literal, is run as a WSGI callable (Flask)", async () => {
  class AppClass {
    wsgiApp = wsgiApp;
  }
  for (const app of [new AppClass(), { wsgiApp }, [{ wsgiApp }, 201]]) {
    const pending = viewReturnToResponse(app, options());
    assert.ok(pending instanceof Promise);
    const [status, headers, body] = await send(await pending);
    assert.equal(status, Array.isArray(app) ? "201 CREATED" : "202 ACCEPTED");
    assert.deepEqual(headers[0], ["Content-Type", "text/plain"]);
    assert.equal(body, "from app");
  }
});

Deno.test("viewReturnToResponse: the app is run against the request's environ", async () => {
  const environ = new EnvironBuilder("/where", { method: "POST" }).getEnviron();
  const echo: WsgiApp = (env, startResponse) => {
    startResponse("200 OK", [["Content-Type", "text/plain"]]);
    return [`${env.REQUEST_METHOD} ${env.PATH_INFO}`];
  };
  const response = await viewReturnToResponse(echo, options({ environ }));
  assert.equal(await response.getData({ asText: true }), "POST /where");
});

Deno.test("viewReturnToResponse: a fetch Response is converted without buffering (phial's choice)", async () => {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      controller.enqueue(new TextEncoder().encode("fetched"));
      controller.close();
    },
  }, { highWaterMark: 0 });
  const fetched = new globalThis.Response(body, {
    status: 201,
    statusText: "Made",
    headers: { "Content-Type": "text/plain", "X-F": "1" },
  });
  const pending = viewReturnToResponse([fetched, { "X-F": "2" }], options());
  assert.ok(pending instanceof Promise);
  const response = await pending;
  assert.ok(response instanceof Response);
  assert.ok(response.isStreamed);
  assert.equal(pulled, 0);
  assert.deepEqual(await send(response), [
    "201 Made",
    [["content-type", "text/plain"], ["X-F", "2"]],
    "fetched",
  ]);
});

Deno.test("viewReturnToResponse: undefined and null name the view (Flask)", () => {
  const none = "The view function for 'index' did not return a valid response. The function " +
    "either returned undefined or ended without a return statement.";
  assert.throws(() => viewReturnToResponse(undefined, options()), {
    name: "TypeError",
    message: none,
  });
  assert.throws(() => viewReturnToResponse([undefined, 404], options()), {
    name: "TypeError",
    message: none,
  });
  assert.throws(() => viewReturnToResponse([null, 404], options()), {
    name: "TypeError",
    message: "The view function for 'index' did not return a valid response. The function " +
      "either returned null.",
  });
  assert.throws(() => viewReturnToResponse(null, options({ endpoint: null })), {
    name: "TypeError",
    message: "The view function did not return a valid response. The function either " +
      "returned null.",
  });
});

Deno.test("viewReturnToResponse: other types are Flask's TypeError with the JS type", () => {
  const message = (type: string) =>
    "The view function for 'index' did not return a valid response. The return type must be " +
    "a string, Uint8Array, plain object, array, array with status or headers, Response " +
    "instance (phial or fetch), iterable, async iterable, ReadableStream, or gateway app, but " +
    `it was a ${type}.`;
  class Thing {}
  for (
    const [rv, type] of [
      [5, "number"],
      [true, "boolean"],
      [Symbol("s"), "symbol"],
      [5n, "bigint"],
      [new Thing(), "Thing"],
      [new Date(0), "Date"],
      [Promise.resolve("x"), "Promise (await it before making a response)"],
    ] as const
  ) {
    assert.throws(() => viewReturnToResponse(rv, options()), {
      name: "TypeError",
      message: message(type),
    });
  }
});

Deno.test("viewReturnToResponse: an array led by a body only a response can be is a tuple; a bad one is Flask's error", () => {
  const message = "The view function for 'index' did not return a valid response tuple. The " +
    "tuple must have the form [body, status, headers], [body, status], or [body, headers], " +
    'where the status is an integer from 100 to 999 or a string such as "201 Created" and the ' +
    "headers are a plain object, a Headers, or an array of [name, value] string pairs.";
  const bad = [
    [new Response("r")],
    [new Response("r"), 200, {}, 1],
    [new TextEncoder().encode("x"), 2.5],
    [wsgiApp, "soon"],
    [gen(), 200, "not headers"],
  ];
  for (const rv of bad) {
    assert.throws(() => viewReturnToResponse(rv, options()), { name: "TypeError", message });
  }
});

Deno.test("viewReturnToResponse: a TypeError while running the app gets Flask's message, with the cause", async () => {
  const cause = new TypeError("Expected a body");
  const broken: WsgiApp = () => {
    throw cause;
  };
  await assert.rejects(async () => await viewReturnToResponse(broken, options()), (error) => {
    assert.ok(error instanceof TypeError);
    assert.equal(
      error.message,
      "Expected a body\nThe view function for 'index' did not return a valid response. The " +
        "return type must be a string, Uint8Array, plain object, array, array with status or " +
        "headers, Response instance (phial or fetch), iterable, async iterable, " +
        "ReadableStream, or gateway app, but it was a function.",
    );
    assert.equal(error.cause, cause);
    return true;
  });
  const other = new RangeError("boom");
  await assert.rejects(
    async () =>
      await viewReturnToResponse(() => {
        throw other;
      }, options()),
    (error) => error === other,
  );
});

Deno.test("viewReturnToResponse: a status line with a control character is the status setter's TypeError", async () => {
  assert.throws(() => viewReturnToResponse([{ a: 1 }, "200 O\x01K"], options()), {
    name: "TypeError",
    message: /control characters/,
  });
  await assert.rejects(async () => await viewReturnToResponse([wsgiApp, "200 O\x01K"], options()), {
    name: "TypeError",
    message: /control characters/,
  });
});
