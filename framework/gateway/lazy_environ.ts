/**
 * An environ whose request-derived keys are filled in the first time anything could see
 * them.
 *
 * Turning a `Deno.serve` request into an environ costs more than many apps need: the URL,
 * method and remote address each cross from Rust to JavaScript, and the headers most of
 * all (Deno copies the whole list, ~0.5 µs, close to a tenth of a hello-world request).
 * A lazy environ is a `Proxy` over a plain object that holds the keys known without the
 * request (`SCRIPT_NAME`, `SERVER_PROTOCOL`, the `wsgi.*` keys...). The first operation
 * that asks for any other key (reading, writing, deleting or testing it, listing the keys,
 * spreading, serializing or printing the environ) fills all the request's keys in at once;
 * from then on it behaves exactly like an eagerly built environ.
 *
 * @module
 */
import type { Environ } from "./types.ts";

/** Fills the request-derived keys into `environ`, called at most once per environ. */
export type EnvironFill<S, T> = (environ: Environ, source: S, extra: T) => void;

/** Makes lazy environs; see {@linkcode lazyEnvirons}. */
export interface LazyEnvirons<S, T> {
  /**
   * The environ to hand to the app: `target` (a plain object holding the keys known
   * without the request) completed by the fill on first use.
   *
   * @param target The eager keys; the object must not be used directly again.
   * @param source What the fill reads from (the request).
   * @param extra A second input of the fill (the connection info).
   * @returns The lazy environ.
   */
  wrap(target: Environ, source: S, extra: T): Environ;
}

// The fill's inputs wait in these slots of the target, which the proxy's traps hide.
const SOURCE: unique symbol = Symbol("phial.environSource");
const EXTRA: unique symbol = Symbol("phial.environExtra");
const INSPECT = Symbol.for("Deno.customInspect");

const hidden = (key: string | symbol): boolean =>
  key === SOURCE || key === EXTRA || key === INSPECT;

/**
 * Makes lazy environs that `fill` completes.
 *
 * If `fill` throws (a `Deno.serve` request can no longer be read once its response has
 * been sent), the operation that triggered it throws a `TypeError` saying so, with the
 * error as its `cause`, and the next one tries again.
 *
 * The target may hold placeholders for keys the fill sets: declaring them up front keeps
 * the object's keys in one fast layout (an object that gains many keys one by one turns
 * into a slow dictionary). Only the `eager` keys are read without filling.
 *
 * @param fill Puts every request-derived key into the environ.
 * @param eager The keys a target holds real values for before the fill.
 * @returns The maker.
 */
export function lazyEnvirons<S, T>(
  fill: EnvironFill<S, T>,
  eager: ReadonlySet<string>,
): LazyEnvirons<S, T> {
  type Target = Environ & {
    [SOURCE]: S | undefined;
    [EXTRA]: T | undefined;
    [INSPECT]: typeof inspectHook;
  };

  function settle(target: Target): void {
    const source = target[SOURCE];
    if (source === undefined) return;
    try {
      fill(target, source, target[EXTRA] as T);
    } catch (error) {
      throw new TypeError(
        "The environ's request can no longer be read (has its response been sent?): read " +
          "what you need from the environ, or copy it with { ...environ }, while the " +
          "request is being served",
        { cause: error },
      );
    }
    target[SOURCE] = undefined;
    target[EXTRA] = undefined;
  }

  // Deno's console prints a proxy's target without running its traps: this hook, on the
  // target, fills the environ in first and prints its keys only.
  function inspectHook(
    this: Target,
    inspect: (value: unknown, options: unknown) => string,
    options: unknown,
  ): string {
    settle(this);
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(this)) copy[key] = this[key];
    return inspect(copy, options);
  }

  // Until the fill, only the eager keys are known.
  const unsettled = (target: Target, key: string | symbol): boolean =>
    target[SOURCE] !== undefined && !eager.has(key as string);

  const handler: ProxyHandler<Target> = {
    get(target, key) {
      if (typeof key === "symbol") return hidden(key) ? undefined : target[key as never];
      if (unsettled(target, key)) settle(target);
      return target[key];
    },
    set(target, key, value) {
      if (hidden(key)) return false;
      if (unsettled(target, key)) settle(target);
      target[key as string] = value;
      return true;
    },
    has(target, key) {
      if (hidden(key)) return false;
      if (unsettled(target, key)) settle(target);
      return key in target;
    },
    deleteProperty(target, key) {
      if (hidden(key)) return true;
      if (unsettled(target, key)) settle(target);
      return delete target[key as string];
    },
    defineProperty(target, key, descriptor) {
      if (hidden(key)) return false;
      if (unsettled(target, key)) settle(target);
      return Reflect.defineProperty(target, key, descriptor);
    },
    getOwnPropertyDescriptor(target, key) {
      if (hidden(key)) return undefined;
      if (unsettled(target, key)) settle(target);
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
    ownKeys(target) {
      settle(target);
      return Reflect.ownKeys(target).filter((key) => !hidden(key));
    },
    preventExtensions(target) {
      // A non-extensible target can hide nothing: fill it and drop the slots first.
      settle(target);
      delete target[SOURCE];
      delete target[EXTRA];
      delete (target as Partial<Target>)[INSPECT];
      return Reflect.preventExtensions(target);
    },
  };

  return {
    wrap(environ, source, extra) {
      const target = environ as Target;
      target[SOURCE] = source;
      target[EXTRA] = extra;
      target[INSPECT] = inspectHook;
      return new Proxy(target, handler);
    },
  };
}
