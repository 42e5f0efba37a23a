/**
 * Where the time goes (measured 2026-11-21, before the first speed-up)
 * ===================================================================
 * Since then the pipeline runs without a promise when nothing is async, `g` and the signals'
 * payloads are made only when used, and fewer objects are made per request: hello went from
 * 5.5 µs and 12.6 KB to ~3.5 µs and 6.5 KB in process (the rest of this note is as measured
 * before that; its suggestions 1, 2 and part of 4 are done).
 *
 * phial's `Application` path (hello, `GET /`, and the JSON case, `GET /user/42`) on this
 * machine (2 shared cores, Deno 2.9.6), from stacked micro-timings of each layer (best of 5,
 * in process, a plain `Request`), two `deno run --cpu-prof` profiles of
 * `bench/app.ts --profile hello|param` and one of the `deno` engine under `wrk`, and
 * `--v8-flags=--trace-gc`. Whole path in process: 5.5 µs (hello) / 6.3 µs (JSON), against
 * Hono's 0.5-0.8 µs and the bare handler's 0.3-0.4 µs.
 *
 * µs per request, hello / JSON:
 *
 * - 0.21 / 0.20  the environ: `environFromRequest` + the lazy fill (URL, method, headers).
 * - 0.35 / 0.35  the request context: the `Request` wrapper + the URL adapter
 *                (`createUrlAdapter` -> `bindToEnviron`: host parsing, option spreads).
 * - 0.04 / 0.47  routing: `matchRequest` (`/` is static; `<int:id>` runs `parseIntText`).
 * - 1.38 / 1.38  `ctx.run`: AsyncLocalStorage (a bare `contextStorage.run` is 0.35) + the
 *                app context's push/pop + teardown loops with nothing registered.
 * - 0.08 / 0.08  the session (none configured): `openSession` -> null + a new `NullSession`.
 * - 0.45 / 0.35  `ctx.open()`'s own awaits around the session and the match.
 * - ~0.9 / ~0.9  the async pipeline: `fullDispatchRequest`, `tryTrigger...`,
 *                `preprocessRequest`, `finalizeRequest`, `processResponse` and the signal
 *                sends (no receivers): promises and microtask hops.
 * - 0.62 / 1.00  `makeResponse`: phial's `Response` (its header list, `TextEncoder` of the
 *                string body, Content-Length); for JSON also phial's sorted-key encoder.
 * - 0.4-0.8      `wsgiApp`'s try/await + `startApp` + `Response.wsgiApp` (0.07 of it).
 * - 0.26 / 0.30  the gateway adapter: `toResponse` (header scan, bytes turned back into
 *                text, the copy of the last fetch `Response`).
 * - 0.21 / 0.25  the fetch `Response` itself (new, or Deno's `cloneInnerResponse`).
 *
 * Across those rows, garbage collection is 20% of the in-process profile (~1.1 µs/request):
 * phial allocates ~12.7 KB per request (hello; 13.6 KB JSON) where Hono allocates 2.4 KB and
 * the bare handler 1 KB (the `B/req` column). Under `wrk` (50 requests in flight) it is worse:
 * ~16 KB/request, a 22 MB scavenge every ~1,400 requests at ~2.5 ms each (≈1.8 µs/request on
 * the main thread, plus the parallel scavenger threads' CPU, which `/proc` counts), 10% of
 * the server's profile. That is the likeliest reason the `deno` engine spends ~10 µs more
 * server CPU per request than Hono on `Deno.serve` (hello: 16.1-18.5 vs 6.5-7.8 over two
 * full runs) while the in-process gap is ~5-7 µs (why phial's `reference` engine,
 * 11.5-11.8, does better is not explained here: profile it next). The `deno` engine's abort signal (`abortable`) costs nothing
 * measurable (<0.3 µs, within the noise).
 * `TextEncoder.encode` alone is 7% of the hello profile: phial's `Response` encodes the
 * view's string to bytes and the adapter turns those bytes back into a string (`asText`)
 * because Deno sends a string body cheaper.
 *
 * The five changes I would make, biggest first (gains are per request, hello case):
 *
 * 1. A synchronous pipeline when nothing asks for one: with no `beforeFirstRequest`,
 *    `beforeRequest`, `afterRequest` or teardown functions, the default session interface
 *    with no secret key, and a view that returns a non-promise, run match -> view ->
 *    `makeResponse` -> `processResponse` -> teardown without `await` and return the body
 *    synchronously, so `toFetchResponder` takes its promise-free path. It removes about a
 *    dozen awaits (`run`, `open`, `fullDispatchRequest`, `tryTrigger...`,
 *    `preprocessRequest`, `finalizeRequest`, `processResponse`, `#exit`, `close`, the
 *    teardowns). Expected: 1.5-2 µs (pipeline 0.9 + `open` 0.45 + teardown awaits ~0.5).
 * 2. A cheaper context: `contextStorage.run` with a synchronous callback; `g`
 *    (`AppCtxGlobals`) made on first use; `appcontextPushed`/`Popped`, `requestStarted`,
 *    `requestFinished` sent only when they have receivers; teardown loops skipped when
 *    empty. Expected: 0.7-1.0 µs of `ctx.run`'s 1.38.
 * 3. Keep string bodies as strings end to end: phial's `Response` encodes lazily (only when
 *    `data`/bytes are read), hands the string chunk through `startResponse`'s body, and the
 *    adapter sends it without `asText` (Content-Length from `utf8Length`). Expected:
 *    0.4-0.6 µs (`TextEncoder` 7% of the profile, `asText` 1.4%, the bytes' allocation).
 * 4. Allocate less (12.7 KB -> ~4 KB per request): one shared, frozen `NullSession`
 *    instead of a new `SecureCookieSession` per request; no option-object spreads in
 *    `createUrlAdapter`/`bindToEnviron`; a leaner phial `Response` header list; the
 *    `Request` wrapper's `#cache` `Map` replaced by fields. Expected: ~0.7 µs in process
 *    (GC 20% -> ~8%) and 1.5-2 µs of server CPU over the wire, where scavenges bite harder.
 * 5. Routing and JSON fast paths: bind the URL adapter without the host parsing, the
 *    websocket check and the subdomain work when neither host matching nor subdomains are
 *    on (compute the host only when an external URL is built), 0.2-0.3 µs; and encode JSON
 *    with `JSON.stringify` when the value is plain, its keys already sorted and its text
 *    ASCII (Flask escapes non-ASCII; the own encoder for the rest), 0.2-0.3 µs on JSON.
 *
 * Together: about 3.5-4.5 µs of the 5.5, i.e. ~1.5-2 µs per hello request in process
 * (still 3-4x Hono's 0.5 µs), and roughly 16 -> 9-10 µs of server CPU on the `deno` engine
 * (0.4x -> ~0.65x Hono's CPU per request).
 *
 * How these were taken: `deno run -A --cpu-prof --cpu-prof-dir=DIR bench/app.ts --profile
 * hello` (and `param`), self and inclusive time summed per function from the
 * `.cpuprofile`; allocation from the `B/req` column (young-generation growth of
 * `Deno.memoryUsage().heapUsed` over 200-request batches that ran no GC); the per-layer
 * rows by timing each layer stacked on the ones below (differences of best-of-5 runs,
 * ±0.1 µs on this noisy machine).
 */
