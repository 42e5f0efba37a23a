// Raw-socket helpers for the reference engine's tests: start a server on 127.0.0.1:0,
// write bytes as they are, read responses back as bytes.
import { serveReference } from "../../framework/server/reference_engine.ts";
import type { AppObject } from "../../framework/gateway/types.ts";
import type { ServeOptions, ServerHandle } from "../../framework/server/types.ts";

/** Latin-1 bytes of a string (one byte per character), so tests can send any octet. */
export function bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** Latin-1 text of bytes. */
export function text(data: Uint8Array): string {
  let out = "";
  for (let i = 0; i < data.length; i++) out += String.fromCharCode(data[i]!);
  return out;
}

/** Runs `fn` against a reference server for `app`, shutting it down afterwards. */
export async function withServer(
  app: AppObject,
  options: ServeOptions,
  fn: (port: number, server: ServerHandle) => Promise<void>,
): Promise<void> {
  const server = serveReference(app, { hostname: "127.0.0.1", port: 0, ...options });
  try {
    await fn(server.addr.port, server);
  } finally {
    await server.shutdown();
  }
}

/** A parsed response. */
export interface WireResponse {
  status: number;
  statusLine: string;
  headers: Record<string, string>;
  body: string;
  /** Whether the body was chunked and ended with its last-chunk. */
  terminated: boolean;
}

/** A raw client connection. */
export class Wire {
  conn: Deno.TcpConn;
  #buf: Uint8Array = new Uint8Array(0);
  #eof = false;

  constructor(conn: Deno.TcpConn) {
    this.conn = conn;
  }

  static async open(port: number): Promise<Wire> {
    return new Wire(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  async send(data: string | Uint8Array): Promise<void> {
    const payload = typeof data === "string" ? bytes(data) : data;
    let offset = 0;
    while (offset < payload.length) offset += await this.conn.write(payload.subarray(offset));
  }

  /** Reads more bytes into the buffer; false at EOF (or a reset). Fails after `ms`. */
  async #more(ms = 3000): Promise<boolean> {
    if (this.#eof) return false;
    const chunk = new Uint8Array(65536);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("Timed out waiting for the server")), ms);
    });
    let n: number | null;
    try {
      n = await Promise.race([this.conn.read(chunk), timeout]);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith("Timed out")) throw error;
      n = null; // connection reset
    } finally {
      clearTimeout(timer);
    }
    if (n === null) {
      this.#eof = true;
      return false;
    }
    const joined = new Uint8Array(this.#buf.length + n);
    joined.set(this.#buf);
    joined.set(chunk.subarray(0, n), this.#buf.length);
    this.#buf = joined;
    return true;
  }

  #take(n: number): string {
    const out = text(this.#buf.subarray(0, n));
    this.#buf = this.#buf.subarray(n);
    return out;
  }

  async #line(): Promise<string | null> {
    for (;;) {
      const i = text(this.#buf).indexOf("\r\n");
      if (i !== -1) {
        const line = this.#take(i);
        this.#take(2);
        return line;
      }
      if (!(await this.#more())) return null;
    }
  }

  /** Reads one response; `head` means it answers a HEAD request (no body). */
  async response(head = false): Promise<WireResponse> {
    const statusLine = await this.#line();
    if (statusLine === null) throw new Error("Connection closed before a response");
    const headers: Record<string, string> = {};
    for (;;) {
      const line = await this.#line();
      if (line === null) throw new Error("Connection closed inside a response head");
      if (line === "") break;
      const colon = line.indexOf(":");
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = name in headers ? headers[name] + ", " + value : value;
    }
    const status = Number(statusLine.split(" ")[1]);
    let body = "";
    let terminated = false;
    if (head || status < 200 || status === 204 || status === 304) {
      // no body
    } else if (headers["transfer-encoding"] === "chunked") {
      for (;;) {
        const sizeLine = await this.#line();
        if (sizeLine === null) break;
        const size = parseInt(sizeLine, 16);
        if (size === 0) {
          await this.#line();
          terminated = true;
          break;
        }
        while (this.#buf.length < size + 2) {
          if (!(await this.#more())) break;
        }
        if (this.#buf.length < size + 2) {
          body += this.#take(this.#buf.length);
          break;
        }
        body += this.#take(size);
        this.#take(2);
      }
    } else if (headers["content-length"] !== undefined) {
      const length = Number(headers["content-length"]);
      while (this.#buf.length < length) {
        if (!(await this.#more())) throw new Error("Connection closed inside a body");
      }
      body = this.#take(length);
    } else {
      while (await this.#more());
      body = this.#take(this.#buf.length);
    }
    return { status, statusLine, headers, body, terminated };
  }

  /** Reads raw bytes until `marker` appears; returns everything up to and including it. */
  async until(marker: string): Promise<string> {
    for (;;) {
      const i = text(this.#buf).indexOf(marker);
      if (i !== -1) return this.#take(i + marker.length);
      if (!(await this.#more())) {
        throw new Error(`Connection closed before ${JSON.stringify(marker)}`);
      }
    }
  }

  /** Resolves true once the server closes the connection (nothing else arriving). */
  async closedByServer(ms = 3000): Promise<boolean> {
    while (await this.#more(ms));
    return this.#buf.length === 0;
  }

  /** Bytes received but not consumed yet. */
  get pending(): string {
    return text(this.#buf);
  }

  close(): void {
    try {
      this.conn.close();
    } catch {
      // already closed
    }
  }
}

/** One request on a fresh connection, answered with its response. */
export async function request(port: number, raw: string): Promise<WireResponse> {
  const wire = await Wire.open(port);
  try {
    await wire.send(raw);
    return await wire.response(raw.startsWith("HEAD "));
  } finally {
    wire.close();
  }
}
