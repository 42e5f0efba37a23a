/**
 * Signals against blinker 1.9 (as Flask 3.1 uses it). Recorded in Python with blinker 1.9.0
 * (receivers connected with weak=False, senders plain objects A and B): double connect calls
 * once; a receiver connected to ANY and to A is called once for A; sender filtering (a
 * receiver for A is not called for B, nor for a send with no sender); disconnect without a
 * sender drops every sender; disconnect from A keeps B, and does not stop a receiver
 * connected to ANY from getting A; send returns (receiver, return value) pairs and passes the
 * keyword arguments (here the data object); a raising receiver propagates; muted sends call
 * nobody and return []; connected_to disconnects on exit, even on an error and even a
 * receiver connected before it; has_receivers_for / receivers_for; a receiver connected
 * during a send is not called, one fully disconnected by an earlier receiver is skipped;
 * string and int senders match by value; Namespace.signal returns one signal per name; the
 * names of Flask's ten signals. Order of calls is phial's choice (connection order): blinker's
 * is undefined. Async receivers, sendAsync, and the shared empty result are JavaScript's own.
 */
import assert from "node:assert/strict";
import {
  ANY,
  appcontextPopped,
  appcontextPushed,
  appcontextTearingDown,
  beforeRenderTemplate,
  gotRequestException,
  messageFlashed,
  NamedSignal,
  Namespace,
  type Receiver,
  requestFinished,
  requestStarted,
  requestTearingDown,
  Signal,
  templateRendered,
} from "../../framework/app/mod.ts";
import * as root from "../../mod.ts";

const A = { name: "A" };
const B = { name: "B" };

function recorder(tag: string, calls: unknown[][], result: unknown = tag): Receiver {
  return (sender, data) => {
    calls.push([tag, sender, data]);
    return result;
  };
}

Deno.test("Signal.send calls a receiver connected twice once, with sender and data", () => {
  const signal = new Signal();
  const calls: unknown[][] = [];
  const f = recorder("f", calls);
  assert.equal(signal.connect(f), f);
  signal.connect(f);
  assert.deepEqual(signal.send(A, { x: 1 }), [[f, "f"]]);
  assert.deepEqual(calls, [["f", A, { x: 1 }]]);
  assert.equal(signal.receivers, 1);
});

Deno.test("Signal.send calls a receiver connected to every sender and to A once for A", () => {
  const signal = new Signal();
  const calls: unknown[][] = [];
  const f = recorder("f", calls);
  signal.connect(f);
  signal.connect(f, { sender: A });
  assert.deepEqual(signal.send(A), [[f, "f"]]);
  assert.equal(calls.length, 1);
});

Deno.test("Signal.send calls receivers for that sender and for every sender only", () => {
  const signal = new Signal();
  const calls: unknown[][] = [];
  const fa = recorder("fa", calls);
  const fany = recorder("fany", calls);
  signal.connect(fa, { sender: A });
  signal.connect(fany);
  assert.deepEqual(signal.send(B), [[fany, "fany"]]);
  assert.deepEqual(signal.send(A), [[fa, "fa"], [fany, "fany"]]);
  assert.deepEqual(signal.send(), [[fany, "fany"]]);
  assert.deepEqual(calls.map(([tag, sender]) => [tag, sender]), [
    ["fany", B],
    ["fa", A],
    ["fany", A],
    ["fany", undefined],
  ]);
});

Deno.test("Signal.send calls receivers in the order they were first connected", () => {
  const signal = new Signal();
  const order: string[] = [];
  const first = signal.connect(() => order.push("first"));
  signal.connect(() => order.push("second"), { sender: A });
  signal.connect(() => order.push("third"));
  signal.connect(first, { sender: A });
  signal.send(A);
  assert.deepEqual(order, ["first", "second", "third"]);
});

Deno.test("Signal.send gives the receiver a frozen empty object when no data is sent", () => {
  const signal = new Signal();
  let seen: unknown;
  signal.connect((_sender, data) => (seen = data));
  signal.send(A);
  assert.deepEqual(seen, {});
  assert.ok(Object.isFrozen(seen));
});