/**
 * `deno task bench:app`: phial's Flask-style `Application` against Hono (pinned, as
 * `bench/router.ts` pins its peers) and a bare `Deno.serve` handler doing the same work by
 * hand, on five cases every framework answers alike:
 *
 * | case   | request                              | answer                               |
 * | ------ | ------------------------------------ | ------------------------------------ |
 * | hello  | `GET /`                              | `<h1>Hello, web!</h1>`, text/html    |
 * | param  | `GET /user/42`                       | `{"id":42}` from a typed route value |
 * | query  | `GET /search?q=deno`                 | `{"q":"deno"}` from the query string |
 * | echo   | `POST /echo` with a small JSON body  | the body, parsed and sent as JSON    |
 * | 404    | `GET /missing`                       | each framework's own 404             |
 *
 * Two measurements:
 *
 * 1. In process: each framework's fetch handler (`toFetchHandler(app)` for phial,
 *    `app.fetch` for Hono, the bare handler) called one request after another (each awaited,
 *    as one keep-alive connection would) with the same pre-built `Request` objects (a POST's
 *    body can be read once, so the echo case builds a fresh `Request` per call, for every
 *    framework alike), in interleaved rounds; the best round and the median are printed, and
 *    the heap allocated per request (young-generation growth over batches with no GC).
 * 2. Over loopback: each server in its own subprocess (phial's `Application` on the `deno`
 *    engine and on the `reference` engine, Hono on `Deno.serve`, bare `Deno.serve`), loaded
 *    by `wrk` on 127.0.0.1 in interleaved rounds (the order rotates each round), with the
 *    server's CPU time per request read from `/proc/<pid>/stat` (steadier than requests/s
 *    on a shared machine: `wrk` and the server share the cores).
 *
 * Ratios are to Hono (>1 is faster than Hono; for CPU, >1 spends less than Hono): the best
 * round's ratio and the median of per-round ratios, which load from other processes
 * disturbs least.
 *
 * ```sh
 * deno task bench:app [--duration 2] [--rounds 3] [--connections 50] [--quick]
 *   [--no-wrk] [--no-inproc] [--cases hello,param,query,echo,404]
 * # phial's in-process path alone, for a CPU profile:
 * deno run -A --cpu-prof --cpu-prof-dir=/tmp/prof bench/app.ts --profile hello [--seconds 5]
 * ```
 *
 * Needs `wrk` for the loopback part (Debian: `apt-get install -y wrk`).
 *
 * @module
 */
