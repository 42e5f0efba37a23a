/**
 * `validator(app)`: PEP 3333 lint middleware, phial's `wsgiref.validate`. It sits between
 * a server and an app and throws a {@linkcode WsgiProtocolError} as soon as either side
 * breaks the protocol.
 *
 * @module
 */
import type {
  AppObject,
  Body,
  Chunk,
  Environ,
  ErrorStream,
  InputStream,
  StartResponse,
  WriteCallable,
  WsgiApp,
} from "./types.ts";
import { isHopByHop } from "./header_validation.ts";
import { isTokenText } from "./http1_bytes.ts";

/** A breach of the gateway protocol, by the server or by the app. */
export class WsgiProtocolError extends Error {
  /**
   * Makes the error; the message starts with who broke the protocol (`App:`/`Server:`).
   *
   * @param message What was wrong, and by whom.
   */
  constructor(message: string) {
    super(message);
    this.name = "WsgiProtocolError";
  }
}

/** Options of {@linkcode validator}. */
export interface ValidatorOptions {
  /**
   * Called with every breach before it is thrown. Breaches found in `close()` may be
   * swallowed by the server (which must not fail on a body's `close()`), so a test of a
   * server should collect them here.
   */
  onBreach?: (error: WsgiProtocolError) => void;
}

// Control characters (HTAB included, as wsgiref has it) and anything beyond latin-1.
// deno-lint-ignore no-control-regex
const BAD_HEADER_VALUE = /[\0-\x1f\u0100-\uffff]/;
const BEYOND_LATIN1 = /[\u0100-\uffff]/;
const DIGITS = /^[0-9]+$/;
const REQUIRED_STRINGS = [
  "REQUEST_METHOD",
  "SCRIPT_NAME",
  "PATH_INFO",
  "QUERY_STRING",
  "SERVER_NAME",
  "SERVER_PORT",
  "SERVER_PROTOCOL",
] as const;
const REQUIRED_FLAGS = ["wsgi.multithread", "wsgi.multiprocess", "wsgi.run_once"] as const;

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null || value === undefined) return String(value);
  if (value instanceof Uint8Array) return `Uint8Array(${value.length})`;
  if (Array.isArray(value)) return `array(${value.length})`;
  if (typeof value === "object") return `${value.constructor?.name ?? "object"}`;
  return `${typeof value} ${String(value)}`;
}

/**
 * Wraps an app so that every request checks the server's environ and input, the app's
 * `startResponse` calls, `write()` calls and body, and the server's handling of the body
 * (iterated only before `close()`, `close()` called once, one step at a time).
 *
 * Besides wsgiref's checks, it enforces phial's conventions: `wsgi.input_terminated` is
 * `true`, `HTTP_*` values are latin-1, hop-by-hop headers are not set by the app.
 * A synchronous body stays synchronous, so the server's fast path is exercised.
 *
 * @param app The app object to check.
 * @param options `onBreach`, to collect breaches as well as throw them.
 * @returns A gateway app that behaves like `app` but throws on any breach.
 *
 * @example
 * ```ts
 * import { validator } from "@phial/phial";
 * const app = validator((_environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/plain"]]);
 *   return ["checked"];
 * });
 * ```
 */