Deno.test("Signal.send matches string and number senders by value", () => {
  const signal = new Signal();
  const calls: unknown[][] = [];
  const f = recorder("f", calls);
  signal.connect(f, { sender: "app" });
  signal.connect(f, { sender: 1 });
  assert.equal(signal.send(["ap", "p"].join("")).length, 1);
  assert.equal(signal.send(1).length, 1);
  assert.equal(signal.send("other").length, 0);
});

Deno.test("Signal.disconnect without a sender disconnects from every sender", () => {
  const signal = new Signal();
  const calls: unknown[][] = [];
  const f = recorder("f", calls);
  signal.connect(f, { sender: A });
  signal.connect(f, { sender: B });
  signal.disconnect(f);
  assert.deepEqual(signal.send(A), []);
  assert.deepEqual(signal.send(B), []);
  assert.equal(signal.receivers, 0);
  assert.deepEqual(calls, []);
});

Deno.test("Signal.disconnect with a sender keeps the receiver's other senders", () => {
  const signal = new Signal();
  const calls: unknown[][] = [];
  const f = recorder("f", calls);
  signal.connect(f, { sender: A });
  signal.connect(f, { sender: B });
  signal.disconnect(f, { sender: A });
  assert.deepEqual(signal.send(A), []);
  assert.deepEqual(signal.send(B), [[f, "f"]]);
});

Deno.test("Signal.disconnect from one sender leaves a receiver connected to every sender", () => {
  const signal = new Signal();
  const calls: unknown[][] = [];
  const f = recorder("f", calls);
  signal.connect(f);
  signal.disconnect(f, { sender: A });
  assert.deepEqual(signal.send(A), [[f, "f"]]);
});

Deno.test("Signal.disconnect of a receiver that is not connected does nothing", () => {
  const signal = new Signal();
  const f = signal.connect(() => "f");
  signal.disconnect(() => "other");
  signal.disconnect(f, { sender: A });
  assert.equal(signal.send().length, 1);
});

Deno.test("Signal.send returns each receiver with its return value", () => {
  const signal = new Signal<{ response: string }>();
  const calls: unknown[][] = [];
  const f = signal.connect(recorder("f", calls, 42));
  const g = signal.connect((sender, data) => {
    calls.push(["g", sender, data]);
  });
  const result = signal.send(A, { response: "r" });
  assert.deepEqual(result, [[f, 42], [g, undefined]]);
  assert.equal(result[0]?.[0], f);
  assert.deepEqual(calls, [["f", A, { response: "r" }], ["g", A, { response: "r" }]]);
});

Deno.test("Signal.send propagates a receiver's error and calls no later receiver", () => {
  const signal = new Signal();
  const calls: unknown[][] = [];
  signal.connect(() => {
    throw new RangeError("boom");
  });
  signal.connect(recorder("later", calls));
  assert.throws(() => signal.send(A), { name: "RangeError", message: "boom" });
  assert.deepEqual(calls, []);
});

Deno.test("Signal.send skips a receiver disconnected during the send and one connected", () => {
  const signal = new Signal();
  const calls: unknown[][] = [];
  const late = recorder("late", calls);
  const victim = recorder("victim", calls);
  const first = signal.connect(() => {
    signal.connect(late);
    signal.disconnect(victim);
    return "first";
  });
  signal.connect(victim);
  assert.deepEqual(signal.send(A), [[first, "first"]]);
  assert.deepEqual(calls, []);
  assert.deepEqual(signal.send(A), [[first, "first"], [late, "late"]]);
});

Deno.test("Signal.send with no receiver returns the same frozen empty array each time", () => {
  const signal = new Signal();
  const empty = signal.send(A);
  assert.deepEqual(empty, []);
  assert.ok(Object.isFrozen(empty));
  assert.equal(signal.send(A), empty);
  assert.equal(new Signal().send(B, { x: 1 }), empty);
  assert.equal(requestStarted.send(A), empty);
  // Receivers for another sender only: still nothing called, still the shared array.
  signal.connect(() => "f", { sender: B });
  assert.equal(signal.send(A), empty);
});

