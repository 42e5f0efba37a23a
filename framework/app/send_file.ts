/**
 * `sendFile` and `sendFromDirectory`: Flask's helpers that answer a request with a file, on
 * Werkzeug 3.1's `send_file` / `send_from_directory` rules (mimetype, `Content-Disposition`,
 * caching headers, ETag, conditional and range requests, `X-Sendfile`).
 *
 * @module
 */
import { NotFound, RequestedRangeNotSatisfiable } from "../http/exceptions.ts";
import { dumpOptionsHeader } from "../http/header_values.ts";
import { guessType } from "../http/mimetypes.ts";
import { pyFloatRepr } from "../http/python_text.ts";
import { safeJoin } from "../http/safe_join.ts";
import { urlQuote } from "../http/urls.ts";
import { Headers } from "../http/headers.ts";
import { FileBody } from "../wrappers/file_body.ts";
import type { Response } from "../wrappers/response.ts";
import type { Application } from "./application.ts";
import { requireRequestContext } from "./globals.ts";
import { adler32 } from "../http/adler32.ts";

/** How long clients may cache the file: seconds, or a function of the file's path. */
export type SendFileMaxAge = number | ((path: string | null) => number | null) | null;

/** Options of {@linkcode sendFile}: Flask's keyword arguments. */
export interface SendFileOptions {
  /** The mimetype; guessed from `downloadName` (or the path) when not given. */
  mimetype?: string | null;
  /** Ask the browser to save the file (`Content-Disposition: attachment`); default `false`. */
  asAttachment?: boolean;
  /** The name the browser saves the file as; the path's file name by default. */
  downloadName?: string | null;
  /** Answer `If-None-Match`, `If-Modified-Since`, `If-Match` and `Range`; default `true`. */
  conditional?: boolean;
  /** Send an ETag computed from the file (`true`, the default), this one (a string), or none. */
  etag?: boolean | string;
  /** The `Last-Modified` time (a `Date`, or seconds since the epoch); the file's by default. */
  lastModified?: Date | number | null;
  /**
   * `Cache-Control: max-age` in seconds (`public` when above 0), or a function of the path;
   * by default the app's `getSendFileMaxAge(path)` if it has one, else
   * `SEND_FILE_MAX_AGE_DEFAULT` (`null`: `no-cache`, clients revalidate each time).
   */
  maxAge?: SendFileMaxAge;
}

/** What {@linkcode sendFile} sends: a path (relative to the app's root) or the bytes. */
export type SendFileSource = string | URL | Uint8Array | ArrayBuffer | Blob;

/**
 * Answers the current request with a file, as Flask's `send_file`. A relative path is
 * resolved against the app's root path (`app.config.rootPath`). Never pass a path a user
 * gave: use {@linkcode sendFromDirectory} for those.
 *
 * The mimetype is guessed from the download name; a guessed encoding (`.gz`...) becomes
 * `Content-Encoding` unless the file is an attachment. `Content-Disposition` is `inline`
 * (or `attachment`) with the name, plus `filename*=UTF-8''...` for a non-ASCII name.
 * `Cache-Control` is `no-cache`, or `public, max-age=N` with a max age. A file gets
 * `Last-Modified` and an ETag `"<mtime>-<size>-<adler32 of the path>"` (Werkzeug's form;
 * Deno gives mtimes to the millisecond, so a file with a finer mtime gets a tag that
 * differs from Werkzeug's). With `conditional`, the response answers 304, 412 and ranges
 * (206, or a thrown 416). With `USE_X_SENDFILE`, the body is left to the server
 * (`X-Sendfile: <path>`); otherwise it streams from the file, which is closed when the body
 * is done or abandoned.
 *
 * Bytes (or a `Blob`) are sent as they are; there is no file name, so give `mimetype` or
 * `downloadName`, and no ETag unless given as a string.
 *
 * @param pathOrBytes The file's path (a `file:` URL works), or its bytes.
 * @param options `mimetype`, `asAttachment`, `downloadName`, `conditional`, `etag`,
 *   `lastModified`, `maxAge`.
 * @returns The response.
 * @throws {TypeError} When no mimetype can be guessed (bytes without `mimetype` or
 *   `downloadName`), or an attachment has no name.
 * @throws {Deno.errors.NotFound} When the path names no file (a 500, as in Flask: use
 *   `sendFromDirectory` for a 404).
 *
 * @example Sending a report as a download
 * ```ts
 * import { Application, sendFile } from "@phial/phial";
 * const root = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${root}/report.csv`, "a,b\n1,2\n");
 * const app = new Application(import.meta.url, { rootPath: root });
 * app.route("/report", () => sendFile("report.csv", { asAttachment: true }));
 * const response = await app.testClient().get("/report");
 * response.headers.get("Content-Disposition"); // "attachment; filename=report.csv"
 * response.text; // "a,b\n1,2\n"
 * ```
 */
