/**
 * `SharedDataMiddleware`: serves static files from directories or single files under URL
 * prefixes and hands every other request to the wrapped app, as Werkzeug's
 * `werkzeug.middleware.shared_data`.
 *
 * @module
 */
import { callApp } from "../gateway/call_app.ts";
import type { AppObject, Body, Environ, StartResponse } from "../gateway/types.ts";
import { CallableApp } from "./callable_app.ts";
import { isResourceModified } from "../http/conditional.ts";
import { httpDate } from "../http/dates.ts";
import { guessType } from "../http/mimetypes.ts";
import { getContentType } from "../wrappers/content_type.ts";
import { pyFloatRepr } from "../http/python_text.ts";
import { safeJoin } from "../http/safe_join.ts";
import { FileBody } from "../wrappers/file_body.ts";
import { fnmatchRegExp, normcase } from "./fnmatch.ts";
import { adler32 } from "../http/adler32.ts";

/** Options of {@linkcode SharedDataMiddleware}: Werkzeug's keyword arguments. */
export interface SharedDataOptions {
  /**
   * A Python `fnmatch` pattern (`*`, `?`, `[seq]`, `[!seq]`) for file names that are never
   * served, such as `"*.key"`; matched against the file's name without its directory.
   */
  disallow?: string | null;
  /** Send `ETag`, `Cache-Control: max-age`, `Expires`, and answer 304 (default true). */
  cache?: boolean;
  /** `max-age` and `Expires` offset in seconds (default 43200, twelve hours). */
  cacheTimeout?: number;
  /** The mimetype of files whose type cannot be guessed (default `application/octet-stream`). */
  fallbackMimetype?: string;
}

/** What is exported: a record, or `[prefix, path]` pairs tried in order. */
export type SharedDataExports = Record<string, string> | Iterable<readonly [string, string]>;

/** One export: a URL prefix and the directory or file it serves. */
export interface SharedDataExport {
  /** The URL path prefix, such as `"/static"`. */
  readonly prefix: string;
  /** The directory or file on disk. */
  readonly path: string;
  /** True when `path` was a file when the middleware was created. */
  readonly isFile: boolean;
}

interface Found {
  /** The file's name, for the mimetype, `disallow` and the ETag. */
  filename: string;
  path: string;
  info: Deno.FileInfo | null;
}

const IS_WINDOWS = Deno.build.os === "windows";
const encoder = new TextEncoder();

/**
 * Serves files under URL prefixes, as Werkzeug's `SharedDataMiddleware`; every request it
 * does not serve goes to the wrapped app.
 *
 * Exports are tried in the order given: one whose prefix equals the path serves its file,
 * one whose prefix (with a trailing `/`) starts the path serves the rest of the path joined
 * safely to its directory (no `..` escape, no absolute part, no backslash). A file export
 * serves its file for any path below its prefix too. Every method is answered (a server
 * drops the body of a HEAD response). The body is streamed from the file.
 *
 * @example Serving ./static under /static
 * ```ts
 * import { SharedDataMiddleware, type WsgiApp } from "@phial/phial";
 * const app: WsgiApp = (_environ, startResponse) => {
 *   startResponse("404 Not Found", [["Content-Type", "text/plain"]]);
 *   return ["not here"];
 * };
 * const served = new SharedDataMiddleware(app, { "/static": "./static" }, {
 *   disallow: "*.key",
 *   cacheTimeout: 3600,
 * });
 * ```
 */
export class SharedDataMiddleware extends CallableApp {
  /** The wrapped app, called for everything not served. */
  app: AppObject;
  /** The exports, in the order they are tried. */
  readonly exports: readonly SharedDataExport[];
  /** Send caching headers and answer conditional requests. */
  cache: boolean;
  /** Seconds for `max-age` and `Expires`. */
  cacheTimeout: number;
  /** The mimetype of files whose type cannot be guessed. */
  fallbackMimetype: string;
  #slashPrefixes: string[];

  /**
   * Wraps `app`, serving `exports`.
   *
   * @param app The app object to call for requests that are not served.
   * @param exports URL prefix → directory or file, as a record or `[prefix, path]` pairs.
   * @param options `disallow`, `cache`, `cacheTimeout`, `fallbackMimetype`.
   * @throws {TypeError} When an export's target is not a string (Werkzeug's
   *   `(package, path)` pairs are not supported).
   */
  constructor(app: AppObject, exports: SharedDataExports, options: SharedDataOptions = {}) {
    super();
    this.app = app;
    const pairs = Symbol.iterator in exports
      ? exports as Iterable<readonly [string, unknown]>
      : Object.entries(exports);
    const list: SharedDataExport[] = [];
    for (const [prefix, path] of pairs) {
      if (typeof path !== "string") {
        throw new TypeError(
          Array.isArray(path)
            ? `SharedDataMiddleware: export "${prefix}" is a (package, path) pair, which phial ` +
              "does not support: give a directory or file path"
            : `SharedDataMiddleware: export "${prefix}" must be a directory or file path, got ` +
              typeof path,
        );
      }
      list.push({ prefix, path, isFile: isFileSync(path) });
    }
    this.exports = list;
    this.#slashPrefixes = list.map(({ prefix }) => prefix.endsWith("/") ? prefix : prefix + "/");
    this.cache = options.cache ?? true;
    this.cacheTimeout = options.cacheTimeout ?? 60 * 60 * 12;
    this.fallbackMimetype = options.fallbackMimetype ?? "application/octet-stream";
    const disallow = options.disallow;
    if (disallow !== undefined && disallow !== null) {
      const pattern = fnmatchRegExp(normcase(disallow));
      // An own property, as in Werkzeug: `disallow` wins over a subclass's isAllowed.
      this.isAllowed = (filename: string): boolean => !pattern.test(normcase(filename));
    }
  }

