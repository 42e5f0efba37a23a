/**
 * Finding the app to serve from a `MODULE[:ATTR]` spec, as gunicorn's `myapp:application`.
 *
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { AppObject } from "../gateway/types.ts";
import { assertAppObject } from "./assert_app_object.ts";

/** A `MODULE[:ATTR]` spec split in two. */
export interface AppSpec {
  /** A file path or a module specifier with a scheme (`file:`, `https:`, `npm:`, ...). */
  module: string;
  /** A (possibly dotted) attribute path, optionally ending in `()` to call a factory. */
  attr: string;
  /** Whether the spec named `attr` (false: the default `app` was taken). */
  attrGiven: boolean;
}

/** Why an app could not be loaded; the message is one line meant for the user. */
export class AppLoadError extends Error {
  /**
   * Creates the error.
   *
   * @param message One line saying what is wrong and where.
   * @param options The underlying error, if any.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AppLoadError";
  }
}

const ATTR_RE = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*(?:\(\))?$/;
const SCHEME_RE = /^[A-Za-z][A-Za-z0-9+.-]+:/;

/**
 * Splits `MODULE[:ATTR]`. `ATTR` defaults to `app`; a colon belongs to `MODULE` unless what
 * follows the last colon is an attribute path (so `https://host:8080/app.ts` and
 * `file:///srv/app.ts` are whole modules).
 *
 * @param spec The spec given on the command line.
 * @returns The module and attribute.
 * @throws {AppLoadError} When the module part is empty.
 *
 * @example
 * ```ts
 * import { parseAppSpec } from "@phial/phial";
 * parseAppSpec("examples/hello.ts"); // { module: "examples/hello.ts", attr: "app", attrGiven: false }
 * parseAppSpec("myapp.ts:application"); // { module: "myapp.ts", attr: "application", attrGiven: true }
 * ```
 */
export function parseAppSpec(spec: string): AppSpec {
  const colon = spec.lastIndexOf(":");
  let module = spec;
  let attr = "app";
  let attrGiven = false;
  if (colon >= 0) {
    const tail = spec.slice(colon + 1);
    if (ATTR_RE.test(tail)) {
      module = spec.slice(0, colon);
      attr = tail;
      attrGiven = true;
    } else if (tail === "") {
      module = spec.slice(0, colon);
    }
  }
  if (module === "") {
    throw new AppLoadError(`Invalid app spec ${JSON.stringify(spec)}: expected MODULE[:ATTR]`);
  }
  return { module, attr, attrGiven };
}

/**
 * Turns the module part of a spec into an import specifier: a specifier with a scheme is
 * kept, a file path is resolved against `cwd` and made a `file:` URL.
 *
 * @param module A file path or module specifier.
 * @param cwd The directory relative paths are resolved against.
 * @returns The specifier to import, and the file path when it is a file.
 */
export function resolveModule(module: string, cwd: string): { url: string; path?: string } {
  // A one-letter "scheme" is a Windows drive letter, not a scheme.
  if (SCHEME_RE.test(module)) return { url: module };
  const path = isAbsolute(module) ? module : resolve(cwd, module);
  return { url: pathToFileURL(path).href, path };
}

const EXTENSIONS = [".ts", ".tsx", ".js", ".mjs", ".jsx"];

/**
 * The file a module path names: the path itself, or — gunicorn-style `myapp:app`, where the
 * module has no extension — the first of `myapp.ts`, `.tsx`, `.js`, `.mjs`, `.jsx` found.
 * Undefined when there is none; an AppLoadError when the path is a directory.
 */
async function findModuleFile(path: string, module: string): Promise<string | undefined> {
  const candidates = [path];
  if (!/\.[A-Za-z0-9]+$/.test(path)) candidates.push(...EXTENSIONS.map((ext) => path + ext));
  let directory = false;
  for (const candidate of candidates) {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(candidate);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue;
      throw new AppLoadError(`Cannot read module ${JSON.stringify(module)}: ${firstLine(error)}`, {
        cause: error,
      });
    }
    if (info.isFile) return candidate;
    if (candidate === path) directory = true;
  }
  if (directory) {
    throw new AppLoadError(`Cannot import module ${JSON.stringify(module)}: not a file`);
  }
  return undefined;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split("\n").find((l) => l.trim() !== "") ?? "unknown error";
  return line.trim();
}

