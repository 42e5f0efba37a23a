import assert from "node:assert/strict";
import { decodePathInfo } from "../../framework/gateway/path_decoding.ts";

const cases: [string, string][] = [
  ["/plain/path", "/plain/path"],
  ["/caf%C3%A9", "/café"],
  ["/caf%c3%a9", "/café"],
  ["/a%2Fb", "/a/b"],
  ["/%E2%98%83/%F0%9F%98%80", "/☃/😀"],
  ["/%41%42c", "/ABc"],
  ["/100%", "/100%"],
  ["/%4", "/%4"],
  ["/%zz%41", "/%zzA"],
  ["/bad%FF", "/bad%FF"],
  ["/trunc%E2%98", "/trunc%E2%98"],
  ["/overlong%C0%AF", "/overlong%C0%AF"],
  ["/surrogate%ED%A0%80", "/surrogate%ED%A0%80"],
  ["/mixed%C3%A9%FF%e2%82%ac", "/mixedé%FF€"],
  ["/space%20here", "/space here"],
];
for (const [raw, decoded] of cases) {
  Deno.test(`decodePathInfo(${JSON.stringify(raw)}) gives ${JSON.stringify(decoded)}`, () => {
    assert.equal(decodePathInfo(raw), decoded);
  });
}
