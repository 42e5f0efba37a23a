/**
 * What the loopback benchmarks (`http.ts`, `http_cpu.ts`, `app.ts`) share: reading their
 * options, starting a server in a child process, checking for `wrk`, and reading a
 * process's CPU time.
 *
 * @module
 */

/**
 * A positive number given as `--name N`, or `fallback`; anything else ends the run with a
 * one-line error.
 *
 * @param name The option, such as `--duration`.
 * @param fallback Its default.
 * @returns The value.
 */
export function numberOption(name: string, fallback: number): number {
  const i = Deno.args.indexOf(name);
  const value = i >= 0 ? Number(Deno.args[i + 1]) : fallback;
  if (!(value > 0)) {
    console.error(`error: ${name} needs a positive number`);
    Deno.exit(1);
  }
  return value;
}

/**
 * A text option given as `--name value`, or `fallback`.
 *
 * @param name The option.
 * @param fallback Its default.
 * @returns The value.
 */
export function textOption(name: string, fallback: string): string {
  const i = Deno.args.indexOf(name);
  return i >= 0 && Deno.args[i + 1] !== undefined ? Deno.args[i + 1]! : fallback;
}

/**
 * Whether `wrk` is installed.
 *
 * @returns `true` when it can be run.
 */
export async function haveWrk(): Promise<boolean> {
  try {
    // `wrk --version` exits 1 after printing its version; only a missing binary throws.
    await new Deno.Command("wrk", { args: ["--version"], stdout: "null", stderr: "null" }).output();
    return true;
  } catch {
    return false;
  }
}

/** A server running in a child process. */
export interface ChildServer {
  /** The child. */
  child: Deno.ChildProcess;
  /** The port it listens on. */
  port: number;
}

/**
 * Starts `deno <args>` and waits (30 s at most) for the gunicorn-style
 * `Listening at: http://127.0.0.1:PORT` line on its stdout, which is drained afterwards so
 * the child never blocks on a full pipe.
 *
 * @param name What the server is, for the error message.
 * @param args Deno's arguments.
 * @param cwd The working directory, if not this one.
 * @returns The child and its port.
 */
export async function startChildServer(
  name: string,
  args: string[],
  cwd?: string,
): Promise<ChildServer> {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    ...(cwd === undefined ? {} : { cwd }),
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += value;
    const m = /Listening at: http:\/\/127\.0\.0\.1:(\d+)/.exec(seen);
    if (m) {
      (async () => {
        try {
          while (!(await reader.read()).done);
        } catch {
          // child gone
        }
      })();
      return { child, port: Number(m[1]) };
    }
  }
  child.kill("SIGKILL");
  throw new Error(`${name} did not start: ${seen}`);
}

/**
 * A process's CPU time (user + system, all threads) in clock ticks (1/100 s), from `/proc`.
 *
 * @param pid The process.
 * @returns The ticks.
 */
export function cpuTicks(pid: number): number {
  const fields = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1]!.split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * Stops child servers (SIGTERM) and waits for them to exit.
 *
 * @param servers The servers.
 */
export async function stopChildServers(
  servers: Iterable<{ child: Deno.ChildProcess }>,
): Promise<void> {
  for (const { child } of servers) {
    try {
      child.kill("SIGTERM");
    } catch {
      // already gone
    }
    await child.status;
  }
}
