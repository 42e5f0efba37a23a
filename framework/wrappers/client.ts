/**
 * The gateway-level test client (Werkzeug's `werkzeug.test.Client`): runs any app object
 * in-process, with no socket, keeping cookies and following redirects like a browser.
 *
 * @module
 */

import type { AppObject, Environ } from "../gateway/types.ts";
import { runApp } from "../gateway/run_app.ts";
import { collectBody } from "../gateway/collect_body.ts";
import { urlUnquote } from "../http/urls.ts";
import { CookieJar } from "./cookie_jar.ts";
import { EnvironBuilder, type EnvironBuilderOptions } from "./environ_builder.ts";
import { Response, type ResponseInit } from "./response.ts";
import { iriToUri } from "./iri_to_uri.ts";

/** Options of one client request: the builder's, plus `followRedirects`. */
export interface ClientRequestOptions extends EnvironBuilderOptions {
  /** Follow 301/302/303/305/307/308 answers (the client's default otherwise). */
  followRedirects?: boolean;
  /** A subdomain put before the host (Flask's `subdomain`): `"api"` sends to `api.<host>`. */
  subdomain?: string;
}

/** Options of {@linkcode Client}. */
export interface ClientOptions {
  /** Follow redirects by default. */
  followRedirects?: boolean;
  /** Keep a cookie jar (`true` by default). */
  useCookies?: boolean;
  /** Allow following a redirect to a subdomain of the current host. */
  allowSubdomainRedirects?: boolean;
  /** Keys put in every environ before the builder's own (e.g. `REMOTE_ADDR`). */
  environBase?: Record<string, unknown>;
}

/** Options of {@linkcode TestResponse}: a response's init plus what produced it. */
export interface TestResponseInit extends ResponseInit {
  /** The environ of the request this answers. */
  request: Environ;
  /** The responses of the redirects followed before this one. */
  history?: TestResponse[];
}

const REDIRECT_CODES = new Set([301, 302, 303, 305, 307, 308]);
const textDecoder = new TextDecoder();

/**
 * A response the test client received, with its body fully read: `data`, `text` and
 * `json` are plain properties. No Content-Type is added by default.
 */
export class TestResponse extends Response {
  /** No default mimetype: the headers are the app's. */
  static override defaultMimetype: string | null = null;
  /** The environ of the request this answers. */
  request: Environ;
  /** The responses of the redirects followed before this one, oldest first. */
  history: TestResponse[];

  /**
   * Wraps what the client received.
   *
   * @param body The body chunks.
   * @param init Status, headers, the request's environ and the redirect history.
   */
  constructor(body: Uint8Array[], init: TestResponseInit) {
    super(body, init);
    this.automaticallySetContentLength = false;
    this.request = init.request;
    this.history = init.history ?? [];
  }

  /** The body decoded as UTF-8. */
  get text(): string {
    return textDecoder.decode(this.data);
  }
}

function currentUrl(environ: Environ): URL {
  const path = iriToUri(environ.SCRIPT_NAME + environ.PATH_INFO) || "/";
  const qs = environ.QUERY_STRING ? `?${environ.QUERY_STRING}` : "";
  return new URL(`${environ["wsgi.url_scheme"]}://${environ.HTTP_HOST ?? "localhost"}${path}${qs}`);
}

/**
 * Runs requests against an app object in-process, as Werkzeug's `Client`.
 *
 * @example
 * ```ts
 * import { Client, Response } from "@phial/phial";
 * const client = new Client((environ, sr) => new Response(`hello ${environ.PATH_INFO}`).wsgiApp(environ, sr));
 * const response = await client.get("/world");
 * response.statusCode; // 200
 * response.text; // "hello /world"
 * ```
 */
export class Client {
  /** The app under test. */
  application: AppObject;
  /** The cookie jar, or `null` when cookies are disabled. */
  cookieJar: CookieJar | null;
  /** Follow redirects unless a request says otherwise. */
  followRedirects: boolean;
  /** Allow following a redirect to a subdomain. */
  allowSubdomainRedirects: boolean;
  /** Keys put in every environ before the builder's own. */
  environBase: Record<string, unknown> | undefined;

  /**
   * Creates a client for `app`.
   *
   * @param app The app object to run.
   * @param options `followRedirects`, `useCookies`, `allowSubdomainRedirects`, `environBase`.
   */
  constructor(app: AppObject, options: ClientOptions = {}) {
    this.application = app;
    this.cookieJar = options.useCookies === false ? null : new CookieJar();
    this.followRedirects = options.followRedirects ?? false;
    this.allowSubdomainRedirects = options.allowSubdomainRedirects ?? false;
    this.environBase = options.environBase;
  }

