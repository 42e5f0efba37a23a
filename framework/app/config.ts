/**
 * `Config`, Flask's configuration mapping (`app.config`), and `DEFAULT_CONFIG`, the keys
 * and values every application starts with.
 *
 * @module
 */
import { join as joinPath } from "node:path";
import { fileURLToPath } from "node:url";
import { pyRepr } from "../http/python_text.ts";

/**
 * What `Config.fromMapping`, `Config.update` and `new Config(rootPath, defaults)` accept: a
 * plain object, a `Map`, another `Config`, or an iterable of `[key, value]` pairs (as
 * Python's `dict.update` takes a mapping or pairs).
 */
export type ConfigMapping =
  | Readonly<Record<string, unknown>>
  | ReadonlyMap<string, unknown>
  | Iterable<readonly [string, unknown]>;

/** Options of `Config.fromFile`. */
export interface FromFileOptions {
  /** Return `false` instead of throwing when the file is missing or is a directory. */
  silent?: boolean;
  /** Give `load` the file's text (the default) or, with `false`, its bytes. */
  text?: boolean;
}

/** Options of `Config.fromEnvvar`. */
export interface FromEnvvarOptions {
  /** Return `false` instead of throwing when the variable is unset or the file missing. */
  silent?: boolean;
  /** Turns the file's text into a mapping; `JSON.parse` by default. */
  load?: (text: string) => unknown;
}

/** Options of `Config.fromPrefixedEnv`. */
export interface FromPrefixedEnvOptions {
  /** Turns each value into a config value; if it throws, the value stays a string. */
  loads?: (value: string) => unknown;
}

/** Options of `Config.getNamespace`. */
export interface GetNamespaceOptions {
  /** Lowercase the keys of the result (default `true`). */
  lowercase?: boolean;
  /** Drop the namespace from the keys of the result (default `true`). */
  trimNamespace?: boolean;
}

/**
 * The keys of `DEFAULT_CONFIG`, typed. Durations are numbers of seconds where Flask has a
 * `timedelta`; Python's `None` is `null`.
 */
export type DefaultConfig = {
  /** Debug mode; `null` until the app decides. */
  readonly DEBUG: boolean | null;
  /** Testing mode: exceptions propagate to the test client. */
  readonly TESTING: boolean;
  /** Re-raise errors instead of answering 500; `null` means "when testing or debugging". */
  readonly PROPAGATE_EXCEPTIONS: boolean | null;
  /** The key that signs the session cookie. */
  readonly SECRET_KEY: string | null;
  /** Older secret keys still accepted when reading a signed value. */
  readonly SECRET_KEY_FALLBACKS: readonly string[] | null;
  /** How long a permanent session lasts, in seconds (Flask: `timedelta(days=31)`). */
  readonly PERMANENT_SESSION_LIFETIME: number;
  /** Let the front server send files (`X-Sendfile`). */
  readonly USE_X_SENDFILE: boolean;
  /** The host names requests may name; `null` allows every host. */
  readonly TRUSTED_HOSTS: readonly string[] | null;
  /** The host (and port) the app is served at. */
  readonly SERVER_NAME: string | null;
  /** The path the app is mounted at. */
  readonly APPLICATION_ROOT: string;
  /** The session cookie's name. */
  readonly SESSION_COOKIE_NAME: string;
  /** The session cookie's `Domain`. */
  readonly SESSION_COOKIE_DOMAIN: string | null;
  /** The session cookie's `Path`; `null` means `APPLICATION_ROOT`. */
  readonly SESSION_COOKIE_PATH: string | null;
  /** The session cookie's `HttpOnly` flag. */
  readonly SESSION_COOKIE_HTTPONLY: boolean;
  /** The session cookie's `Secure` flag. */
  readonly SESSION_COOKIE_SECURE: boolean;
  /** The session cookie's `Partitioned` flag. */
  readonly SESSION_COOKIE_PARTITIONED: boolean;
  /** The session cookie's `SameSite` value (`"Strict"`, `"Lax"`, `"None"`), or none. */
  readonly SESSION_COOKIE_SAMESITE: string | null;
  /** Send the session cookie on every request, not only when it changed. */
  readonly SESSION_REFRESH_EACH_REQUEST: boolean;
  /** The largest request body, in bytes; `null` means no limit. */
  readonly MAX_CONTENT_LENGTH: number | null;
  /** The largest non-file form field, in bytes. */
  readonly MAX_FORM_MEMORY_SIZE: number | null;
  /** The most fields a multipart form may have. */
  readonly MAX_FORM_PARTS: number | null;
  /** `Cache-Control: max-age` of sent files, in seconds; `null` sends none. */
  readonly SEND_FILE_MAX_AGE_DEFAULT: number | null;
  /** Raise a bad-request error's `KeyError`-style cause instead of answering 400. */
  readonly TRAP_BAD_REQUEST_ERRORS: boolean | null;
  /** Raise HTTP exceptions instead of answering with them. */
  readonly TRAP_HTTP_EXCEPTIONS: boolean;
  /** Log how templates were looked up. */
  readonly EXPLAIN_TEMPLATE_LOADING: boolean;
  /** The scheme of external URLs built outside a request. */
  readonly PREFERRED_URL_SCHEME: string;
  /** Reload templates when they change; `null` means "in debug mode". */
  readonly TEMPLATES_AUTO_RELOAD: boolean | null;
  /** Warn when a cookie is larger than this many bytes. */
  readonly MAX_COOKIE_SIZE: number;
  /** Answer `OPTIONS` automatically for every route. */
  readonly PROVIDE_AUTOMATIC_OPTIONS: boolean;
};

