/**
 * phial's server face, shaped like the seed article's `my_wsgi_server.py`: a
 * {@linkcode WSGIServer} class, {@linkcode makeServer}, and, run directly, the command
 * line that serves `MODULE[:ATTR]` the way `gunicorn myapp:application` does.
 *
 * ```sh
 * deno run -A server.ts MODULE[:ATTR] [--host 127.0.0.1] [--port 8000]
 *     [--engine reference|deno|serve-http] [--workers N] [--reload] [--access-log -|off]
 * ```
 *
 * @example Serving an app from code
 * ```ts ignore
 * import { makeServer } from "@phial/phial/server";
 * const httpd = makeServer({ hostname: "127.0.0.1", port: 8000 }, (_environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/html"]]);
 *   return ["<h1>Hello, web!</h1>"];
 * });
 * console.log(`Serving HTTP on port ${httpd.serverPort} ...`);
 * await httpd.serveForever();
 * ```
 *
 * @module
 */
import type { AppObject, Body, Environ, StartResponse } from "./framework/gateway/types.ts";
import { accessLogger } from "./framework/server/access_log.ts";
import { AppLoadError, loadApp } from "./framework/server/app_loader.ts";
import { assertAppObject } from "./framework/server/assert_app_object.ts";
import { ENGINE_NAMES, serve, startServer } from "./framework/server/serve.ts";
import { DEFAULT_MAX_CONNECTIONS } from "./framework/server/serve_defaults.ts";
import type { EngineName, ServeOptions, ServerHandle } from "./framework/server/types.ts";

export { loadApp, serve };
export type { AppObject, EngineName, ServeOptions, ServerHandle };

/** The address a {@linkcode WSGIServer} listens on. */
export interface ServerAddress {
  /** Interface to bind. Default `127.0.0.1`. */
  hostname?: string;
  /** Port to bind; 0 picks a free one. */
  port: number;
}

function toServerAddress(
  address: ServerAddress | [string, number],
): { hostname: string; port: number } {
  if (Array.isArray(address)) {
    const [hostname, port] = address;
    if (typeof hostname !== "string") {
      throw new TypeError(
        `Invalid address hostname ${JSON.stringify(hostname)}: expected a string`,
      );
    }
    return { hostname: hostname === "" ? "0.0.0.0" : hostname, port };
  }
  if (typeof address !== "object" || address === null) {
    throw new TypeError(
      "WSGIServer address must be { hostname?, port } or [hostname, port]",
    );
  }
  return { hostname: address.hostname ?? "127.0.0.1", port: address.port };
}

/** Options of a {@linkcode WSGIServer}: everything `serve()` takes but the address. */
export type WSGIServerOptions = Omit<ServeOptions, "hostname" | "port">;

/**
 * The seed article's `WSGIServer`, on a phial engine: it binds its socket when
 * constructed (so {@linkcode WSGIServer.serverPort} is known at once), takes its app with
 * {@linkcode WSGIServer.setApp}, and answers requests once
 * {@linkcode WSGIServer.serveForever} runs (requests that arrive before wait for it,
 * as they would in the listen queue).
 *
 * @example
 * ```ts ignore
 * import { WSGIServer } from "@phial/phial/server";
 * const server = new WSGIServer({ hostname: "127.0.0.1", port: 0 });
 * server.setApp(app);
 * const done = server.serveForever();
 * // ...
 * await server.shutdown();
 * await done;
 * ```
 */
export class WSGIServer {
  #app: AppObject | undefined;
  #handle: ServerHandle;
  #serving = false;
  #release!: () => void;
  #ready: Promise<void> = new Promise((resolve) => this.#release = resolve);

  /**
   * Binds the listening socket.
   *
   * @param address Where to listen (`port: 0` picks a free port), or the article's
   *   `(HOST, PORT)` pair as `[hostname, port]` (an empty hostname means every interface).
   * @param options Engine, limits and callbacks, as for `serve()`.
   * @throws {TypeError} On invalid options.
   * @throws {Deno.errors.AddrInUse} When the port is taken.
   */
  constructor(address: ServerAddress | [string, number], options: WSGIServerOptions = {}) {
    const { hostname, port } = toServerAddress(address);
    this.#handle = startServer(this.#dispatch, { ...options, hostname, port });
  }

