/**
 * `deno task bench:wrappers`: what phial's `Request` and `Response` wrappers cost, against
 * doing the same with the fetch `Request` / `Response` directly:
 *
 * - environ → phial `Request` → `request.args.get("q")`, vs
 *   `new URL(req.url).searchParams.get("q")` on a fetch `Request`;
 * - phial `Response("hi")` → gateway output (through `runApp`, and through
 *   `response.wsgiApp` directly), vs `new Response("hi")` and reading its body.
 *
 * Rows whose phial part has not landed yet are reported as missing. `--quick` shortens
 * the rounds.
 *
 * @module
 */
import type { AppObject, Environ, StartResponse } from "../framework/gateway/types.ts";
import { bytesInput, runApp, stderrErrors } from "../framework/gateway/mod.ts";
import { formatRate, markdownTable, measure, measureAsync, type Measurement } from "./measure.ts";

const quick = Deno.args.includes("--quick");
const timing = quick
  ? { warmupMs: 50, roundMs: 60, rounds: 3 }
  : { warmupMs: 150, roundMs: 200, rounds: 5 };
const BATCH = 500;

/** The slice of phial's wrappers the benchmark uses, typed loosely on purpose. */
interface PhialWrappers {
  Request?: new (environ: Environ) => { args: { get(key: string): string | undefined | null } };
  Response?: new (body?: string) => AppObject & {
    wsgiApp(environ: Environ, startResponse: StartResponse): unknown;
  };
}

/** The gateway's fetch adapter, when it is exported. */
interface FetchAdapter {
  environFromRequest?: (request: Request) => Environ;
}

const wrappers = await import("../framework/wrappers/mod.ts") as PhialWrappers;
const gateway = await import("../framework/gateway/mod.ts") as FetchAdapter;

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

type Row = { name: string; result: Measurement | string };
const requestRows: Row[] = [];
const responseRows: Row[] = [];

// --- request side -------------------------------------------------------------------
requestRows.push({
  name: 'fetch `Request`: `new URL(req.url).searchParams.get("q")`',
  result: measure(
    () => {
      let ok = 0;
      for (let i = 0; i < BATCH; i++) {
        if (new URL(fetchRequests[i]!.url).searchParams.get("q") === expectedQ(i)) ok++;
      }
      return ok;
    },
    BATCH,
    timing,
  ),
});

const PhialRequest = wrappers.Request;
if (PhialRequest) {
  const check = new PhialRequest(environs[3]!).args.get("q");
  if (check !== expectedQ(3)) throw new Error(`phial Request.args.get("q") gave ${check}`);
  requestRows.push({
    name: 'environ → phial `Request` → `args.get("q")`',
    result: measure(
      () => {
        let ok = 0;
        for (let i = 0; i < BATCH; i++) {
          if (new PhialRequest(environs[i]!).args.get("q") === expectedQ(i)) ok++;
        }
        return ok;
      },
      BATCH,
      timing,
    ),
  });
  const environFromRequest = gateway.environFromRequest;
  requestRows.push({
    name: 'fetch `Request` → `environFromRequest` → phial `Request` → `args.get("q")`',
    result: environFromRequest
      ? measure(
        () => {
          let ok = 0;
          for (let i = 0; i < BATCH; i++) {
            const environ = environFromRequest(fetchRequests[i]!);
            if (new PhialRequest(environ).args.get("q") === expectedQ(i)) ok++;
          }
          return ok;
        },
        BATCH,
        timing,
      )
      : "not measured: `environFromRequest` is not exported by framework/gateway/mod.ts yet",
  });
} else {
  requestRows.push({
    name: 'environ → phial `Request` → `args.get("q")`',
    result: "not measured: framework/wrappers/mod.ts does not export `Request` yet",
  });
}

// --- response side ------------------------------------------------------------------
responseRows.push({
  name: 'fetch `new Response("hi")` + `await res.bytes()`',
  result: await measureAsync(
    async () => {
      let length = 0;
      for (let i = 0; i < BATCH; i++) length += (await new Response("hi").bytes()).length;
      return length;
    },
    BATCH,
    timing,
  ),
});

const PhialResponse = wrappers.Response;
if (PhialResponse) {
  const environ = environs[0]!;
  let statusSeen = "";
  const startResponse: StartResponse = (status) => {
    statusSeen = status;
    return () => {};
  };
  /** Drains a body the way a server does: sync or async iterable, then `close()`. */
  const drain = async (body: unknown): Promise<number> => {
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
  };
  const viaRunApp = async () => {
    let length = 0;
    for (let i = 0; i < BATCH; i++) {
      const out = await runApp(new PhialResponse("hi"), environ);
      for (const chunk of out.chunks) length += chunk.length;
      if (!out.complete) {
        for (let c = await out.next(); c !== null; c = await out.next()) length += c.length;
      }
    }
    return length;
  };
  const direct = async () => {
    let length = 0;
    for (let i = 0; i < BATCH; i++) {
      length += await drain(new PhialResponse("hi").wsgiApp(environ, startResponse));
    }
    return length;
  };
  const check = await viaRunApp();
  if (check !== 2 * BATCH) throw new Error(`phial Response via runApp gave ${check} bytes`);
  await direct();
  if (statusSeen !== "200 OK") throw new Error(`phial Response sent status ${statusSeen}`);
  responseRows.push(
    {
      name: 'phial `Response("hi")` → `runApp` → status, headers, chunks',
      result: await measureAsync(viaRunApp, BATCH, timing),
    },
    {
      name: 'phial `Response("hi")` → `wsgiApp(environ, startResponse)` → body drained',
      result: await measureAsync(direct, BATCH, timing),
    },
  );
} else {
  responseRows.push({
    name: 'phial `Response("hi")` → gateway output',
    result: "not measured: framework/wrappers/mod.ts does not export `Response` yet",
  });
}

function render(rows: Row[]): string {
  const base = rows[0]!.result as Measurement;
  return markdownTable(
    ["path", "ops/s", "ns/op", "vs fetch"],
    rows.map(({ name, result }) =>
      typeof result === "string" ? [name, "—", "—", result] : [
        name,
        formatRate(result.opsPerSecond),
        result.nsPerOp.toFixed(0),
        `${(result.opsPerSecond / base.opsPerSecond).toFixed(2)}×`,
      ]
    ),
  );
}

console.log([
  `## Wrappers benchmark (${new Date().toISOString()}, Deno ${Deno.version.deno}, ${
    quick ? "quick" : "full"
  } timing; median of ${timing.rounds} rounds)`,
  "",
  "Request: parse the query string and read one key.",
  "",
  render(requestRows),
  "",
  "Response: a 2-byte body to what a server sends.",
  "",
  render(responseRows),
].join("\n"));
