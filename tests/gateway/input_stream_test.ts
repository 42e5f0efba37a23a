import assert from "node:assert/strict";
import { BodyInput, bytesInput } from "../../framework/gateway/input_stream.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const text = (b: Uint8Array) => dec.decode(b);

/** An input whose source yields the given pieces, counting pulls. */
function piecewise(pieces: string[]): { input: BodyInput; pulls: () => number } {
  let pulls = 0;
  const queue = pieces.map((p) => enc.encode(p));
  const input = new BodyInput(() => {
    pulls++;
    return Promise.resolve(queue.shift() ?? null);
  });
  return { input, pulls: () => pulls };
}

Deno.test("BodyInput.read() with no size reads the whole body across chunks", async () => {
  const { input } = piecewise(["hel", "lo ", "world"]);
  assert.equal(text(await input.read()), "hello world");
  assert.equal((await input.read()).length, 0);
});

Deno.test("BodyInput.read(n) returns exactly n bytes until the end, then fewer, then empty", async () => {
  const { input } = piecewise(["ab", "cdef", "g"]);
  assert.equal(text(await input.read(3)), "abc");
  assert.equal(text(await input.read(3)), "def");
  assert.equal(text(await input.read(3)), "g");
  assert.equal((await input.read(3)).length, 0);
  assert.equal((await input.read()).length, 0);
});

Deno.test("BodyInput pulls lazily: nothing is pulled before the first read", async () => {
  const { input, pulls } = piecewise(["abc", "def"]);
  assert.equal(pulls(), 0);
  assert.equal(text(await input.read(2)), "ab");
  assert.equal(pulls(), 1);
  assert.equal(text(await input.read(1)), "c");
  assert.equal(pulls(), 1, "a buffered byte must not trigger a pull");
});

Deno.test("BodyInput.readline() splits on \\n across chunk boundaries", async () => {
  const { input } = piecewise(["first li", "ne\nsecond\n", "third"]);
  assert.equal(text(await input.readline()), "first line\n");
  assert.equal(text(await input.readline()), "second\n");
  assert.equal(text(await input.readline()), "third");
  assert.equal((await input.readline()).length, 0);
});

Deno.test("BodyInput.readline(size) stops at size bytes", async () => {
  const { input } = piecewise(["abcdef\nxy"]);
  assert.equal(text(await input.readline(4)), "abcd");
  assert.equal(text(await input.readline(10)), "ef\n");
  assert.equal(text(await input.readline(1)), "x");
  assert.deepEqual((await input.readlines()).map(text), ["y"]);
});

Deno.test("BodyInput async iteration yields buffered bytes then the rest", async () => {
  const { input } = piecewise(["12", "345", "", "6"]);
  assert.equal(text(await input.read(1)), "1");
  const seen: string[] = [];
  for await (const chunk of input) seen.push(text(chunk));
  assert.deepEqual(seen, ["2", "345", "6"]);
  assert.equal((await input.read()).length, 0);
});

Deno.test("BodyInput runs onFirstRead once, before the first pull", async () => {
  const events: string[] = [];
  let n = 0;
  const input = new BodyInput(() => {
    events.push("pull");
    return Promise.resolve(n++ < 2 ? enc.encode("x") : null);
  }, { onFirstRead: () => events.push("first") });
  assert.deepEqual(events, []);
  await input.read();
  assert.deepEqual(events, ["first", "pull", "pull", "pull"]);
});

Deno.test("BodyInput propagates an error from pull to this and later readers", async () => {
  let calls = 0;
  const input = new BodyInput(() => {
    calls++;
    return calls === 1 ? Promise.resolve(enc.encode("ok")) : Promise.reject(new Error("reset"));
  });
  assert.equal(text(await input.read(2)), "ok");
  await assert.rejects(input.read(), /reset/);
  await assert.rejects(input.readline(), /reset/);
  assert.equal(calls, 2, "a failed source is not pulled again");
});

Deno.test("BodyInput.read rejects a size that is not a number", async () => {
  const input = bytesInput(enc.encode("abc"));
  await assert.rejects(input.read("3" as unknown as number), TypeError);
});

Deno.test("bytesInput reads the given bytes and then ends", async () => {
  const input = bytesInput(enc.encode("a=1\nb=2"));
  assert.equal(input.exhausted, false);
  assert.equal(text(await input.readline()), "a=1\n");
  assert.equal(text(await input.read()), "b=2");
  assert.equal(input.exhausted, true);
  assert.equal((await input.read(5)).length, 0);
});

Deno.test("BodyInput refuses a read that overlaps one still waiting for data", async () => {
  let release!: (chunk: Uint8Array | null) => void;
  const input = new BodyInput(() => new Promise((resolve) => release = resolve));
  const first = input.read(2);
  await assert.rejects(input.read(2), /already being read/);
  release(enc.encode("ab"));
  assert.equal(text(await first), "ab");
});

/** An input over `count` chunks of `size` bytes, chunk i filled with the byte i % 251. */
function chunkedInput(count: number, size: number): BodyInput {
  let i = 0;
  return new BodyInput(() => {
    if (i === count) return Promise.resolve(null);
    return Promise.resolve(new Uint8Array(size).fill(i++ % 251));
  });
}

Deno.test("read() joins a body of many chunks in order, and read(n) spans chunks", async () => {
  const all = await chunkedInput(300, 1000).read();
  assert.equal(all.length, 300_000);
  for (let i = 0; i < 300; i++) {
    assert.equal(all[i * 1000], i % 251);
    assert.equal(all[i * 1000 + 999], i % 251);
  }
  const input = chunkedInput(5, 10);
  const first = await input.read(25); // two whole chunks and half of the third
  assert.deepEqual([...first], [...Array(10).fill(0), ...Array(10).fill(1), ...Array(5).fill(2)]);
  assert.deepEqual([...(await input.read(3))], [2, 2, 2]);
  assert.deepEqual([...(await input.read())], [2, 2, ...Array(10).fill(3), ...Array(10).fill(4)]);
  assert.equal((await input.read()).length, 0);
  assert.equal((await input.read(5)).length, 0);
});

Deno.test("read() of a large body in small chunks copies it about once, not once per chunk", async () => {
  // 16 MiB in 4 KiB chunks: joining at every chunk would copy ~32 GiB.
  const started = performance.now();
  const all = await chunkedInput(4096, 4096).read();
  assert.equal(all.length, 16 * 1024 * 1024);
  assert.ok(performance.now() - started < 2000, "read() must not be quadratic in the chunks");
});

Deno.test("readline() joins a line spread over chunks, and its size limit spans chunks", async () => {
  const { input } = piecewise(["ab", "cd", "e\nfg", "h", "ij\n", "klmnop", "q"]);
  assert.equal(text(await input.readline()), "abcde\n");
  assert.equal(text(await input.readline(2)), "fg");
  assert.equal(text(await input.readline(3)), "hij");
  assert.equal(text(await input.readline(5)), "\n");
  assert.equal(text(await input.readline(4)), "klmn");
  assert.equal(text(await input.readline()), "opq");
  assert.equal((await input.readline()).length, 0);
});

Deno.test("readline() of a long line in small chunks copies it about once", async () => {
  let pulls = 0;
  const input = new BodyInput(() =>
    Promise.resolve(pulls++ === 4096 ? null : new Uint8Array(4096).fill(65))
  );
  const started = performance.now();
  const line = await input.readline();
  assert.equal(line.length, 16 * 1024 * 1024);
  assert.ok(performance.now() - started < 2000, "readline() must not be quadratic in the chunks");
});
