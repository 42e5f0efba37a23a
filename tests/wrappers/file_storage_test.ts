import { deepEqual, equal, rejects } from "node:assert/strict";
import { FileStorage, SpooledFile } from "../../framework/wrappers/file_storage.ts";
import { secureFilename } from "../../framework/wrappers/secure_filename.ts";

// Recorded from Werkzeug 3.1's secure_filename on Linux.
const CASES: [string, string][] = [
  ["My cool movie.mov", "My_cool_movie.mov"],
  ["../../../etc/passwd", "etc_passwd"],
  ["i contain cool \u00fcml\u00e4uts.txt", "i_contain_cool_umlauts.txt"],
  ["", ""],
  ["...", ""],
  [".bashrc", "bashrc"],
  ["__init__.py", "init__.py"],
  ["a/b\\c.txt", "a_bc.txt"],
  ["  spaced\tout\nname  ", "spaced_out_name"],
  ["CON", "CON"],
  ["con.txt", "con.txt"],
  ["\u65e5\u672c\u8a9e.txt", "txt"],
  ["\ufb01le.txt", "file.txt"],
  ["a\u001cb\u001fc", "a_b_c"],
  ["r\u00e9sum\u00e9 (final).pdf", "resume_final.pdf"],
  ["x", "x"],
  ["-_.", "-"],
  ["._.hidden._", "hidden"],
  ["a..b", "a..b"],
  ["\u00a0nbsp\u00a0", "nbsp"],
  ["foo\u2028bar", "foobar"],
  ["\uff21\uff42\uff43.txt", "Abc.txt"],
  ["a\u000bb\fc", "a_b_c"],
  ["\u00df.txt", "txt"],
  ["\u01c5.txt", "Dz.txt"],
  ["\u00bd.txt", "12.txt"],
];

for (const [input, expected] of CASES) {
  Deno.test(`secureFilename(${JSON.stringify(input)}) is ${JSON.stringify(expected)} as in Werkzeug`, () => {
    equal(secureFilename(input), expected);
  });
}

Deno.test("FileStorage exposes filename, name, content type and Werkzeug's contentLength", () => {
  const file = new FileStorage(new TextEncoder().encode("hi"), {
    filename: "a.txt",
    name: "upload",
    contentType: "Text/Plain; charset=UTF-8",
  });
  equal(file.filename, "a.txt");
  equal(file.name, "upload");
  equal(file.contentType, "Text/Plain; charset=UTF-8");
  equal(file.mimetype, "text/plain");
  deepEqual(file.mimetypeParams, { charset: "UTF-8" });
  // No Content-Length header was sent for the part: Werkzeug reports 0.
  equal(file.contentLength, 0);
  equal(file.size, 2);
  equal(file.hasFile, true);
  equal(new FileStorage(null, { filename: "" }).hasFile, false);
});

Deno.test("FileStorage.read reads once; seek(0) rewinds", async () => {
  const file = new FileStorage("hello", { filename: "h.txt" });
  equal(new TextDecoder().decode(await file.read(2)), "he");
  equal(await file.text(), "llo");
  equal((await file.read()).length, 0);
  file.seek(0);
  equal(await file.text(), "hello");
});

Deno.test("SpooledFile keeps 500 KiB in memory and spills beyond to a temp file removed on close", async () => {
  const small = new SpooledFile();
  await small.write(new Uint8Array(500 * 1024));
  equal(small.spilled, false);
  const big = new SpooledFile();
  await big.write(new Uint8Array(300 * 1024).fill(1));
  await big.write(new Uint8Array(300 * 1024).fill(2));
  equal(big.spilled, true);
  const path = big.path!;
  equal((await Deno.stat(path)).size, 600 * 1024);
  const data = await big.reader().read();
  equal(data.length, 600 * 1024);
  equal(data[0], 1);
  equal(data[600 * 1024 - 1], 2);
  await big.close();
  await rejects(() => Deno.stat(path), Deno.errors.NotFound);
});

Deno.test("FileStorage.save writes a spilled upload to a path byte for byte", async () => {
  const spool = new SpooledFile(16);
  const bytes = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
  await spool.write(bytes.subarray(0, 10));
  await spool.write(bytes.subarray(10));
  const file = new FileStorage(spool, { filename: "x.bin" });
  equal(typeof file.tempPath, "string");
  const dir = await Deno.makeTempDir();
  try {
    await file.save(`${dir}/out.bin`);
    deepEqual(await Deno.readFile(`${dir}/out.bin`), bytes);
  } finally {
    await file.close();
    await Deno.remove(dir, { recursive: true });
  }
});
