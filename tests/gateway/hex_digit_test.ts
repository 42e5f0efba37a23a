import assert from "node:assert/strict";
import { hexDigitValue } from "../../framework/gateway/hex_digit.ts";

Deno.test("hexDigitValue reads 0-9, a-f and A-F", () => {
  const values = [..."0123456789abcdefABCDEF"].map((c) => hexDigitValue(c.charCodeAt(0)));
  assert.deepEqual(values, [
    0,
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    9,
    10,
    11,
    12,
    13,
    14,
    15,
    10,
    11,
    12,
    13,
    14,
    15,
  ]);
});

Deno.test("hexDigitValue is -1 for anything else", () => {
  for (const c of ["g", "G", "/", ":", "@", "`", " ", "%"]) {
    assert.equal(hexDigitValue(c.charCodeAt(0)), -1, c);
  }
  assert.equal(hexDigitValue(0xe1), -1);
});
