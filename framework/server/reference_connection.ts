/**
 * One client connection of the reference engine: reads request heads off the socket,
 * runs the app for each request in turn (pipelined requests are answered in order) and
 * writes the framed responses, until either side closes or a limit is hit.
 *
 * @module
 */

import { ChunkedBody } from "../gateway/chunked_decoder.ts";
import { totalByteLength } from "../gateway/concat_bytes.ts";
import { ContentLengthBody, type Http1Body } from "../gateway/http1_body.ts";
import { Http1Error } from "../gateway/http1_error.ts";
import { HeadScanner, type Http1Limits, parseRequestHead } from "../gateway/http1_parser.ts";
import { Http1Reader } from "../gateway/http1_reader.ts";
import { encodeResponse, encodeResponseInto, errorResponse } from "../gateway/http1_response.ts";
import type { HeadCache } from "./reference_head_cache.ts";
import { BodyInput, bytesInput } from "../gateway/input_stream.ts";
import { stderrErrors } from "../gateway/error_stream.ts";
import { type AppResponse, runApp } from "../gateway/run_app.ts";
import type { AppObject, Environ } from "../gateway/types.ts";
import type { AccessLogEntry } from "./types.ts";

/** Settings a connection shares with its server (resolved defaults). */
export interface ReferenceSettings {
  /** The app object. */
  app: AppObject;
  /** Head limits. */
  limits: Http1Limits;
  /** Largest request body, in bytes. */
  maxBodySize: number;
  /** Time to receive a request head, in ms. */
  headTimeout: number;
  /** Idle time allowed between requests, in ms. */
  keepAliveTimeout: number;
  /** The `Server` header. */
  serverHeader: string;
  /** `SERVER_NAME`. */
  serverName: string;
  /** `SERVER_PORT`. */
  serverPort: string;
  /** `wsgi.multiprocess`. */
  multiprocess: boolean;
  /** The access log, if any. */
  accessLog: ((entry: AccessLogEntry) => void) | undefined;
  /** A coarse clock the server ticks: `now` in ms and the matching `Date` header. */
  clock: { now: number; date: string };
  /** The memo of the last response head. */
  headCache: HeadCache;
}

/** How long, and how much, a refused client's input is discarded before closing. */
const LINGER_TIME = 2000;
const LINGER_BYTES = 1024 * 1024;
/** Most body bytes read and thrown away to keep a connection open after a response. */
const DRAIN_LIMIT = 256 * 1024;
const EMPTY = new Uint8Array(0);
// Shared by every environ; frozen, as PEP 3333's tuple is immutable.
const WSGI_VERSION = Object.freeze([1, 0]) as unknown as [1, 0];
// Bodiless requests share one ended input: reading it changes nothing.
const EMPTY_INPUT = bytesInput(EMPTY);
const CONTINUE = new TextEncoder().encode("HTTP/1.1 100 Continue\r\n\r\n");

/** Where a connection is in its request cycle, as the server's sweeper sees it. */
export type ConnectionPhase = "idle" | "head" | "busy" | "lingering" | "closed";

/** A client connection served by the reference engine. */
export class ReferenceConnection {
  /** Where the connection is in its request cycle. */
  phase: ConnectionPhase = "idle";
  /** When the current wait times out (ms since epoch), or 0. */
  deadline = 0;
  /** Settles when the connection is closed. */
  readonly done: Promise<void>;

  readonly #conn: Deno.Conn;
  readonly #settings: ReferenceSettings;
  readonly #reader: Http1Reader;
  readonly #scanner = new HeadScanner();
  readonly #remoteAddr: string;
  readonly #remotePort: string;
  #closing = false;
  #closed = false;
  #pendingWrite: Promise<void> | undefined = undefined;
  /** Close gently: the client may still be sending what the server refused. */
  #linger = false;
  /** Reused for encoding responses; each write completes before the next encoding. */
  #scratch = new Uint8Array(4096);
  /** Views of `#scratch` by length: responses tend to repeat their size. */
  #views = new Map<number, Uint8Array>();

  /**
   * @param conn The accepted socket.
   * @param settings The server's settings.
   */
  constructor(conn: Deno.Conn, settings: ReferenceSettings) {
    this.#conn = conn;
    this.#settings = settings;
    this.#reader = new Http1Reader(conn);
    const remote = conn.remoteAddr as Deno.NetAddr;
    this.#remoteAddr = remote.hostname;
    this.#remotePort = String(remote.port);
    this.done = this.#serve();
  }

