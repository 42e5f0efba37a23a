/**
 * The command line: `deno run -A server.ts MODULE[:ATTR] ...` as a real subprocess on a
 * loopback port — the Listening line, requests, access-log lines, one-line errors with
 * exit code 1, and graceful SIGTERM/SIGINT.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SERVER = fileURLToPath(new URL("../../server.ts", import.meta.url));
const LISTENING = /Listening at: http:\/\/127\.0\.0\.1:(\d+) \((\d+)\)/;

/** A running `server.ts` subprocess whose stdout is read line by line. */
class Cli {
  readonly child: Deno.ChildProcess;
  readonly lines: string[] = [];
  readonly stderr: Promise<string>;
  readonly #pump: Promise<void>;
  #waiters: (() => void)[] = [];

  constructor(args: string[]) {
    this.child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", SERVER, ...args],
      cwd: ROOT,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.stderr = new Response(this.child.stderr).text();
    this.#pump = this.#read();
  }

  async #read(): Promise<void> {
    const decoder = new TextDecoder();
    let pending = "";
    for await (const chunk of this.child.stdout) {
      pending += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        this.lines.push(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
      for (const wake of this.#waiters.splice(0)) wake();
    }
    if (pending) this.lines.push(pending);
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Waits (bounded) for a stdout line matching `re`. */
  async waitFor(re: RegExp, ms = 20000): Promise<RegExpExecArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      for (const line of this.lines) {
        const m = re.exec(line);
        if (m) return m;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`no stdout line matched ${re} within ${ms} ms: ${this.lines.join(" | ")}`);
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.#waiters.push(resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(left, 200)))),
      ]);
      clearTimeout(timer);
    }
  }

  /** Waits for the Listening line and returns the port and pid it names. */
  async listening(): Promise<{ port: number; pid: number }> {
    const m = await this.waitFor(LISTENING);
    return { port: Number(m[1]), pid: Number(m[2]) };
  }

  /** Waits (bounded) for the process to exit; kills it if it does not. */
  async exit(ms = 15000): Promise<{ code: number; stderr: string }> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const status = await Promise.race([
      this.child.status,
      new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms))),
    ]);
    clearTimeout(timer);
    if (status === null) {
      this.kill("SIGKILL");
      await this.child.status;
      await this.#pump;
      throw new Error(`server.ts did not exit within ${ms} ms`);
    }
    // A grandchild that outlived its parent could hold the pipes open: do not wait forever.
    let drain: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all([this.#pump, this.stderr]),
      new Promise((resolve) => (drain = setTimeout(resolve, 3000))),
    ]);
    clearTimeout(drain);
    return { code: status.code, stderr: await Promise.race([this.stderr, Promise.resolve("")]) };
  }

  kill(signal: Deno.Signal = "SIGTERM"): void {
    try {
      this.child.kill(signal);
    } catch {
      // already exited
    }
  }
}

/** Runs `server.ts` expecting it to fail at once; returns its stderr lines. */
async function failing(args: string[]): Promise<{ code: number; stderr: string; out: string }> {
  const cli = new Cli(args);
  try {
    const { code, stderr } = await cli.exit();
    return { code, stderr, out: cli.lines.join("\n") };
  } finally {
    cli.kill("SIGKILL");
  }
}

function assertOneLineError(
  result: { code: number; stderr: string; out: string },
  re: RegExp,
): void {
  assert.equal(result.code, 1, `exit code 1 (stderr: ${result.stderr})`);
  const lines = result.stderr.split("\n").filter((l) => l.trim() !== "");
  assert.equal(lines.length, 1, `exactly one stderr line, got: ${result.stderr}`);
  assert.match(lines[0]!, re);
  assert.doesNotMatch(result.stderr, /^\s+at /m, "no stack trace");
  assert.equal(result.out, "", "nothing on stdout");
}

async function withTempModule(
  source: string,
  fn: (path: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/app.ts`;
  await Deno.writeTextFile(path, source);
  try {
    await fn(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("server.ts examples/hello.ts prints Listening at, serves, logs, exits 0 on SIGTERM", async () => {
  const cli = new Cli(["examples/hello.ts", "--host", "127.0.0.1", "--port", "0"]);
  try {
    const { port, pid } = await cli.listening();
    assert.equal(pid, cli.child.pid);
    const res = await fetch(`http://127.0.0.1:${port}/path?x=1`, {
      headers: { "User-Agent": "cli-test", "Referer": "http://ref/" },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/html");
    assert.equal(await res.text(), "<h1>Hello, web!</h1>");
    await cli.waitFor(/"GET \/path\?x=1 HTTP\/1\.1"/);
    const log = cli.lines.filter((l) => l.includes('"GET /path?x=1'));
    assert.equal(log.length, 1, "one access-log line per request");
    assert.match(
      log[0]!,
      /^127\.0\.0\.1 - - \[\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] "GET \/path\?x=1 HTTP\/1\.1" 200 20 "http:\/\/ref\/" "cli-test"$/,
    );
    cli.kill("SIGTERM");
    const { code } = await cli.exit();
    assert.equal(code, 0);
  } finally {
    cli.kill("SIGKILL");
  }
});