Deno.test("Signal.muted calls nobody while the body runs, then restores", async () => {
  const signal = new Signal();
  const calls: unknown[][] = [];
  const f = signal.connect(recorder("f", calls));
  assert.deepEqual(signal.muted(() => signal.send(A)), []);
  assert.equal(signal.isMuted, false);
  assert.throws(() =>
    signal.muted(() => {
      throw new Error("inside");
    }), { message: "inside" });
  assert.equal(signal.isMuted, false);
  const pending = signal.muted(async () => {
    await Promise.resolve();
    return signal.send(A);
  });
  assert.equal(signal.isMuted, true);
  assert.deepEqual(await pending, []);
  assert.equal(signal.isMuted, false);
  assert.deepEqual(signal.send(A), [[f, "f"]]);
  assert.deepEqual(calls, [["f", A, {}]]);
});

Deno.test("Signal.connectedTo connects while the body runs, then disconnects", () => {
  const signal = new Signal();
  const calls: unknown[][] = [];
  const f = signal.connect(recorder("f", calls));
  const g = recorder("g", calls);
  const inside = signal.connectedTo(g, () => signal.send(A).map(([receiver]) => receiver));
  assert.deepEqual(inside, [f, g]);
  assert.deepEqual(signal.receiversFor(A), [f]);
});

Deno.test("Signal.connectedTo disconnects when the body throws", () => {
  const signal = new Signal();
  const calls: unknown[][] = [];
  const g = recorder("g", calls);
  assert.throws(
    () =>
      signal.connectedTo(g, () => {
        signal.send(A);
        throw new Error("inside");
      }),
    { message: "inside" },
  );
  assert.deepEqual(calls, [["g", A, {}]]);
  assert.equal(signal.receivers, 0);
});

Deno.test("Signal.connectedTo with an async body disconnects after it settles", async () => {
  const signal = new Signal();
  const calls: unknown[][] = [];
  const g = recorder("g", calls);
  const done = signal.connectedTo(g, async () => {
    await Promise.resolve();
    signal.send(A);
    return "done";
  });
  assert.equal(signal.receivers, 1);
  assert.equal(await done, "done");
  assert.equal(signal.receivers, 0);
  const failed = signal.connectedTo(g, async () => {
    await Promise.resolve();
    throw new Error("async inside");
  });
  await assert.rejects(failed, { message: "async inside" });
  assert.equal(signal.receivers, 0);
  assert.equal(calls.length, 1);
});

Deno.test("Signal.connectedTo disconnects a receiver connected before it, as blinker", () => {
  const signal = new Signal();
  const f = signal.connect(() => "f");
  signal.connectedTo(f, () => {});
  assert.deepEqual(signal.send(A), []);
});

Deno.test("Signal.connectedTo with a sender calls the receiver for that sender only", () => {
  const signal = new Signal();
  const calls: unknown[][] = [];
  const f = recorder("f", calls);
  const seen = signal.connectedTo(f, () => [signal.send(A).length, signal.send(B).length], {
    sender: A,
  });
  assert.deepEqual(seen, [1, 0]);
  assert.deepEqual(signal.send(A), []);
});

Deno.test("Signal.sendAsync awaits each receiver in turn and returns the values", async () => {
  const signal = new Signal<{ n: number }>();
  const order: string[] = [];
  const slow = signal.connect(async (_sender, { n }) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    order.push("slow done");
    return n * 2;
  });
  const plain = signal.connect((_sender, { n }) => {
    order.push("plain");
    return n + 1;
  });
  assert.deepEqual(await signal.sendAsync(A, { n: 3 }), [[slow, 6], [plain, 4]]);
  assert.deepEqual(order, ["slow done", "plain"]);
});

Deno.test("Signal.sendAsync rejects with a receiver's error and calls no later one", async () => {
  const signal = new Signal();
  const calls: unknown[][] = [];
  signal.connect(async () => {
    await Promise.resolve();
    throw new Error("async boom");
  });
  signal.connect(recorder("later", calls));
  await assert.rejects(signal.sendAsync(A), { message: "async boom" });
  assert.deepEqual(calls, []);
});

Deno.test("Signal.sendAsync with no receiver resolves to the shared empty array", async () => {
  const signal = new Signal();
  assert.equal(await signal.sendAsync(A), signal.send(A));
  assert.ok(Object.isFrozen(await signal.sendAsync(A)));
});

