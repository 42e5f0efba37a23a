/**
 * What servers accept as an app: a `WsgiApp` function or an object with a `wsgiApp` method.
 *
 * @module
 */
import type { AppObject } from "../gateway/types.ts";
import { describeValue } from "./describe_value.ts";

/**
 * Checks that `app` is an app object: a `WsgiApp` function or an object with a `wsgiApp`
 * method.
 *
 * @param app The value to check.
 * @param what How to name the value in the error message.
 * @throws {TypeError} When it is neither.
 */
export function assertAppObject(app: unknown, what: string = "app"): asserts app is AppObject {
  if (typeof app === "function") {
    // A class cannot be called without `new`: the app is an instance of it.
    if (/^class[\s{]/.test(Function.prototype.toString.call(app))) {
      throw new TypeError(
        `${what} is not an app object: it is the class ${app.name || "(anonymous)"}; ` +
          `serve an instance of it (an object with a wsgiApp method)`,
      );
    }
    return;
  }
  if (typeof app === "object" && app !== null) {
    const wsgiApp = (app as { wsgiApp?: unknown }).wsgiApp;
    if (typeof wsgiApp === "function") return;
    throw new TypeError(
      `${what} is not an app object: it is an object without a wsgiApp method ` +
        `(wsgiApp is ${describeValue(wsgiApp)})`,
    );
  }
  throw new TypeError(
    `${what} is not an app object: expected a function (environ, startResponse) or an ` +
      `object with a wsgiApp method, got ${describeValue(app)}`,
  );
}