  #jar(): CookieJar {
    if (!this.cookieJar) {
      throw new TypeError("Cookies are disabled: create the client with { useCookies: true }");
    }
    return this.cookieJar;
  }

  /** The stored cookie `key` for `domain` and `path`, if any. */
  getCookie(
    key: string,
    options: { domain?: string; path?: string } = {},
  ): ReturnType<CookieJar["get"]> {
    return this.#jar().get(key, options.domain ?? "localhost", options.path ?? "/");
  }

  /** Stores a cookie as if the server had set it (`domain` is the host it belongs to). */
  setCookie(
    key: string,
    value: string = "",
    options: { domain?: string; path?: string; maxAge?: number; expires?: Date } = {},
  ): void {
    const domain = options.domain ?? "localhost";
    const path = options.path ?? "/";
    let header = `${key}=${value}; Path=${path}`;
    if (options.maxAge !== undefined) header += `; Max-Age=${options.maxAge}`;
    if (options.expires !== undefined) header += `; Expires=${options.expires.toUTCString()}`;
    this.#jar().updateFromResponse(domain, path, [header]);
  }

  /** Removes the stored cookie `key` for `domain` and `path`. */
  deleteCookie(key: string, options: { domain?: string; path?: string } = {}): void {
    this.#jar().delete(key, options.domain ?? "localhost", options.path ?? "/");
  }

  /**
   * Sends a request and reads the whole response. `target` is a path (with an optional
   * query), an `EnvironBuilder` or an environ.
   */
  async open(
    target: string | EnvironBuilder | Environ = "/",
    options: ClientRequestOptions = {},
  ): Promise<TestResponse> {
    const { followRedirects, subdomain, ...builderOptions } = options;
    let builder: EnvironBuilder | null;
    let environ: Environ;
    if (typeof target === "string") {
      builder = new EnvironBuilder(target, {
        ...builderOptions,
        environBase: { ...this.environBase, ...builderOptions.environBase },
      });
      if (subdomain) builder.host = `${subdomain}.${builder.host}`;
      environ = builder.getEnviron();
    } else if (target instanceof EnvironBuilder) {
      builder = target;
      environ = builder.getEnviron();
    } else {
      builder = null;
      environ = { ...target };
    }
    let response = await this.#run(environ);
    if (!(followRedirects ?? this.followRedirects)) return response;
    const seen = new Set<string>();
    const history: TestResponse[] = [];
    while (REDIRECT_CODES.has(response.statusCode) && response.location !== null) {
      const entry = `${response.statusCode} ${response.location}`;
      if (seen.has(entry)) {
        throw new Error(
          `Redirect loop detected: a ${response.statusCode} redirect to ${response.location} was already followed`,
        );
      }
      seen.add(entry);
      history.push(response);
      builder = this.#redirectBuilder(response, builder ?? EnvironBuilder.fromEnviron(environ));
      environ = builder.getEnviron();
      response = await this.#run(environ);
      response.history = history.slice();
    }
    return response;
  }

  #redirectBuilder(response: TestResponse, previous: EnvironBuilder): EnvironBuilder {
    const from = currentUrl(response.request);
    const to = new URL(iriToUri(response.location!), from);
    if (to.protocol !== "http:" && to.protocol !== "https:") {
      throw new Error(`Cannot follow a redirect to ${to.href}: only http and https are supported`);
    }
    const builder = previous.copy();
    if (to.hostname !== from.hostname) {
      if (to.hostname.endsWith(`.${from.hostname}`)) {
        if (!this.allowSubdomainRedirects) {
          throw new Error(
            "Following subdomain redirects is not enabled: create the client with { allowSubdomainRedirects: true }",
          );
        }
      } else {
        throw new Error(`Following external redirects is not supported (to ${to.host})`);
      }
    }
    builder.urlScheme = to.protocol === "https:" ? "https" : "http";
    builder.host = to.host;
    const root = builder.scriptRoot;
    if (root && (to.pathname === root || to.pathname.startsWith(`${root}/`))) {
      builder.path = to.pathname.slice(root.length) || "/";
    } else {
      builder.path = to.pathname;
      builder.scriptRoot = "";
    }
    builder.queryString = to.search.slice(1);
    const code = response.statusCode;
    if (code !== 307 && code !== 308) {
      if (builder.method !== "HEAD") builder.method = "GET";
      builder.clearBody();
      builder.contentType = null;
      builder.contentLength = null;
      builder.headers.remove("Transfer-Encoding");
    }
    return builder;
  }

  async #run(environ: Environ): Promise<TestResponse> {
    const jar = this.cookieJar;
    const url = currentUrl(environ);
    const path = urlUnquote(url.pathname);
    if (jar) {
      const fromJar = jar.requestHeader(url.hostname, path);
      if (fromJar) {
        const given = environ.HTTP_COOKIE;
        environ.HTTP_COOKIE = given ? `${given}; ${fromJar}` : fromJar;
      }
    }
    const out = await runApp(this.application, environ);
    const chunks = await collectBody(out);
    const response = new TestResponse(chunks, {
      status: out.status,
      headers: out.headers,
      request: environ,
    });
    if (jar) jar.updateFromResponse(url.hostname, path, response.headers.getlist("Set-Cookie"));
    return response;
  }

  /** `open()` with method GET. */
  get(target: string = "/", options: ClientRequestOptions = {}): Promise<TestResponse> {
    return this.open(target, { ...options, method: "GET" });
  }

  /** `open()` with method POST. */
  post(target: string = "/", options: ClientRequestOptions = {}): Promise<TestResponse> {
    return this.open(target, { ...options, method: "POST" });
  }

  /** `open()` with method PUT. */
  put(target: string = "/", options: ClientRequestOptions = {}): Promise<TestResponse> {
    return this.open(target, { ...options, method: "PUT" });
  }

  /** `open()` with method PATCH. */
  patch(target: string = "/", options: ClientRequestOptions = {}): Promise<TestResponse> {
    return this.open(target, { ...options, method: "PATCH" });
  }

  /** `open()` with method DELETE. */
  delete(target: string = "/", options: ClientRequestOptions = {}): Promise<TestResponse> {
    return this.open(target, { ...options, method: "DELETE" });
  }

  /** `open()` with method HEAD. */
  head(target: string = "/", options: ClientRequestOptions = {}): Promise<TestResponse> {
    return this.open(target, { ...options, method: "HEAD" });
  }

  /** `open()` with method OPTIONS. */
  options(target: string = "/", options: ClientRequestOptions = {}): Promise<TestResponse> {
    return this.open(target, { ...options, method: "OPTIONS" });
  }

  /** `open()` with method TRACE. */
  trace(target: string = "/", options: ClientRequestOptions = {}): Promise<TestResponse> {
    return this.open(target, { ...options, method: "TRACE" });
  }
}
