import assert from "node:assert/strict";
import { MemoryErrorStream, stderrErrors } from "../../framework/gateway/error_stream.ts";

Deno.test("MemoryErrorStream keeps what an app writes to wsgi.errors", () => {
  const errors = new MemoryErrorStream();
  errors.write("one\n");
  errors.writelines(["two", "\n"]);
  errors.flush();
  assert.equal(errors.text, "one\ntwo\n");
});

Deno.test("wsgi.errors.write rejects bytes with a TypeError", () => {
  assert.throws(
    () => new MemoryErrorStream().write(new Uint8Array(1) as unknown as string),
    TypeError,
  );
  assert.throws(() => stderrErrors.write(1 as unknown as string), TypeError);
});

Deno.test("stderrErrors writes to the process's stderr", async () => {
  const code = `import { stderrErrors } from ${
    JSON.stringify(new URL("../../framework/gateway/error_stream.ts", import.meta.url).href)
  }; stderrErrors.write("to stderr é"); stderrErrors.flush();`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0);
  assert.equal(new TextDecoder().decode(out.stderr), "to stderr é");
  assert.equal(out.stdout.length, 0);
});
