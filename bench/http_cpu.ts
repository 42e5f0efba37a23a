/**
 * Server CPU per request, side by side (not a test): a bare `Deno.serve` hello server and
 * phial's `reference` and `deno` engines serving the seed article's `application`, each in
 * its own subprocess, loaded in interleaved rounds by `wrk` on loopback. For every server
 * it prints the median requests/s and the median server CPU time per request (user +
 * system, from `/proc/<pid>/stat`), which is much steadier than requests/s on a shared
 * machine, and both as ratios to the bare server.
 *
 * ```sh
 * deno run -A bench/http_cpu.ts [--duration 3] [--rounds 5] [--connections 50]
 *   [--against DIR]   # also run the engines of another checkout (e.g. a `git worktree`)
 *   [--only bare,reference,deno]
 *   [--naive]          # also the floor: a raw keep-alive loop answering every read at once
 * ```
 *
 * The bare server answers with the same `Content-Type` as the app; `bare+server` adds the
 * `Server: phial` header that the reference engine sends by default (it costs Deno ~0.7 µs
 * per response: a response with a lone Content-Type takes a static fast path). The deno
 * engine sends no `Server` header by default, as `Deno.serve`; `deno+server` is the deno
 * engine with `serverHeader: "phial"`. The output lists the headers each server sends and
 * compares like with like: each phial server against the bare server that sends the same
 * headers.
 *
 * @module
 */
import { cpuTicks, textOption } from "./load_tools.ts";

const HELLO_APP = `
const BODY = new TextEncoder().encode("<h1>Hello, web!</h1>");
const application = (_environ, startResponse) => {
  startResponse("200 OK", [["Content-Type", "text/html"]]);
  return [BODY];
};`;

const seconds = Number(textOption("--duration", "3"));
const rounds = Number(textOption("--rounds", "5"));
const connections = Number(textOption("--connections", "50"));
const against = textOption("--against", "");
const only = textOption("--only", "").split(",").filter((s) => s !== "");
const naive = Deno.args.includes("--naive");

function engineCode(root: string, engine: "reference" | "deno", extra = ""): string {
  const module = engine === "reference" ? "reference_engine.ts" : "deno_engine.ts";
  const fn = engine === "reference" ? "serveReference" : "serveDeno";
  const url = new URL(`framework/server/${module}`, root).href;
  return `import { ${fn} } from ${JSON.stringify(url)};
${HELLO_APP}
${fn}(application, {
  hostname: "127.0.0.1", port: 0, onListen: (a) => console.log(a.port), ${extra}
});`;
}

const here = new URL("../", import.meta.url).href;
const servers: [string, string][] = [
  [
    "bare",
    `Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: (a) => console.log(a.port) },
  () => new Response("<h1>Hello, web!</h1>", { headers: { "content-type": "text/html" } }));`,
  ],
  [
    "bare+server",
    `Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: (a) => console.log(a.port) },
  () => new Response("<h1>Hello, web!</h1>",
    { headers: { "content-type": "text/html", server: "phial" } }));`,
  ],
  ["reference", engineCode(here, "reference")],
  ["deno", engineCode(here, "deno")],
  ["deno+server", engineCode(here, "deno", `serverHeader: "phial"`)],
];
if (naive) {
  // The floor: no parsing at all, a fixed response written for every read.
  servers.push([
    "naive",
    `const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
console.log(listener.addr.port);
const response = new TextEncoder().encode(
  "HTTP/1.1 200 OK\\r\\nContent-Type: text/html\\r\\nContent-Length: 20\\r\\n\\r\\n<h1>Hello, web!</h1>");
for await (const conn of listener) {
  (async () => {
    const buf = new Uint8Array(16384);
    try {
      while ((await conn.read(buf)) !== null) await conn.write(response);
    } catch { /* reset */ }
    try { conn.close(); } catch { /* closed */ }
  })();
}`,
  ]);
}
if (against !== "") {
  const root = new URL(against.endsWith("/") ? against : against + "/", `file://${Deno.cwd()}/`)
    .href;
  servers.push(["reference@old", engineCode(root, "reference")]);
  servers.push(["deno@old", engineCode(root, "deno")]);
  servers.push(["deno+server@old", engineCode(root, "deno", `serverHeader: "phial"`)]);
}
const chosen = only.length === 0
  ? servers
  : servers.filter(([name]) => only.includes(name.replace("@old", "")));

