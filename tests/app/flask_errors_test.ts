// Flask 3.1's tests/test_user_error_handler.py, tests/test_subclassing.py and
// tests/test_regression.py, ported to phial: one Deno.test per Flask test, named after it,
// asserting what the Flask test asserts (the expectations are Flask's own, from its test suite
// at tag 3.1.3, which Flask 3.1.3 passes). Decorators are the method calls of API.md §3,
// keyword arguments one options object; a parametrized Flask test is one Deno.test looping
// over its cases. Python's `Exception` is JavaScript's `Error`; `KeyError` is a local
// subclass of it; `type(e).__name__` is `e.constructor.name`. Flask's ValueError for a
// programmer's mistake is phial's TypeError (the house rule for bad input).
//
// Nothing in these three files is skipped.
import assert from "node:assert/strict";
import { Application } from "../../framework/app/application.ts";
import { Blueprint } from "../../framework/app/blueprint.ts";
import { redirect, urlFor } from "../../framework/app/helpers.ts";
import {
  abort,
  Forbidden,
  HTTPException,
  InternalServerError,
  NotFound,
} from "../../framework/http/exceptions.ts";
import type { ErrorStream } from "../../framework/gateway/types.ts";

/** conftest.py's `app` fixture. */
function makeApp(): Application {
  const app = new Application(import.meta.url);
  app.config.update({ TESTING: true, SECRET_KEY: "test key" });
  return app;
}

class KeyError extends Error {}

// --- test_user_error_handler.py ------------------------------------------------------------

Deno.test("test_error_handler_no_match: bad registrations fail; 500 handlers get wrapped errors", async () => {
  const app = makeApp();
  const client = app.testClient();
  class CustomException extends Error {}
  app.errorHandler(CustomException, function customExceptionHandler(e) {
    assert.ok(e instanceof CustomException);
    return "custom";
  });
  assert.throws(
    () => app.registerErrorHandler(new CustomException() as never, null as never),
    (error: unknown) =>
      error instanceof TypeError &&
      error.message.includes("CustomException() is an instance, not a class"),
  );
  assert.throws(
    () => app.registerErrorHandler(Array as never, null as never),
    (error: unknown) =>
      error instanceof TypeError && error.message.includes("'Array' is not a subclass of Error"),
  );
  app.errorHandler(500, function handle500(e) {
    assert.ok(e instanceof InternalServerError);
    if (e.originalException !== undefined && e.originalException !== null) {
      return `wrapped ${(e.originalException as Error).constructor.name}`;
    }
    return "direct";
  });
  assert.throws(
    () => app.registerErrorHandler(999, null as never),
    (error: unknown) =>
      error instanceof TypeError && /use a subclass of HTTPException/i.test(error.message),
  );
  app.route("/custom", function customTest() {
    throw new CustomException();
  });
  app.route("/keyerror", function keyError() {
    throw new KeyError();
  });
  app.route("/abort", function doAbort() {
    abort(500);
  });
  app.testing = false;
  assert.equal((await client.get("/custom")).text, "custom");
  assert.equal((await client.get("/keyerror")).text, "wrapped KeyError");
  assert.equal((await client.get("/abort")).text, "direct");
});

Deno.test("test_error_handler_subclass: the nearest registered parent class handles", async () => {
  const app = makeApp();
  class ParentException extends Error {}
  class ChildExceptionUnregistered extends ParentException {}
  class ChildExceptionRegistered extends ParentException {}
  app.errorHandler(ParentException, function parentExceptionHandler(e) {
    assert.ok(e instanceof ParentException);
    return "parent";
  });
  app.errorHandler(ChildExceptionRegistered, function childExceptionHandler(e) {
    assert.ok(e instanceof ChildExceptionRegistered);
    return "child-registered";
  });
  app.route("/parent", function parentTest() {
    throw new ParentException();
  });
  app.route("/child-unregistered", function unregisteredTest() {
    throw new ChildExceptionUnregistered();
  });
  app.route("/child-registered", function registeredTest() {
    throw new ChildExceptionRegistered();
  });
  const c = app.testClient();
  assert.equal((await c.get("/parent")).text, "parent");
  assert.equal((await c.get("/child-unregistered")).text, "parent");
  assert.equal((await c.get("/child-registered")).text, "child-registered");
});

