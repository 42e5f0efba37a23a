/**
 * `ProxyFix`: trusts the `X-Forwarded-*` headers that a known number of proxies set, as
 * Werkzeug's `werkzeug.middleware.proxy_fix`.
 *
 * @module
 */
import { callApp } from "../gateway/call_app.ts";
import type { AppObject, Body, Environ, StartResponse } from "../gateway/types.ts";
import { parseListHeader } from "../http/header_values.ts";
import { CallableApp } from "./callable_app.ts";

/** How many values of each `X-Forwarded-*` header to trust, one per proxy that sets it. */
export interface ProxyFixOptions {
  /** Values of `X-Forwarded-For` to trust (sets `REMOTE_ADDR`); default 1. */
  xFor?: number;
  /** Values of `X-Forwarded-Proto` to trust (sets `wsgi.url_scheme`); default 1. */
  xProto?: number;
  /**
   * Values of `X-Forwarded-Host` to trust (sets `HTTP_HOST`, `SERVER_NAME` and, when it has a
   * port, `SERVER_PORT`); default 0.
   */
  xHost?: number;
  /** Values of `X-Forwarded-Port` to trust (sets `SERVER_PORT`, `HTTP_HOST`'s port); default 0. */
  xPort?: number;
  /** Values of `X-Forwarded-Prefix` to trust (sets `SCRIPT_NAME`); default 0. */
  xPrefix?: number;
}

/**
 * The environ values as they were before {@linkcode ProxyFix} changed them, kept in
 * `environ["werkzeug.proxy_fix.orig"]`; a key the environ did not have is `undefined`.
 */
export interface ProxyFixOriginals {
  /** The peer's address: the nearest proxy's. */
  REMOTE_ADDR: string | undefined;
  /** The scheme the proxy was reached with. */
  "wsgi.url_scheme": string | undefined;
  /** The `Host` header the proxy sent. */
  HTTP_HOST: string | undefined;
  /** The server name the server gave. */
  SERVER_NAME: string | undefined;
  /** The server port the server gave. */
  SERVER_PORT: string | undefined;
  /** The mount point the server gave. */
  SCRIPT_NAME: string | undefined;
}

const OPTION_NAMES = ["xFor", "xProto", "xHost", "xPort", "xPrefix"] as const;
const SNAKE_NAMES: Record<string, string> = {
  x_for: "xFor",
  x_proto: "xProto",
  x_host: "xHost",
  x_port: "xPort",
  x_prefix: "xPrefix",
};

function trustCount(
  options: ProxyFixOptions,
  name: keyof ProxyFixOptions,
  fallback: number,
): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new TypeError(
      `ProxyFix option ${name} must be a non-negative integer (the number of proxies that ` +
        `set the header), got ${typeof value === "string" ? JSON.stringify(value) : String(value)}`,
    );
  }
  return value;
}

/**
 * The value that the `trusted`-th proxy from the server's side appended, or `undefined` when
 * the header is untrusted, absent, or holds fewer values than proxies are trusted (so a
 * client cannot fill in a value that a proxy was meant to set).
 */
function trustedValue(trusted: number, header: unknown): string | undefined {
  if (trusted === 0 || typeof header !== "string" || header === "") return undefined;
  const values = parseListHeader(header);
  return values.length >= trusted ? values[values.length - trusted] : undefined;
}

/** The host without its port; a bracketed IPv6 literal's own colons are not a port. */
function hostWithoutPort(host: string): string {
  if (host.endsWith("]")) return host;
  const colon = host.lastIndexOf(":");
  return colon < 0 ? host : host.slice(0, colon);
}

/**
 * Gateway middleware that makes the app see the client's request rather than the proxy's,
 * from the `X-Forwarded-*` headers (Werkzeug's `ProxyFix`):
 *
 * - `X-Forwarded-For` sets `REMOTE_ADDR`;
 * - `X-Forwarded-Proto` sets `wsgi.url_scheme`;
 * - `X-Forwarded-Host` sets `HTTP_HOST` and `SERVER_NAME`, and `SERVER_PORT` when it has a
 *   port;
 * - `X-Forwarded-Port` sets `SERVER_PORT` and the port of `HTTP_HOST`;
 * - `X-Forwarded-Prefix` sets `SCRIPT_NAME`.
 *
 * Each option says how many proxies in front of the app set that header: each proxy appends
 * a value, so the value trusted is that many from the right, and a header with fewer values
 * is ignored. Anything a client sent itself is to the left and never trusted, unless the
 * count is set too high, which lets clients spoof their address: use it only behind
 * proxies, counted exactly. The values from before are kept in
 * `environ["werkzeug.proxy_fix.orig"]` (see {@linkcode ProxyFixOriginals}).
 *
 * Values are copied as sent, as Werkzeug does: `wsgi.url_scheme` may become `"HTTPS"` or
 * `"wss"` if a proxy says so.
 *
 * @example Behind one proxy that sets X-Forwarded-For, -Proto and -Host
 * ```ts
 * import { Client, ProxyFix, type WsgiApp } from "@phial/phial";
 * const hello: WsgiApp = (environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/plain"]]);
 *   return [`${environ.REMOTE_ADDR} via ${environ["wsgi.url_scheme"]}://${environ.HTTP_HOST}`];
 * };
 * const app = new ProxyFix(hello, { xFor: 1, xProto: 1, xHost: 1 });
 * const response = await new Client(app).get("/", {
 *   headers: {
 *     "X-Forwarded-For": "203.0.113.7",
 *     "X-Forwarded-Proto": "https",
 *     "X-Forwarded-Host": "example.com",
 *   },
 *   environOverrides: { REMOTE_ADDR: "10.0.0.1" },
 * });
 * response.text; // "203.0.113.7 via https://example.com"
 * ```
 *
 * @example Flask's idiom: wrap an app object's wsgiApp
 * ```ts
 * import { ProxyFix, type WsgiApp } from "@phial/phial";
 * const app = {
 *   wsgiApp: ((_environ, startResponse) => (startResponse("204 No Content", []), [])) as WsgiApp,
 * };
 * app.wsgiApp = new ProxyFix(app.wsgiApp, { xFor: 2 });
 * ```
 */
