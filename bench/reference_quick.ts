// Quick side-by-side of the reference engine against a bare `Deno.serve` hello server:
// both run in their own process at once and wrk loads them in alternating rounds.
// Not a test.  deno run -A bench/reference_quick.ts [seconds per round] [rounds] [connections]
const seconds = Number(Deno.args[0] ?? 3);
const rounds = Number(Deno.args[1] ?? 3);
const connections = Number(Deno.args[2] ?? 50);

const engine = new URL("../framework/server/reference_engine.ts", import.meta.url).href;
const servers: Record<string, string> = {
  "Deno.serve": `
    Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: (a) => console.log(a.port) },
      () => new Response("<h1>Hello, web!</h1>", { headers: { "content-type": "text/html" } }));`,
  reference: `
    import { serveReference } from ${JSON.stringify(engine)};
    serveReference((_e, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/html"]]);
      return ["<h1>Hello, web!</h1>"];
    }, { hostname: "127.0.0.1", port: 0, onListen: (a) => console.log(a.port) });`,
};

async function start(code: string): Promise<{ port: number; child: Deno.ChildProcess }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  return { port: Number(new TextDecoder().decode(value).trim()), child };
}

/** The server process's CPU time (user + system) in clock ticks, from /proc. */
function cpuTicks(pid: number): number {
  const fields = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1]!.split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

/** Requests/s under wrk, and the server's CPU microseconds per request. */
async function load(port: number, pid: number): Promise<[number, number]> {
  const before = cpuTicks(pid);
  const out = await new Deno.Command("wrk", {
    args: ["-t1", `-c${connections}`, `-d${seconds}s`, `http://127.0.0.1:${port}/`],
  }).output();
  const ticks = cpuTicks(pid) - before;
  const report = new TextDecoder().decode(out.stdout);
  const rps = Number(report.match(/Requests\/sec:\s+([\d.]+)/)?.[1] ?? 0);
  const count = Number(report.match(/(\d+) requests in/)?.[1] ?? 0);
  return [rps, count > 0 ? (ticks * 10000) / count : 0];
}

if (Deno.env.get("NAIVE")) {
  // The floor: a keep-alive loop that answers every read with a fixed response.
  servers.naive = `
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
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
    }`;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const running = await Promise.all(Object.values(servers).map(start));
const results: number[][] = running.map(() => []);
const cpu: number[][] = running.map(() => []);
try {
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < running.length; i++) {
      const [rps, us] = await load(running[i]!.port, running[i]!.child.pid);
      results[i]!.push(rps);
      cpu[i]!.push(us);
    }
  }
} finally {
  for (const { child } of running) {
    child.kill();
    await child.status;
  }
}
const names = Object.keys(servers);
names.forEach((name, i) =>
  console.log(
    `${name.padEnd(12)} ${median(results[i]!).toFixed(0).padStart(8)} req/s  (${
      results[i]!.map((x) => x.toFixed(0)).join(", ")
    }); server CPU ${median(cpu[i]!).toFixed(2)} us/request`,
  )
);
// Load on a shared machine drifts: the ratio of each round's neighbouring runs is steadier.
const ratios = results[1]!.map((x, i) => x / results[0]![i]!);
console.log(
  `ratio reference / Deno.serve: median per round ${median(ratios).toFixed(3)}, of medians ${
    (median(results[1]!) / median(results[0]!)).toFixed(3)
  }`,
);
console.log(
  `CPU per request, Deno.serve / reference: ${(median(cpu[0]!) / median(cpu[1]!)).toFixed(3)}`,
);