  #dispatch = (environ: Environ, startResponse: StartResponse): Body | Promise<Body> => {
    if (!this.#serving) return this.#ready.then(() => this.#dispatch(environ, startResponse));
    const app = this.#app;
    if (app === undefined) {
      throw new TypeError("WSGIServer has no app: call setApp(app) before serveForever()");
    }
    return typeof app === "function" ? app(environ, startResponse) : app.wsgiApp(
      environ,
      startResponse,
    );
  };

  /**
   * Sets the app object to serve (a function, or an object whose `wsgiApp` is looked up
   * on every request).
   *
   * @param app The app object.
   * @throws {TypeError} When it is not an app object.
   */
  setApp(app: AppObject): void {
    assertAppObject(app);
    this.#app = app;
  }

  /** The app object being served, if one was set. */
  get application(): AppObject | undefined {
    return this.#app;
  }

  /** The address the server is bound to. */
  get addr(): Deno.NetAddr {
    return this.#handle.addr;
  }

  /** The host name the server is bound to (the seed's `server_name`). */
  get serverName(): string {
    return this.#handle.addr.hostname;
  }

  /** The port the server is bound to (the seed's `server_port`), real even when 0 was asked. */
  get serverPort(): number {
    return this.#handle.addr.port;
  }

  /**
   * Starts answering requests; settles once the server has been shut down and every
   * connection is closed.
   *
   * @returns A promise that settles when the server has stopped.
   * @throws {TypeError} When no app was set.
   */
  serveForever(): Promise<void> {
    if (this.#app === undefined) {
      return Promise.reject(
        new TypeError("WSGIServer has no app: call setApp(app) before serveForever()"),
      );
    }
    this.#serving = true;
    this.#release();
    return this.#handle.finished;
  }

  /**
   * Stops accepting connections, lets in-flight requests finish (bounded by
   * `gracefulTimeout`), then closes.
   *
   * @returns A promise that settles once the server has stopped.
   */
  shutdown(): Promise<void> {
    if (!this.#serving && this.#app !== undefined) {
      this.#serving = true;
      this.#release();
    }
    return this.#handle.shutdown();
  }
}

/**
 * The seed article's `make_server`: a {@linkcode WSGIServer} bound to `address` serving
 * `app`.
 *
 * @param address Where to listen: `{ hostname?, port }` or `[hostname, port]`.
 * @param app The app object.
 * @param options Engine, limits and callbacks, as for `serve()`.
 * @returns The server; call `serveForever()` on it.
 *
 * @example
 * ```ts ignore
 * import { makeServer } from "@phial/phial/server";
 * const httpd = makeServer({ port: 8888 }, app);
 * console.log(`WSGIServer: Serving HTTP on port ${httpd.serverPort} ...`);
 * await httpd.serveForever();
 * ```
 */
export function makeServer(
  address: ServerAddress | [string, number],
  app: AppObject,
  options: WSGIServerOptions = {},
): WSGIServer {
  assertAppObject(app);
  const server = new WSGIServer(address, options);
  server.setApp(app);
  return server;
}

// ---------------------------------------------------------------------------------------
// The command line.

const USAGE = `usage: deno run -A server.ts MODULE[:ATTR] [options]

Serves the app object ATTR of MODULE the way gunicorn serves myapp:application (without
ATTR: the export app, else application, else the default export). MODULE is a file path
relative to the working directory (".ts" may be left out) or a module specifier with a
scheme (file:, https:, npm:). ATTR may be dotted (api.app) or a factory call
(createApp()). The app is a function (environ, startResponse) or an object with a
wsgiApp method.

options:
  --host HOST              interface to bind (default 127.0.0.1)
  -b, --bind HOST:PORT     both at once, as gunicorn's --bind
  --port PORT              port to bind, 0 for any free one (default 8000)
  --engine ENGINE          reference | deno | serve-http (default reference)
  --workers N              worker processes sharing the port via SO_REUSEPORT, supervised
                           and restarted if they die (Linux; default 1)
  --reload                 restart when the app's source files change (deno --watch)
  --access-log -|off       one line per request on stdout, or none (default -)
  --graceful-timeout SECS  time in-flight requests get on shutdown (default 10)
  --worker-connections N   most connections the reference engine serves at once; more
                           wait in the listen backlog (default 1000)
  -h, --help               show this help`;