  /**
   * Whether a file may be served; subclasses override it. With the `disallow` option, the
   * file name must not match that pattern.
   *
   * @param _filename The file's name, without its directory.
   * @returns True to serve the file, false to hand the request to the app.
   */
  isAllowed(_filename: string): boolean {
    return true;
  }

  /**
   * The entity tag of a file, unquoted: `wzsdm-<mtime seconds>-<size>-<adler32 of name>`.
   *
   * @param mtime When the file last changed.
   * @param fileSize Its size in bytes.
   * @param realFilename Its name, without its directory.
   * @returns The tag, such as `"wzsdm-1700000000.0-15-301466531"`.
   */
  generateEtag(mtime: Date, fileSize: number, realFilename: string): string {
    const seconds = mtime.getTime() / 1000;
    return `wzsdm-${pyFloatRepr(seconds)}-${fileSize}-${adler32(encoder.encode(realFilename))}`;
  }

  /**
   * Serves the file the path names, or calls the app.
   *
   * @param environ The request.
   * @param startResponse Begins the response.
   * @returns The file's body, or the app's.
   */
  wsgiApp(environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
    const path = typeof environ.PATH_INFO === "string" ? environ.PATH_INFO : "";
    // Requests outside every export reach the app with no file system call and no promise.
    for (let i = 0; i < this.exports.length; i++) {
      if (this.exports[i]!.prefix === path || path.startsWith(this.#slashPrefixes[i]!)) {
        return this.#serve(environ, startResponse, path);
      }
    }
    return callApp(this.app, environ, startResponse);
  }

  async #serve(environ: Environ, startResponse: StartResponse, path: string): Promise<Body> {
    let found: Found | null = null;
    for (let i = 0; i < this.exports.length && found === null; i++) {
      const entry = this.exports[i]!;
      if (entry.prefix === path) found = await load(entry, null);
      const slashPrefix = this.#slashPrefixes[i]!;
      if (found === null && path.startsWith(slashPrefix)) {
        found = await load(entry, path.slice(slashPrefix.length));
      }
    }
    if (found === null || !this.isAllowed(found.filename)) {
      return callApp(this.app, environ, startResponse);
    }
    // A file export is checked now; Werkzeug would fail with a 500 if it had gone.
    const info = found.info ?? await statFile(found.path);
    if (info === null) return callApp(this.app, environ, startResponse);

    const [guessed] = guessType(found.filename);
    const mimetype = getContentType(guessed ?? this.fallbackMimetype, "utf-8");
    const mtime = info.mtime ?? new Date(0);
    const size = info.size;
    const headers: [string, string][] = [["Date", httpDate()]];
    if (this.cache) {
      const timeout = this.cacheTimeout;
      const etag = this.generateEtag(mtime, size, found.filename);
      headers.push(["Etag", `"${etag}"`], ["Cache-Control", `max-age=${timeout}, public`]);
      if (!isResourceModified(environ, { etag, lastModified: mtime })) {
        startResponse("304 Not Modified", headers);
        return [];
      }
      headers.push(["Expires", httpDate(Date.now() / 1000 + timeout)]);
    } else {
      headers.push(["Cache-Control", "public"]);
    }

    let file: Deno.FsFile;
    try {
      file = await Deno.open(found.path, { read: true });
    } catch (error) {
      // A file that vanished or cannot be read is not served; the app answers instead.
      if (!(error instanceof Deno.errors.NotFound)) {
        environ["wsgi.errors"]?.write(
          `SharedDataMiddleware: cannot open ${found.path}: ${String(error)}\n`,
        );
      }
      return callApp(this.app, environ, startResponse);
    }
    headers.push(
      ["Content-Type", mimetype],
      ["Content-Length", String(size)],
      ["Last-Modified", httpDate(mtime)],
    );
    try {
      startResponse("200 OK", headers);
    } catch (error) {
      file.close();
      throw error;
    }
    return new FileBody(file, size);
  }
}

function isFileSync(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** The file's info, or `null` when it is missing, unreadable or not a regular file. */
async function statFile(path: string): Promise<Deno.FileInfo | null> {
  try {
    const info = await Deno.stat(path);
    return info.isFile ? info : null;
  } catch {
    return null;
  }
}

/** The file an export holds for `rest` of the path (`null`: the prefix itself). */
async function load(entry: SharedDataExport, rest: string | null): Promise<Found | null> {
  if (entry.isFile) return { filename: basename(entry.path), path: entry.path, info: null };
  const path = rest === null ? entry.path : safeJoin(entry.path, rest);
  if (path === null) return null;
  const info = await statFile(path);
  return info === null ? null : { filename: basename(path), path, info };
}

function basename(path: string): string {
  let cut = path.lastIndexOf("/");
  if (IS_WINDOWS) cut = Math.max(cut, path.lastIndexOf("\\"), path.indexOf(":") === 1 ? 1 : -1);
  return path.slice(cut + 1);
}