Deno.test("server.ts --access-log off prints no access-log lines", async () => {
  const cli = new Cli(["examples/hello.ts", "--port", "0", "--access-log", "off"]);
  try {
    const { port } = await cli.listening();
    assert.equal(
      await (await fetch(`http://127.0.0.1:${port}/quiet`)).text(),
      "<h1>Hello, web!</h1>",
    );
    cli.kill("SIGTERM");
    assert.equal((await cli.exit()).code, 0);
    assert.equal(cli.lines.some((l) => l.includes("/quiet")), false, cli.lines.join("\n"));
  } finally {
    cli.kill("SIGKILL");
  }
});

for (const engine of ["reference", "deno", "serve-http"]) {
  Deno.test(`server.ts --engine ${engine} serves examples/hello.ts`, async () => {
    const cli = new Cli(["examples/hello.ts", "--port=0", `--engine=${engine}`]);
    try {
      const { port } = await cli.listening();
      assert.equal(
        await (await fetch(`http://127.0.0.1:${port}/`)).text(),
        "<h1>Hello, web!</h1>",
      );
      await cli.waitFor(/"GET \/ HTTP\/1\.1" 200 20/);
      cli.kill("SIGINT");
      assert.equal((await cli.exit()).code, 0);
    } finally {
      cli.kill("SIGKILL");
    }
  });
}