export async function sendFile(
  pathOrBytes: SendFileSource,
  options: SendFileOptions = {},
): Promise<Response> {
  const ctx = requireRequestContext();
  const app = ctx.app;
  const environ = ctx.request.environ;
  checkOptions(options);

  let path: string | null = null;
  let size: number | null = null;
  let mtime: Date | null = null;
  let bytes: Uint8Array | Blob | null = null;
  if (typeof pathOrBytes === "string" || pathOrBytes instanceof URL) {
    const given = typeof pathOrBytes === "string" ? pathOrBytes : urlToPath(pathOrBytes);
    path = joinPath(app.config.rootPath, given);
    const info = await Deno.stat(path);
    if (info.isDirectory) {
      // Flask fails opening it (IsADirectoryError, a 500); fail before opening here.
      throw new Deno.errors.IsADirectory(`Is a directory: ${path}; sendFile sends files`);
    }
    size = info.size;
    mtime = info.mtime;
  } else if (pathOrBytes instanceof Uint8Array) {
    bytes = pathOrBytes;
    size = pathOrBytes.byteLength;
  } else if (pathOrBytes instanceof ArrayBuffer) {
    bytes = new Uint8Array(pathOrBytes);
    size = bytes.byteLength;
  } else if (pathOrBytes instanceof Blob) {
    bytes = pathOrBytes;
    size = pathOrBytes.size;
  } else {
    throw new TypeError(
      "sendFile(pathOrBytes) takes a path (string or file: URL), a Uint8Array, an " +
        `ArrayBuffer or a Blob, got ${describe(pathOrBytes)}`,
    );
  }

  const asAttachment = options.asAttachment ?? false;
  const downloadName = options.downloadName ?? (path === null ? null : basename(path));
  const headers = new Headers();
  let mimetype = options.mimetype ?? null;
  if (mimetype === null) {
    if (downloadName === null) {
      throw new TypeError(
        "Unable to detect the MIME type because a file name is not available. Either set " +
          "downloadName, pass a path instead of bytes, or set mimetype.",
      );
    }
    const [guessed, encoding] = guessType(downloadName);
    mimetype = guessed ?? "application/octet-stream";
    // An encoding on an attachment would make browsers save a .tar.gz decompressed.
    if (encoding !== null && !asAttachment) headers.set("Content-Encoding", encoding);
  }
  if (downloadName !== null) {
    headers.set(
      "Content-Disposition",
      dumpOptionsHeader(asAttachment ? "attachment" : "inline", dispositionNames(downloadName)),
    );
  } else if (asAttachment) {
    throw new TypeError(
      "No name provided for attachment. Either set downloadName or pass a path instead of " +
        "bytes.",
    );
  }

  const useXSendfile = app.config.USE_X_SENDFILE === true;
  let body: FileBody | Uint8Array | Blob | null = null;
  if (useXSendfile && path !== null) {
    headers.set("X-Sendfile", path);
  } else if (path !== null) {
    body = new FileBody(await Deno.open(path, { read: true }), size!);
  } else {
    body = bytes;
  }

  let rv: Response;
  try {
    rv = new app.responseClass(body ?? undefined, { mimetype, headers });
    if (size !== null) rv.contentLength = size;
    const lastModified = options.lastModified ?? mtime;
    if (lastModified !== null) {
      rv.lastModified = lastModified instanceof Date ? lastModified : new Date(lastModified * 1000);
    }
    const cacheControl = rv.cacheControl;
    cacheControl.noCache = true;
    let maxAge: SendFileMaxAge | undefined = options.maxAge;
    if (maxAge === undefined || maxAge === null) maxAge = defaultMaxAge(app);
    if (typeof maxAge === "function") maxAge = maxAge(path);
    if (maxAge !== null && maxAge !== undefined) {
      if (maxAge > 0) {
        cacheControl.noCache = null;
        cacheControl.public = true;
      }
      cacheControl.maxAge = maxAge;
      rv.expires = new Date(Math.floor(Date.now() / 1000 + maxAge) * 1000);
    }
    const etag = options.etag ?? true;
    if (typeof etag === "string") {
      rv.setEtag(etag);
    } else if (etag && path !== null) {
      const seconds = (mtime?.getTime() ?? 0) / 1000;
      rv.setEtag(`${pyFloatRepr(seconds)}-${size}-${adler32(encoder.encode(path))}`);
    }
  } catch (error) {
    if (body instanceof FileBody) body.close();
    throw error;
  }

  if (options.conditional ?? true) {
    try {
      await rv.makeConditional(environ, { acceptRanges: true, completeLength: size ?? undefined });
    } catch (error) {
      if (error instanceof RequestedRangeNotSatisfiable) await rv.close();
      throw error;
    }
    // Some X-Sendfile servers ignore a 304 and send the file anyway.
    if (rv.statusCode === 304) rv.headers.remove("X-Sendfile");
  }
  return rv;
}

