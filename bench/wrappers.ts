/**
 * `deno task bench:wrappers`: what phial's `Request` and `Response` wrappers cost, against
 * doing the same with the fetch `Request` / `Response` directly:
 *
 * - environ → phial `Request` → `request.args.get("q")`, vs
 *   `new URL(req.url).searchParams.get("q")` on a fetch `Request`;
 * - phial `Response("hi")` → gateway output (through `runApp`, and through
 *   `response.wsgiApp` directly), vs `new Response("hi")` and reading its body.
 *
 * And both together, in process, as `Deno.serve` would run them: a fetch handler reading
 * `q` and answering "hi", against phial's `toFetchHandler` over an app doing the same
 * with the wrappers. Options: `--quick` (shorter rounds).
 *
 * @module
 */
import {
  bytesInput,
  type Environ,
  environFromRequest,
  runApp,
  type StartResponse,
  stderrErrors,
  toFetchHandler,
  type WsgiApp,
} from "../framework/gateway/mod.ts";
import { Request as PhialRequest, Response as PhialResponse } from "../framework/wrappers/mod.ts";
import {
  formatRate,
  markdownTable,
  measureInterleaved,
  measureInterleavedAsync,
  type Measurement,
} from "./measure.ts";

const quick = Deno.args.includes("--quick");
const timing = quick
  ? { warmupMs: 50, roundMs: 60, rounds: 3 }
  : { warmupMs: 150, roundMs: 200, rounds: 7 };
const BATCH = 500;

const QUERIES = Array.from(
  { length: BATCH },
  (_, i) => `q=hello+world+${i}&page=${i % 7}&sort=desc&tag=a&tag=b`,
);

/** An environ as a server builds it for `GET /search?<query>`. */
function makeEnviron(query: string): Environ {
  return {
    REQUEST_METHOD: "GET",
    SCRIPT_NAME: "",
    PATH_INFO: "/search",
    QUERY_STRING: query,
    SERVER_NAME: "127.0.0.1",
    SERVER_PORT: "8000",
    SERVER_PROTOCOL: "HTTP/1.1",
    REMOTE_ADDR: "127.0.0.1",
    HTTP_HOST: "127.0.0.1:8000",
    HTTP_USER_AGENT: "bench/1.0",
    HTTP_ACCEPT: "*/*",
    "wsgi.version": [1, 0],
    "wsgi.url_scheme": "http",
    "wsgi.input": bytesInput(new Uint8Array(0)),
    "wsgi.errors": stderrErrors,
    "wsgi.multithread": false,
    "wsgi.multiprocess": false,
    "wsgi.run_once": false,
    "wsgi.input_terminated": true,
  };
}

const environs = QUERIES.map(makeEnviron);
const fetchRequests = QUERIES.map((q) => new Request(`http://127.0.0.1:8000/search?${q}`));
const expectedQ = (i: number) => `hello world ${i}`;

// --- request side: each contender reads `q` from BATCH requests ----------------------
const requestSide: [string, () => number][] = [
  ['fetch `Request`: `new URL(req.url).searchParams.get("q")`', () => {
    let ok = 0;
    for (let i = 0; i < BATCH; i++) {
      if (new URL(fetchRequests[i]!.url).searchParams.get("q") === expectedQ(i)) ok++;
    }
    return ok;
  }],
  ['environ → phial `Request` → `args.get("q")`', () => {
    let ok = 0;
    for (let i = 0; i < BATCH; i++) {
      if (new PhialRequest(environs[i]!).args.get("q") === expectedQ(i)) ok++;
    }
    return ok;
  }],
  ['fetch `Request` → `environFromRequest` → phial `Request` → `args.get("q")`', () => {
    let ok = 0;
    for (let i = 0; i < BATCH; i++) {
      if (new PhialRequest(environFromRequest(fetchRequests[i]!)).args.get("q") === expectedQ(i)) {
        ok++;
      }
    }
    return ok;
  }],
];
for (const [name, run] of requestSide) {
  const ok = run();
  if (ok !== BATCH) throw new Error(`${name}: ${ok} of ${BATCH} requests read q correctly`);
}