Deno.test("server.ts takes MODULE:ATTR, class-style app objects and file: URLs", async () => {
  const specs: [string, RegExp][] = [
    ["examples/hello.ts:application", /^<h1>Hello, web!<\/h1>$/],
    ["examples/class_app.ts", /^Hello, web! \(request 1\)\n$/],
    [new URL("../../examples/hello.ts", import.meta.url).href, /^<h1>Hello, web!<\/h1>$/],
  ];
  for (const [spec, body] of specs) {
    const cli = new Cli([spec, "--port", "0", "--access-log", "off"]);
    try {
      const { port } = await cli.listening();
      assert.match(await (await fetch(`http://127.0.0.1:${port}/`)).text(), body, spec);
      cli.kill("SIGTERM");
      assert.equal((await cli.exit()).code, 0);
    } finally {
      cli.kill("SIGKILL");
    }
  }
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  for (const engine of ["reference", "deno", "serve-http"]) {
    Deno.test(`server.ts ${signal} lets an in-flight request finish, then exits 0 (${engine})`, async () => {
      await withTempModule(
        `export async function app(environ, startResponse) {
           console.log("request started");
           await new Promise((resolve) => setTimeout(resolve, 700));
           startResponse("200 OK", [["Content-Type", "text/plain"]]);
           return ["finished after the signal"];
         }\n`,
        async (path) => {
          const cli = new Cli([path, "--port", "0", "--engine", engine]);
          try {
            const { port } = await cli.listening();
            const inFlight = fetch(`http://127.0.0.1:${port}/slow`);
            await cli.waitFor(/request started/);
            cli.kill(signal);
            const res = await inFlight;
            assert.equal(res.status, 200);
            assert.equal(await res.text(), "finished after the signal");
            assert.equal((await cli.exit()).code, 0);
            // The in-flight request is logged before the server says it is done.
            const logged = cli.lines.findIndex((l) => l.includes('"GET /slow HTTP/1.1" 200'));
            const done = cli.lines.findIndex((l) => l.includes("Shutting down: done"));
            assert.ok(logged >= 0 && done > logged, cli.lines.join("\n"));
          } finally {
            cli.kill("SIGKILL");
          }
        },
      );
    });
  }
}

Deno.test("server.ts stops waiting for a request that never ends after --graceful-timeout", async () => {
  await withTempModule(
    `export function app(environ, startResponse) {
       console.log("request started");
       return (async function* () { await new Promise(() => {}); yield ""; })();
     }\n`,
    async (path) => {
      const cli = new Cli([path, "--port", "0", "--graceful-timeout", "1"]);
      try {
        const { port } = await cli.listening();
        const hung = fetch(`http://127.0.0.1:${port}/hang`).then((r) => r.text()).catch(() => "");
        await cli.waitFor(/request started/);
        const signalled = Date.now();
        cli.kill("SIGTERM");
        assert.equal((await cli.exit()).code, 0);
        assert.ok(Date.now() - signalled < 6000, "bounded by the graceful timeout");
        await hung;
      } finally {
        cli.kill("SIGKILL");
      }
    },
  );
});

Deno.test("server.ts --bind HOST:PORT (gunicorn's -b) sets host and port", async () => {
  for (const args of [["--bind", "127.0.0.1:0"], ["-b", "[::1]:0"]]) {
    const cli = new Cli(["examples/hello.ts", ...args, "--access-log", "off"]);
    try {
      const m = await cli.waitFor(/Listening at: (http:\/\/(?:127\.0\.0\.1|\[::1\]):\d+\/?) \(/);
      const res = await fetch(m[1]!.replace(/\/?$/, "/"));
      assert.equal(await res.text(), "<h1>Hello, web!</h1>");
      cli.kill("SIGTERM");
      assert.equal((await cli.exit()).code, 0);
    } finally {
      cli.kill("SIGKILL");
    }
  }
});

Deno.test("server.ts --help prints usage and exits 0", async () => {
  const cli = new Cli(["--help"]);
  const { code } = await cli.exit();
  assert.equal(code, 0);
  assert.match(cli.lines[0]!, /^usage: deno run -A server\.ts MODULE\[:ATTR\]/);
});

Deno.test("server.ts: a missing module is one line on stderr and exit 1", async () => {
  assertOneLineError(
    await failing(["no_such_module.ts"]),
    /Cannot find module "no_such_module\.ts"/,
  );
});

Deno.test("server.ts: a missing attribute is one line on stderr and exit 1", async () => {
  assertOneLineError(
    await failing(["examples/hello.ts:nope"]),
    /Failed to find attribute "nope" in module "examples\/hello\.ts" \(it exports: app, application\)/,
  );
});

Deno.test("server.ts: an attribute that is not an app object is one line and exit 1", async () => {
  await withTempModule("export const app = 42;\nexport class Klass {}\n", async (path) => {
    assertOneLineError(await failing([path]), /is not an app object: .*got 42$/);
    assertOneLineError(await failing([`${path}:Klass`]), /is the class Klass/);
  });
});

Deno.test("server.ts: a module that fails to import is one line and exit 1", async () => {
  await withTempModule("export const app = {;\n", async (path) => {
    assertOneLineError(await failing([path]), /^error: Cannot import module /);
  });
  await withTempModule("throw new Error('top-level boom');\n", async (path) => {
    assertOneLineError(await failing([path]), /^error: Cannot import module .*top-level boom/);
  });
});

Deno.test("server.ts: a port in use is one line on stderr and exit 1", async () => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (taken.addr as Deno.NetAddr).port;
    for (const engine of ["reference", "deno", "serve-http"]) {
      assertOneLineError(
        await failing(["examples/hello.ts", "--port", String(port), "--engine", engine]),
        new RegExp(`Cannot listen on 127\\.0\\.0\\.1:${port}: address already in use`),
      );
    }
  } finally {
    taken.close();
  }
});

Deno.test("server.ts: bad flags are one line on stderr and exit 1", async () => {
  const cases: [string[], RegExp][] = [
    [["examples/hello.ts", "--bogus"], /Unknown option "--bogus"/],
    [["examples/hello.ts", "--bind", "host:port"], /Invalid --bind "host:port"/],
    [["examples/hello.ts", "-b", ":99999"], /Invalid -b ":99999"/],
    [["examples/hello.ts", "--port", "eighty"], /Invalid --port "eighty"/],
    [["examples/hello.ts", "--port", "65536"], /Invalid --port "65536"/],
    [["examples/hello.ts", "--port"], /Option --port needs a value/],
    [["examples/hello.ts", "--engine", "nginx"], /Unknown --engine "nginx"/],
    [["examples/hello.ts", "--access-log", "file.log"], /Invalid --access-log "file\.log"/],
    [["examples/hello.ts", "--workers", "0"], /Invalid --workers "0"/],
    [["examples/hello.ts", "--worker-connections", "0"], /Invalid --worker-connections "0"/],
    [[], /Missing MODULE\[:ATTR\]/],
    [["a.ts", "b.ts"], /Expected one MODULE\[:ATTR\], got 2/],
  ];
  for (const [args, re] of cases) assertOneLineError(await failing(args), re);
});

