// Config and DEFAULT_CONFIG: Flask 3.1's flask.config.Config and Flask.default_config.
// Expected values were recorded by running the same operations through Flask 3.1.3 in
// python3 (fromPrefixedEnv in a child process given the same environment variables).
import assert from "node:assert/strict";
import { Config, DEFAULT_CONFIG } from "../../framework/app/config.ts";

/** Sets environment variables for the length of `fn`, then restores them. */
function withEnv(vars: Record<string, string>, fn: () => void): void {
  const saved = new Map<string, string | undefined>();
  for (const [key, value] of Object.entries(vars)) {
    saved.set(key, Deno.env.get(key));
    Deno.env.set(key, value);
  }
  try {
    fn();
  } finally {
    for (const [key, value] of saved) {
      if (value === undefined) Deno.env.delete(key);
      else Deno.env.set(key, value);
    }
  }
}

function withTempDir(fn: (dir: string) => void): void {
  const dir = Deno.makeTempDirSync({ prefix: "phial_config_" });
  try {
    fn(dir);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test("DEFAULT_CONFIG holds every Flask 3.1 default key, in Flask's order", () => {
  // python: list(flask.Flask.default_config.keys())
  assert.deepEqual(Object.keys(DEFAULT_CONFIG), [
    "DEBUG",
    "TESTING",
    "PROPAGATE_EXCEPTIONS",
    "SECRET_KEY",
    "SECRET_KEY_FALLBACKS",
    "PERMANENT_SESSION_LIFETIME",
    "USE_X_SENDFILE",
    "TRUSTED_HOSTS",
    "SERVER_NAME",
    "APPLICATION_ROOT",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_DOMAIN",
    "SESSION_COOKIE_PATH",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_PARTITIONED",
    "SESSION_COOKIE_SAMESITE",
    "SESSION_REFRESH_EACH_REQUEST",
    "MAX_CONTENT_LENGTH",
    "MAX_FORM_MEMORY_SIZE",
    "MAX_FORM_PARTS",
    "SEND_FILE_MAX_AGE_DEFAULT",
    "TRAP_BAD_REQUEST_ERRORS",
    "TRAP_HTTP_EXCEPTIONS",
    "EXPLAIN_TEMPLATE_LOADING",
    "PREFERRED_URL_SCHEME",
    "TEMPLATES_AUTO_RELOAD",
    "MAX_COOKIE_SIZE",
    "PROVIDE_AUTOMATIC_OPTIONS",
  ]);
});

Deno.test("DEFAULT_CONFIG has Flask's values, None as null and timedeltas in seconds", () => {
  // python: default_config with timedelta.total_seconds()
  assert.deepEqual({ ...DEFAULT_CONFIG }, {
    DEBUG: null,
    TESTING: false,
    PROPAGATE_EXCEPTIONS: null,
    SECRET_KEY: null,
    SECRET_KEY_FALLBACKS: null,
    PERMANENT_SESSION_LIFETIME: 2678400,
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
    MAX_FORM_MEMORY_SIZE: 500000,
    MAX_FORM_PARTS: 1000,
    SEND_FILE_MAX_AGE_DEFAULT: null,
    TRAP_BAD_REQUEST_ERRORS: null,
    TRAP_HTTP_EXCEPTIONS: false,
    EXPLAIN_TEMPLATE_LOADING: false,
    PREFERRED_URL_SCHEME: "http",
    TEMPLATES_AUTO_RELOAD: null,
    MAX_COOKIE_SIZE: 4093,
    PROVIDE_AUTOMATIC_OPTIONS: true,
  });
  assert.ok(Object.isFrozen(DEFAULT_CONFIG));
  assert.throws(() => {
    (DEFAULT_CONFIG as unknown as Record<string, unknown>).DEBUG = true;
  }, TypeError);
});

Deno.test("A Config's keys are its own properties: dot, index, Object.keys and spread", () => {
  const config = new Config("/app", DEFAULT_CONFIG);
  assert.equal(config.SESSION_COOKIE_NAME, "session");
  assert.equal(config["PERMANENT_SESSION_LIFETIME"], 2678400);
  assert.deepEqual(Object.keys(config), Object.keys(DEFAULT_CONFIG));
  assert.deepEqual({ ...config }, { ...DEFAULT_CONFIG });
  config.DEBUG = true;
  assert.equal(config.get("DEBUG"), true);
  assert.equal(DEFAULT_CONFIG.DEBUG, null, "the defaults are copied, not shared");
  assert.equal(config.rootPath, "/app");
  assert.ok(!Object.keys(config).includes("rootPath"));
  assert.equal(new Config(new URL("file:///srv/app")).rootPath, "/srv/app");
  assert.deepEqual(Object.keys(new Config("/app")), []);
});

Deno.test("Config.fromMapping loads only uppercase keys, extra after mapping, and returns true", () => {
  // python: Config("/r", {"EXISTING": 0}).from_mapping({...}, SECRET_KEY="k", DEBUG=False)
  const config = new Config("/r", { EXISTING: 0 });
  const rv = config.fromMapping({
    A_1: 1,
    _: 2,
    a: 3,
    Ab: 4,
    "ÄÖ": 5,
    "": 7,
    DEBUG: true,
    _PRIVATE: 8,
    "X-Y": 9,
  }, { SECRET_KEY: "k", DEBUG: false });
  assert.equal(rv, true);
  assert.deepEqual(Object.entries(config), [
    ["EXISTING", 0],
    ["A_1", 1],
    ["ÄÖ", 5],
    ["DEBUG", false],
    ["_PRIVATE", 8],
    ["X-Y", 9],
    ["SECRET_KEY", "k"],
  ]);
  // "1" has no cased character, so Flask ignores it.
  const digits = new Config("/r");
  digits.fromMapping(new Map([["1", 6]]));
  assert.deepEqual(Object.keys(digits), []);
});

Deno.test("Config.fromMapping accepts nothing, pairs and a Map", () => {
  const empty = new Config("/r");
  assert.equal(empty.fromMapping(), true);
  assert.deepEqual({ ...empty }, {});
  const pairs = new Config("/r");
  pairs.fromMapping([["PAIR", 1], ["low", 2]]);
  assert.deepEqual({ ...pairs }, { PAIR: 1 });
  const map = new Config("/r");
  map.fromMapping(new Map<string, unknown>([["FROM_MAP", [1]], ["low", 2]]));
  assert.deepEqual({ ...map }, { FROM_MAP: [1] });
  assert.throws(() => map.fromMapping("DEBUG" as never), TypeError);
  assert.throws(() => map.fromMapping([["ONLY_KEY"]] as never), TypeError);
});

Deno.test("Config.fromObject loads a class's uppercase statics, inherited too, sorted", () => {
  // python: class Base: BASE_KEY, SHARED; class Child(Base): SHARED, DEBUG, lower, _PRIVATE,
  // ZED, ALPHA; Config.from_object(Child) -> keys in dir() order
  class Base {
    static BASE_KEY = "b";
    static SHARED = "base";
  }
  class Child extends Base {
    static override SHARED = "child";
    static DEBUG = true;
    static lower = "x";
    static _PRIVATE = "p";
    static ZED = 1;
    static ALPHA = 2;
  }
  const config = new Config("/r");
  assert.equal(config.fromObject(Child), undefined);
  assert.deepEqual(Object.entries(config), [
    ["ALPHA", 2],
    ["BASE_KEY", "b"],
    ["DEBUG", true],
    ["SHARED", "child"],
    ["ZED", 1],
    ["_PRIVATE", "p"],
  ]);
});

Deno.test("Config.fromObject reads an instance's fields and its class's getters", () => {
  // python: class P: DB = "sqlite"; __init__ sets INST; @property URI -> "uri-" + DB
  class P {
    DB = "sqlite";
    INST = "i";
    lower = "no";
    get URI(): string {
      return "uri-" + this.DB;
    }
  }
  const config = new Config("/r");
  config.fromObject(new P());
  assert.deepEqual(Object.entries(config), [["DB", "sqlite"], ["INST", "i"], [
    "URI",
    "uri-sqlite",
  ]]);
});

Deno.test("Config.fromObject reads a plain object and a module namespace", async () => {
  const config = new Config("/r");
  config.fromObject({ SECRET_KEY: "s", helper: 1 });
  const settings = await import(
    "data:text/javascript,export const DEBUG = true; export const lower = 1; export const PORT = 80;"
  );
  config.fromObject(settings);
  assert.deepEqual({ ...config }, { SECRET_KEY: "s", DEBUG: true, PORT: 80 });
});

Deno.test("Config.fromObject refuses an import string, a Map and non-objects with TypeErrors", () => {
  const config = new Config("/r");
  assert.throws(
    () => config.fromObject("yourapplication.default_config" as never),
    (e: unknown) =>
      e instanceof TypeError && e.message.includes("'yourapplication.default_config'") &&
      e.message.includes("pass it"),
  );
  assert.throws(() => config.fromObject(new Map([["DEBUG", true]])), /fromMapping/);
  assert.throws(() => config.fromObject(null as never), TypeError);
  assert.throws(() => config.fromObject(5 as never), TypeError);
  assert.deepEqual(Object.keys(config), []);
});

Deno.test("Config refuses keys that would hide its methods, wherever Flask would store them", () => {
  const config = new Config("/r", { DEBUG: true });
  assert.throws(() => config.update({ get: 1 }), /"get".*UPPERCASE/s);
  assert.throws(() => config.setdefault("update", 1), TypeError);
  assert.throws(() => new Config("/r", { fromObject: 1 }), TypeError);
  assert.throws(() => config.update({ rootPath: "/x" }), TypeError);
  assert.throws(() => config.update({ constructor: 1 }), TypeError);
  assert.throws(() => config.update(JSON.parse('{"__proto__": {"EVIL": 1}}')), TypeError);
  assert.equal(Object.getPrototypeOf(config), Config.prototype);
  assert.throws(() => {
    (config as unknown as Record<string, unknown>).get = 1;
  }, TypeError);
  // The loaders ignore lowercase keys as Flask does, so a method name never reaches them.
  config.fromMapping({ get: 1, has: 2 });
  assert.equal(config.get("DEBUG"), true);
  assert.equal(config.has("DEBUG"), true);
  assert.equal(config.get("get"), undefined);
  assert.equal(config.has("get"), false);
  assert.deepEqual(Object.keys(config), ["DEBUG"]);
  // Other lowercase keys are the user's business, as in a dict.
  config.update({ lower: 1 });
  assert.equal(config.lower, 1);
});

Deno.test("Config.get, has, setdefault and update behave as the dict methods", () => {
  // python: c = Config("/r", {"A": 1}); c.get("A"), c.get("B"), c.get("B", 2),
  // c.setdefault("A", 5), c.setdefault("C", 3), c.setdefault("D") -> 1 None 2 1 3 None
  const config = new Config("/r", { A: 1 });
  assert.equal(config.get("A"), 1);
  assert.equal(config.get("B"), undefined);
  assert.equal(config.get("B", 2), 2);
  assert.equal(config.setdefault("A", 5), 1);
  assert.equal(config.setdefault("C", 3), 3);
  assert.equal(config.setdefault("D"), null);
  assert.deepEqual({ ...config }, { A: 1, C: 3, D: null });
  assert.equal(config.has("D"), true);
  config.update([["E", 5]], { A: 0 });
  config.update(new Map([["F", 6]]));
  assert.deepEqual({ ...config }, { A: 0, C: 3, D: null, E: 5, F: 6 });
});

Deno.test("Config.getNamespace trims and lowercases by default, as Flask's example", () => {
  // python: get_namespace("IMAGE_STORE_") with each combination of the two flags
  const config = new Config("/r");
  config.update({
    IMAGE_STORE_TYPE: "fs",
    IMAGE_STORE_PATH: "/var/app/images",
    IMAGE_STORE_BASE_URL: "http://img.website.com",
    OTHER: 1,
  });
  assert.deepEqual(config.getNamespace("IMAGE_STORE_"), {
    type: "fs",
    path: "/var/app/images",
    base_url: "http://img.website.com",
  });
  assert.deepEqual(config.getNamespace("IMAGE_STORE_", { lowercase: false }), {
    TYPE: "fs",
    PATH: "/var/app/images",
    BASE_URL: "http://img.website.com",
  });
  assert.deepEqual(config.getNamespace("IMAGE_STORE_", { trimNamespace: false }), {
    image_store_type: "fs",
    image_store_path: "/var/app/images",
    image_store_base_url: "http://img.website.com",
  });
  assert.deepEqual(
    config.getNamespace("IMAGE_STORE_", { lowercase: false, trimNamespace: false }),
    {
      IMAGE_STORE_TYPE: "fs",
      IMAGE_STORE_PATH: "/var/app/images",
      IMAGE_STORE_BASE_URL: "http://img.website.com",
    },
  );
  assert.deepEqual(config.getNamespace("NOPE_"), {});
});

Deno.test("Config.getNamespace keeps a key that lowercases to __proto__ as a key", () => {
  // python: Config("/r", {"X__PROTO__": 1, "X_A": 2}).get_namespace("X")
  //   -> {'__proto__': 1, '_a': 2}
  const ns = new Config("/r", { X__PROTO__: 1, X_A: 2 }).getNamespace("X");
  assert.deepEqual(Object.entries(ns), [["__proto__", 1], ["_a", 2]]);
  assert.equal(Object.getPrototypeOf(ns), Object.prototype);
});

const PREFIXED_ENV: Record<string, string> = {
  PHIALTEST_SECRET_KEY: "abc",
  PHIALTEST_DEBUG: "true",
  PHIALTEST_PORT: "5000",
  PHIALTEST_LIST: "[1, 2]",
  PHIALTEST_OBJ: '{"a": 1}',
  PHIALTEST_QUOTED: '"quoted"',
  PHIALTEST_NULL: "null",
  PHIALTEST_FLOAT: "1.5",
  PHIALTEST_DB__HOST: "localhost",
  PHIALTEST_NEW__INNER__X: "1",
  PHIALTEST_B: "b",
  PHIALTEST_A: "a",
  PHIALTEST_NEST: '{"x": 1}',
  PHIALTEST_NEST__Y: "2",
  PHIALTEST_lower: "l",
  PHIALTESTX: "ignored",
  OTHER_PHIALTEST_Z: "ignored",
  PHIALTEST_EMPTY: "",
  PHIALTEST_SPACE: " 7 ",
};

Deno.test("Config.fromPrefixedEnv parses JSON, keeps other values as strings, nests on __", () => {
  // python (child process with exactly PREFIXED_ENV): Config("/r", {"DB": {"PORT": 5432},
  // "KEEP": 1}).from_prefixed_env("PHIALTEST") -> list(c.items())
  withEnv(PREFIXED_ENV, () => {
    const config = new Config("/r", { DB: { PORT: 5432 }, KEEP: 1 });
    assert.equal(config.fromPrefixedEnv("PHIALTEST"), true);
    assert.deepEqual(Object.entries(config), [
      ["DB", { PORT: 5432, HOST: "localhost" }],
      ["KEEP", 1],
      ["A", "a"],
      ["B", "b"],
      ["DEBUG", true],
      ["EMPTY", ""],
      ["FLOAT", 1.5],
      ["LIST", [1, 2]],
      ["NEST", { x: 1, Y: 2 }],
      ["NEW", { INNER: { X: 1 } }],
      ["NULL", null],
      ["OBJ", { a: 1 }],
      ["PORT", 5000],
      ["QUOTED", "quoted"],
      ["SECRET_KEY", "abc"],
      ["SPACE", 7],
      ["lower", "l"],
    ]);
  });
});

Deno.test("Config.fromPrefixedEnv uses a custom loads, keeping what it rejects as strings", () => {
  // python: from_prefixed_env("PHIALTEST", loads=int) with PORT=5000, NAME=x, LIST=[1]
  const int = (value: string): number => {
    if (!/^\s*[+-]?\d+\s*$/.test(value)) throw new SyntaxError(`invalid int: ${value}`);
    return Number(value);
  };
  withEnv({ PHIALTEST_PORT: "5000", PHIALTEST_NAME: "x", PHIALTEST_LIST: "[1]" }, () => {
    const config = new Config("/r");
    config.fromPrefixedEnv("PHIALTEST", { loads: int });
    assert.deepEqual(Object.entries(config), [["LIST", "[1]"], ["NAME", "x"], ["PORT", 5000]]);
  });
});

Deno.test("Config.fromPrefixedEnv nests into a Map, and refuses to nest into a non-object", () => {
  // python: with S="str", N=None, I=5 in the config, PHIALTEST_S__X etc. raise TypeError
  withEnv({ PHIALTEST_M__X: "1" }, () => {
    const config = new Config("/r", { M: new Map() });
    config.fromPrefixedEnv("PHIALTEST");
    assert.deepEqual(config.M, new Map([["X", 1]]));
  });
  for (const [key, value] of [["S", "str"], ["N", null], ["I", 5]] as const) {
    withEnv({ [`PHIALTEST_${key}__X`]: "1" }, () => {
      const config = new Config("/r", { [key]: value });
      assert.throws(
        () => config.fromPrefixedEnv("PHIALTEST"),
        (e: unknown) =>
          e instanceof TypeError && e.message.includes(`PHIALTEST_${key}__X`) &&
          e.message.includes("not an object"),
      );
    });
  }
});

Deno.test("Config.fromPrefixedEnv reads FLASK_ variables by default", () => {
  withEnv({ FLASK_PHIAL_CONFIG_TEST: "[true]" }, () => {
    const config = new Config("/r");
    config.fromPrefixedEnv();
    assert.deepEqual(config.PHIAL_CONFIG_TEST, [true]);
  });
});

Deno.test("Config.fromFile loads a JSON file relative to rootPath, uppercase keys only", () => {
  // python: Config(d).from_file("config.json", load=json.load)
  withTempDir((dir) => {
    Deno.writeTextFileSync(
      `${dir}/config.json`,
      JSON.stringify({ DEBUG: true, lower: 1, NESTED: { a: 1 }, SECRET_KEY: "s" }),
    );
    const expected = { DEBUG: true, NESTED: { a: 1 }, SECRET_KEY: "s" };
    const config = new Config(dir);
    assert.equal(config.fromFile("config.json", JSON.parse), true);
    assert.deepEqual({ ...config }, expected);
    const absolute = new Config("/elsewhere");
    assert.equal(absolute.fromFile(`${dir}/config.json`, JSON.parse), true);
    assert.deepEqual({ ...absolute }, expected);
    const bytes = new Config(dir);
    assert.equal(
      bytes.fromFile("config.json", (data) => ({ T: data.constructor.name }), { text: false }),
      true,
    );
    assert.deepEqual({ ...bytes }, { T: "Uint8Array" });
  });
});

Deno.test("Config.fromFile with silent returns false for a missing file or a directory", () => {
  // python: from_file(..., silent=True) -> False for missing.json, ".", missing/x.json
  withTempDir((dir) => {
    const config = new Config(dir);
    assert.equal(config.fromFile("missing.json", JSON.parse, { silent: true }), false);
    assert.equal(config.fromFile(".", JSON.parse, { silent: true }), false);
    assert.equal(config.fromFile("missing/x.json", JSON.parse, { silent: true }), false);
    assert.deepEqual(Object.keys(config), []);
  });
});

Deno.test("Config.fromFile errors name the file as Flask's do and keep the error class", () => {
  // python: str(e) for a missing file, a directory, and a path through a file (even silent)
  withTempDir((dir) => {
    Deno.writeTextFileSync(`${dir}/config.json`, "{}");
    const config = new Config(dir);
    assert.throws(
      () => config.fromFile("missing.json", JSON.parse),
      (e: unknown) =>
        e instanceof Deno.errors.NotFound &&
        e.message ===
          `[Errno 2] Unable to load configuration file (No such file or directory): '${dir}/missing.json'`,
    );
    assert.throws(
      () => config.fromFile(".", JSON.parse),
      (e: unknown) =>
        e instanceof Deno.errors.IsADirectory &&
        e.message === `[Errno 21] Unable to load configuration file (Is a directory): '${dir}/.'`,
    );
    assert.throws(
      () => config.fromFile("config.json/x", JSON.parse, { silent: true }),
      (e: unknown) =>
        e instanceof Deno.errors.NotADirectory &&
        e.message ===
          `[Errno 20] Unable to load configuration file (Not a directory): '${dir}/config.json/x'`,
    );
  });
});

Deno.test("Config.fromFile lets the loader's own error through, even when silent", () => {
  // python: a malformed JSON file raises JSONDecodeError despite silent=True
  withTempDir((dir) => {
    Deno.writeTextFileSync(`${dir}/bad.json`, "{nope");
    const config = new Config(dir);
    assert.throws(() => config.fromFile("bad.json", JSON.parse, { silent: true }), SyntaxError);
    assert.throws(() => config.fromFile("bad.json", "json" as never), TypeError);
  });
});

Deno.test("Config.fromEnvvar loads the file the variable names, or says to set it", () => {
  // python: from_envvar with the variable unset, empty, naming a missing file, and a good one
  withTempDir((dir) => {
    const config = new Config(dir);
    const name = "PHIALTEST_CONFIG_SETTINGS";
    Deno.env.delete(name);
    assert.equal(config.fromEnvvar(name, { silent: true }), false);
    assert.throws(
      () => config.fromEnvvar(name),
      (e: unknown) =>
        e instanceof Error &&
        e.message ===
          "The environment variable 'PHIALTEST_CONFIG_SETTINGS' is not set and as such " +
            "configuration could not be loaded. Set this variable and make it point to a " +
            "configuration file",
    );
    withEnv({ [name]: "" }, () => {
      assert.equal(config.fromEnvvar(name, { silent: true }), false);
      assert.throws(() => config.fromEnvvar(name), /is not set/);
    });
    withEnv({ [name]: "missing.json" }, () => {
      assert.equal(config.fromEnvvar(name, { silent: true }), false);
      assert.throws(
        () => config.fromEnvvar(name),
        (e: unknown) =>
          e instanceof Deno.errors.NotFound &&
          e.message ===
            `[Errno 2] Unable to load configuration file (No such file or directory): '${dir}/missing.json'`,
      );
    });
    Deno.writeTextFileSync(
      `${dir}/settings.json`,
      JSON.stringify({ DEBUG: true, lower: 1, SECRET_KEY: "dev" }),
    );
    withEnv({ [name]: "settings.json" }, () => {
      assert.equal(config.fromEnvvar(name), true);
      assert.deepEqual({ ...config }, { DEBUG: true, SECRET_KEY: "dev" });
    });
  });
});

Deno.test("A Config prints as <Config {...}> in Deno, like Flask's repr", () => {
  // python: repr(Config("/r", {"DEBUG": True})) -> "<Config {'DEBUG': True}>"
  const config = new Config("/r", { DEBUG: true });
  assert.equal(Deno.inspect(config), "<Config { DEBUG: true }>");
  class AppConfig extends Config {}
  assert.equal(Deno.inspect(new AppConfig("/r")), "<AppConfig {}>");
});