Deno.test("test_error_handler_http_subclass: a code's handler catches its subclasses", async () => {
  const app = makeApp();
  class ForbiddenSubclassRegistered extends Forbidden {}
  class ForbiddenSubclassUnregistered extends Forbidden {}
  app.errorHandler(403, function codeExceptionHandler(e) {
    assert.ok(e instanceof Forbidden);
    return "forbidden";
  });
  app.errorHandler(ForbiddenSubclassRegistered, function subclassExceptionHandler(e) {
    assert.ok(e instanceof ForbiddenSubclassRegistered);
    return "forbidden-registered";
  });
  app.route("/forbidden", function forbiddenTest() {
    throw new Forbidden();
  });
  app.route("/forbidden-registered", function registeredTest() {
    throw new ForbiddenSubclassRegistered();
  });
  app.route("/forbidden-unregistered", function unregisteredTest() {
    throw new ForbiddenSubclassUnregistered();
  });
  const c = app.testClient();
  assert.equal((await c.get("/forbidden")).text, "forbidden");
  assert.equal((await c.get("/forbidden-unregistered")).text, "forbidden");
  assert.equal((await c.get("/forbidden-registered")).text, "forbidden-registered");
});

Deno.test("test_error_handler_blueprint: a blueprint's 500 handler for its own views", async () => {
  const app = makeApp();
  const bp = new Blueprint("bp", import.meta.url);
  bp.errorHandler(500, function bpExceptionHandler() {
    return "bp-error";
  });
  bp.route("/error", function bpTest() {
    throw new InternalServerError();
  });
  app.errorHandler(500, function appExceptionHandler() {
    return "app-error";
  });
  app.route("/error", function appTest() {
    throw new InternalServerError();
  });
  app.registerBlueprint(bp, { urlPrefix: "/bp" });
  const c = app.testClient();
  assert.equal((await c.get("/error")).text, "app-error");
  assert.equal((await c.get("/bp/error")).text, "bp-error");
});

Deno.test("test_default_error_handler: HTTPException handlers; routing redirects are not handled", async () => {
  const bp = new Blueprint("bp", import.meta.url);
  bp.errorHandler(HTTPException, function bpExceptionHandler(e) {
    assert.ok(e instanceof HTTPException);
    assert.ok(e instanceof NotFound);
    return "bp-default";
  });
  bp.errorHandler(Forbidden, function bpForbiddenHandler(e) {
    assert.ok(e instanceof Forbidden);
    return "bp-forbidden";
  });
  bp.route("/undefined", function bpRegisteredTest() {
    throw new NotFound();
  });
  bp.route("/forbidden", function bpForbiddenTest() {
    throw new Forbidden();
  });
  const app = new Application(import.meta.url);
  app.errorHandler(HTTPException, function catchallExceptionHandler(e) {
    assert.ok(e instanceof HTTPException);
    assert.ok(e instanceof NotFound);
    return "default";
  });
  app.errorHandler(Forbidden, function catchallForbiddenHandler(e) {
    assert.ok(e instanceof Forbidden);
    return "forbidden";
  });
  app.route("/forbidden", function forbidden() {
    throw new Forbidden();
  });
  app.route("/slash/", function slash() {
    return "slash";
  });
  app.registerBlueprint(bp, { urlPrefix: "/bp" });
  const c = app.testClient();
  assert.equal((await c.get("/bp/undefined")).text, "bp-default");
  assert.equal((await c.get("/bp/forbidden")).text, "bp-forbidden");
  assert.equal((await c.get("/undefined")).text, "default");
  assert.equal((await c.get("/forbidden")).text, "forbidden");
  // The RequestRedirect that adds the slash is not handled.
  assert.equal((await c.get("/slash", { followRedirects: true })).text, "slash");
});