  /** Asks the connection to close: now when idle, after the current response otherwise. */
  shutdown(): void {
    this.#closing = true;
    if (this.phase === "idle") this.close();
  }

  /** Called by the sweeper when `deadline` has passed. */
  timeout(): void {
    if (this.phase === "head" && !this.#linger) {
      this.#linger = true;
      // A client that started a request but is too slow gets told why.
      try {
        this.#conn.write(errorResponse(408, true, this.#settings.serverHeader)).then(
          () => this.close(),
          () => this.close(),
        );
      } catch {
        this.close();
        return;
      }
      // Should even that write hang, the next deadline closes the socket.
      this.phase = "lingering";
      this.deadline = this.#settings.clock.now + LINGER_TIME;
    } else this.close();
  }

  /** Closes the socket now; reads and writes in progress fail. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.phase = "closed";
    this.deadline = 0;
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
  }

  async #serve(): Promise<void> {
    const reader = this.#reader;
    const settings = this.#settings;
    const scanner = this.#scanner;
    try {
      let first = true;
      // Each turn waits for a complete head (inline rather than in a helper: this is the
      // hot loop, and an async call per request costs).
      requests: while (!this.#closed) {
        scanner.reset();
        if (reader.available > 0) {
          this.phase = "head";
          this.deadline = settings.clock.now + settings.headTimeout;
        } else {
          if (this.#closing) break;
          this.phase = "idle";
          this.deadline = settings.clock.now +
            (first ? settings.headTimeout : settings.keepAliveTimeout);
        }
        first = false;
        let headEnd = -1;
        for (;;) {
          if (reader.available > 0) {
            headEnd = scanner.scan(reader.buf, reader.start, reader.end, settings.limits);
            if (headEnd !== -1) break;
          }
          let more: boolean;
          try {
            more = reader.commit(await reader.readMore());
          } catch {
            more = false;
          }
          if (!more) break requests;
          if (this.phase === "idle") {
            this.phase = "head";
            this.deadline = settings.clock.now + settings.headTimeout;
          }
        }
        this.phase = "busy";
        this.deadline = 0;
        if (!(await this.#handle(headEnd))) break;
        if (this.#closing) break;
      }
    } catch (error) {
      // Nothing a client sends may escape this connection: a refused request gets its
      // status, anything else (a reset socket, a bug) just ends the connection.
      if (error instanceof Http1Error) {
        if (!this.#closed) await this.#sendError(error.status, "-", "-", "-");
      } else if (!this.#closed && !isConnectionError(error)) {
        reportError(error);
      }
    } finally {
      if (this.#linger && !this.#closed) await this.#lingerThenClose();
      this.close();
    }
  }

  /**
   * Half-closes, then reads and discards for a moment before closing: closing a socket
   * with unread input makes the kernel send a reset, which can destroy the error
   * response before the client has read it.
   */
  async #lingerThenClose(): Promise<void> {
    this.phase = "lingering";
    this.deadline = this.#settings.clock.now + LINGER_TIME;
    try {
      await this.#conn.closeWrite();
      const sink = this.#reader.buf;
      let total = 0;
      while (total < LINGER_BYTES) {
        const n = await this.#conn.read(sink);
        if (n === null) break;
        total += n;
      }
    } catch {
      // Closed by the deadline or by the client.
    }
  }

  async #sendError(
    status: number,
    method: string,
    target: string,
    protocol: string,
  ): Promise<void> {
    this.#linger = true;
    const started = this.#settings.accessLog === undefined ? 0 : performance.now();
    try {
      await this.#write(errorResponse(status, true, this.#settings.serverHeader));
    } catch {
      // The client is gone.
    }
    this.#log(method, target, protocol, status, 0, started, undefined);
  }

  #write(data: Uint8Array): Promise<void> {
    const pending = this.#pendingWrite;
    if (pending !== undefined) {
      this.#pendingWrite = undefined;
      return pending.then(() => this.#writeNow(data));
    }
    return this.#writeNow(data);
  }

  /** Encodes into the scratch buffer when it fits (see {@linkcode encodeResponse}). */
  #encode(
    head: Uint8Array | string,
    chunks: readonly Uint8Array[],
    chunked: boolean,
    last: boolean,
  ): Uint8Array {
    const n = encodeResponseInto(head, chunks, chunked, last, this.#scratch);
    if (n === -1) return encodeResponse(head, chunks, chunked, last);
    let view = this.#views.get(n);
    if (view === undefined) {
      view = this.#scratch.subarray(0, n);
      if (this.#views.size < 32) this.#views.set(n, view);
    }
    return view;
  }

  async #writeNow(data: Uint8Array): Promise<void> {
    let offset = await this.#conn.write(data);
    while (offset < data.length) offset += await this.#conn.write(data.subarray(offset));
  }

  /** Serves one request whose head ends at `headEnd`; false to close the connection. */
  async #handle(headEnd: number): Promise<boolean> {
    const settings = this.#settings;
    const started = settings.accessLog === undefined ? 0 : performance.now();
    const reader = this.#reader;
    const environ = {
      REQUEST_METHOD: "",
      SCRIPT_NAME: "",
      PATH_INFO: "",
      QUERY_STRING: "",
      RAW_URI: "",
      REQUEST_URI: "",
      SERVER_NAME: settings.serverName,
      SERVER_PORT: settings.serverPort,
      SERVER_PROTOCOL: "",
      REMOTE_ADDR: this.#remoteAddr,
      REMOTE_PORT: this.#remotePort,
      "wsgi.version": WSGI_VERSION,
      "wsgi.url_scheme": "http",
      "wsgi.input": undefined as unknown,
      "wsgi.errors": stderrErrors,
      "wsgi.multithread": false,
      "wsgi.multiprocess": settings.multiprocess,
      "wsgi.run_once": false,
      "wsgi.input_terminated": true,
    } as unknown as Environ;
    const head = parseRequestHead(reader.buf, reader.start, headEnd, environ);
    reader.start = headEnd;

    let body: Http1Body | undefined;
    let continueSent = false;
    if (head.chunked) {
      body = new ChunkedBody(reader, {
        maxBodySize: settings.maxBodySize,
        maxTrailerSize: settings.limits.maxHeaderSize,
      });
    } else if (head.contentLength > 0) {
      if (head.contentLength > settings.maxBodySize) {
        await this.#sendError(413, head.method, head.target, head.protocol);
        return false;
      }
      body = new ContentLengthBody(reader, head.contentLength);
    }
    if (body === undefined) environ["wsgi.input"] = EMPTY_INPUT;
    else {
      const source = body;
      // A client that stops sending its body is timed out like a slow head; the deadline
      // runs only while the engine waits on the socket for the app.
      const clear = () => {
        if (this.phase === "busy") this.deadline = 0;
      };
      const pull = () => {
        this.deadline = settings.clock.now + settings.headTimeout;
        const next = source.pull();
        next.then(clear, clear);
        return next;
      };
      environ["wsgi.input"] = head.expectContinue
        ? new BodyInput(pull, {
          onFirstRead: () => {
            continueSent = true;
            this.#pendingWrite = this.#writeNow(CONTINUE).catch(() => {});
          },
        })
        : new BodyInput(pull);
    }

    let response: AppResponse;
    try {
      response = await runApp(settings.app, environ);
    } catch (error) {
      if (body?.error !== undefined) {
        await this.#sendError(body.error.status, head.method, head.target, head.protocol);
        return false;
      }
      // An app that failed because the client went away is not at fault.
      if (this.#closed || isConnectionError(error)) return false;
      reportError(error);
      await this.#sendError(500, head.method, head.target, head.protocol);
      return false;
    }

    const http10 = head.protocol === "HTTP/1.0";
    let keepAlive = head.keepAlive && !this.#closing;
    // A client still waiting for its 100 Continue may or may not send the body now: the
    // connection cannot be reused, so the response says so.
    if (body !== undefined && head.expectContinue && !continueSent) keepAlive = false;
    const knownLength = response.complete ? totalByteLength(response.chunks) : -1;
    const cached = settings.headCache.get(
      response.status,
      response.statusCode,
      response.headers,
      http10,
      head.method === "HEAD",
      keepAlive,
      knownLength,
      settings.serverHeader,
      settings.clock.date,
    );
    const frame = cached.frame;
    keepAlive = frame.keepAlive;
    let sent = 0;
    let ok = true;
    try {
      if (frame.framing === "none") {
        if (!response.complete) await response.close();
        await this.#write(this.#encode(cached.bytes, [], false, false));
      } else if (response.complete) {
        sent = knownLength;
        if (frame.framing === "length" && frame.contentLength !== knownLength) {
          // The app's Content-Length disagrees with its body: send what was declared.
          const chunks = fitChunks(response.chunks, frame.contentLength);
          sent = totalByteLength(chunks);
          if (sent < frame.contentLength) keepAlive = false;
          await this.#write(this.#encode(cached.bytes, chunks, false, false));
        } else {
          const bytes = this.#encode(cached.bytes, response.chunks, false, false);
          if (this.#pendingWrite === undefined) {
            // The common case, without the helper's extra promise.
            const n = await this.#conn.write(bytes);
            if (n < bytes.length) await this.#writeNow(bytes.subarray(n));
          } else await this.#write(bytes);
        }
      } else {
        const result = await this.#stream(
          response,
          cached.bytes,
          frame.framing,
          frame.contentLength,
        );
        sent = result.sent;
        ok = result.ok;
      }
    } catch {
      // The client went away mid-response.
      await response.close();
      ok = false;
    }
    this.#log(head.method, head.target, head.protocol, response.statusCode, sent, started, environ);
    if (body !== undefined && !body.done) this.#linger = true;
    if (!ok || !keepAlive) return false;
    if (body !== undefined) {
      if (body.error !== undefined) return false;
      if (!body.done) {
        this.#linger = true;
        if (head.expectContinue && !continueSent) return false;
        try {
          if (!(await body.drain(DRAIN_LIMIT))) return false;
        } catch {
          return false;
        }
        this.#linger = false;
      }
    }
    return true;
  }

  /** Streams a body that is not complete yet; `ok` is false when the connection must close. */
  async #stream(
    response: AppResponse,
    head: Uint8Array,
    framing: "length" | "chunked" | "close",
    contentLength: number,
  ): Promise<{ sent: number; ok: boolean }> {
    const chunked = framing === "chunked";
    let chunks = response.chunks;
    let sent = 0;
    if (framing === "length") chunks = fitChunks(chunks, contentLength);
    sent += totalByteLength(chunks);
    await this.#write(this.#encode(head, chunks, chunked, false));
    for (;;) {
      let chunk: Uint8Array | null;
      try {
        chunk = await response.next();
      } catch (error) {
        // Headers are out: all that can be done is to cut the connection short.
        reportError(error);
        return { sent, ok: false };
      }
      if (chunk === null) break;
      if (framing === "length") {
        if (sent >= contentLength) continue;
        if (sent + chunk.length > contentLength) chunk = chunk.subarray(0, contentLength - sent);
      }
      sent += chunk.length;
      await this.#write(chunked ? this.#encode("", [chunk], true, false) : chunk);
    }
    if (chunked) await this.#write(this.#encode("", [], false, true));
    return { sent, ok: framing === "chunked" || (framing === "length" && sent === contentLength) };
  }

  #log(
    method: string,
    target: string,
    protocol: string,
    status: number,
    bytes: number,
    started: number,
    environ: Environ | undefined,
  ): void {
    const log = this.#settings.accessLog;
    if (log === undefined) return;
    try {
      log({
        remoteAddr: this.#remoteAddr,
        method,
        target,
        protocol,
        status,
        bytes,
        durationMs: performance.now() - started,
        referer: environ?.HTTP_REFERER,
        userAgent: environ?.HTTP_USER_AGENT,
      });
    } catch (error) {
      reportError(error);
    }
  }
}

/** The chunks cut down to at most `limit` bytes. */
function fitChunks(chunks: Uint8Array[], limit: number): Uint8Array[] {
  if (totalByteLength(chunks) <= limit) return chunks;
  const out: Uint8Array[] = [];
  let left = limit;
  for (const chunk of chunks) {
    if (left === 0) break;
    const piece = chunk.length <= left ? chunk : chunk.subarray(0, left);
    out.push(piece);
    left -= piece.length;
  }
  return out;
}

function isConnectionError(error: unknown): boolean {
  return error instanceof Deno.errors.BadResource ||
    error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.BrokenPipe ||
    error instanceof Deno.errors.Interrupted ||
    error instanceof Deno.errors.NotConnected;
}

function reportError(error: unknown): void {
  const text = error instanceof Error ? error.stack ?? error.message : String(error);
  try {
    stderrErrors.write(`phial: error in the app: ${text}\n`);
  } catch {
    // stderr is gone; nothing else to tell.
  }
}