import { isDeepStrictEqual } from "node:util";
import { Hono } from "npm:hono@4.13.19";
import { Application, request, serveDeno, serveReference, toFetchHandler } from "../mod.ts";
import {
  cpuTicks,
  haveWrk,
  numberOption,
  startChildServer,
  stopChildServers,
  textOption,
} from "./load_tools.ts";

const HELLO = "<h1>Hello, web!</h1>";
const ECHO_BODY = '{"text":"hello","n":1,"tags":["a","b"]}';
const ORIGIN = "http://127.0.0.1:8000";

// --- the same app in every framework ----------------------------------------------------

/** phial: the Flask way (no secret key, so no session; no hooks). */
function phialApp(): Application {
  const app = new Application(import.meta.url);
  app.route("/", function index() {
    return HELLO;
  });
  app.route("/user/<int:id>", function user({ id }) {
    return { id };
  });
  app.route("/search", function search() {
    return { q: request.args.get("q") ?? null };
  });
  app.post("/echo", async function echo() {
    return await request.getJson() as Record<string, unknown>;
  });
  return app;
}

/** Hono: `:id{[0-9]+}` is its typed (digits-only) route value. */
function honoApp(): Hono {
  const app = new Hono();
  app.get("/", (c) => c.html(HELLO));
  app.get("/user/:id{[0-9]+}", (c) => c.json({ id: Number(c.req.param("id")) }));
  app.get("/search", (c) => c.json({ q: c.req.query("q") ?? null }));
  app.post("/echo", async (c) => c.json(await c.req.json()));
  return app;
}

const HTML = { "content-type": "text/html; charset=utf-8" };
const USER = /^\/user\/(\d+)$/;

/** Bare `Deno.serve`: the same work by hand. */
function bareHandler(req: Request): Response | Promise<Response> {
  const url = req.url;
  // Past "http://host": the path and query.
  const start = url.indexOf("/", url.indexOf("//") + 2);
  const q = url.indexOf("?", start);
  const path = q === -1 ? url.slice(start) : url.slice(start, q);
  if (req.method === "GET") {
    if (path === "/") return new Response(HELLO, { headers: HTML });
    if (path === "/search") {
      const query = new URLSearchParams(q === -1 ? "" : url.slice(q + 1));
      return Response.json({ q: query.get("q") });
    }
    const m = USER.exec(path);
    if (m !== null) return Response.json({ id: Number(m[1]) });
  } else if (req.method === "POST" && path === "/echo") {
    return req.json().then((data) => Response.json(data));
  }
  return new Response("Not Found", { status: 404 });
}

// --- the cases ----------------------------------------------------------------------------

interface Case {
  name: string;
  method: "GET" | "POST";
  path: string;
  status: number;
  /** Checks the answer's content type and body. */
  check: (type: string, text: string) => boolean;
}

const isJson = (type: string) => type.startsWith("application/json");
// Key order may differ (phial sorts keys, as Flask does).
const sameJson = (text: string, value: unknown) => {
  try {
    return isDeepStrictEqual(JSON.parse(text), value);
  } catch {
    return false;
  }
};