/** TestGenericHandlers' `app` fixture. */
function genericApp(): Application {
  const app = makeApp();
  app.route("/custom", function doCustom() {
    throw new Custom();
  });
  app.route("/error", function doError() {
    throw new KeyError();
  });
  app.route("/abort", function doAbort() {
    abort(500);
  });
  app.route("/raise", function doRaise() {
    throw new InternalServerError();
  });
  app.config.PROPAGATE_EXCEPTIONS = false;
  return app;
}

class Custom extends Error {}

/** TestGenericHandlers.report_error. */
function reportError(e: unknown): string {
  const original = (e as { originalException?: unknown }).originalException;
  if (original !== undefined && original !== null) {
    return `wrapped ${(original as Error).constructor.name}`;
  }
  return `direct ${(e as Error).constructor.name}`;
}

Deno.test("TestGenericHandlers.test_handle_class_or_code: InternalServerError and 500 are aliases", async () => {
  for (const toHandle of [InternalServerError, 500]) {
    const app = genericApp();
    const client = app.testClient();
    app.errorHandler(toHandle, function handle500(e) {
      assert.ok(e instanceof InternalServerError);
      return reportError(e);
    });
    assert.equal((await client.get("/custom")).text, "wrapped Custom");
    assert.equal((await client.get("/error")).text, "wrapped KeyError");
    assert.equal((await client.get("/abort")).text, "direct InternalServerError");
    assert.equal((await client.get("/raise")).text, "direct InternalServerError");
  }
});

Deno.test("TestGenericHandlers.test_handle_generic_http: HTTPException gets HTTP errors only", async () => {
  const app = genericApp();
  const client = app.testClient();
  app.errorHandler(HTTPException, function handleHttp(e) {
    assert.ok(e instanceof HTTPException);
    return String(e.code);
  });
  assert.equal((await client.get("/error")).text, "500");
  assert.equal((await client.get("/abort")).text, "500");
  assert.equal((await client.get("/not-found")).text, "404");
});

Deno.test("TestGenericHandlers.test_handle_generic: Error handles every error directly", async () => {
  const app = genericApp();
  const client = app.testClient();
  app.errorHandler(Error, function handleException(e) {
    return reportError(e);
  });
  assert.equal((await client.get("/custom")).text, "direct Custom");
  assert.equal((await client.get("/error")).text, "direct KeyError");
  assert.equal((await client.get("/abort")).text, "direct InternalServerError");
  assert.equal((await client.get("/not-found")).text, "direct NotFound");
});

// --- test_subclassing.py -------------------------------------------------------------------

Deno.test("test_suppressed_exception_logging: an overridden logException writes nothing", async () => {
  class SuppressedApplication extends Application {
    override logException(): void {}
  }
  let out = "";
  const errorsStream: ErrorStream = {
    write(text: string) {
      out += text;
    },
    flush() {},
  };
  const app = new SuppressedApplication(import.meta.url);
  app.route("/", function index() {
    throw new Error("test");
  });
  const rv = await app.testClient().get("/", { errorsStream });
  assert.equal(rv.statusCode, 500);
  assert.ok(rv.text.includes("Internal Server Error"));
  assert.equal(out, "");
});

// --- test_regression.py --------------------------------------------------------------------

Deno.test("test_aborting: abort(redirect(...)) sends the redirect; a class's handler reads the error", async () => {
  const app = makeApp();
  class Foo extends Error {
    whatever = 42;
  }
  app.errorHandler(Foo, function handleFoo(e: Foo) {
    return String(e.whatever);
  });
  app.route("/", function index() {
    abort(redirect(urlFor("test")));
  });
  app.route("/test", function test() {
    throw new Foo();
  });
  const c = app.testClient();
  let rv = await c.get("/");
  const location = rv.headers.get("Location")!;
  const slash = location.lastIndexOf("/");
  // Older Werkzeug made absolute redirects.
  if (slash > 0) assert.equal(location.slice(0, slash), "http://localhost");
  assert.equal(location.slice(slash + 1), "test");
  rv = await c.get("/test");
  assert.equal(rv.text, "42");
});
