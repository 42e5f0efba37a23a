/**
 * Access logging in gunicorn's default ("combined") format: one line per finished request.
 *
 * @module
 */
import type { AccessLogEntry } from "./types.ts";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function pad2(n: number): string {
  return n < 10 ? "0" + n : String(n);
}

/**
 * Formats a time the way gunicorn's access log does: `21/Nov/2026:05:27:34 +0000`
 * (local time with its UTC offset).
 *
 * @param date The time to format.
 * @returns The formatted time, without brackets.
 */
export function formatLogTime(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return `${pad2(date.getDate())}/${MONTHS[date.getMonth()]}/${date.getFullYear()}:` +
    `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())} ` +
    `${sign}${pad2(Math.floor(abs / 60))}${pad2(abs % 60)}`;
}

// Quoted fields must stay on one line and keep their quotes balanced, whatever a client sent.
function quoteSafe(value: string): string {
  let safe = true;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x7f) {
      safe = false;
      break;
    }
  }
  if (safe) return value;
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) out += "\\" + value[i];
    else if (c < 0x20 || c === 0x7f) out += "\\x" + c.toString(16).padStart(2, "0");
    else out += value[i];
  }
  return out;
}

/**
 * Formats one access-log line like gunicorn's default
 * `%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"`.
 *
 * Control characters and quotes coming from the client are escaped, so one request always
 * gives exactly one well-formed line.
 *
 * @param entry The finished request.
 * @param now The time to stamp the line with. Default: now.
 * @returns The line, without a trailing newline.
 *
 * @example
 * ```ts
 * import { formatAccessLog } from "@phial/phial";
 * const line = formatAccessLog({
 *   remoteAddr: "127.0.0.1", method: "GET", target: "/", protocol: "HTTP/1.1",
 *   status: 200, bytes: 20, durationMs: 1, referer: undefined, userAgent: "curl/8.5.0",
 * });
 * // 127.0.0.1 - - [21/Nov/2026:05:27:34 +0000] "GET / HTTP/1.1" 200 20 "-" "curl/8.5.0"
 * ```
 */
export function formatAccessLog(entry: AccessLogEntry, now?: Date): string {
  const request = quoteSafe(`${entry.method} ${entry.target} ${entry.protocol}`);
  const referer = entry.referer === undefined ? "-" : quoteSafe(entry.referer);
  const agent = entry.userAgent === undefined ? "-" : quoteSafe(entry.userAgent);
  return `${entry.remoteAddr || "-"} - - [${
    now === undefined ? currentLogTime() : formatLogTime(now)
  }] ` +
    `"${request}" ${entry.status} ${entry.bytes} "${referer}" "${agent}"`;
}

// The time stamp changes once a second: format it once a second, not once a request.
let stampSecond = -1;
let stampText = "";
function currentLogTime(): string {
  const ms = Date.now();
  const second = Math.floor(ms / 1000);
  if (second !== stampSecond) {
    stampSecond = second;
    stampText = formatLogTime(new Date(ms));
  }
  return stampText;
}

/** An `accessLog` callback that buffers its lines; `flush()` writes what is pending. */
export interface AccessLogger {
  /** Logs one finished request. */
  (entry: AccessLogEntry): void;
  /** Writes every pending line now (call it before exiting). */
  flush(): void;
}

/**
 * Makes an `accessLog` callback for `serve()` that writes one formatted line per request.
 *
 * Without `write`, lines go to standard output in batches — at most a few milliseconds
 * late, flushed at 16 KiB and when the process unloads — so logging costs one write per
 * batch rather than one per request.
 *
 * @param write Where each line goes (called once per request). Default: buffered stdout.
 * @returns A callback for `ServeOptions.accessLog`, with `flush()`.
 *
 * @example
 * ```ts ignore
 * import { accessLogger, serve } from "@phial/phial";
 * serve(app, { port: 8000, accessLog: accessLogger() });
 * ```
 */
export function accessLogger(write?: (line: string) => void): AccessLogger {
  if (write !== undefined) {
    return Object.assign((entry: AccessLogEntry) => write(formatAccessLog(entry)), {
      flush(): void {},
    });
  }
  const encoder = new TextEncoder();
  let pending = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = (): void => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (pending === "") return;
    const bytes = encoder.encode(pending);
    pending = "";
    let written = 0;
    try {
      while (written < bytes.length) written += Deno.stdout.writeSync(bytes.subarray(written));
    } catch {
      // Stdout was closed (its reader went away): drop the lines rather than the server.
    }
  };
  globalThis.addEventListener("unload", flush);
  const log = (entry: AccessLogEntry): void => {
    pending += formatAccessLog(entry) + "\n";
    if (pending.length >= 16384) flush();
    else if (timer === undefined) timer = setTimeout(flush, 5);
  };
  return Object.assign(log, { flush });
}