/** The command line, parsed. */
interface CliOptions {
  spec: string;
  hostname: string;
  port: number;
  engine: EngineName;
  workers: number;
  reload: boolean;
  accessLog: boolean;
  gracefulTimeout: number;
  workerConnections: number;
  help: boolean;
}

class CliError extends Error {}

const VALUE_FLAGS = new Set([
  "--bind",
  "-b",
  "--host",
  "--port",
  "--engine",
  "--workers",
  "-w",
  "--access-log",
  "--graceful-timeout",
  "--worker-connections",
]);

function parseCliArgs(args: string[]): CliOptions {
  const options: CliOptions = {
    spec: "",
    hostname: "127.0.0.1",
    port: 8000,
    engine: "reference",
    workers: 1,
    reload: false,
    accessLog: true,
    gracefulTimeout: 10,
    workerConnections: DEFAULT_MAX_CONNECTIONS,
    help: false,
  };
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (arg === "-h" || arg === "--help") {
      options.help = true;
      continue;
    }
    if (arg === "--reload") {
      options.reload = true;
      continue;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!VALUE_FLAGS.has(flag)) {
      throw new CliError(`Unknown option ${JSON.stringify(flag)} (see --help)`);
    }
    let value: string;
    if (eq > 0) {
      value = arg.slice(eq + 1);
    } else {
      const next = args[i + 1];
      if (next === undefined) throw new CliError(`Option ${flag} needs a value (see --help)`);
      value = next;
      i++;
    }
    switch (flag) {
      case "--bind":
      case "-b": {
        // gunicorn's HOST:PORT, [IPv6]:PORT, HOST or :PORT.
        const m = /^(?:\[([^\]]+)\]|([^:]*))(?::(\d{1,5}))?$/.exec(value);
        const host = m?.[1] ?? m?.[2] ?? "";
        const port = m?.[3] === undefined ? undefined : Number(m[3]);
        if (!m || (host === "" && port === undefined) || (port !== undefined && port > 65535)) {
          throw new CliError(
            `Invalid ${flag} ${
              JSON.stringify(value)
            }: expected HOST:PORT, [IPV6]:PORT, HOST or :PORT`,
          );
        }
        if (host !== "") options.hostname = host;
        if (port !== undefined) options.port = port;
        break;
      }
      case "--host":
        if (value === "") throw new CliError("Option --host needs a non-empty value");
        options.hostname = value;
        break;
      case "--port": {
        const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
        if (!(port >= 0 && port <= 65535)) {
          throw new CliError(
            `Invalid --port ${JSON.stringify(value)}: expected an integer from 0 to 65535`,
          );
        }
        options.port = port;
        break;
      }
      case "--engine":
        if (!(ENGINE_NAMES as readonly string[]).includes(value)) {
          throw new CliError(
            `Unknown --engine ${JSON.stringify(value)}: expected one of ${ENGINE_NAMES.join(", ")}`,
          );
        }
        options.engine = value as EngineName;
        break;
      case "--workers":
      case "-w": {
        const workers = /^\d{1,4}$/.test(value) ? Number(value) : NaN;
        if (!(workers >= 1)) {
          throw new CliError(
            `Invalid ${flag} ${JSON.stringify(value)}: expected an integer >= 1`,
          );
        }
        options.workers = workers;
        break;
      }
      case "--access-log":
        if (value !== "-" && value !== "off") {
          throw new CliError(
            `Invalid --access-log ${JSON.stringify(value)}: expected "-" (stdout) or "off"`,
          );
        }
        options.accessLog = value === "-";
        break;
      case "--graceful-timeout": {
        const seconds = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
        if (!(seconds >= 0)) {
          throw new CliError(
            `Invalid --graceful-timeout ${JSON.stringify(value)}: expected seconds >= 0`,
          );
        }
        options.gracefulTimeout = seconds;
        break;
      }
      case "--worker-connections": {
        const count = /^\d{1,9}$/.test(value) ? Number(value) : NaN;
        if (!(count >= 1)) {
          throw new CliError(
            `Invalid --worker-connections ${JSON.stringify(value)}: expected an integer >= 1`,
          );
        }
        options.workerConnections = count;
        break;
      }
    }
  }
  if (options.help) return options;
  if (positional.length === 0) {
    throw new CliError("Missing MODULE[:ATTR]: deno run -A server.ts MODULE[:ATTR] [options]");
  }
  if (positional.length > 1) {
    throw new CliError(
      `Expected one MODULE[:ATTR], got ${positional.length}: ${positional.join(" ")}`,
    );
  }
  options.spec = positional[0]!;
  return options;
}