const ALL_CASES: Case[] = [
  {
    name: "hello",
    method: "GET",
    path: "/",
    status: 200,
    check: (type, text) => type.startsWith("text/html") && text === HELLO,
  },
  {
    name: "param",
    method: "GET",
    path: "/user/42",
    status: 200,
    check: (type, text) => isJson(type) && sameJson(text, { id: 42 }),
  },
  {
    name: "query",
    method: "GET",
    path: "/search?q=deno",
    status: 200,
    check: (type, text) => isJson(type) && sameJson(text, { q: "deno" }),
  },
  {
    name: "echo",
    method: "POST",
    path: "/echo",
    status: 200,
    check: (type, text) => isJson(type) && sameJson(text, JSON.parse(ECHO_BODY)),
  },
  { name: "404", method: "GET", path: "/missing", status: 404, check: () => true },
];

/** The request of a case: the same object every time for GET, a fresh one for POST. */
function requestMaker(c: Case): () => Request {
  if (c.method === "POST") {
    return () =>
      new Request(ORIGIN + c.path, {
        method: "POST",
        body: ECHO_BODY,
        headers: { "content-type": "application/json" },
      });
  }
  const shared = new Request(ORIGIN + c.path);
  return () => shared;
}

// --- options --------------------------------------------------------------------------------

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const fmt = (x: number) => x >= 1e5 ? `${(x / 1000).toFixed(0)}k` : x.toFixed(0);

// --- in process -------------------------------------------------------------------------------

type Handler = (req: Request) => Response | Promise<Response>;

function inProcessTargets(): { name: string; handler: Handler }[] {
  const hono = honoApp();
  return [
    { name: "phial", handler: toFetchHandler(phialApp()) },
    { name: "hono", handler: (req) => hono.fetch(req) },
    { name: "bare", handler: bareHandler },
  ];
}

/** Calls the handler `n` times, one after another; returns the statuses' sum (kept). */
async function drive(handler: Handler, make: () => Request, n: number): Promise<number> {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (await handler(make())).status;
  return sum;
}

/** Requests per second over about `ms` milliseconds (whole batches of 64). */
async function timed(handler: Handler, make: () => Request, ms: number): Promise<number> {
  let done = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    await drive(handler, make, 64);
    done += 64;
    elapsed = performance.now() - t0;
  }
  return (done * 1000) / elapsed;
}

/** Heap bytes per request: the median growth over batches during which no GC ran. */
async function allocated(handler: Handler, make: () => Request): Promise<number> {
  const samples: number[] = [];
  for (let k = 0; k < 30 && samples.length < 9; k++) {
    const before = Deno.memoryUsage().heapUsed;
    await drive(handler, make, 200);
    const grew = Deno.memoryUsage().heapUsed - before;
    if (grew > 0) samples.push(grew / 200);
  }
  return samples.length === 0 ? NaN : median(samples);
}

async function verify(name: string, handler: Handler, c: Case): Promise<void> {
  const res = await handler(requestMaker(c)());
  const text = await res.text();
  const type = res.headers.get("content-type") ?? "";
  if (res.status !== c.status || !c.check(type, text)) {
    throw new Error(
      `${name} answers ${c.method} ${c.path} wrongly: ${res.status} ${type} ${
        JSON.stringify(text)
      }`,
    );
  }
}

async function inProcess(cases: Case[], quick: boolean): Promise<void> {
  const targets = inProcessTargets();
  const roundMs = quick ? 60 : 150;
  const rounds = quick ? 3 : 7;
  console.log(
    `\n## In process: fetch handlers called one request at a time, ${rounds} interleaved ` +
      `rounds of ${roundMs} ms\n`,
  );
  console.log(
    `${"case".padEnd(6)} ${"framework".padEnd(9)} ${"best req/s".padStart(10)} ${
      "median".padStart(8)
    } ${"µs/req".padStart(7)}  ${"vs hono".padStart(7)} ${"per-round".padStart(9)} ${
      "B/req".padStart(7)
    }`,
  );
  for (const c of cases) {
    const make = requestMaker(c);
    for (const t of targets) await verify(t.name, t.handler, c);
    for (const t of targets) await timed(t.handler, make, quick ? 50 : 150); // warm-up
    const all: number[][] = targets.map(() => []);
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < targets.length; k++) {
        const i = (k + round) % targets.length;
        all[i]!.push(await timed(targets[i]!.handler, make, roundMs));
      }
    }
    const bytes: number[] = [];
    for (const t of targets) bytes.push(await allocated(t.handler, make));
    const hono = targets.findIndex((t) => t.name === "hono");
    const bestHono = Math.max(...all[hono]!);
    targets.forEach((t, i) => {
      const best = Math.max(...all[i]!);
      const perRound = median(all[i]!.map((x, r) => x / all[hono]![r]!));
      console.log(
        `${c.name.padEnd(6)} ${t.name.padEnd(9)} ${fmt(best).padStart(10)} ${
          fmt(median(all[i]!)).padStart(8)
        } ${(1e6 / best).toFixed(2).padStart(7)}  ${
          `${(best / bestHono).toFixed(2)}x`.padStart(7)
        } ${`${perRound.toFixed(2)}x`.padStart(9)} ${bytes[i]!.toFixed(0).padStart(7)}`,
      );
    });
  }
}

