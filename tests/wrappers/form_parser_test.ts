import { deepEqual, equal, rejects } from "node:assert/strict";
import { bytesInput } from "../../framework/gateway/input_stream.ts";
import { RequestEntityTooLarge } from "../../framework/http/exceptions.ts";
import { FormDataParser, parseFormBytes } from "../../framework/wrappers/form_parser.ts";
import { MultipartDecoder, MultipartError } from "../../framework/wrappers/multipart_parser.ts";

const enc = new TextEncoder();

Deno.test("FormDataParser leaves bodies of other content types unread", async () => {
  const input = bytesInput(enc.encode("a=1"));
  const parsed = await new FormDataParser().parse(input, "text/plain", 3);
  equal(parsed.consumed, false);
  equal(parsed.form.size, 0);
  equal(new TextDecoder().decode(await input.read()), "a=1");
});

Deno.test("FormDataParser with silent: false throws on a malformed multipart body", async () => {
  const parser = new FormDataParser({ silent: false });
  await rejects(
    () => parser.parse(bytesInput(enc.encode("junk")), "multipart/form-data", 4, { boundary: "b" }),
    MultipartError,
  );
  await rejects(
    () => parser.parse(bytesInput(enc.encode("junk")), "multipart/form-data", 4, {}),
    MultipartError,
  );
  const silent = await new FormDataParser().parse(
    bytesInput(enc.encode("junk")),
    "multipart/form-data",
    4,
    { boundary: "b" },
  );
  equal(silent.form.size, 0);
  equal(silent.files.size, 0);
});

Deno.test("parseFormBytes decodes urlencoded bytes as Werkzeug (plus, escapes, blanks)", async () => {
  const { form, files } = await parseFormBytes(
    enc.encode("a=1+2&b=%zz&c&a=%C3%A9"),
    "application/x-www-form-urlencoded",
  );
  deepEqual(form.getlist("a"), ["1 2", "é"]);
  equal(form.get("b"), "%zz");
  equal(form.get("c"), "");
  equal(files.size, 0);
});

Deno.test("a chunked urlencoded body over maxFormMemorySize is a 413 too", async () => {
  const parser = new FormDataParser({ maxFormMemorySize: 10 });
  await rejects(
    () =>
      parser.parse(
        bytesInput(enc.encode("a=" + "x".repeat(20))),
        "application/x-www-form-urlencoded",
        null,
      ),
    RequestEntityTooLarge,
  );
});

Deno.test("MultipartDecoder streams file data: its buffer stays within one chunk", () => {
  const decoder = new MultipartDecoder("boundary42", { maxFormMemorySize: 100_000 });
  const head = enc.encode(
    '--boundary42\r\nContent-Disposition: form-data; name="f"; filename="big"\r\n\r\n',
  );
  const chunk = new Uint8Array(64 * 1024).fill(0x2d); // "-" bytes, to stress the search
  let received = 0;
  let maxBuffered = 0;
  const drain = () => {
    for (;;) {
      const event = decoder.nextEvent();
      if (event.type === "needData" || event.type === "epilogue") return;
      if (event.type === "data") received += event.data.length;
    }
  };
  decoder.receiveData(head);
  drain();
  for (let i = 0; i < 32; i++) {
    decoder.receiveData(chunk);
    drain();
    maxBuffered = Math.max(maxBuffered, decoder.buffered);
  }
  decoder.receiveData(enc.encode("\r\n--boundary42--\r\n"));
  drain();
  decoder.receiveData(null);
  drain();
  equal(received, 32 * chunk.length);
  equal(maxBuffered <= "\r\n--boundary42".length, true);
});