export class ProxyFix extends CallableApp {
  /** The wrapped app object; an object's `wsgiApp` is looked up at each request. */
  readonly app: AppObject;
  /** Values of `X-Forwarded-For` trusted. */
  readonly xFor: number;
  /** Values of `X-Forwarded-Proto` trusted. */
  readonly xProto: number;
  /** Values of `X-Forwarded-Host` trusted. */
  readonly xHost: number;
  /** Values of `X-Forwarded-Port` trusted. */
  readonly xPort: number;
  /** Values of `X-Forwarded-Prefix` trusted. */
  readonly xPrefix: number;

  /**
   * Wraps `app`.
   *
   * @param app The app object to call with the fixed environ.
   * @param options How many proxies set each header; see {@linkcode ProxyFixOptions}.
   * @throws {TypeError} If `app` is not an app object, or an option is unknown or not a
   *   non-negative integer.
   */
  constructor(app: AppObject, options: ProxyFixOptions = {}) {
    super();
    if (
      typeof app !== "function" &&
      (app === null || typeof app !== "object" || typeof app.wsgiApp !== "function")
    ) {
      throw new TypeError("ProxyFix needs an app: a WsgiApp function or an object with wsgiApp");
    }
    if (options === null || typeof options !== "object") {
      throw new TypeError("ProxyFix options must be an object such as { xFor: 1, xHost: 1 }");
    }
    for (const key of Object.keys(options)) {
      if ((OPTION_NAMES as readonly string[]).includes(key)) continue;
      const hint = SNAKE_NAMES[key] ? `; did you mean ${SNAKE_NAMES[key]}?` : "";
      throw new TypeError(
        `Unknown ProxyFix option ${JSON.stringify(key)}${hint} ` +
          `(expected ${OPTION_NAMES.join(", ")})`,
      );
    }
    this.app = app;
    this.xFor = trustCount(options, "xFor", 1);
    this.xProto = trustCount(options, "xProto", 1);
    this.xHost = trustCount(options, "xHost", 0);
    this.xPort = trustCount(options, "xPort", 0);
    this.xPrefix = trustCount(options, "xPrefix", 0);
  }

  /**
   * Rewrites `environ` from the trusted headers, then calls the wrapped app with it.
   *
   * @param environ The request, changed in place.
   * @param startResponse Passed on unchanged.
   * @returns What the wrapped app returns.
   */
  wsgiApp(environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
    const originals: ProxyFixOriginals = {
      REMOTE_ADDR: environ.REMOTE_ADDR,
      "wsgi.url_scheme": environ["wsgi.url_scheme"],
      HTTP_HOST: environ.HTTP_HOST as string | undefined,
      SERVER_NAME: environ.SERVER_NAME,
      SERVER_PORT: environ.SERVER_PORT,
      SCRIPT_NAME: environ.SCRIPT_NAME,
    };
    environ["werkzeug.proxy_fix.orig"] = originals;

    const forwardedFor = trustedValue(this.xFor, environ.HTTP_X_FORWARDED_FOR);
    if (forwardedFor) environ.REMOTE_ADDR = forwardedFor;

    const proto = trustedValue(this.xProto, environ.HTTP_X_FORWARDED_PROTO);
    // Copied as sent, like Werkzeug, so the environ's "http" | "https" type does not hold.
    if (proto) environ["wsgi.url_scheme"] = proto as Environ["wsgi.url_scheme"];

    const host = trustedValue(this.xHost, environ.HTTP_X_FORWARDED_HOST);
    if (host) {
      environ.HTTP_HOST = host;
      const name = hostWithoutPort(host);
      environ.SERVER_NAME = name;
      if (name !== host) environ.SERVER_PORT = host.slice(name.length + 1);
    }

    const port = trustedValue(this.xPort, environ.HTTP_X_FORWARDED_PORT);
    if (port) {
      const current = environ.HTTP_HOST as string | undefined;
      if (current) environ.HTTP_HOST = `${hostWithoutPort(current)}:${port}`;
      environ.SERVER_PORT = port;
    }

    const prefix = trustedValue(this.xPrefix, environ.HTTP_X_FORWARDED_PREFIX);
    if (prefix) environ.SCRIPT_NAME = prefix;

    return callApp(this.app, environ, startResponse);
  }
}