export function validator(app: AppObject, options?: ValidatorOptions): WsgiApp {
  const onBreach = options?.onBreach;
  const check = (ok: boolean, message: () => string): void => {
    if (ok) return;
    const error = new WsgiProtocolError(message());
    onBreach?.(error);
    throw error;
  };

  function checkEnviron(environ: Environ): void {
    check(
      environ !== null && typeof environ === "object" && !Array.isArray(environ),
      () => `Server: the environ must be a plain object, not ${show(environ)}`,
    );
    for (const key of REQUIRED_STRINGS) {
      check(key in environ, () => `Server: the environ lacks the required key ${key}`);
    }
    for (const key of ["HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"]) {
      check(
        !(key in environ),
        () => `Server: the environ must not have ${key} (use ${key.slice(5)} instead)`,
      );
    }
    for (const key in environ) {
      if (key.includes(".")) continue; // an extension: any type
      const value = environ[key];
      check(
        typeof value === "string",
        () => `Server: environ.${key} must be a string, not ${show(value)}`,
      );
      if (key.startsWith("HTTP_")) {
        check(
          !BEYOND_LATIN1.test(value as string),
          () => `Server: environ.${key} must be latin-1 (one character per byte)`,
        );
      }
    }
    const version = environ["wsgi.version"];
    check(
      Array.isArray(version) && version.length === 2 && version[0] === 1 && version[1] === 0,
      () => `Server: wsgi.version must be [1, 0], not ${show(version)}`,
    );
    const scheme = environ["wsgi.url_scheme"];
    check(
      scheme === "http" || scheme === "https",
      () => `Server: wsgi.url_scheme must be "http" or "https", not ${show(scheme)}`,
    );
    for (const key of REQUIRED_FLAGS) {
      check(
        typeof environ[key] === "boolean",
        () => `Server: ${key} must be a boolean, not ${show(environ[key])}`,
      );
    }
    check(
      environ["wsgi.input_terminated"] === true,
      () => `Server: wsgi.input_terminated must be true`,
    );
    const input = environ["wsgi.input"] as unknown as Record<string | symbol, unknown>;
    check(
      input !== null && typeof input === "object",
      () => `Server: wsgi.input must be an object, not ${show(input)}`,
    );
    for (const method of ["read", "readline", Symbol.asyncIterator] as const) {
      check(
        typeof input[method] === "function",
        () => `Server: wsgi.input lacks the method ${String(method)}`,
      );
    }
    const errors = environ["wsgi.errors"] as unknown as Record<string, unknown>;
    check(
      errors !== null && typeof errors === "object",
      () => `Server: wsgi.errors must be an object, not ${show(errors)}`,
    );
    for (const method of ["write", "flush"]) {
      check(
        typeof errors[method] === "function",
        () => `Server: wsgi.errors lacks the method ${method}`,
      );
    }
    check(
      isTokenText(String(environ.REQUEST_METHOD)),
      () => `Server: REQUEST_METHOD must be a token, not ${show(environ.REQUEST_METHOD)}`,
    );
    const script = environ.SCRIPT_NAME;
    const path = environ.PATH_INFO;
    check(
      script === "" || script.startsWith("/"),
      () => `Server: SCRIPT_NAME must be empty or start with /, not ${show(script)}`,
    );
    check(
      script !== "/",
      () => `Server: SCRIPT_NAME cannot be "/"; it should be "" with PATH_INFO "/"`,
    );
    check(
      path === "" || path.startsWith("/"),
      () => `Server: PATH_INFO must be empty or start with /, not ${show(path)}`,
    );
    check(
      /^HTTP\/[0-9]\.?[0-9]?$/.test(environ.SERVER_PROTOCOL),
      () =>
        `Server: SERVER_PROTOCOL must look like "HTTP/1.1", not ${show(environ.SERVER_PROTOCOL)}`,
    );
    check(
      DIGITS.test(environ.SERVER_PORT),
      () => `Server: SERVER_PORT must be a port number, not ${show(environ.SERVER_PORT)}`,
    );
    const length = environ.CONTENT_LENGTH;
    check(
      length === undefined || length === "" || DIGITS.test(length),
      () => `Server: CONTENT_LENGTH must be a non-negative integer, not ${show(length)}`,
    );
  }

  function wrapInput(input: InputStream, contentLength: number | undefined): InputStream {
    let total = 0;
    const checked = (data: unknown, what: string): Uint8Array => {
      check(
        data instanceof Uint8Array,
        () => `Server: wsgi.input.${what} must give a Uint8Array, not ${show(data)}`,
      );
      total += (data as Uint8Array).length;
      check(
        contentLength === undefined || total <= contentLength,
        () => `Server: wsgi.input gave ${total} bytes, more than CONTENT_LENGTH ${contentLength}`,
      );
      return data as Uint8Array;
    };
    const checkSize = (args: unknown[], what: string) => {
      check(args.length <= 1, () => `App: wsgi.input.${what} takes at most one argument`);
      const size = args[0];
      check(
        size === undefined || size === null ||
          (typeof size === "number" && Number.isInteger(size)),
        () => `App: wsgi.input.${what} takes an integer size, not ${show(size)}`,
      );
    };
    const wrapped = {
      async read(...args: unknown[]): Promise<Uint8Array> {
        checkSize(args, "read()");
        const data = checked(await input.read(args[0] as number | undefined), "read()");
        const size = args[0];
        if (typeof size === "number" && size >= 0) {
          check(
            data.length <= size,
            () => `Server: wsgi.input.read(${size}) gave ${data.length} bytes`,
          );
        }
        return data;
      },
      async readline(...args: unknown[]): Promise<Uint8Array> {
        checkSize(args, "readline()");
        const line = checked(await input.readline(args[0] as number | undefined), "readline()");
        const size = args[0];
        if (typeof size === "number" && size >= 0) {
          check(
            line.length <= size,
            () => `Server: wsgi.input.readline(${size}) gave ${line.length} bytes`,
          );
        }
        const newline = line.indexOf(10);
        check(
          newline === -1 || newline === line.length - 1,
          () => "Server: wsgi.input.readline() gave more than one line",
        );
        return line;
      },
      async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
        for await (const chunk of input) yield checked(chunk, "iteration");
      },
      close(): void {
        check(false, () => "App: wsgi.input.close() must not be called");
      },
    };
    return wrapped;
  }

  function wrapErrors(errors: ErrorStream): ErrorStream {
    return {
      write(text: string): void {
        check(
          typeof text === "string",
          () => `App: wsgi.errors.write() takes a string, not ${show(text)}`,
        );
        errors.write(text);
      },
      flush(): void {
        errors.flush();
      },
      writelines(lines: Iterable<string>): void {
        for (const line of lines) this.write(line);
      },
      close(): void {
        check(false, () => "App: wsgi.errors.close() must not be called");
      },
    } as ErrorStream;
  }

  function checkStatus(status: unknown): number {
    check(
      typeof status === "string",
      () => `App: the status must be a string, not ${show(status)}`,
    );
    const text = status as string;
    check(
      /^[0-9]{3} /.test(text),
      () => `App: the status must be three digits, a space and a reason, not ${show(text)}`,
    );
    const code = Number(text.slice(0, 3));
    check(code >= 100, () => `App: status code ${code} is invalid`);
    check(
      !BAD_HEADER_VALUE.test(text.replaceAll("\t", " ")),
      () => `App: the status ${show(text)} contains control characters or non-latin-1 text`,
    );
    return code;
  }

  function checkHeaders(headers: unknown, code: number): void {
    check(
      Array.isArray(headers),
      () => `App: the headers must be an array of [name, value] pairs, not ${show(headers)}`,
    );
    let contentType = false;
    for (const item of headers as unknown[]) {
      check(
        Array.isArray(item) && item.length === 2,
        () => `App: each header must be a [name, value] pair, not ${show(item)}`,
      );
      const [name, value] = item as [unknown, unknown];
      check(typeof name === "string", () => `App: a header name must be a string: ${show(name)}`);
      check(
        typeof value === "string",
        () => `App: the value of header ${name} must be a string, not ${show(value)}`,
      );
      const n = name as string;
      check(n.toLowerCase() !== "status", () => `App: the Status header cannot be used`);
      check(isTokenText(n), () => `App: bad header name ${show(n)}`);
      check(
        !n.endsWith("-") && !n.endsWith("_"),
        () => `App: header names may not end in - or _: ${show(n)}`,
      );
      check(!isHopByHop(n), () => `App: ${n} is a hop-by-hop header; only the server sets it`);
      check(
        !BAD_HEADER_VALUE.test(value as string),
        () => `App: bad value for header ${n}: ${show(value)}`,
      );
      if (n.toLowerCase() === "content-type") contentType = true;
    }
    check(
      contentType || code < 200 || code === 204 || code === 304,
      () => `App: no Content-Type header in a ${code} response`,
    );
  }

  function wrapBody(body: Body, started: () => boolean): Body {
    let closed = false;
    let stepping = false;
    let sawChunk = false;
    const checkChunk = (chunk: unknown): Chunk => {
      check(
        chunk instanceof Uint8Array || typeof chunk === "string",
        () => `App: the body yielded ${show(chunk)}; chunks must be Uint8Array or string`,
      );
      if (!sawChunk) {
        sawChunk = true;
        check(
          started(),
          () => "App: the body yielded its first chunk before startResponse() was called",
        );
      }
      return chunk as Chunk;
    };
    const beforeStep = () => {
      check(!closed, () => "Server: the body was iterated after close()");
      check(!stepping, () => "Server: the body was stepped again before the last step ended");
    };
    const close = (): void | Promise<void> => {
      check(!closed, () => "Server: close() was called twice on the body");
      closed = true;
      return (body as { close?(): void | Promise<void> }).close?.();
    };
    const syncIterable = typeof (body as Iterable<Chunk>)[Symbol.iterator] === "function";
    if (syncIterable) {
      return {
        [Symbol.iterator](): Iterator<Chunk> {
          const iter = (body as Iterable<Chunk>)[Symbol.iterator]();
          return {
            next(): IteratorResult<Chunk> {
              beforeStep();
              const step = iter.next();
              return step.done ? step : { done: false, value: checkChunk(step.value) };
            },
            return(): IteratorResult<Chunk> {
              iter.return?.();
              return { done: true, value: undefined };
            },
          };
        },
        close,
      };
    }
    return {
      [Symbol.asyncIterator](): AsyncIterator<Chunk> {
        const iter = (body as AsyncIterable<Chunk>)[Symbol.asyncIterator]();
        return {
          async next(): Promise<IteratorResult<Chunk>> {
            beforeStep();
            stepping = true;
            try {
              const step = await iter.next();
              return step.done ? step : { done: false, value: checkChunk(step.value) };
            } finally {
              stepping = false;
            }
          },
          async return(): Promise<IteratorResult<Chunk>> {
            await iter.return?.();
            return { done: true, value: undefined };
          },
        };
      },
      close,
    };
  }

  function checkBody(body: unknown): Body {
    check(
      body !== null && body !== undefined,
      () => "App: it must return an iterable body, if only an empty array",
    );
    check(
      typeof body !== "string" && !(body instanceof Uint8Array),
      () => "App: it returned a bare string or Uint8Array; return [body] instead",
    );
    check(
      typeof body === "object" &&
        (typeof (body as Iterable<Chunk>)[Symbol.iterator] === "function" ||
          typeof (body as AsyncIterable<Chunk>)[Symbol.asyncIterator] === "function"),
      () => `App: it must return an iterable or async iterable body, not ${show(body)}`,
    );
    return body as Body;
  }

  return function lintApp(environ: Environ, startResponse: StartResponse) {
    check(arguments.length === 2, () => `Server: the app takes two arguments`);
    checkEnviron(environ);
    check(
      typeof startResponse === "function",
      () => `Server: startResponse must be a function, not ${show(startResponse)}`,
    );
    const length = environ.CONTENT_LENGTH;
    environ["wsgi.input"] = wrapInput(
      environ["wsgi.input"],
      length ? Number(length) : undefined,
    );
    environ["wsgi.errors"] = wrapErrors(environ["wsgi.errors"]);

    let started = false;
    const startResponseWrapper: StartResponse = function (status, headers, excInfo?) {
      check(
        arguments.length === 2 || arguments.length === 3,
        () => `App: startResponse() takes two or three arguments, not ${arguments.length}`,
      );
      const code = checkStatus(status);
      checkHeaders(headers, code);
      check(
        !started || (excInfo !== undefined && excInfo !== null),
        () => "App: startResponse() was called a second time without excInfo",
      );
      const write = startResponse(status, headers, excInfo);
      check(typeof write === "function", () => "Server: startResponse() must return write()");
      started = true;
      const writeWrapper: WriteCallable = function (data) {
        check(arguments.length === 1, () => "App: write() takes one argument");
        check(
          data instanceof Uint8Array,
          () => `App: write() takes a Uint8Array, not ${show(data)}`,
        );
        write(data);
      };
      return writeWrapper;
    };

    const result = typeof app === "function"
      ? app(environ, startResponseWrapper)
      : app.wsgiApp(environ, startResponseWrapper);
    if (
      result !== null && typeof result === "object" &&
      typeof (result as Promise<Body>).then === "function"
    ) {
      return (result as Promise<Body>).then((body) =>
        wrapBody(checkBody(body), () => started)
      ) as Promise<Body>;
    }
    return wrapBody(checkBody(result), () => started);
  };
}
