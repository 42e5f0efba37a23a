/**
 * Signals: Flask's `flask.signals` and the part of the `blinker` library they are built on
 * (`Signal`, `NamedSignal`, `Namespace`), so code can subscribe to what the application does.
 *
 * @module
 */
import { isThenable } from "../gateway/is_thenable.ts";

/**
 * The "any sender" marker, as blinker's `ANY`: a receiver connected with it (or with no
 * `sender` at all) is called whatever the sender.
 *
 * @example Connecting to every sender explicitly
 * ```ts
 * import { ANY, Signal } from "@phial/phial";
 * const ready = new Signal();
 * ready.connect((sender) => console.log("ready:", sender), { sender: ANY });
 * ready.send("worker-1");
 * ```
 */
export const ANY: unique symbol = Symbol("ANY");

/** What a signal passes to its receivers: Flask's keyword arguments, as one object. */
export type SignalData = Record<string, unknown>;

/**
 * A function a signal calls: with the sender first and the data object second, as blinker
 * calls `receiver(sender, **kwargs)`. Its return value is collected by
 * {@linkcode Signal.send}.
 *
 * @typeParam Data The data object the signal sends.
 * @typeParam Sender What the signal is sent by.
 */
export type Receiver<Data extends object = SignalData, Sender = unknown> = (
  sender: Sender,
  data: Data,
) => unknown;

/** Which sender a receiver is connected to, or disconnected from. */
export interface ReceiverOptions {
  /**
   * Only sends by this sender (compared by identity; strings and numbers by value, as blinker
   * does). Omitted, `undefined` or {@linkcode ANY}: every sender.
   */
  sender?: unknown;
}

/**
 * One entry of what {@linkcode Signal.send} returns: the receiver and what it returned.
 *
 * @typeParam Data The data object the signal sends.
 * @typeParam Sender What the signal is sent by.
 */
export type SendResult<Data extends object = SignalData, Sender = unknown> = readonly [
  receiver: Receiver<Data, Sender>,
  result: unknown,
];

type AnyReceiver = (sender: never, data: never) => unknown;

// Shared by every send that calls nobody, so a signal with no receivers costs no allocation on
// a hot path such as requestStarted.
const NO_RESULTS: readonly never[] = Object.freeze([]);
const NO_DATA: SignalData = Object.freeze({});

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}

function checkReceiver(receiver: unknown, action: string): void {
  if (typeof receiver !== "function") {
    throw new TypeError(
      `Cannot ${action} the receiver: expected a function, got ${describe(receiver)}`,
    );
  }
}

function senderKey(options: ReceiverOptions | undefined, action: string): unknown {
  if (options === undefined) return ANY;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(
      `Cannot ${action} the receiver: options must be an object such as { sender }, got ${
        describe(options)
      }`,
    );
  }
  return options.sender === undefined ? ANY : options.sender;
}

/**
 * A notification emitter, as blinker's `Signal`: receivers are connected to it, and
 * {@linkcode Signal.send} calls them with a sender and a data object.
 *
 * Where JavaScript differs from blinker:
 * - Receivers are held by strong references (blinker holds weak ones by default and drops a
 *   receiver when it is garbage collected); disconnect what you no longer want called.
 * - Receivers are called in the order they were first connected (blinker's order is
 *   undefined).
 * - A receiver is identified by the function object, so two `fn.bind(obj)` are two receivers
 *   (blinker treats two bound methods of one object as one).
 * - A receiver left with no sender by `disconnect(fn, { sender })` is dropped altogether
 *   (blinker keeps an empty entry for it).
 *
 * @typeParam Data The data object the signal sends.
 * @typeParam Sender What the signal is sent by.
 *
 * @example Connecting, sending, and reading what receivers returned
 * ```ts
 * import { Signal } from "@phial/phial";
 * import assert from "node:assert/strict";
 * const saved = new Signal<{ id: number }>();
 * const log = saved.connect((sender, data) => `${sender} saved #${data.id}`);
 * assert.deepEqual(saved.send("store", { id: 7 }), [[log, "store saved #7"]]);
 * ```
 */
