/**
 * HTTP benchmark (`deno task bench:http`): a bare `Deno.serve` hello server and phial's
 * three engines serving the seed article's `application`, each in its own subprocess,
 * loaded in turns by `wrk` on loopback; prints requests/s and the ratio to bare
 * `Deno.serve`.
 *
 * ```sh
 * deno task bench:http [--duration 3] [--connections 50] [--rounds 6]
 * ```
 *
 * Needs `wrk` (Debian: `apt-get install -y wrk`). Each round runs every server once, in
 * turns, so background load hits them alike; the best round per server is what the ratios
 * use (load from other processes only ever lowers a figure), the median is shown too, and
 * so is the median of the per-round ratios (each server against bare `Deno.serve` in the
 * same round), which a noisy machine disturbs least. The ratio is to bare `Deno.serve`
 * (the goals: reference >= 0.8, deno >= 0.95); "same-headers" compares each engine with
 * the bare server that sends the same headers: the reference engine sends `Server: phial`
 * (as gunicorn sends its name), the fetch engines send none (as `Deno.serve`).
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import {
  type ChildServer,
  haveWrk,
  numberOption,
  startChildServer,
  stopChildServers,
} from "./load_tools.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const SERVER = fileURLToPath(new URL("../server.ts", import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const HELLO = "<h1>Hello, web!</h1>";

// Child mode: the bare Deno.serve baseline; "--bare-server" also sends the `Server` header
// that the reference engine sends by default (Deno.serve has a faster path for a response
// with a lone Content-Type, so this is that engine's like-for-like baseline).
if (Deno.args[0] === "--bare" || Deno.args[0] === "--bare-server") {
  const headers: Record<string, string> = { "Content-Type": "text/html" };
  if (Deno.args[0] === "--bare-server") headers["Server"] = "phial";
  Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ port }) => console.log(`Listening at: http://127.0.0.1:${port} (${Deno.pid})`),
  }, () => new Response(HELLO, { headers }));
} else {
  await main();
}

interface Target {
  name: string;
  args: string[];
  goal?: number;
  /** The index of the bare server sending the same headers. */
  like?: number;
}

async function start(target: Target): Promise<ChildServer> {
  return await startChildServer(target.name, target.args, ROOT);
}

async function wrk(port: number, seconds: number, connections: number): Promise<number> {
  const { stdout, success } = await new Deno.Command("wrk", {
    args: ["-t1", `-c${connections}`, `-d${seconds}s`, `http://127.0.0.1:${port}/`],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(stdout);
  const m = /Requests\/sec:\s+([\d.]+)/.exec(text);
  if (!success || !m) throw new Error(`wrk failed:\n${text}`);
  if (/Non-2xx or 3xx responses/.test(text) || /Socket errors/.test(text)) {
    console.error(`warning: wrk reported errors on port ${port}:\n${text}`);
  }
  return Number(m[1]);
}

async function main(): Promise<void> {
  const seconds = numberOption("--duration", 3);
  const connections = numberOption("--connections", 50);
  const rounds = numberOption("--rounds", 6);
  if (!await haveWrk()) {
    console.error("error: wrk is not installed (Debian/Ubuntu: apt-get install -y wrk)");
    Deno.exit(1);
  }
  const phial = (engine: string) => [
    "run",
    "-A",
    SERVER,
    "examples/hello.ts:application",
    "--host",
    "127.0.0.1",
    "--port",
    "0",
    "--engine",
    engine,
    "--access-log",
    "off",
  ];
  const targets: Target[] = [
    { name: "bare Deno.serve", args: ["run", "-A", SELF, "--bare"] },
    { name: "bare + Server hdr", args: ["run", "-A", SELF, "--bare-server"] },
    { name: "phial reference", args: phial("reference"), goal: 0.8, like: 1 },
    { name: "phial deno", args: phial("deno"), goal: 0.95, like: 0 },
    { name: "phial serve-http", args: phial("serve-http"), like: 0 },
  ];
  console.log(
    `wrk -t1 -c${connections} -d${seconds}s, ${rounds} round(s) in turns, ` +
      `loopback, the seed article's application`,
  );
  const running: ChildServer[] = [];
  try {
    for (const target of targets) running.push(await start(target));
    // Warm each server up (JIT, connection setup) before measuring.
    for (const r of running) await wrk(r.port, 1, connections);
    const best = targets.map(() => 0);
    const all: number[][] = targets.map(() => []);
    for (let round = 1; round <= rounds; round++) {
      for (let i = 0; i < targets.length; i++) {
        const rps = await wrk(running[i]!.port, seconds, connections);
        best[i] = Math.max(best[i]!, rps);
        all[i]!.push(rps);
        console.log(`  round ${round}: ${targets[i]!.name.padEnd(18)} ${rps.toFixed(0)} req/s`);
      }
    }
    // Ratios against bare Deno.serve (the goals), and against the bare server that sends
    // the same headers as the engine.
    const base = best[0]!;
    console.log("");
    const median = (xs: number[]): number => {
      const sorted = [...xs].sort((a, b) => a - b);
      const mid = sorted.length >> 1;
      return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    };
    console.log(
      `${"server".padEnd(18)} ${"best req/s".padStart(10)} ${"median".padStart(8)}  ratio  ` +
        `per-round  same-headers  goal`,
    );
    for (let i = 0; i < targets.length; i++) {
      const ratio = best[i]! / base;
      const goal = targets[i]!.goal;
      const verdict = goal === undefined ? "" : `>= ${goal} ${ratio >= goal ? "met" : "NOT met"}`;
      const like = targets[i]!.like;
      const sameHeaders = like === undefined ? "" : `${(best[i]! / best[like]!).toFixed(2)}x`;
      const perRound = median(all[i]!.map((rps, round) => rps / all[0]![round]!));
      console.log(
        `${targets[i]!.name.padEnd(18)} ${best[i]!.toFixed(0).padStart(10)} ${
          median(all[i]!).toFixed(0).padStart(8)
        }  ${ratio.toFixed(2)}x  ${`${perRound.toFixed(2)}x`.padStart(9)}  ${
          sameHeaders.padStart(12)
        }  ${verdict}`,
      );
    }
  } finally {
    await stopChildServers(running);
  }
}