/**
 * Flask 3.1's `Flask.default_config`, every key in Flask's order, frozen. Python's `None`
 * is `null`; the two `timedelta` settings are numbers of **seconds**:
 * `PERMANENT_SESSION_LIFETIME` is `2678400` (31 days) and `SEND_FILE_MAX_AGE_DEFAULT` is
 * `null`.
 *
 * @example Starting a config from Flask's defaults
 * ```ts
 * import { Config, DEFAULT_CONFIG } from "@phial/phial";
 * const config = new Config(".", DEFAULT_CONFIG);
 * config.SESSION_COOKIE_NAME; // "session"
 * config.PERMANENT_SESSION_LIFETIME; // 2678400
 * ```
 */
export const DEFAULT_CONFIG: DefaultConfig = Object.freeze({
  DEBUG: null,
  TESTING: false,
  PROPAGATE_EXCEPTIONS: null,
  SECRET_KEY: null,
  SECRET_KEY_FALLBACKS: null,
  PERMANENT_SESSION_LIFETIME: 31 * 24 * 60 * 60,
  USE_X_SENDFILE: false,
  TRUSTED_HOSTS: null,
  SERVER_NAME: null,
  APPLICATION_ROOT: "/",
  SESSION_COOKIE_NAME: "session",
  SESSION_COOKIE_DOMAIN: null,
  SESSION_COOKIE_PATH: null,
  SESSION_COOKIE_HTTPONLY: true,
  SESSION_COOKIE_SECURE: false,
  SESSION_COOKIE_PARTITIONED: false,
  SESSION_COOKIE_SAMESITE: null,
  SESSION_REFRESH_EACH_REQUEST: true,
  MAX_CONTENT_LENGTH: null,
  MAX_FORM_MEMORY_SIZE: 500_000,
  MAX_FORM_PARTS: 1_000,
  SEND_FILE_MAX_AGE_DEFAULT: null,
  TRAP_BAD_REQUEST_ERRORS: null,
  TRAP_HTTP_EXCEPTIONS: false,
  EXPLAIN_TEMPLATE_LOADING: false,
  PREFERRED_URL_SCHEME: "http",
  TEMPLATES_AUTO_RELOAD: null,
  MAX_COOKIE_SIZE: 4093,
  PROVIDE_AUTOMATIC_OPTIONS: true,
});

/** Python's `str.isupper()`: at least one cased character, and no lowercase one. */
function isUpper(key: string): boolean {
  return key.toUpperCase() === key && key.toLowerCase() !== key;
}

