import assert from "node:assert/strict";
import { decodeUtf8Escaping } from "../../framework/gateway/utf8_escaping.ts";

const decode = (bytes: number[]) => decodeUtf8Escaping(bytes, (i) => `<${bytes[i]!.toString(16)}>`);

Deno.test("decodeUtf8Escaping decodes valid UTF-8 of every length", () => {
  assert.equal(decode([0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80]), "aé€😀");
});

Deno.test("decodeUtf8Escaping escapes each byte of an invalid sequence and resumes after it", () => {
  assert.equal(decode([0xff, 0x61]), "<ff>a");
  assert.equal(decode([0xe2, 0x82]), "<e2><82>"); // truncated
  assert.equal(decode([0xc0, 0xaf]), "<c0><af>"); // overlong
  assert.equal(decode([0xe0, 0x80, 0xaf]), "<e0><80><af>"); // overlong
  assert.equal(decode([0xed, 0xa0, 0x80]), "<ed><a0><80>"); // surrogate
  assert.equal(decode([0xf4, 0x90, 0x80, 0x80]), "<f4><90><80><80>"); // above U+10FFFF
  assert.equal(decode([0xe2, 0x41, 0xc3, 0xa9]), "<e2>Aé");
});