export class Signal<Data extends object = SignalData, Sender = unknown> {
  /** An alias of {@linkcode ANY}, as blinker's `Signal.ANY`. */
  static readonly ANY: typeof ANY = ANY;

  /** What the signal is for (blinker's `doc`), or `undefined`. */
  readonly doc: string | undefined;

  /**
   * While `true`, {@linkcode Signal.send} calls no receiver and returns an empty array; see
   * {@linkcode Signal.muted}.
   */
  isMuted: boolean = false;

  // Each receiver with the senders it is connected to (ANY for all). A Map keeps connection
  // order, which fixes the order receivers are called in.
  // Keyed by a receiver type that any receiver fits, so the field does not pin Data and Sender.
  #senders: Map<AnyReceiver, Set<unknown>> = new Map();

  /**
   * Makes a signal with no receivers.
   *
   * @param doc What the signal is for.
   */
  constructor(doc?: string) {
    if (doc !== undefined && typeof doc !== "string") {
      throw new TypeError(`Cannot make a signal: doc must be a string, got ${describe(doc)}`);
    }
    this.doc = doc;
  }

  /**
   * How many receivers are connected, whatever their senders; `0` is falsy, so
   * `if (signal.receivers)` reads as blinker's `if signal.receivers:`.
   *
   * @returns The number of connected receivers.
   */
  get receivers(): number {
    return this.#senders.size;
  }

  /**
   * Connects `receiver`, to be called on every send, or with `{ sender }` only on that sender's
   * sends. Connecting a receiver again adds senders to it; it is still called once per send.
   *
   * @param receiver The function to call with `(sender, data)`.
   * @param options `sender`: only that sender's sends (by identity).
   * @returns `receiver`, so a function can be defined and connected in one expression.
   * @throws {TypeError} When `receiver` is not a function.
   *
   * @example Connecting to one sender only
   * ```ts
   * import { Signal } from "@phial/phial";
   * import assert from "node:assert/strict";
   * const tick = new Signal();
   * const seen: unknown[] = [];
   * const appA = {}, appB = {};
   * tick.connect((sender) => seen.push(sender), { sender: appA });
   * tick.send(appB);
   * tick.send(appA);
   * assert.deepEqual(seen, [appA]);
   * ```
   */
  connect<R extends Receiver<Data, Sender>>(receiver: R, options?: ReceiverOptions): R {
    checkReceiver(receiver, "connect");
    const sender = senderKey(options, "connect");
    const senders = this.#senders.get(receiver);
    if (senders === undefined) this.#senders.set(receiver, new Set([sender]));
    else senders.add(sender);
    return receiver;
  }

  /**
   * Disconnects `receiver` from every sender, or with `{ sender }` from that sender only (a
   * receiver connected to every sender then still gets that sender's sends, as in blinker).
   * Disconnecting a receiver that is not connected does nothing.
   *
   * @param receiver A connected receiver.
   * @param options `sender`: disconnect from this sender only.
   * @returns Nothing.
   * @throws {TypeError} When `receiver` is not a function.
   *
   * @example Disconnecting
   * ```ts
   * import { Signal } from "@phial/phial";
   * import assert from "node:assert/strict";
   * const tick = new Signal();
   * const receiver = tick.connect(() => "called");
   * tick.disconnect(receiver);
   * assert.deepEqual(tick.send(), []);
   * ```
   */
  disconnect(receiver: Receiver<Data, Sender>, options?: ReceiverOptions): void {
    checkReceiver(receiver, "disconnect");
    const sender = senderKey(options, "disconnect");
    if (sender === ANY) {
      this.#senders.delete(receiver);
      return;
    }
    const senders = this.#senders.get(receiver);
    if (senders === undefined) return;
    senders.delete(sender);
    if (senders.size === 0) this.#senders.delete(receiver);
  }