/** Orders strings by code point, as Python's `sorted` does. */
function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** The `[key, value]` pairs of a mapping, in its order; a `TypeError` for anything else. */
function mappingEntries(mapping: unknown, method: string): [string, unknown][] {
  const bad = (what: string): TypeError =>
    new TypeError(
      `${method} expects an object, a Map or [key, value] pairs, got ${what}`,
    );
  if (mapping === null || (typeof mapping !== "object" && typeof mapping !== "function")) {
    throw bad(describe(mapping));
  }
  let entries: Iterable<unknown>;
  if (mapping instanceof Map) entries = mapping.entries();
  else if (typeof (mapping as Iterable<unknown>)[Symbol.iterator] === "function") {
    entries = mapping as Iterable<unknown>;
  } else return Object.entries(mapping);
  const out: [string, unknown][] = [];
  for (const pair of entries) {
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw bad(`an item that is not a [key, value] pair (${describe(pair)})`);
    }
    if (typeof pair[0] !== "string") {
      throw new TypeError(`${method}: config keys are strings, got ${describe(pair[0])}`);
    }
    out.push([pair[0], pair[1]]);
  }
  return out;
}

/** Merges pairs as Python's `dict.update` would: first position kept, last value wins. */
function merged(...lists: [string, unknown][][]): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const list of lists) for (const [key, value] of list) out.set(key, value);
  return out;
}

/** Python's `os.path.join(root, name)`: an absolute `name` replaces the root. */
function joinRoot(root: string, name: string): string {
  if (Deno.build.os === "windows") return joinPath(root, name);
  if (name.startsWith("/") || root === "") return name;
  return root.endsWith("/") ? root + name : `${root}/${name}`;
}

function toPath(path: string | URL, what: string): string {
  if (path instanceof URL) return fileURLToPath(path);
  if (typeof path !== "string") {
    throw new TypeError(`${what} must be a string or a file: URL, got ${describe(path)}`);
  }
  return path;
}