Deno.test("Signal.send returns an async receiver's promise without awaiting it", async () => {
  const signal = new Signal();
  signal.connect(async () => {
    await Promise.resolve();
    return "later";
  });
  const [[, result] = [undefined, undefined]] = signal.send(A);
  assert.ok(result instanceof Promise);
  assert.equal(await result, "later");
});

Deno.test("Signal.hasReceiversFor and receiversFor follow the connected senders", () => {
  const signal = new Signal();
  assert.equal(signal.hasReceiversFor(A), false);
  const f = signal.connect(() => {}, { sender: A });
  assert.equal(signal.hasReceiversFor(A), true);
  assert.equal(signal.hasReceiversFor(B), false);
  assert.equal(signal.hasReceiversFor(ANY), false);
  assert.deepEqual(signal.receiversFor(B), []);
  signal.connect(f);
  assert.equal(signal.hasReceiversFor(B), true);
  assert.equal(signal.hasReceiversFor(ANY), true);
  assert.deepEqual(signal.receiversFor(A), [f]);
  assert.deepEqual(signal.receiversFor(B), [f]);
});

Deno.test("Signal.connect with sender ANY or undefined is for every sender", () => {
  const signal = new Signal();
  const f = signal.connect(() => "f", { sender: ANY });
  const g = signal.connect(() => "g", { sender: undefined });
  assert.deepEqual(signal.receiversFor(B), [f, g]);
  assert.equal(Signal.ANY, ANY);
});

Deno.test("Signal.connect and disconnect reject a receiver that is not a function", () => {
  const signal = new Signal();
  for (const bad of ["f", null, undefined, {}, 1]) {
    assert.throws(() => signal.connect(bad as never), {
      name: "TypeError",
      message: /^Cannot connect the receiver: expected a function, got /,
    });
    assert.throws(() => signal.disconnect(bad as never), {
      name: "TypeError",
      message: /^Cannot disconnect the receiver: expected a function, got /,
    });
  }
  assert.throws(() => signal.connect(() => {}, "app" as never), {
    name: "TypeError",
    message: /options must be an object such as \{ sender \}, got string/,
  });
  assert.throws(() => signal.connectedTo(() => {}, "body" as never), TypeError);
  assert.throws(() => signal.muted(null as never), TypeError);
  assert.equal(signal.receivers, 0);
});

Deno.test("Namespace.signal returns one named signal per name", () => {
  const namespace = new Namespace();
  const x = namespace.signal("x", "Something happened.");
  assert.ok(x instanceof NamedSignal);
  assert.ok(x instanceof Signal);
  assert.equal(namespace.signal("x"), x);
  assert.equal(x.name, "x");
  assert.equal(x.doc, "Something happened.");
  assert.notEqual(new Namespace().signal("x"), x);
  assert.deepEqual([...namespace.keys()], ["x"]);
  assert.throws(() => namespace.signal(1 as never), TypeError);
});

Deno.test("Flask's signals exist with Flask's names", () => {
  // deno-lint-ignore no-explicit-any -- signals of every data shape in one list
  const expected: [NamedSignal<any, any>, string][] = [
    [templateRendered, "template-rendered"],
    [beforeRenderTemplate, "before-render-template"],
    [requestStarted, "request-started"],
    [requestFinished, "request-finished"],
    [requestTearingDown, "request-tearing-down"],
    [gotRequestException, "got-request-exception"],
    [appcontextTearingDown, "appcontext-tearing-down"],
    [appcontextPushed, "appcontext-pushed"],
    [appcontextPopped, "appcontext-popped"],
    [messageFlashed, "message-flashed"],
  ];
  for (const [signal, name] of expected) {
    assert.ok(signal instanceof NamedSignal);
    assert.equal(signal.name, name);
  }
  assert.equal(new Set(expected.map(([signal]) => signal)).size, 10);
  assert.equal(root.requestStarted, requestStarted);
  assert.equal(root.Namespace, Namespace);
});

Deno.test("requestFinished passes the data object to its receivers", () => {
  const app = { name: "app" };
  const seen: unknown[] = [];
  const receiver = (sender: unknown, { response }: { response: unknown }) =>
    seen.push([sender, response]);
  requestFinished.connectedTo(receiver, () => requestFinished.send(app, { response: "r" }));
  assert.deepEqual(seen, [[app, "r"]]);
  assert.equal(requestFinished.receivers, 0);
});
