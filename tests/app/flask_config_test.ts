// Flask 3.1's tests/test_config.py, ported to phial: one Deno.test per Flask test, named
// after it, asserting what the Flask test asserts (the expectations are Flask's own, from
// its test suite at tag 3.1.3, which Flask 3.1.3 passes). `monkeypatch.setenv` is
// Deno.env, restored afterwards; Flask's static/config.json is written to a temporary folder.
//
// Not ported: test_config_from_pyfile, test_config_missing and
// test_from_pyfile_weird_encoding (from_pyfile executes Python), test_config_from_file_toml
// (tomllib: phial has no TOML parser and no dependencies), test_custom_config_class (needs a
// configClass on Application, see the report).
import assert from "node:assert/strict";
import { join } from "node:path";
import { Application } from "../../framework/app/application.ts";
import * as thisModule from "./flask_config_test.ts";

// The config keys of Flask's test module, read by test_config_from_object.
/** The module's TEST_KEY, as Flask's test module has. */
export const TEST_KEY = "foo";
/** The module's SECRET_KEY, as Flask's test module has. */
export const SECRET_KEY = "config";

function commonObjectTest(app: Application): void {
  assert.equal(app.secretKey, "config");
  assert.equal(app.config.TEST_KEY, "foo");
  assert.ok(!app.config.has("TestConfig"));
}

function makeApp(): Application {
  return new Application(import.meta.url);
}

/** monkeypatch.setenv / delenv: sets (or, for `undefined`, deletes) variables for `fn`. */
function withEnv(vars: Record<string, string | undefined>, fn: () => void): void {
  const saved = Object.keys(vars).map((k) => [k, Deno.env.get(k)] as const);
  try {
    for (const [k, v] of Object.entries(vars)) {
      if (v === undefined) Deno.env.delete(k);
      else Deno.env.set(k, v);
    }
    fn();
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) Deno.env.delete(k);
      else Deno.env.set(k, v);
    }
  }
}