/** Sets a plain property even when its name is `__proto__`. */
function defineKey(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** A `__` path of `fromPrefixedEnv` must go through objects, as Flask's goes through dicts. */
function assertNestable(
  name: string,
  path: string,
  tail: string,
  value: unknown,
): asserts value is object {
  if (value === null || typeof value !== "object") {
    throw new TypeError(
      `Cannot load ${name}: config value ${path} is ${describe(value)}, not an object to ` +
        `set ${JSON.stringify(tail)} in. Rename the variable or make ${path} an object`,
    );
  }
}

const SILENT_FILE_ERRORS = new Set(["ENOENT", "EISDIR"]);
const SILENT_ENVVAR_FILE_ERRORS = new Set(["ENOENT", "EISDIR", "ENOTDIR"]);

/**
 * Reads a config file, rewording an OS error as Flask does:
 * `[Errno 2] Unable to load configuration file (No such file or directory): '/app/x.json'`.
 * The error keeps its class (`Deno.errors.NotFound`, …) and the original is its `cause`.
 */
function readConfigFile(
  path: string,
  text: boolean,
  silentCodes: ReadonlySet<string> | null,
): string | Uint8Array | null {
  try {
    return text ? Deno.readTextFileSync(path) : Deno.readFileSync(path);
  } catch (error) {
    if (!(error instanceof Error) || typeof (error as { code?: unknown }).code !== "string") {
      throw error;
    }
    const code = (error as Error & { code: string }).code;
    if (silentCodes?.has(code)) return null;
    const found = /^(.*?) \(os error (\d+)\)/.exec(error.message);
    const reason = found ? found[1] : error.message;
    const errno = found ? `[Errno ${found[2]}] ` : "";
    const Ctor = error.constructor as new (message: string, options: ErrorOptions) => Error;
    const rewritten = new Ctor(
      `${errno}Unable to load configuration file (${reason}): ${pyRepr(path)}`,
      { cause: error },
    );
    Object.defineProperty(rewritten, "code", { value: code, configurable: true, writable: true });
    throw rewritten;
  }
}

/**
 * Flask's `Config`: the application's settings, a mapping of UPPERCASE keys with ways to
 * fill it from objects, files and environment variables.
 *
 * The keys are the instance's own properties, so `config.DEBUG`, `config["SECRET_KEY"]`,
 * `Object.keys(config)`, `Object.entries(config)` and `{ ...config }` all work as on a
 * plain object, and `Deno.inspect(config)` prints `<Config { ... }>` as Flask's repr does.
 * The methods are Flask's, camelCased, with keyword arguments as an options object;
 * because Flask's `Config` is a `dict`, `get`, `has`, `setdefault` and `update` are here
 * too.
 *
 * The `fromX` loaders take only UPPERCASE keys, as Flask's do (`"A_1"`, `"_X"` and
 * `"ÄB"` count; `"Ab"` and `"1"` do not). A key that would hide one of the methods
 * (`"get"`, `"update"`, `"constructor"`, …) is refused with a `TypeError` wherever Flask
 * would have stored it, and the prototype is frozen, so `config.get = …` throws too.
 *
 * @example Filling a config
 * ```ts
 * import { Config, DEFAULT_CONFIG } from "@phial/phial";
 * const config = new Config(import.meta.dirname ?? ".", DEFAULT_CONFIG);
 * config.fromMapping({ SECRET_KEY: "dev", ignored: true });
 * config.fromObject(class Production { static DEBUG = false; static DATABASE = "db.sqlite" });
 * config.SECRET_KEY; // "dev"
 * config.get("DATABASE"); // "db.sqlite"
 * config.get("ignored"); // undefined
 * ```
 */
export class Config {
  /** A configuration key (an own property of the instance). */
  [key: string]: unknown;

  #rootPath: string;

  /**
   * Creates a config.
   *
   * @param rootPath The folder relative file names are read from (the application's root
   *   path); a `file:` URL is turned into a path.
   * @param defaults Initial keys and values, copied (every key, as Flask's `dict` does).
   */
  constructor(rootPath: string | URL, defaults?: ConfigMapping | null) {
    this.#rootPath = toPath(rootPath, "Config's rootPath");
    if (defaults !== undefined && defaults !== null) {
      for (const [key, value] of mappingEntries(defaults, "new Config(rootPath, defaults)")) {
        this.#store(key, value);
      }
    }
  }

  /** The folder relative file names are read from. */
  get rootPath(): string {
    return this.#rootPath;
  }

  #store(key: string, value: unknown): void {
    if (key in this && !Object.hasOwn(this, key)) {
      throw new TypeError(
        `Cannot use ${
          JSON.stringify(key)
        } as a config key: it is the name of a ${this.constructor.name} member. Config keys are UPPERCASE, e.g. ${
          JSON.stringify(key.toUpperCase())
        }`,
      );
    }
    this[key] = value;
  }

  /**
   * Loads the UPPERCASE properties of an object: a plain object, a class (its static
   * properties, inherited ones included), an instance (its own properties and its class's
   * getters), or a module namespace (`import * as settings from "./settings.ts"`). Keys
   * are set in sorted order, as Flask's `dir()` gives them. Flask's string import path has
   * no synchronous JavaScript equivalent: import the module and pass it.
   *
   * @param obj The object to read.
   * @returns Nothing.
   * @throws {TypeError} For a string, a `Map` (use `fromMapping`) or a non-object.
   *
   * @example Class-based configuration
   * ```ts
   * import { Config } from "@phial/phial";
   * class Base { static DEBUG = false; static DATABASE_URI = "sqlite://:memory:"; }
   * class Development extends Base { static override DEBUG = true; }
   * const config = new Config(".");
   * config.fromObject(Development);
   * config.DEBUG; // true
   * config.DATABASE_URI; // "sqlite://:memory:"
   * ```
   */
  fromObject(obj: object): void {
    if (typeof obj === "string") {
      throw new TypeError(
        `Config.fromObject cannot import ${pyRepr(obj)}: import the module or define the ` +
          `object, then pass it, e.g. config.fromObject(await import("./settings.ts"))`,
      );
    }
    if (obj === null || (typeof obj !== "object" && typeof obj !== "function")) {
      throw new TypeError(
        `Config.fromObject expects an object, a class or a module namespace, got ${describe(obj)}`,
      );
    }
    if (obj instanceof Map) {
      throw new TypeError("Config.fromObject reads properties; pass a Map to fromMapping");
    }
    const names = new Set<string>();
    for (
      let o: object | null = obj;
      o !== null && o !== Object.prototype && o !== Function.prototype;
      o = Object.getPrototypeOf(o)
    ) {
      for (const name of Object.getOwnPropertyNames(o)) names.add(name);
    }
    for (const name of [...names].sort(byCodePoint)) {
      if (isUpper(name)) this.#store(name, (obj as Record<string, unknown>)[name]);
    }
  }

  /**
   * Loads the UPPERCASE keys of a mapping, then of `extra` (Flask's keyword arguments),
   * ignoring the others.
   *
   * @param mapping An object, a `Map` or `[key, value]` pairs.
   * @param extra More keys, applied after `mapping`.
   * @returns `true`, always (as Flask).
   *
   * @example Only uppercase keys are loaded
   * ```ts
   * import { Config } from "@phial/phial";
   * const config = new Config(".");
   * config.fromMapping({ DEBUG: true, helper: 1 }, { SECRET_KEY: "dev" });
   * Object.keys(config); // ["DEBUG", "SECRET_KEY"]
   * ```
   */
  fromMapping(mapping?: ConfigMapping | null, extra?: Readonly<Record<string, unknown>>): boolean {
    const lists: [string, unknown][][] = [];
    if (mapping !== undefined && mapping !== null) {
      lists.push(mappingEntries(mapping, "Config.fromMapping"));
    }
    if (extra !== undefined) lists.push(mappingEntries(extra, "Config.fromMapping's extra"));
    for (const [key, value] of merged(...lists)) {
      if (isUpper(key)) this.#store(key, value);
    }
    return true;
  }

  /**
   * Loads a data file: reads it synchronously (relative to `rootPath` unless absolute),
   * gives its text (or bytes, with `text: false`) to `load`, and passes the result to
   * `fromMapping`. Errors thrown by `load` propagate unchanged.
   *
   * @param filename The file, absolute or relative to `rootPath`; a `file:` URL works.
   * @param load Turns the file's text into a mapping, e.g. `JSON.parse`.
   * @param options `silent`: return `false` when the file is missing or is a directory.
   * @returns `true` when the file was loaded, `false` when `silent` skipped it.
   * @throws {Deno.errors.NotFound} (or the read's other error class) naming the file:
   *   `[Errno 2] Unable to load configuration file (No such file or directory): '/app/x.json'`.
   *
   * @example Loading JSON
   * ```ts
   * import { Config } from "@phial/phial";
   * const dir = Deno.makeTempDirSync();
   * Deno.writeTextFileSync(`${dir}/config.json`, '{"SECRET_KEY": "dev"}');
   * const config = new Config(dir);
   * config.fromFile("config.json", JSON.parse); // true
   * config.fromFile("local.json", JSON.parse, { silent: true }); // false
   * config.SECRET_KEY; // "dev"
   * ```
   */
  fromFile(
    filename: string | URL,
    load: (text: string) => unknown,
    options?: FromFileOptions & { text?: true },
  ): boolean;
  /**
   * Loads a binary data file: `load` receives its bytes.
   *
   * @param filename The file, absolute or relative to `rootPath`.
   * @param load Turns the bytes into a mapping.
   * @param options `text: false`; `silent`: return `false` when the file is missing.
   * @returns `true` when the file was loaded, `false` when `silent` skipped it.
   */
  fromFile(
    filename: string | URL,
    load: (bytes: Uint8Array) => unknown,
    options: FromFileOptions & { text: false },
  ): boolean;
  fromFile(
    filename: string | URL,
    load: ((text: string) => unknown) | ((bytes: Uint8Array) => unknown),
    options: FromFileOptions = {},
  ): boolean {
    if (typeof load !== "function") {
      throw new TypeError(
        `Config.fromFile needs a load function, e.g. config.fromFile("config.json", JSON.parse)`,
      );
    }
    const path = joinRoot(this.#rootPath, toPath(filename, "Config.fromFile's filename"));
    const data = readConfigFile(
      path,
      options.text !== false,
      options.silent ? SILENT_FILE_ERRORS : null,
    );
    if (data === null) return false;
    return this.fromMapping((load as (data: string | Uint8Array) => ConfigMapping)(data));
  }

  /**
   * Loads the file an environment variable names (relative to `rootPath` unless absolute).
   * Flask's version runs a Python file; here the file is data read by `load`
   * (`JSON.parse` by default).
   *
   * @param variableName The environment variable, e.g. `"YOURAPPLICATION_SETTINGS"`.
   * @param options `silent`: return `false` when the variable is unset or empty, or the
   *   file is missing; `load`: the parser.
   * @returns `true` when the file was loaded, `false` when `silent` skipped it.
   * @throws {Error} When the variable is unset or empty, saying to set it.
   *
   * @example Settings named by an environment variable
   * ```ts
   * import { Config } from "@phial/phial";
   * const config = new Config(".");
   * config.fromEnvvar("YOURAPPLICATION_SETTINGS", { silent: true }); // false when unset
   * ```
   */
  fromEnvvar(variableName: string, options: FromEnvvarOptions = {}): boolean {
    if (typeof variableName !== "string") {
      throw new TypeError(
        `Config.fromEnvvar expects the variable's name as a string, got ${describe(variableName)}`,
      );
    }
    const filename = Deno.env.get(variableName);
    if (!filename) {
      if (options.silent) return false;
      throw new Error(
        `The environment variable ${pyRepr(variableName)} is not set and as such ` +
          "configuration could not be loaded. Set this variable and make it point to a " +
          "configuration file",
      );
    }
    const data = readConfigFile(
      joinRoot(this.#rootPath, filename),
      true,
      options.silent ? SILENT_ENVVAR_FILE_ERRORS : null,
    ) as string | null;
    if (data === null) return false;
    return this.fromMapping((options.load ?? JSON.parse)(data) as ConfigMapping);
  }

  /**
   * Loads the environment variables that start with `prefix` + `"_"`, without the prefix,
   * in sorted order. Each value goes through `loads` (`JSON.parse` by default: `true`,
   * `5000`, `[1, 2]`, `{"a": 1}` become those values); a value it rejects stays a string.
   * A `__` in the name sets a key inside an object: `FLASK_DB__HOST` sets
   * `config.DB.HOST`, creating `DB` as `{}` if missing. Keys are not filtered by case, as
   * in Flask. `JSON.parse` differs from Python's `json.loads` in rejecting `NaN` and
   * `Infinity` (they stay strings).
   *
   * @param prefix The prefix, without its trailing `_` (default `"FLASK"`).
   * @param options `loads`: the value parser.
   * @returns `true`, always (as Flask).
   * @throws {TypeError} When a `__` path goes through a value that is not an object.
   *
   * @example Settings from the environment
   * ```ts
   * import { Config } from "@phial/phial";
   * Deno.env.set("MYAPP_SECRET_KEY", "dev");
   * Deno.env.set("MYAPP_PORT", "8000");
   * const config = new Config(".");
   * config.fromPrefixedEnv("MYAPP");
   * config.SECRET_KEY; // "dev"
   * config.PORT; // 8000
   * ```
   */
  fromPrefixedEnv(prefix: string = "FLASK", options: FromPrefixedEnvOptions = {}): boolean {
    if (typeof prefix !== "string") {
      throw new TypeError(
        `Config.fromPrefixedEnv expects the prefix as a string, got ${describe(prefix)}`,
      );
    }
    const loads = options.loads ?? JSON.parse;
    const start = `${prefix}_`;
    const env = Deno.env.toObject();
    for (const name of Object.keys(env).sort(byCodePoint)) {
      if (!name.startsWith(start)) continue;
      const key = name.slice(start.length);
      let value: unknown = env[name];
      try {
        value = loads(value as string);
      } catch {
        // A value the loader rejects is kept as the string it was.
      }
      if (!key.includes("__")) {
        this.#store(key, value);
        continue;
      }
      const parts = key.split("__");
      const tail = parts.pop()!;
      const head = parts.shift()!;
      if (!Object.hasOwn(this, head)) this.#store(head, {});
      let current: unknown = this[head];
      let path = head;
      for (const part of parts) {
        assertNestable(name, path, tail, current);
        if (current instanceof Map) {
          if (!current.has(part)) current.set(part, {});
          current = current.get(part);
        } else {
          if (!Object.hasOwn(current, part)) defineKey(current, part, {});
          current = (current as Record<string, unknown>)[part];
        }
        path = `${path}.${part}`;
      }
      assertNestable(name, path, tail, current);
      if (current instanceof Map) current.set(tail, value);
      else defineKey(current, tail, value);
    }
    return true;
  }

  /**
   * The keys that start with `namespace`, as a new plain object, e.g. for the options of
   * a client: `IMAGE_STORE_TYPE` with namespace `"IMAGE_STORE_"` gives `{ type: ... }`.
   *
   * @param namespace The prefix, e.g. `"IMAGE_STORE_"`.
   * @param options `lowercase` (default `true`) and `trimNamespace` (default `true`).
   * @returns The matching keys and values.
   *
   * @example Options for a client
   * ```ts
   * import { Config } from "@phial/phial";
   * const config = new Config(".", { IMAGE_STORE_TYPE: "fs", IMAGE_STORE_PATH: "/var/img" });
   * config.getNamespace("IMAGE_STORE_"); // { type: "fs", path: "/var/img" }
   * ```
   */
  getNamespace(namespace: string, options: GetNamespaceOptions = {}): Record<string, unknown> {
    if (typeof namespace !== "string") {
      throw new TypeError(
        `Config.getNamespace expects the namespace as a string, got ${describe(namespace)}`,
      );
    }
    const { lowercase = true, trimNamespace = true } = options;
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(this)) {
      if (!name.startsWith(namespace)) continue;
      let key = trimNamespace ? name.slice(namespace.length) : name;
      if (lowercase) key = key.toLowerCase();
      defineKey(out, key, value); // "__proto__" stays a key
    }
    return out;
  }

  /**
   * The value of a key, or `defaultValue` when the config does not hold it (method names
   * are not keys: `config.get("get")` is `undefined`).
   *
   * @param key The key.
   * @param defaultValue Returned when the key is missing.
   * @returns The value, or `defaultValue`.
   *
   * @example Reading with a fallback
   * ```ts
   * import { Config } from "@phial/phial";
   * const config = new Config(".", { DEBUG: true });
   * config.get("DEBUG"); // true
   * config.get("PORT", 5000); // 5000
   * ```
   */
  get(key: string, defaultValue?: unknown): unknown {
    return Object.hasOwn(this, key) ? this[key] : defaultValue;
  }

  /**
   * Whether the config holds `key` (Python's `key in config`).
   *
   * @param key The key.
   * @returns `true` when it is set, even to `null`.
   *
   * @example Checking for a key
   * ```ts
   * import { Config } from "@phial/phial";
   * const config = new Config(".", { SECRET_KEY: null });
   * config.has("SECRET_KEY"); // true
   * config.has("get"); // false
   * ```
   */
  has(key: string): boolean {
    return Object.hasOwn(this, key);
  }

  /**
   * Sets `key` to `defaultValue` unless it is already set.
   *
   * @param key The key.
   * @param defaultValue The value to store when the key is missing (Python's `None`,
   *   `null`, by default).
   * @returns The key's value after the call.
   *
   * @example Filling a gap
   * ```ts
   * import { Config } from "@phial/phial";
   * const config = new Config(".", { DEBUG: true });
   * config.setdefault("DEBUG", false); // true
   * config.setdefault("PORT", 5000); // 5000
   * ```
   */
  setdefault(key: string, defaultValue: unknown = null): unknown {
    if (!Object.hasOwn(this, key)) this.#store(key, defaultValue);
    return this[key];
  }

  /**
   * Sets every key of `mapping`, then of `extra`, whatever its case (Python's
   * `dict.update`); only names of this class's members are refused.
   *
   * @param mapping An object, a `Map` or `[key, value]` pairs.
   * @param extra More keys, applied after `mapping`.
   * @returns Nothing.
   * @throws {TypeError} For a key that names a member, such as `"get"`.
   *
   * @example Setting several keys
   * ```ts
   * import { Config } from "@phial/phial";
   * const config = new Config(".");
   * config.update({ TESTING: true, SECRET_KEY: "test" });
   * config.TESTING; // true
   * ```
   */
  update(mapping?: ConfigMapping | null, extra?: Readonly<Record<string, unknown>>): void {
    const lists: [string, unknown][][] = [];
    if (mapping !== undefined && mapping !== null) {
      lists.push(mappingEntries(mapping, "Config.update"));
    }
    if (extra !== undefined) lists.push(mappingEntries(extra, "Config.update's extra"));
    for (const [key, value] of merged(...lists)) this.#store(key, value);
  }

  /**
   * Prints the config as Flask's repr does: `<Config { DEBUG: true }>`.
   *
   * @param inspect Deno's `inspect`.
   * @param options The inspect options in use.
   * @returns The printed config.
   */
  [Symbol.for("Deno.customInspect")](
    inspect: (value: unknown, options?: Deno.InspectOptions) => string,
    options?: Deno.InspectOptions,
  ): string {
    return `<${this.constructor.name} ${inspect({ ...this }, options)}>`;
  }
}

// Config keys live on instances; freezing the methods' object means `config.get = 1`
// throws instead of hiding a method.
Object.freeze(Config.prototype);