/**
 * Answers the current request with a file under `directory`, as Flask's
 * `send_from_directory`: `path` (from the URL, untrusted) is joined with `safeJoin`, so it
 * cannot leave the directory; a path it refuses, or one that names no regular file, is a
 * 404 (`NotFound` is thrown). A relative `directory` is resolved against the app's root
 * path. The options are {@linkcode sendFile}'s.
 *
 * @param directory The trusted directory; never a value from the client.
 * @param path The file's path under it, as the client gave it.
 * @param options {@linkcode sendFile}'s options.
 * @returns The response.
 * @throws {NotFound} When the path leaves the directory or names no regular file.
 *
 * @example Serving uploads
 * ```ts
 * import { Application, sendFromDirectory } from "@phial/phial";
 * const uploads = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${uploads}/notes.txt`, "hi");
 * const app = new Application(import.meta.url);
 * app.route("/uploads/<path:name>", ({ name }) => sendFromDirectory(uploads, name as string));
 * const client = app.testClient();
 * (await client.get("/uploads/notes.txt")).text; // "hi"
 * (await client.get("/uploads/../secret")).statusCode; // 404
 * ```
 */
export async function sendFromDirectory(
  directory: string | URL,
  path: string,
  options: SendFileOptions = {},
): Promise<Response> {
  if (typeof path !== "string") {
    throw new TypeError(`sendFromDirectory(directory, path): path must be a string`);
  }
  const dir = typeof directory === "string"
    ? directory
    : directory instanceof URL
    ? urlToPath(directory)
    : null;
  if (dir === null) {
    throw new TypeError(
      "sendFromDirectory(directory, path): directory must be a string or a file: URL",
    );
  }
  const joined = safeJoin(dir, path);
  if (joined === null) throw new NotFound();
  const full = joinPath(requireRequestContext().app.config.rootPath, joined);
  let isFile = false;
  try {
    isFile = (await Deno.stat(full)).isFile;
  } catch {
    // Missing or unreadable: not found.
  }
  if (!isFile) throw new NotFound();
  return await sendFile(full, options);
}

const encoder = new TextEncoder();
const IS_WINDOWS = Deno.build.os === "windows";

function defaultMaxAge(app: Application): SendFileMaxAge {
  // A subclass may define Flask's `get_send_file_max_age` hook as `getSendFileMaxAge`.
  const hook = (app as unknown as { getSendFileMaxAge?: unknown }).getSendFileMaxAge;
  if (typeof hook === "function") return (path) => hook.call(app, path) as number | null;
  const value = app.config.SEND_FILE_MAX_AGE_DEFAULT;
  return typeof value === "number" ? value : null;
}

function checkOptions(options: SendFileOptions): void {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("sendFile's options must be an object, e.g. { asAttachment: true }");
  }
  const { mimetype, downloadName, maxAge, etag, lastModified } = options;
  if (mimetype !== undefined && mimetype !== null && typeof mimetype !== "string") {
    throw new TypeError('sendFile\'s mimetype option must be a string, e.g. "text/plain"');
  }
  if (downloadName !== undefined && downloadName !== null && typeof downloadName !== "string") {
    throw new TypeError("sendFile's downloadName option must be a string");
  }
  if (
    maxAge !== undefined && maxAge !== null && typeof maxAge !== "function" &&
    (typeof maxAge !== "number" || !Number.isFinite(maxAge))
  ) {
    throw new TypeError("sendFile's maxAge option must be a number of seconds or a function");
  }
  if (etag !== undefined && typeof etag !== "boolean" && typeof etag !== "string") {
    throw new TypeError("sendFile's etag option must be true, false or the tag as a string");
  }
  if (
    lastModified !== undefined && lastModified !== null && !(lastModified instanceof Date) &&
    typeof lastModified !== "number"
  ) {
    throw new TypeError("sendFile's lastModified option must be a Date or seconds");
  }
}

/** `filename`, plus `filename*` (RFC 5987) when the name is not ASCII, as Werkzeug writes. */
function dispositionNames(name: string): Record<string, string> {
  // deno-lint-ignore no-control-regex
  if (/^[\x00-\x7f]*$/.test(name)) return { filename: name };
  // deno-lint-ignore no-control-regex
  const simple = name.normalize("NFKD").replace(/[^\x00-\x7f]/g, "");
  return { filename: simple, "filename*": `UTF-8''${urlQuote(name, "!#$&+-.^_`|~")}` };
}

/** Python's `os.path.join(root, path)`: an absolute `path` wins. */
function joinPath(root: string, path: string): string {
  if (isAbsolute(path)) return path;
  if (root === "") return path;
  return root.endsWith("/") || (IS_WINDOWS && root.endsWith("\\"))
    ? root + path
    : `${root}/${path}`;
}

function isAbsolute(path: string): boolean {
  return path.startsWith("/") || (IS_WINDOWS && /^([A-Za-z]:)?[\\/]/.test(path));
}

function basename(path: string): string {
  let cut = path.lastIndexOf("/");
  if (IS_WINDOWS) cut = Math.max(cut, path.lastIndexOf("\\"));
  return path.slice(cut + 1);
}

function urlToPath(url: URL): string {
  if (url.protocol !== "file:") {
    throw new TypeError(`Only file: URLs name files, got ${url.protocol} (${url.href})`);
  }
  return decodeURIComponent(url.pathname);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return `a ${value.constructor?.name ?? "object"}`;
  return typeof value;
}