const encoder = new TextEncoder();

function writeAll(stream: { writeSync(p: Uint8Array): number }, text: string): void {
  const bytes = encoder.encode(text);
  let written = 0;
  try {
    while (written < bytes.length) written += stream.writeSync(bytes.subarray(written));
  } catch {
    // Whoever read our output has gone (a closed pipe): serving goes on regardless.
  }
}

function pad2(n: number): string {
  return n < 10 ? "0" + n : String(n);
}

/** gunicorn's error-log stamp: `[2026-11-21 05:27:34 +0000] [PID] [LEVEL]`. */
function logPrefix(level: string): string {
  const d = new Date();
  const offset = -d.getTimezoneOffset();
  const abs = Math.abs(offset);
  const zone = `${offset < 0 ? "-" : "+"}${pad2(Math.floor(abs / 60))}${pad2(abs % 60)}`;
  return `[${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ` +
    `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())} ${zone}] ` +
    `[${Deno.pid}] [${level}]`;
}

function info(message: string): void {
  writeAll(Deno.stdout, `${logPrefix("INFO")} ${message}\n`);
}

function fail(message: string): number {
  writeAll(Deno.stderr, `error: ${message}\n`);
  return 1;
}

function urlHost(hostname: string): string {
  return hostname.includes(":") ? `[${hostname}]` : hostname;
}

/** Sends `signal` to a child process, unless it has already exited. */
function signalChild(child: Deno.ChildProcess, signal: Deno.Signal): void {
  try {
    child.kill(signal);
  } catch {
    // already gone
  }
}

/**
 * `--reload`: runs the same command under `deno run --watch`, which restarts it when a
 * source file changes. The watcher runs the server in its own process and outlives it, so
 * on SIGINT/SIGTERM the signal is passed on, the server shuts down gracefully, and then
 * the watcher is stopped.
 */
async function runWithReload(args: string[], gracefulSeconds: number): Promise<number> {
  const childArgs = args.filter((a) => a !== "--reload");
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--watch", "--no-clear-screen", import.meta.url, ...childArgs],
    stdin: "inherit",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let stopping = false;
  const kill = (signal: Deno.Signal) => signalChild(child, signal);
  const output = forwardLines(child.stdout, (lines) => {
    writeAll(Deno.stdout, lines);
    if (stopping && lines.includes("Shutting down: done")) kill("SIGKILL");
  });
  let bound: ReturnType<typeof setTimeout> | undefined;
  const onSignal = (signal: Deno.Signal) => () => {
    if (stopping) return kill("SIGKILL");
    stopping = true;
    kill(signal);
    bound = setTimeout(() => kill("SIGKILL"), gracefulSeconds * 1000 + 3000);
  };
  const onInt = onSignal("SIGINT");
  const onTerm = onSignal("SIGTERM");
  Deno.addSignalListener("SIGINT", onInt);
  Deno.addSignalListener("SIGTERM", onTerm);
  const status = await child.status;
  clearTimeout(bound);
  Deno.removeSignalListener("SIGINT", onInt);
  Deno.removeSignalListener("SIGTERM", onTerm);
  await output;
  return stopping ? 0 : status.code;
}

/** Set in the environment of worker processes that a `--workers N` master starts. */
const WORKER_ENV = "PHIAL_WORKER";

function listenFailure(error: unknown, where: string): number {
  if (error instanceof Deno.errors.AddrInUse) {
    return fail(`Cannot listen on ${where}: address already in use`);
  }
  if (error instanceof Deno.errors.AddrNotAvailable) {
    return fail(`Cannot listen on ${where}: address not available`);
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    return fail(`Cannot listen on ${where}: permission denied`);
  }
  if (error instanceof Error) return fail(`Cannot listen on ${where}: ${error.message}`);
  throw error;
}

/**
 * Passes a child's output on in whole lines (so that lines from several children never
 * interleave mid-line), as few writes as possible: `onLines` gets every complete line
 * available at once, each ending in a newline.
 */