  /**
   * Whether a send by `sender` would call at least one receiver. With {@linkcode ANY}, whether
   * any receiver is connected to every sender.
   *
   * @param sender The sender to check.
   * @returns `true` when some receiver is connected to `sender` or to every sender.
   *
   * @example Checking before building an expensive data object
   * ```ts
   * import { Signal } from "@phial/phial";
   * import assert from "node:assert/strict";
   * const tick = new Signal();
   * assert.equal(tick.hasReceiversFor("app"), false);
   * tick.connect(() => {}, { sender: "app" });
   * assert.equal(tick.hasReceiversFor("app"), true);
   * assert.equal(tick.hasReceiversFor("other"), false);
   * ```
   */
  hasReceiversFor(sender: unknown): boolean {
    for (const senders of this.#senders.values()) {
      if (senders.has(ANY) || senders.has(sender)) return true;
    }
    return false;
  }

  /**
   * The receivers a send by `sender` would call, in the order they would be called.
   *
   * @param sender The sender to look up.
   * @returns A new array of receivers connected to `sender` or to every sender.
   *
   * @example Listing receivers
   * ```ts
   * import { Signal } from "@phial/phial";
   * import assert from "node:assert/strict";
   * const tick = new Signal();
   * const everyone = tick.connect(() => {});
   * tick.connect(() => {}, { sender: "other" });
   * assert.deepEqual(tick.receiversFor("app"), [everyone]);
   * ```
   */
  receiversFor(sender: unknown): Receiver<Data, Sender>[] {
    const receivers: Receiver<Data, Sender>[] = [];
    for (const [receiver, senders] of this.#senders) {
      if (senders.has(ANY) || senders.has(sender)) {
        receivers.push(receiver as Receiver<Data, Sender>);
      }
    }
    return receivers;
  }