/**
 * Imports the module of a `MODULE[:ATTR]` spec and returns its app object.
 *
 * Without `ATTR` it takes the export `app`, or else `application` (as gunicorn does), or
 * else the default export.
 *
 * `ATTR` may be dotted (`api.app`) and may end in `()` to call an (async) app factory, as
 * gunicorn's `myapp:create_app()`.
 *
 * @param spec `MODULE[:ATTR]`, `ATTR` defaulting to `app`.
 * @param cwd The directory relative module paths are resolved against.
 * @returns The app object (a function or an object with `wsgiApp`).
 * @throws {AppLoadError} With a one-line message when the module cannot be found or
 *   imported, the attribute is missing, or it is not an app object.
 *
 * @example
 * ```ts ignore
 * import { loadApp } from "@phial/phial";
 * const app = await loadApp("examples/hello.ts:app", Deno.cwd());
 * ```
 */
export async function loadApp(spec: string, cwd: string): Promise<AppObject> {
  const { module, attrGiven } = parseAppSpec(spec);
  let { attr } = parseAppSpec(spec);
  let { url, path } = resolveModule(module, cwd);
  if (path !== undefined) {
    const found = await findModuleFile(path, module);
    if (found === undefined) {
      throw new AppLoadError(`Cannot find module ${JSON.stringify(module)} (no file ${path})`);
    }
    if (found !== path) ({ url, path } = resolveModule(found, cwd));
  }
  let namespace: Record<string, unknown>;
  try {
    namespace = await import(url);
  } catch (error) {
    throw new AppLoadError(`Cannot import module ${JSON.stringify(module)}: ${firstLine(error)}`, {
      cause: error,
    });
  }
  // With no ATTR, gunicorn tries `application` as well as `app`; a module may also
  // `export default` its app.
  if (!attrGiven && !("app" in namespace)) {
    attr = ["application", "default"].find((name) => name in namespace) ?? "app";
  }
  const call = attr.endsWith("()");
  const parts = (call ? attr.slice(0, -2) : attr).split(".");
  let value: unknown = namespace;
  let walked = "";
  for (const part of parts) {
    const holder = value as Record<string, unknown> | null | undefined;
    const found = (typeof holder === "object" || typeof holder === "function") &&
      holder !== null && part in holder;
    walked = walked === "" ? part : `${walked}.${part}`;
    if (!found) {
      const exports = Object.keys(namespace).sort();
      const hint = walked === part
        ? ` (it exports: ${exports.length ? exports.join(", ") : "nothing"})`
        : "";
      throw new AppLoadError(
        `Failed to find attribute ${JSON.stringify(walked)} in module ${
          JSON.stringify(module)
        }${hint}`,
      );
    }
    value = holder![part];
  }
  if (call) {
    if (typeof value !== "function") {
      throw new AppLoadError(
        `Cannot call ${JSON.stringify(attr)} in module ${JSON.stringify(module)}: ` +
          `it is not a function`,
      );
    }
    try {
      value = await (value as () => unknown)();
    } catch (error) {
      throw new AppLoadError(
        `Calling ${JSON.stringify(attr)} in module ${JSON.stringify(module)} failed: ${
          firstLine(error)
        }`,
        { cause: error },
      );
    }
  }
  try {
    assertAppObject(value, `${JSON.stringify(`${module}:${attr}`)}`);
  } catch (error) {
    throw new AppLoadError(firstLine(error), { cause: error });
  }
  return value;
}
