// HeaderSet (Vary, Allow, ...), with expectations from Werkzeug 3.1's
// `parse_set_header` / `HeaderSet` (python3).
import assert from "node:assert/strict";
import { HeaderSet, parseSetHeader } from "../../framework/http/header_set.ts";

Deno.test("HeaderSet adds case-insensitively and serializes as Werkzeug's HeaderSet", () => {
  const set = parseSetHeader('Accept-Encoding, "Cookie", cookie');
  assert.deepEqual([...set], ["Accept-Encoding", "Cookie", "cookie"]);
  assert.equal(set.toHeader(), "Accept-Encoding, Cookie, cookie");
  set.add("User Agent");
  assert.equal(set.toHeader(), 'Accept-Encoding, Cookie, cookie, "User Agent"');
  assert.equal(set.has("ACCEPT-ENCODING"), true);
  const seen: string[] = [];
  const vary = new HeaderSet(["Accept-Encoding"], (s) => seen.push(s.toHeader()));
  vary.add("Cookie");
  vary.add("cookie");
  assert.deepEqual(seen, ["Accept-Encoding, Cookie"]);
  assert.equal(vary.find("COOKIE"), 1);
  vary.remove("cookie");
  assert.equal(vary.toHeader(), "Accept-Encoding");
  assert.throws(() => vary.remove("cookie"), RangeError);
  assert.equal(vary.discard("nope"), false);
  assert.equal(vary.size, 1);
  assert.deepEqual(vary.asSet(), new Set(["accept-encoding"]));
  assert.equal(parseSetHeader(null).size, 0);
});