async function forwardLines(
  stream: ReadableStream<Uint8Array>,
  onLines: (lines: string) => void,
): Promise<void> {
  let pending = "";
  try {
    for await (const text of stream.pipeThrough(new TextDecoderStream())) {
      pending += text;
      const end = pending.lastIndexOf("\n");
      if (end < 0) continue;
      onLines(pending.slice(0, end + 1));
      pending = pending.slice(end + 1);
    }
  } catch {
    // The child went away.
  }
  if (pending !== "") onLines(pending + "\n");
}

/**
 * `--workers N`: a master that checks the app and the port, starts N worker processes
 * listening on the same port, restarts any that die, and on SIGINT/SIGTERM stops them
 * gracefully (as gunicorn's arbiter does).
 */
async function runMaster(options: CliOptions): Promise<number> {
  const where = `${urlHost(options.hostname)}:${options.port}`;
  let port: number;
  try {
    // Resolves port 0 to a real port once, so that every worker binds the same one.
    const probe = Deno.listen({ hostname: options.hostname, port: options.port });
    port = (probe.addr as Deno.NetAddr).port;
    probe.close();
  } catch (error) {
    return listenFailure(error, where);
  }
  const childArgs = [
    "run",
    "-A",
    "--unstable-net",
    import.meta.url,
    options.spec,
    "--host",
    options.hostname,
    "--port",
    String(port),
    "--engine",
    options.engine,
    "--access-log",
    options.accessLog ? "-" : "off",
    "--graceful-timeout",
    String(options.gracefulTimeout),
    "--worker-connections",
    String(options.workerConnections),
    "--workers",
    String(options.workers),
  ];
  info(`Starting phial (engine: ${options.engine}, workers: ${options.workers})`);

  const workers = new Set<Deno.ChildProcess>();
  let stopping = false;
  let starting = true;
  let quickDeaths = 0;
  let failed: ((reason: string) => void) | undefined;
  const failure = new Promise<string>((resolve) => (failed = resolve));

  const spawn = (): Promise<void> => {
    const started = Date.now();
    const child = new Deno.Command(Deno.execPath(), {
      args: childArgs,
      env: { [WORKER_ENV]: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    workers.add(child);
    let booted = false;
    let boot!: () => void;
    const ready = new Promise<void>((resolve) => (boot = resolve));
    forwardLines(child.stdout, (lines) => {
      if (!booted && lines.includes("Booting worker with pid")) {
        booted = true;
        boot();
      }
      writeAll(Deno.stdout, lines);
    });
    forwardLines(child.stderr, (lines) => writeAll(Deno.stderr, lines));
    child.status.then((status) => {
      workers.delete(child);
      if (stopping) return;
      const how = status.signal ? `signal ${status.signal}` : `code ${status.code}`;
      if (starting && !booted) {
        failed?.(`Worker (pid:${child.pid}) failed to start (${how})`);
        return;
      }
      // A worker that dies right after starting will most likely die again: give up
      // after a few in a row rather than restart forever.
      quickDeaths = Date.now() - started < 2000 ? quickDeaths + 1 : 0;
      if (quickDeaths >= 5) {
        failed?.(`Workers keep exiting at start (last: pid ${child.pid}, ${how}); giving up`);
        return;
      }
      info(`Worker (pid:${child.pid}) exited with ${how}; starting a new one`);
      spawn();
    });
    return ready;
  };

  const stopAll = async (): Promise<void> => {
    stopping = true;
    const all = [...workers];
    for (const child of all) signalChild(child, "SIGTERM");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, options.gracefulTimeout * 1000 + 3000);
    });
    await Promise.race([Promise.all(all.map((c) => c.status)), bound]);
    clearTimeout(timer);
    for (const child of workers) signalChild(child, "SIGKILL");
    await Promise.all(all.map((c) => c.status));
  };

  let signalled!: (name: string) => void;
  const signal = new Promise<string>((resolve) => (signalled = resolve));
  const onInt = () => signalled("int");
  const onTerm = () => signalled("term");
  Deno.addSignalListener("SIGINT", onInt);
  Deno.addSignalListener("SIGTERM", onTerm);
  try {
    const booting = Promise.all(Array.from({ length: options.workers }, spawn));
    let bootTimer: ReturnType<typeof setTimeout> | undefined;
    const boot = await Promise.race([
      booting.then(() => "ready" as const),
      failure.then((reason) => ({ reason })),
      signal.then((name) => ({ name })),
      new Promise<{ reason: string }>((resolve) => {
        bootTimer = setTimeout(
          () => resolve({ reason: "Workers did not start within 30 s" }),
          30000,
        );
      }),
    ]);
    clearTimeout(bootTimer);
    starting = false;
    if (boot !== "ready") {
      await stopAll();
      return "reason" in boot ? fail(boot.reason) : 0;
    }
    info(`Listening at: http://${urlHost(options.hostname)}:${port} (${Deno.pid})`);
    const end = await Promise.race([
      signal.then((name) => ({ name })),
      failure.then((reason) => ({ reason })),
    ]);
    if ("name" in end) info(`Handling signal: ${end.name}`);
    await stopAll();
    if ("reason" in end) return fail(end.reason);
    info("Shutting down: done");
    return 0;
  } finally {
    Deno.removeSignalListener("SIGINT", onInt);
    Deno.removeSignalListener("SIGTERM", onTerm);
  }
}