// --- response side: each contender turns BATCH "hi" responses into bytes -------------
const environ = environs[0]!;
let statusSeen = "";
const startResponse: StartResponse = (status) => {
  statusSeen = status;
  return () => {};
};
/** Drains a body as a server does: sync or async iterable, then `close()`. */
async function drain(body: unknown): Promise<number> {
  let length = 0;
  const b = body as (Iterable<unknown> | AsyncIterable<unknown>) & { close?(): unknown };
  try {
    if (Symbol.iterator in b) {
      for (const chunk of b) length += (chunk as Uint8Array | string).length;
    } else {
      for await (const chunk of b) length += (chunk as Uint8Array | string).length;
    }
  } finally {
    await b.close?.();
  }
  return length;
}
const responseSide: [string, () => Promise<number>][] = [
  ['fetch `new Response("hi")` + `await res.bytes()`', async () => {
    let length = 0;
    for (let i = 0; i < BATCH; i++) length += (await new Response("hi").bytes()).length;
    return length;
  }],
  ['phial `Response("hi")` → `runApp` → status, headers, chunks', async () => {
    let length = 0;
    for (let i = 0; i < BATCH; i++) {
      const out = await runApp(new PhialResponse("hi"), environ);
      for (const chunk of out.chunks) length += chunk.length;
      if (!out.complete) {
        for (let c = await out.next(); c !== null; c = await out.next()) length += c.length;
      }
    }
    return length;
  }],
  ['phial `Response("hi")` → `wsgiApp(environ, startResponse)` → body drained', async () => {
    let length = 0;
    for (let i = 0; i < BATCH; i++) {
      length += await drain(new PhialResponse("hi").wsgiApp(environ, startResponse));
    }
    return length;
  }],
];
for (const [name, run] of responseSide) {
  const length = await run();
  if (length !== 2 * BATCH) throw new Error(`${name}: ${length} bytes, want ${2 * BATCH}`);
}
if (statusSeen !== "200 OK") throw new Error(`phial Response sent status ${statusSeen}`);

// --- both, in process: fetch Request in, fetch Response's bytes out ----------------
const phialApp: WsgiApp = (environ, startResponse) => {
  const q = new PhialRequest(environ).args.get("q") ?? "";
  return new PhialResponse(q.length > 0 ? "hi" : "no").wsgiApp(environ, startResponse);
};
const phialHandler = toFetchHandler(phialApp);
const plainHandler = (req: Request): Response => {
  const q = new URL(req.url).searchParams.get("q") ?? "";
  return new Response(q.length > 0 ? "hi" : "no");
};
const bothSides: [string, () => Promise<number>][] = [
  ['fetch handler: `searchParams.get("q")`, `new Response("hi")`, bytes read', async () => {
    let length = 0;
    for (let i = 0; i < BATCH; i++) {
      length += (await plainHandler(fetchRequests[i]!).bytes()).length;
    }
    return length;
  }],
  [
    '`toFetchHandler(app)`: phial `Request`, `args.get("q")`, phial `Response("hi")`, bytes read',
    async () => {
      let length = 0;
      for (let i = 0; i < BATCH; i++) {
        length += (await (await phialHandler(fetchRequests[i]!)).bytes()).length;
      }
      return length;
    },
  ],
];
for (const [name, run] of bothSides) {
  const length = await run();
  if (length !== 2 * BATCH) throw new Error(`${name}: ${length} bytes, want ${2 * BATCH}`);
}

const requestResults = measureInterleaved(
  requestSide.map(([, run]) => ({ run, opsPerCall: BATCH })),
  timing,
);
const responseResults = await measureInterleavedAsync(
  responseSide.map(([, run]) => ({ run, opsPerCall: BATCH })),
  timing,
);
const bothResults = await measureInterleavedAsync(
  bothSides.map(([, run]) => ({ run, opsPerCall: BATCH })),
  timing,
);

function render(names: string[], results: Measurement[]): string {
  const base = results[0]!;
  return markdownTable(
    ["path", "ops/s", "ns/op", "vs fetch"],
    results.map((m, i) => [
      names[i]!,
      formatRate(m.opsPerSecond),
      m.nsPerOp.toFixed(0),
      `${(m.opsPerSecond / base.opsPerSecond).toFixed(2)}×`,
    ]),
  );
}

console.log([
  `## Wrappers benchmark (${new Date().toISOString()}, Deno ${Deno.version.deno}, ${
    quick ? "quick" : "full"
  } timing; best of ${timing.rounds} rounds, contenders timed in turns)`,
  "",
  "Request: parse the query string and read one key.",
  "",
  render(requestSide.map(([n]) => n), requestResults),
  "",
  "Response: a 2-byte body to what a server sends.",
  "",
  render(responseSide.map(([n]) => n), responseResults),
  "",
  "Both, in process (no socket): a fetch `Request` in, the response's bytes out.",
  "",
  render(bothSides.map(([n]) => n), bothResults),
].join("\n"));