// --- over loopback --------------------------------------------------------------------------

const SERVERS = ["phial deno", "phial reference", "hono", "bare"] as const;
type ServerName = typeof SERVERS[number];

/** Child mode: serves one framework and prints the port. */
function serveChild(name: ServerName): void {
  const listen = { hostname: "127.0.0.1", port: 0 };
  const onListen = ({ port }: { port: number }) =>
    console.log(`Listening at: http://127.0.0.1:${port} (${Deno.pid})`);
  if (name === "phial deno") serveDeno(phialApp(), { ...listen, onListen });
  else if (name === "phial reference") serveReference(phialApp(), { ...listen, onListen });
  else if (name === "hono") Deno.serve({ ...listen, onListen }, honoApp().fetch);
  else Deno.serve({ ...listen, onListen }, bareHandler);
}

interface Running {
  name: ServerName;
  child: Deno.ChildProcess;
  port: number;
}

async function start(name: ServerName): Promise<Running> {
  const { child, port } = await startChildServer(name, [
    "run",
    "-A",
    import.meta.filename!,
    "--serve",
    name,
  ]);
  return { name, child, port };
}

interface Load {
  rps: number;
  /** Server CPU µs per request. */
  cpu: number;
}

async function wrk(
  r: Running,
  c: Case,
  seconds: number,
  connections: number,
  script: string,
): Promise<Load> {
  const before = cpuTicks(r.child.pid);
  const args = ["-t1", `-c${connections}`, `-d${seconds}s`];
  if (c.method === "POST") args.push("-s", script);
  args.push(`http://127.0.0.1:${r.port}${c.path}`);
  const { stdout, success } = await new Deno.Command("wrk", {
    args,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const ticks = cpuTicks(r.child.pid) - before;
  const text = new TextDecoder().decode(stdout);
  const m = /Requests\/sec:\s+([\d.]+)/.exec(text);
  const count = Number(/(\d+) requests in/.exec(text)?.[1] ?? 0);
  if (!success || !m || count === 0) throw new Error(`wrk failed:\n${text}`);
  const non2xx = /Non-2xx or 3xx responses/.test(text);
  if (/Socket errors/.test(text) || non2xx !== (c.status >= 300)) {
    console.error(`warning: wrk on ${r.name}, ${c.name}:\n${text}`);
  }
  return { rps: Number(m[1]), cpu: (ticks * 10000) / count };
}

/** Checks each server's answer to a case over the wire. */
async function verifyOverWire(r: Running, c: Case): Promise<void> {
  const init: RequestInit = c.method === "POST"
    ? { method: "POST", body: ECHO_BODY, headers: { "content-type": "application/json" } }
    : {};
  const res = await fetch(`http://127.0.0.1:${r.port}${c.path}`, init);
  const text = await res.text();
  const type = res.headers.get("content-type") ?? "";
  if (res.status !== c.status || !c.check(type, text)) {
    throw new Error(`${r.name} answers ${c.path} wrongly: ${res.status} ${type} ${text}`);
  }
}

async function overLoopback(cases: Case[], quick: boolean): Promise<void> {
  const seconds = numberOption("--duration", quick ? 1 : 2);
  const rounds = numberOption("--rounds", quick ? 2 : 3);
  const connections = numberOption("--connections", 50);
  if (!await haveWrk()) {
    console.error("error: wrk is not installed (Debian/Ubuntu: apt-get install -y wrk)");
    Deno.exit(1);
  }
  const dir = await Deno.makeTempDir({ prefix: "bench_app_" });
  const script = `${dir}/post.lua`;
  await Deno.writeTextFile(
    script,
    `wrk.method = "POST"\nwrk.body = '${ECHO_BODY}'\n` +
      `wrk.headers["Content-Type"] = "application/json"\n`,
  );
  console.log(
    `\n## Over loopback: wrk -t1 -c${connections} -d${seconds}s, ${rounds} interleaved ` +
      `rounds, 127.0.0.1; server CPU µs per request from /proc\n`,
  );
  const running: Running[] = [];
  try {
    for (const name of SERVERS) running.push(await start(name));
    for (const c of cases) for (const r of running) await verifyOverWire(r, c);
    console.log(
      `${"case".padEnd(6)} ${"server".padEnd(16)} ${"best req/s".padStart(10)} ${
        "median".padStart(8)
      }  ${"vs hono".padStart(7)} ${"per-round".padStart(9)}  ${"CPU µs/req".padStart(10)} ${
        "CPU vs hono".padStart(11)
      }`,
    );
    for (const c of cases) {
      // Warm-up: JIT and connection setup.
      for (const r of running) await wrk(r, c, 1, connections, script);
      const all: Load[][] = running.map(() => []);
      for (let round = 0; round < rounds; round++) {
        for (let k = 0; k < running.length; k++) {
          const i = (k + round) % running.length;
          all[i]!.push(await wrk(running[i]!, c, seconds, connections, script));
        }
      }
      const hono = running.findIndex((r) => r.name === "hono");
      const bestHono = Math.max(...all[hono]!.map((l) => l.rps));
      const cpuHono = median(all[hono]!.map((l) => l.cpu));
      running.forEach((r, i) => {
        const rps = all[i]!.map((l) => l.rps);
        const best = Math.max(...rps);
        const perRound = median(rps.map((x, k) => x / all[hono]![k]!.rps));
        const cpu = median(all[i]!.map((l) => l.cpu));
        console.log(
          `${c.name.padEnd(6)} ${r.name.padEnd(16)} ${fmt(best).padStart(10)} ${
            fmt(median(rps)).padStart(8)
          }  ${`${(best / bestHono).toFixed(2)}x`.padStart(7)} ${
            `${perRound.toFixed(2)}x`.padStart(9)
          }  ${cpu.toFixed(2).padStart(10)} ${`${(cpuHono / cpu).toFixed(2)}x`.padStart(11)}`,
        );
      });
    }
  } finally {
    await stopChildServers(running);
    await Deno.remove(dir, { recursive: true });
  }
}

// --- main ---------------------------------------------------------------------------------

async function profile(caseName: string): Promise<void> {
  const c = ALL_CASES.find((x) => x.name === caseName);
  if (c === undefined) throw new Error(`No case ${caseName}: ${ALL_CASES.map((x) => x.name)}`);
  const target = textOption("--target", "phial");
  const t = inProcessTargets().find((x) => x.name === target);
  if (t === undefined) throw new Error(`No target ${target}`);
  await verify(t.name, t.handler, c);
  const rps = await timed(t.handler, requestMaker(c), numberOption("--seconds", 5) * 1000);
  console.log(`${t.name} ${c.name}: ${fmt(rps)} req/s, ${(1e6 / rps).toFixed(2)} µs/req`);
}

async function main(): Promise<void> {
  const quick = Deno.args.includes("--quick");
  const wanted = textOption("--cases", ALL_CASES.map((c) => c.name).join(",")).split(",");
  const cases = ALL_CASES.filter((c) => wanted.includes(c.name));
  if (cases.length === 0) throw new Error(`--cases: pick from ${ALL_CASES.map((c) => c.name)}`);
  const t0 = performance.now();
  console.log(
    `phial Application vs Hono 4.13.19 vs bare Deno.serve (Deno ${Deno.version.deno}); ` +
      `ratios to Hono, >1x is faster`,
  );
  if (!Deno.args.includes("--no-inproc")) await inProcess(cases, quick);
  if (!Deno.args.includes("--no-wrk")) await overLoopback(cases, quick);
  console.log(`\n(${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}

const serving = Deno.args.indexOf("--serve");
if (serving >= 0) {
  const name = Deno.args[serving + 1] as ServerName;
  if (!SERVERS.includes(name)) throw new Error(`--serve: pick from ${SERVERS.join(", ")}`);
  serveChild(name);
} else if (Deno.args.includes("--profile")) {
  await profile(textOption("--profile", "hello"));
} else {
  await main();
}