  /**
   * Calls every receiver connected to `sender` or to every sender with `(sender, data)`, in
   * connection order. A receiver connected while sending is not called this time; one
   * disconnected by an earlier receiver is skipped. A receiver that throws stops the send and
   * the error propagates, as in blinker.
   *
   * Unlike blinker, which refuses coroutine functions here, a receiver may return a promise:
   * it is returned as that receiver's result, not awaited. Use {@linkcode Signal.sendAsync} to
   * wait for such receivers.
   *
   * @param sender Who sends; receivers connected to another sender are not called.
   * @param data What the receivers get as their second argument (Flask's keyword arguments);
   *   a frozen empty object when omitted.
   * @returns `[receiver, result]` pairs in call order. When no receiver is called (none
   *   connected, none for this sender, or muted), one shared frozen empty array.
   *
   * @example Sending with data
   * ```ts
   * import { Signal } from "@phial/phial";
   * import assert from "node:assert/strict";
   * const finished = new Signal<{ status: number }>();
   * const statuses: number[] = [];
   * finished.connect((_sender, { status }) => statuses.push(status));
   * finished.send("app", { status: 200 });
   * assert.deepEqual(statuses, [200]);
   * ```
   */
  send(sender?: Sender, data?: Data): readonly SendResult<Data, Sender>[] {
    if (this.#senders.size === 0 || this.isMuted) return NO_RESULTS;
    const receivers = this.receiversFor(sender);
    if (receivers.length === 0) return NO_RESULTS;
    const payload = data ?? (NO_DATA as Data);
    const results: SendResult<Data, Sender>[] = [];
    for (const receiver of receivers) {
      if (!this.#senders.has(receiver)) continue;
      results.push([receiver, receiver(sender as Sender, payload)]);
    }
    return results;
  }

  /**
   * As {@linkcode Signal.send}, but awaits each receiver's result before calling the next,
   * as blinker's `send_async` awaits each coroutine in turn. Unlike blinker, which refuses
   * plain functions here unless given a wrapper, a receiver that returns a plain value is
   * fine: awaiting it gives the value, which is what a JavaScript caller expects.
   *
   * @param sender Who sends; receivers connected to another sender are not called.
   * @param data What the receivers get as their second argument.
   * @returns A promise of `[receiver, awaited result]` pairs in call order; it rejects with
   *   the first receiver's error, and later receivers are not called.
   *
   * @example Waiting for async receivers
   * ```ts
   * import { Signal } from "@phial/phial";
   * import assert from "node:assert/strict";
   * const stored = new Signal<{ key: string }>();
   * const write = stored.connect(async (_sender, { key }) => {
   *   await Promise.resolve();
   *   return `wrote ${key}`;
   * });
   * assert.deepEqual(await stored.sendAsync("cache", { key: "a" }), [[write, "wrote a"]]);
   * ```
   */
  async sendAsync(sender?: Sender, data?: Data): Promise<readonly SendResult<Data, Sender>[]> {
    if (this.#senders.size === 0 || this.isMuted) return NO_RESULTS;
    const receivers = this.receiversFor(sender);
    if (receivers.length === 0) return NO_RESULTS;
    const payload = data ?? (NO_DATA as Data);
    const results: SendResult<Data, Sender>[] = [];
    for (const receiver of receivers) {
      if (!this.#senders.has(receiver)) continue;
      results.push([receiver, await receiver(sender as Sender, payload)]);
    }
    return results;
  }

  /**
   * Connects `receiver` while `body` runs, then disconnects it from every sender even when
   * `body` throws or its promise rejects: blinker's `connected_to` context manager, handy in
   * tests. As in blinker, a receiver that was already connected is disconnected too.
   *
   * @param receiver The function to connect for the duration.
   * @param body What to run; when it returns a promise, the receiver stays connected until the
   *   promise settles.
   * @param options `sender`: only that sender's sends.
   * @returns What `body` returned (for an async `body`, a promise of its value).
   * @throws {TypeError} When `receiver` or `body` is not a function.
   *
   * @example Recording what a block sends
   * ```ts
   * import { Signal } from "@phial/phial";
   * import assert from "node:assert/strict";
   * const flashed = new Signal<{ message: string }>();
   * const messages: string[] = [];
   * flashed.connectedTo((_sender, { message }) => messages.push(message), () => {
   *   flashed.send("app", { message: "Saved" });
   * });
   * flashed.send("app", { message: "not recorded" });
   * assert.deepEqual(messages, ["Saved"]);
   * ```
   */
  connectedTo<T>(
    receiver: Receiver<Data, Sender>,
    body: () => T,
    options?: ReceiverOptions,
  ): T {
    checkReceiver(receiver, "connect");
    if (typeof body !== "function") {
      throw new TypeError(
        `Cannot run connectedTo: body must be a function, got ${describe(body)}`,
      );
    }
    this.connect(receiver, options);
    let result: T;
    try {
      result = body();
    } catch (error) {
      this.disconnect(receiver);
      throw error;
    }
    if (isThenable(result)) {
      return Promise.resolve(result).finally(() => this.disconnect(receiver)) as T;
    }
    this.disconnect(receiver);
    return result;
  }

  /**
   * Mutes the signal while `body` runs (its sends call nobody and return an empty array),
   * then restores {@linkcode Signal.isMuted}, even when `body` throws or its promise
   * rejects: blinker's `muted` context manager.
   *
   * @param body What to run; when it returns a promise, the signal stays muted until the
   *   promise settles.
   * @returns What `body` returned.
   * @throws {TypeError} When `body` is not a function.
   *
   * @example Silencing a signal in a test
   * ```ts
   * import { Signal } from "@phial/phial";
   * import assert from "node:assert/strict";
   * const tick = new Signal();
   * tick.connect(() => "called");
   * assert.deepEqual(tick.muted(() => tick.send()), []);
   * ```
   */
  muted<T>(body: () => T): T {
    if (typeof body !== "function") {
      throw new TypeError(`Cannot run muted: body must be a function, got ${describe(body)}`);
    }
    const before = this.isMuted;
    this.isMuted = true;
    let result: T;
    try {
      result = body();
    } catch (error) {
      this.isMuted = before;
      throw error;
    }
    if (isThenable(result)) {
      return Promise.resolve(result).finally(() => {
        this.isMuted = before;
      }) as T;
    }
    this.isMuted = before;
    return result;
  }
}

/**
 * A signal with a name, as blinker's `NamedSignal`; the name is the signal's key in its
 * {@linkcode Namespace}.
 *
 * @typeParam Data The data object the signal sends.
 * @typeParam Sender What the signal is sent by.
 *
 * @example A named signal
 * ```ts
 * import { NamedSignal } from "@phial/phial";
 * import assert from "node:assert/strict";
 * const published = new NamedSignal("post-published");
 * assert.equal(published.name, "post-published");
 * ```
 */
export class NamedSignal<Data extends object = SignalData, Sender = unknown>
  extends Signal<Data, Sender> {
  /** The signal's name. */
  readonly name: string;

  /**
   * Makes a named signal with no receivers.
   *
   * @param name The signal's name.
   * @param doc What the signal is for.
   */
  constructor(name: string, doc?: string) {
    if (typeof name !== "string") {
      throw new TypeError(`Cannot make a signal: name must be a string, got ${describe(name)}`);
    }
    super(doc);
    this.name = name;
  }
}

/**
 * Named signals by name, as blinker's `Namespace` (a dict): give your extension or app its
 * own, and get its signals with {@linkcode Namespace.signal}.
 *
 * @example Signals of your own
 * ```ts
 * import { Namespace } from "@phial/phial";
 * import assert from "node:assert/strict";
 * const mySignals = new Namespace();
 * const modelSaved = mySignals.signal<{ id: number }>("model-saved");
 * assert.equal(mySignals.signal("model-saved"), modelSaved);
 * assert.equal(modelSaved.name, "model-saved");
 * ```
 */
// deno-lint-ignore no-explicit-any -- a namespace holds signals whatever data they send
export class Namespace extends Map<string, NamedSignal<any, any>> {
  /**
   * The signal called `name` in this namespace, made on first use: the same name gives the
   * same signal.
   *
   * @typeParam Data The data object the signal sends (not checked against an existing signal).
   * @typeParam Sender What the signal is sent by.
   * @param name The signal's name.
   * @param doc What the signal is for, used only when the signal is made.
   * @returns The signal.
   * @throws {TypeError} When `name` is not a string.
   */
  signal<Data extends object = SignalData, Sender = unknown>(
    name: string,
    doc?: string,
  ): NamedSignal<Data, Sender> {
    if (typeof name !== "string") {
      throw new TypeError(`Cannot get a signal: name must be a string, got ${describe(name)}`);
    }
    let signal = this.get(name);
    if (signal === undefined) {
      signal = new NamedSignal(name, doc);
      this.set(name, signal);
    }
    return signal as unknown as NamedSignal<Data, Sender>;
  }
}

// Flask's own signals; apps and extensions make their own Namespace.
const flaskSignals = new Namespace();

/**
 * Sent after a template is rendered, with `{ template, context }` (Flask's
 * `template_rendered`); the sender is the application.
 *
 * @example Recording rendered templates in a test
 * ```ts
 * import { templateRendered } from "@phial/phial";
 * const rendered: unknown[] = [];
 * templateRendered.connect((_app, { template }) => rendered.push(template));
 * ```
 */
export const templateRendered: NamedSignal<{ template: unknown; context: SignalData }> =
  flaskSignals.signal("template-rendered");

/**
 * Sent before a template is rendered, with `{ template, context }` (Flask's
 * `before_render_template`); a receiver may change `context`. The sender is the application.
 *
 * @example Adding a variable to every template
 * ```ts
 * import { beforeRenderTemplate } from "@phial/phial";
 * beforeRenderTemplate.connect((_app, { context }) => {
 *   context.year = 2025;
 * });
 * ```
 */
export const beforeRenderTemplate: NamedSignal<{ template: unknown; context: SignalData }> =
  flaskSignals.signal("before-render-template");

/**
 * Sent when a request context is set up, before any request handling, with no data (Flask's
 * `request_started`); the sender is the application.
 *
 * @example Counting requests
 * ```ts
 * import { requestStarted } from "@phial/phial";
 * let requests = 0;
 * requestStarted.connect(() => requests++);
 * ```
 */
export const requestStarted: NamedSignal = flaskSignals.signal("request-started");

/**
 * Sent right before the response is handed to the server, with `{ response }` (Flask's
 * `request_finished`); the sender is the application.
 *
 * @example Logging status codes
 * ```ts
 * import { requestFinished } from "@phial/phial";
 * requestFinished.connect((_app, { response }) => console.log(response));
 * ```
 */
export const requestFinished: NamedSignal<{ response: unknown }> = flaskSignals.signal(
  "request-finished",
);

/**
 * Sent when an unhandled error occurs while handling a request, with `{ exception }`, before
 * the error handlers run (Flask's `got_request_exception`); the sender is the application.
 *
 * @example Reporting errors
 * ```ts
 * import { gotRequestException } from "@phial/phial";
 * gotRequestException.connect((_app, { exception }) => console.error(exception));
 * ```
 */
export const gotRequestException: NamedSignal<{ exception: unknown }> = flaskSignals.signal(
  "got-request-exception",
);

/**
 * Sent when the request context is torn down, with `{ exc }`: the error that ended the request,
 * or `null` (Flask's `request_tearing_down`). The sender is the application.
 *
 * @example Cleaning up after each request
 * ```ts
 * import { requestTearingDown } from "@phial/phial";
 * requestTearingDown.connect((_app, { exc }) => {
 *   if (exc !== null) console.error("request failed:", exc);
 * });
 * ```
 */
export const requestTearingDown: NamedSignal<{ exc: unknown }> = flaskSignals.signal(
  "request-tearing-down",
);

/**
 * Sent when the application context is torn down, with `{ exc }`: the error, or `null`
 * (Flask's `appcontext_tearing_down`). The sender is the application.
 *
 * @example Closing a connection kept for the context
 * ```ts
 * import { appcontextTearingDown } from "@phial/phial";
 * appcontextTearingDown.connect(() => {
 *   // close what the context opened
 * });
 * ```
 */
export const appcontextTearingDown: NamedSignal<{ exc: unknown }> = flaskSignals.signal(
  "appcontext-tearing-down",
);

/**
 * Sent when an application context is pushed, with no data (Flask's `appcontext_pushed`);
 * the sender is the application.
 *
 * @example Preparing state for a context in tests
 * ```ts
 * import { appcontextPushed } from "@phial/phial";
 * appcontextPushed.connect((app) => console.log("context pushed for", app));
 * ```
 */
export const appcontextPushed: NamedSignal = flaskSignals.signal("appcontext-pushed");

/**
 * Sent when an application context is popped, with no data (Flask's `appcontext_popped`);
 * the sender is the application.
 *
 * @example Noticing the end of a context
 * ```ts
 * import { appcontextPopped } from "@phial/phial";
 * appcontextPopped.connect((app) => console.log("context popped for", app));
 * ```
 */
export const appcontextPopped: NamedSignal = flaskSignals.signal("appcontext-popped");

/**
 * Sent when a message is flashed, with `{ message, category }` (Flask's `message_flashed`);
 * the sender is the application.
 *
 * @example Recording flashed messages in a test
 * ```ts
 * import { messageFlashed } from "@phial/phial";
 * const flashes: string[] = [];
 * messageFlashed.connect((_app, { message, category }) => flashes.push(`${category}: ${message}`));
 * ```
 */
export const messageFlashed: NamedSignal<{ message: string; category: string }> = flaskSignals
  .signal("message-flashed");
