/**
 * `streamWithContext`: Flask's `stream_with_context`, which keeps `request`, `session`,
 * `g` and `currentApp` usable in a streamed body that runs after the view returned.
 *
 * @module
 */
import type { RequestContext } from "./ctx.ts";
import { type ContextFrame, contextStorage } from "./globals.ts";
import { appcontextPopped, appcontextPushed } from "./signals.ts";

/** A body chunk source: what a view may stream. */
export type StreamSource<T> = Iterable<T> | AsyncIterable<T>;

/** What {@linkcode streamWithContext} gives for a generator: a body that can be closed. */
export type ContextStream<T> = AsyncIterable<T> & {
  /** Stops the stream early (closing the source) and ends the request context. */
  close(): Promise<void>;
};

const OUTSIDE_MESSAGE = "streamWithContext can only be used when a request context is " +
  "active, such as in a view function.";

/**
 * Runs a streamed body inside the request that made it, as Flask's `stream_with_context`.
 *
 * The view's request ends when the view returns (its `teardownRequest` functions run then);
 * a plain generator iterated afterwards sees no request. Wrapped, each step of the
 * generator (and everything it awaits) runs in the request's context again, as Flask 3.1
 * pushes the request context again around the generator: `appcontextPushed` is sent when
 * iteration starts, and when the body is done, fails, or is closed, the request is torn
 * down again (`teardownRequest` and `teardownAppcontext` functions run a second time, with
 * the generator's error or `null`, then `appcontextPopped`), as Flask 3.1 does. JavaScript
 * has no `GeneratorExit`: a body closed early tears down with `null` where Flask passes
 * `GeneratorExit()`. The source is closed (`return()`, and its own `close()` if it has one)
 * in every case.
 *
 * Given a function instead, gives a function that calls it and wraps what it returns (the
 * decorator form).
 *
 * @param generatorOrFunction A generator (sync or async, or any iterable), or a function
 *   making one.
 * @returns The wrapped body (an async iterable with `close()`), or the wrapping function.
 * @throws {Error} Outside a request context (when the function form is called, for it).
 *
 * @example Streaming with the request after an await
 * ```ts
 * import { Application, request, streamWithContext } from "@phial/phial";
 * const app = new Application(import.meta.url);
 * app.route("/stream", () =>
 *   streamWithContext(async function* () {
 *     yield "Hello ";
 *     await new Promise((resolve) => setTimeout(resolve, 1));
 *     yield request.args.get("name") ?? "world";
 *   }()));
 * (await app.testClient().get("/stream?name=Ann")).text; // "Hello Ann"
 * ```
 */
export function streamWithContext<T>(generatorOrFunction: StreamSource<T>): ContextStream<T>;
/**
 * The decorator form of {@linkcode streamWithContext}: wraps a function making a generator,
 * so that each generator it makes runs inside the request it is called in.
 *
 * @param generatorOrFunction The function making the generator.
 * @returns A function taking the same arguments and giving the wrapped body.
 */
export function streamWithContext<A extends unknown[], T>(
  generatorOrFunction: (...args: A) => StreamSource<T>,
): (...args: A) => ContextStream<T>;
export function streamWithContext<A extends unknown[], T>(
  generatorOrFunction: StreamSource<T> | ((...args: A) => StreamSource<T>),
): ContextStream<T> | ((...args: A) => ContextStream<T>) {
  if (typeof generatorOrFunction === "function") {
    const fn = generatorOrFunction;
    const wrapped = function (this: unknown, ...args: A): ContextStream<T> {
      return streamWithContext(fn.apply(this, args));
    };
    Object.defineProperty(wrapped, "name", { value: fn.name });
    return wrapped;
  }
  const source = generatorOrFunction;
  if (
    source === null || typeof source !== "object" ||
    (typeof (source as Iterable<T>)[Symbol.iterator] !== "function" &&
      typeof (source as AsyncIterable<T>)[Symbol.asyncIterator] !== "function")
  ) {
    throw new TypeError(
      "streamWithContext needs a generator, an iterable, an async iterable, or a function " +
        `returning one; got ${source === null ? "null" : typeof source}`,
    );
  }
  const frame = contextStorage.getStore();
  if (frame === undefined || frame.request === null) throw new Error(OUTSIDE_MESSAGE);
  return new ContextBoundStream(source, frame as ContextFrame & { request: RequestContext });
}

type AnyIterator<T> = Iterator<T> | AsyncIterator<T>;

/** The wrapped body: one iteration, each step inside the captured frame. */
class ContextBoundStream<T> implements AsyncIterable<T> {
  #source: StreamSource<T>;
  #frame: ContextFrame & { request: RequestContext };
  #iterator: AnyIterator<T> | null = null;
  /** "new": not started; "running": contexts pushed; "done": torn down (or never pushed). */
  #state: "new" | "running" | "done" = "new";

  constructor(source: StreamSource<T>, frame: ContextFrame & { request: RequestContext }) {
    this.#source = source;
    this.#frame = frame;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => this.#next(),
      return: async (): Promise<IteratorResult<T>> => {
        await this.close();
        return { done: true, value: undefined };
      },
    };
  }

  #run<R>(fn: () => R): R {
    return contextStorage.run(this.#frame, fn);
  }

  async #next(): Promise<IteratorResult<T>> {
    if (this.#state === "done") return { done: true, value: undefined };
    if (this.#state === "new") {
      this.#state = "running";
      appcontextPushed.send(this.#frame.app.app);
      const source = this.#source;
      this.#iterator = this.#run(() =>
        typeof (source as AsyncIterable<T>)[Symbol.asyncIterator] === "function"
          ? (source as AsyncIterable<T>)[Symbol.asyncIterator]()
          : (source as Iterable<T>)[Symbol.iterator]()
      );
    }
    let result: IteratorResult<T>;
    try {
      result = await this.#run(() => this.#iterator!.next());
    } catch (error) {
      await this.#finish(error, false);
      throw error;
    }
    if (result.done) await this.#finish(null, false);
    return result;
  }

  /** Stops the stream: closes the source and, if iteration began, ends the request. */
  async close(): Promise<void> {
    if (this.#state === "done") return;
    if (this.#state === "new") {
      // Never iterated: the contexts were never pushed again, there is nothing to tear down.
      this.#state = "done";
      await this.#closeSource(true);
      return;
    }
    await this.#finish(null, true);
  }

  async #finish(error: unknown, early: boolean): Promise<void> {
    if (this.#state === "done") return;
    this.#state = "done";
    const frame = this.#frame;
    const app = frame.app.app;
    try {
      await this.#run(async () => {
        try {
          await this.#closeSource(early);
        } finally {
          try {
            await frame.request.close(error);
          } finally {
            await app.doTeardownAppcontext(error);
          }
        }
      });
    } finally {
      appcontextPopped.send(app);
    }
  }

  async #closeSource(early: boolean): Promise<void> {
    // Never started, a generator object is its own iterator: close that.
    const iterator = this.#iterator ?? (this.#source as Partial<AnyIterator<T>>);
    if (early && typeof iterator.return === "function") await iterator.return();
    // A wrapped gateway body, for one, has its own close().
    const close = (this.#source as { close?: unknown }).close;
    if (typeof close === "function") await close.call(this.#source);
  }
}