Deno.test("server.ts --workers 2 serves from two worker processes and stops them on SIGTERM", async () => {
  const cli = new Cli(["examples/class_app.ts", "--port", "0", "--workers", "2"]);
  try {
    const { port, pid } = await cli.listening();
    assert.equal(pid, cli.child.pid, "the Listening line names the master");
    const booted = cli.lines.flatMap((l) => {
      const m = /Booting worker with pid: (\d+)/.exec(l);
      return m ? [Number(m[1])] : [];
    });
    assert.equal(booted.length, 2);
    assert.equal(booted.includes(pid), false);
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/`);
      assert.match(await res.text(), /^Hello, web! \(request \d\)\n$/);
    }
    await cli.waitFor(/"GET \/ HTTP\/1\.1" 200/);
    // A worker that dies is replaced.
    Deno.kill(booted[0]!, "SIGKILL");
    await cli.waitFor(new RegExp(`Worker \\(pid:${booted[0]}\\) exited`));
    await until(() => cli.lines.filter((l) => l.includes("Booting worker")).length === 3);
    assert.equal(
      (await (await fetch(`http://127.0.0.1:${port}/`)).text()).startsWith("Hello"),
      true,
    );
    cli.kill("SIGTERM");
    assert.equal((await cli.exit()).code, 0);
    const workers = cli.lines.flatMap((l) => {
      const m = /Booting worker with pid: (\d+)/.exec(l);
      return m ? [Number(m[1])] : [];
    });
    for (const worker of workers) {
      let alive = true;
      try {
        await Deno.stat(`/proc/${worker}`);
      } catch {
        alive = false;
      }
      assert.equal(alive, false, `worker ${worker} has exited`);
    }
  } finally {
    cli.kill("SIGKILL");
  }
});

Deno.test("server.ts --workers or --reload with a broken app is still one line and exit 1", async () => {
  for (const flag of [["--workers", "3"], ["--reload"]]) {
    assertOneLineError(
      await failing(["examples/hello.ts:nope", ...flag]),
      /Failed to find attribute "nope"/,
    );
  }
});

Deno.test("server.ts --reload restarts the server when the app's file changes", async () => {
  await withTempModule(
    `export function app(environ, startResponse) {
       startResponse("200 OK", [["Content-Type", "text/plain"]]);
       return ["version 1"];
     }\n`,
    async (path) => {
      const cli = new Cli([path, "--port", "0", "--access-log", "off", "--reload"]);
      try {
        const first = await cli.listening();
        assert.equal(await (await fetch(`http://127.0.0.1:${first.port}/`)).text(), "version 1");
        const before = cli.lines.length;
        await Deno.writeTextFile(
          path,
          (await Deno.readTextFile(path)).replace("version 1", "version 2"),
        );
        let port = 0;
        await until(() => {
          const line = cli.lines.slice(before).find((l) => LISTENING.test(l));
          if (line) port = Number(LISTENING.exec(line)![1]);
          return port !== 0;
        }, 20000);
        assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), "version 2");
        cli.kill("SIGTERM");
        assert.equal((await cli.exit()).code, 0);
      } finally {
        cli.kill("SIGKILL");
      }
    },
  );
});

async function until(check: () => boolean, ms = 10000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

Deno.test("server.ts --workers: a worker that fails to start stops the master with exit 1", async () => {
  await withTempModule(
    `if (Deno.env.get("PHIAL_WORKER") === "1") throw new Error("no workers here");
     export const app = () => [];\n`,
    async (path) => {
      const started = Date.now();
      const result = await failing([path, "--port", "0", "--workers", "2"]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /Worker \(pid:\d+\) failed to start \(code 1\)/);
      assert.match(result.stderr, /no workers here/);
      assert.ok(Date.now() - started < 15000, "fails fast, not after the boot timeout");
    },
  );
});

Deno.test("server.ts keeps serving and exits 0 on SIGTERM after its stdout reader went away", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SERVER, "examples/hello.ts", "--port", "0"],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    let port = "";
    while (!port) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
      port = LISTENING.exec(seen)?.[1] ?? "";
    }
    await reader.cancel();
    // The access-log line and the shutdown lines now hit a closed pipe.
    assert.equal(
      await (await fetch(`http://127.0.0.1:${port}/`)).text(),
      "<h1>Hello, web!</h1>",
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), "<h1>Hello, web!</h1>");
    child.kill("SIGTERM");
    const stderr = await new Response(child.stderr).text();
    assert.equal((await child.status).code, 0, stderr);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
});
