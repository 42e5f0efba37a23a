// Quick side-by-side: bare Deno.serve hello vs the reference engine, each in its own
// process, loaded in turn by wrk. Not a test; `deno run -A bench/reference_quick.ts [secs]`.
const seconds = Number(Deno.args[0] ?? 5);
const connections = Number(Deno.args[1] ?? 50);

const servers: Record<string, string> = {
  "naive": await Deno.readTextFile("/tmp/naive.ts"),
  "Deno.serve": `
    Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: (a) => console.log(a.port) },
      () => new Response("<h1>Hello, web!</h1>", { headers: { "content-type": "text/html" } }));`,
  "reference": `
    import { serveReference } from ${
    JSON.stringify(new URL("../framework/server/reference_engine.ts", import.meta.url).href)
  };
    serveReference((_e, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/html"]]);
      return ["<h1>Hello, web!</h1>"];
    }, { hostname: "127.0.0.1", port: 0, onListen: (a) => console.log(a.port) });`,
};

async function run(name: string, code: string): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  const port = Number(new TextDecoder().decode(value).trim());
  try {
    const out = await new Deno.Command("wrk", {
      args: ["-t1", `-c${connections}`, `-d${seconds}s`, `http://127.0.0.1:${port}/`],
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    const match = text.match(/Requests\/sec:\s+([\d.]+)/);
    const rps = match ? Number(match[1]) : 0;
    console.log(`${name.padEnd(12)} ${rps.toFixed(0)} req/s`);
    if (!match) console.log(text);
    return rps;
  } finally {
    child.kill();
    await child.status;
    reader.releaseLock();
  }
}

const base = await run("Deno.serve", servers["Deno.serve"]!);
const ref = await run("reference", servers["reference"]!);
console.log(`ratio reference / Deno.serve = ${(ref / base).toFixed(3)}`);
if (Deno.env.get("NAIVE")) await run("naive", servers["naive"]!);