async function main(args: string[]): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCliArgs(args);
  } catch (error) {
    if (error instanceof CliError) return fail(error.message);
    throw error;
  }
  if (options.help) {
    writeAll(Deno.stdout, USAGE + "\n");
    return 0;
  }
  const isWorker = Deno.env.get(WORKER_ENV) === "1";

  let app: AppObject;
  try {
    // A master (--workers, --reload) loads the app too, so that a broken app is one clear
    // error at once, not one per worker or a watcher waiting for a fix.
    app = await loadApp(options.spec, Deno.cwd());
  } catch (error) {
    if (error instanceof AppLoadError) return fail(error.message);
    throw error;
  }
  if (options.reload) return await runWithReload(args, options.gracefulTimeout);
  if (options.workers > 1 && !isWorker) return await runMaster(options);

  const accessLog = options.accessLog ? accessLogger() : undefined;
  let handle: ServerHandle;
  try {
    handle = startServer(app, {
      hostname: options.hostname,
      port: options.port,
      engine: options.engine,
      gracefulTimeout: options.gracefulTimeout * 1000,
      maxConnections: options.workerConnections,
      onListen: () => {},
      ...(accessLog ? { accessLog } : {}),
      ...(isWorker ? { reusePort: true, workers: options.workers } : {}),
    });
  } catch (error) {
    return listenFailure(error, `${urlHost(options.hostname)}:${options.port}`);
  }

  if (isWorker) {
    info(`Booting worker with pid: ${Deno.pid}`);
  } else {
    info(`Starting phial (engine: ${options.engine})`);
    info(
      `Listening at: http://${urlHost(handle.addr.hostname)}:${handle.addr.port} (${Deno.pid})`,
    );
  }

  let stopping = false;
  const onSignal = (name: string) => () => {
    if (stopping) {
      // A worker gets Ctrl-C from the terminal and SIGTERM from its master: both mean stop.
      if (isWorker) return;
      info(`Handling signal: ${name} again, exiting now`);
      Deno.exit(1);
    }
    stopping = true;
    accessLog?.flush();
    if (!isWorker) info(`Handling signal: ${name}`);
    // Bounded even if an engine overruns its own graceful timeout.
    const bound = setTimeout(() => {
      accessLog?.flush();
      info("Graceful timeout exceeded, exiting");
      Deno.exit(0);
    }, options.gracefulTimeout * 1000 + 2000);
    Deno.unrefTimer(bound);
    handle.shutdown().catch(() => {});
  };
  const onInt = onSignal("int");
  const onTerm = onSignal("term");
  Deno.addSignalListener("SIGINT", onInt);
  Deno.addSignalListener("SIGTERM", onTerm);
  await handle.finished;
  Deno.removeSignalListener("SIGINT", onInt);
  Deno.removeSignalListener("SIGTERM", onTerm);
  accessLog?.flush();
  if (!isWorker) info("Shutting down: done");
  return 0;
}

if (import.meta.main) {
  let code: number;
  try {
    code = await main(Deno.args);
  } catch (error) {
    code = fail(error instanceof Error ? error.message.split("\n")[0]! : String(error));
  }
  Deno.exit(code);
}