/** A temporary folder holding Flask's tests/static/config.json. */
function withStaticConfig(fn: (dir: string) => void): void {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(
      join(dir, "config.json"),
      '{\n    "TEST_KEY": "foo",\n    "SECRET_KEY": "config"\n}\n',
    );
    fn(dir);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

const MISSING_PREFIX = "[Errno 2] Unable to load configuration file (No such file or directory):";

Deno.test("test_config_from_object: a module's uppercase names are loaded", () => {
  // from_object(__name__): phial takes the module namespace itself.
  const app = makeApp();
  app.config.fromObject(thisModule);
  commonObjectTest(app);
});

Deno.test("test_config_from_file_json: fromFile with a JSON loader", () => {
  withStaticConfig((dir) => {
    const app = makeApp();
    app.config.fromFile(join(dir, "config.json"), JSON.parse);
    commonObjectTest(app);
  });
});

Deno.test("test_from_prefixed_env: FLASK_ variables are loaded and parsed as JSON", () => {
  withEnv({
    FLASK_STRING: "value",
    FLASK_BOOL: "true",
    FLASK_INT: "1",
    FLASK_FLOAT: "1.2",
    FLASK_LIST: "[1, 2]",
    FLASK_DICT: '{"k": "v"}',
    NOT_FLASK_OTHER: "other",
  }, () => {
    const app = makeApp();
    app.config.fromPrefixedEnv();
    assert.equal(app.config.STRING, "value");
    assert.equal(app.config.BOOL, true);
    assert.equal(app.config.INT, 1);
    assert.equal(app.config.FLOAT, 1.2);
    assert.deepEqual(app.config.LIST, [1, 2]);
    assert.deepEqual(app.config.DICT, { k: "v" });
    assert.ok(!app.config.has("OTHER"));
  });
});

Deno.test("test_from_prefixed_env_custom_prefix: another prefix is read instead", () => {
  withEnv({ FLASK_A: "a", NOT_FLASK_A: "b" }, () => {
    const app = makeApp();
    app.config.fromPrefixedEnv("NOT_FLASK");
    assert.equal(app.config.A, "b");
  });
});

Deno.test("test_from_prefixed_env_nested: __ sets keys inside existing and new objects", () => {
  withEnv({
    FLASK_EXIST__ok: "other",
    FLASK_EXIST__inner__ik: "2",
    FLASK_EXIST__new__more: '{"k": false}',
    FLASK_NEW__K: "v",
  }, () => {
    const app = makeApp();
    app.config.EXIST = { ok: "value", flag: true, inner: { ik: 1 } };
    app.config.fromPrefixedEnv();
    if (Deno.build.os !== "windows") {
      assert.deepEqual(app.config.EXIST, {
        ok: "other",
        flag: true,
        inner: { ik: 2 },
        new: { more: { k: false } },
      });
    } else {
      // Windows environment variable names are always uppercase.
      assert.deepEqual(app.config.EXIST, {
        ok: "value",
        OK: "other",
        flag: true,
        inner: { ik: 1 },
        INNER: { IK: 2 },
        NEW: { MORE: { k: false } },
      });
    }
    assert.deepEqual(app.config.NEW, { K: "v" });
  });
});

Deno.test("test_config_from_mapping: objects, pairs and keyword arguments", () => {
  let app = makeApp();
  app.config.fromMapping({ SECRET_KEY: "config", TEST_KEY: "foo" });
  commonObjectTest(app);

  app = makeApp();
  app.config.fromMapping([["SECRET_KEY", "config"], ["TEST_KEY", "foo"]]);
  commonObjectTest(app);

  // Flask's keyword arguments are phial's second argument.
  app = makeApp();
  app.config.fromMapping(null, { SECRET_KEY: "config", TEST_KEY: "foo" });
  commonObjectTest(app);

  app = makeApp();
  app.config.fromMapping(null, { SECRET_KEY: "config", TEST_KEY: "foo", skip_key: "skip" });
  commonObjectTest(app);
  assert.ok(!app.config.has("skip_key"));

  // Flask's from_mapping({}, {}) is a TypeError for a second positional mapping; phial's
  // second parameter is the keyword arguments, so the mistake left is a value that is no
  // mapping at all.
  app = makeApp();
  assert.throws(() => app.config.fromMapping(42 as never), TypeError);
});

Deno.test("test_config_from_class: a class's uppercase statics, inherited too", () => {
  class Base {
    static TEST_KEY = "foo";
  }
  class Test extends Base {
    static SECRET_KEY = "config";
  }
  const app = makeApp();
  app.config.fromObject(Test);
  commonObjectTest(app);
});

Deno.test("test_config_from_envvar: an unset variable throws, or is skipped when silent", () => {
  // Flask's from_envvar runs a Python file; phial's reads a data file (JSON by default).
  withStaticConfig((dir) => {
    withEnv({ FOO_SETTINGS: undefined }, () => {
      const app = makeApp();
      assert.throws(
        () => app.config.fromEnvvar("FOO_SETTINGS"),
        (e: unknown) => e instanceof Error && e.message.includes("'FOO_SETTINGS' is not set"),
      );
      assert.equal(app.config.fromEnvvar("FOO_SETTINGS", { silent: true }), false);

      Deno.env.set("FOO_SETTINGS", join(dir, "config.json"));
      assert.equal(app.config.fromEnvvar("FOO_SETTINGS"), true);
      commonObjectTest(app);
    });
  });
});

Deno.test("test_config_from_envvar_missing: a missing file names itself as Flask does", () => {
  withEnv({ FOO_SETTINGS: "missing.cfg" }, () => {
    const app = makeApp();
    assert.throws(
      () => app.config.fromEnvvar("FOO_SETTINGS"),
      (e: unknown) =>
        e instanceof Deno.errors.NotFound && e.message.startsWith(MISSING_PREFIX) &&
        e.message.endsWith("missing.cfg'"),
    );
    assert.equal(app.config.fromEnvvar("FOO_SETTINGS", { silent: true }), false);
  });
});

Deno.test("test_config_missing_file: fromFile of a missing file names it as Flask does", () => {
  const app = makeApp();
  assert.throws(
    () => app.config.fromFile("missing.json", JSON.parse),
    (e: unknown) =>
      e instanceof Deno.errors.NotFound && e.message.startsWith(MISSING_PREFIX) &&
      e.message.endsWith("missing.json'"),
  );
  assert.equal(app.config.fromFile("missing.json", JSON.parse, { silent: true }), false);
});

Deno.test("test_session_lifetime: PERMANENT_SESSION_LIFETIME is the lifetime in seconds", () => {
  const app = makeApp();
  app.config.PERMANENT_SESSION_LIFETIME = 42;
  // Flask's timedelta(.seconds); phial's lifetime is a number of seconds.
  assert.equal(app.permanentSessionLifetime, 42);
});

Deno.test("test_get_namespace: trimmed and lowercased keys by default, or kept", () => {
  const app = makeApp();
  app.config.FOO_OPTION_1 = "foo option 1";
  app.config.FOO_OPTION_2 = "foo option 2";
  app.config.BAR_STUFF_1 = "bar stuff 1";
  app.config.BAR_STUFF_2 = "bar stuff 2";
  let fooOptions = app.config.getNamespace("FOO_");
  assert.equal(Object.keys(fooOptions).length, 2);
  assert.equal(fooOptions.option_1, "foo option 1");
  assert.equal(fooOptions.option_2, "foo option 2");
  let barOptions = app.config.getNamespace("BAR_", { lowercase: false });
  assert.equal(Object.keys(barOptions).length, 2);
  assert.equal(barOptions.STUFF_1, "bar stuff 1");
  assert.equal(barOptions.STUFF_2, "bar stuff 2");
  fooOptions = app.config.getNamespace("FOO_", { trimNamespace: false });
  assert.equal(Object.keys(fooOptions).length, 2);
  assert.equal(fooOptions.foo_option_1, "foo option 1");
  assert.equal(fooOptions.foo_option_2, "foo option 2");
  barOptions = app.config.getNamespace("BAR_", { lowercase: false, trimNamespace: false });
  assert.equal(Object.keys(barOptions).length, 2);
  assert.equal(barOptions.BAR_STUFF_1, "bar stuff 1");
  assert.equal(barOptions.BAR_STUFF_2, "bar stuff 2");
});