async function start(code: string): Promise<{ port: number; child: Deno.ChildProcess }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-check", code],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  return { port: Number(new TextDecoder().decode(value).trim()), child };
}

async function load(port: number, pid: number, secs: number): Promise<[number, number]> {
  const before = cpuTicks(pid);
  const out = await new Deno.Command("wrk", {
    args: ["-t1", `-c${connections}`, `-d${secs}s`, `http://127.0.0.1:${port}/`],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const ticks = cpuTicks(pid) - before;
  const report = new TextDecoder().decode(out.stdout);
  if (/Non-2xx|Socket errors/.test(report)) console.error(`warning (port ${port}):\n${report}`);
  const rps = Number(report.match(/Requests\/sec:\s+([\d.]+)/)?.[1] ?? 0);
  const count = Number(report.match(/(\d+) requests in/)?.[1] ?? 0);
  return [rps, count > 0 ? (ticks * 10000) / count : 0];
}

/** The response head each server sends, as header names. */
async function headerNames(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/`);
  await response.arrayBuffer();
  return [...response.headers.keys()].join(", ");
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const running: { port: number; child: Deno.ChildProcess }[] = [];
const rps: number[][] = chosen.map(() => []);
const cpu: number[][] = chosen.map(() => []);
try {
  for (const [, code] of chosen) running.push(await start(code));
  console.log(`wrk -t1 -c${connections} -d${seconds}s, ${rounds} interleaved rounds, loopback`);
  for (let i = 0; i < chosen.length; i++) {
    console.log(`  ${chosen[i]![0].padEnd(14)} sends: ${await headerNames(running[i]!.port)}`);
  }
  // Warm-up: JIT and connection setup.
  for (const r of running) await load(r.port, r.child.pid, 1);
  for (let round = 0; round < rounds; round++) {
    // Rotate the order each round so no server always follows the same neighbour.
    for (let k = 0; k < running.length; k++) {
      const i = (k + round) % running.length;
      const [r, us] = await load(running[i]!.port, running[i]!.child.pid, seconds);
      rps[i]!.push(r);
      cpu[i]!.push(us);
    }
  }
} finally {
  for (const { child } of running) {
    child.kill();
    await child.status;
  }
}
const index = (name: string) => chosen.findIndex(([n]) => n === name);
const baseRps = median(rps[0]!);
const baseCpu = median(cpu[0]!);
console.log(
  `\n${"server".padEnd(14)} ${"req/s".padStart(8)}  ratio   CPU µs/req  ratio (bare/x)  rounds`,
);
for (let i = 0; i < chosen.length; i++) {
  // Per-round ratios against the bare server of the same round are steadier than the
  // ratio of medians.
  const perRound = rps[i]!.map((x, k) => x / rps[0]![k]!);
  console.log(
    `${chosen[i]![0].padEnd(14)} ${median(rps[i]!).toFixed(0).padStart(8)}  ${
      (median(rps[i]!) / baseRps).toFixed(2)
    }x  ${median(cpu[i]!).toFixed(2).padStart(10)}  ${
      (baseCpu / median(cpu[i]!)).toFixed(2).padStart(13)
    }x  rps/bare per round: ${perRound.map((x) => x.toFixed(2)).join(" ")}`,
  );
}

console.log("\nlike with like (same response headers), CPU ratio and requests/s ratio:");
for (let i = 0; i < chosen.length; i++) {
  const name = chosen[i]![0];
  if (name.startsWith("bare") || name === "naive") continue;
  const base = index(
    name.startsWith("deno+server") || name.startsWith("reference") ? "bare+server" : "bare",
  );
  if (base === -1) continue;
  const perRound = rps[i]!.map((x, k) => x / rps[base]![k]!);
  const cpuPerRound = cpu[i]!.map((x, k) => cpu[base]![k]! / x);
  console.log(
    `  ${name.padEnd(20)} vs ${chosen[base]![0].padEnd(12)} CPU ${
      median(cpuPerRound).toFixed(2)
    }x, req/s ${median(perRound).toFixed(2)}x (medians of per-round ratios)`,
  );
}
