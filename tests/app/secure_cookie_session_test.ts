// SecureCookieSession and NullSession: the flags Flask 3.1's session interface reads
// (modified, accessed, permanent under "_permanent") and NullSession's refusal to write.
import assert from "node:assert/strict";
import { NullSession, SecureCookieSession } from "../../framework/app/secure_cookie_session.ts";

Deno.test("SecureCookieSession starts unmodified and unaccessed with the loaded data", () => {
  const session = new SecureCookieSession({ user_id: 1 });
  assert.equal(session.modified, false);
  assert.equal(session.accessed, false);
  assert.equal(session.new, false);
  assert.deepEqual(new SecureCookieSession([["a", 1]]).toJSON(), { a: 1 });
  assert.deepEqual(new SecureCookieSession(null).toJSON(), {});
});

Deno.test("SecureCookieSession reads mark it accessed but not modified", () => {
  for (
    const read of [
      (s: SecureCookieSession) => s.get("user_id"),
      (s: SecureCookieSession) => s.has("x"),
      (s: SecureCookieSession) => [...s],
      (s: SecureCookieSession) => s.size,
      (s: SecureCookieSession) => s.permanent,
    ]
  ) {
    const session = new SecureCookieSession({ user_id: 1 });
    read(session);
    assert.equal(session.accessed, true);
    assert.equal(session.modified, false);
  }
});

Deno.test("SecureCookieSession.get gives the value, the default or undefined", () => {
  const session = new SecureCookieSession({ a: 0 });
  assert.equal(session.get("a", 5), 0);
  assert.equal(session.get("b", 5), 5);
  assert.equal(session.get("b"), undefined);
});

Deno.test("SecureCookieSession writes mark it modified", () => {
  const writes: ((s: SecureCookieSession) => unknown)[] = [
    (s) => s.set("b", 2),
    (s) => s.delete("a"),
    (s) => s.pop("a"),
    (s) => s.setdefault("b", 1),
    (s) => s.update({ c: 3 }),
    (s) => s.clear(),
    (s) => (s.permanent = true),
  ];
  for (const write of writes) {
    const session = new SecureCookieSession({ a: 1 });
    write(session);
    assert.equal(session.modified, true, write.toString());
    assert.equal(session.accessed, true);
  }
});

Deno.test("SecureCookieSession removals of missing keys leave it unmodified", () => {
  const session = new SecureCookieSession({ a: 1 });
  assert.equal(session.delete("missing"), false);
  assert.equal(session.pop("missing", "default"), "default");
  assert.equal(session.setdefault("a", 2), 1);
  assert.equal(session.modified, false);
  assert.equal(session.pop("a"), 1);
  assert.equal(session.has("a"), false);
});

Deno.test("SecureCookieSession does not see nested changes until modified is set", () => {
  const session = new SecureCookieSession({ cart: [] });
  (session.get("cart") as string[]).push("apple");
  assert.equal(session.modified, false);
  session.modified = true;
  assert.deepEqual(session.toJSON(), { cart: ["apple"] });
});

Deno.test("SecureCookieSession.permanent is stored under _permanent as Flask does", () => {
  const session = new SecureCookieSession();
  assert.equal(session.permanent, false);
  session.permanent = true;
  assert.deepEqual(session.toJSON(), { _permanent: true });
  assert.equal(new SecureCookieSession({ _permanent: true }).permanent, true);
  session.permanent = false;
  assert.deepEqual(session.toJSON(), { _permanent: false });
});

Deno.test("SecureCookieSession iterates and serializes its pairs in insertion order", () => {
  const session = new SecureCookieSession({ b: 1 });
  session.set("a", 2);
  assert.deepEqual([...session.keys()], ["b", "a"]);
  assert.deepEqual([...session.values()], [1, 2]);
  assert.deepEqual([...session], [["b", 1], ["a", 2]]);
  assert.equal(JSON.stringify(session), '{"b":1,"a":2}');
});

Deno.test("NullSession reads as empty and refuses every write, naming the secret key", () => {
  const session = new NullSession();
  assert.equal(session.get("a"), undefined);
  assert.equal(session.has("a"), false);
  assert.equal(session.permanent, false);
  const writes: ((s: NullSession) => unknown)[] = [
    (s) => s.set("a", 1),
    (s) => s.delete("a"),
    (s) => s.pop("a", null),
    (s) => s.setdefault("a", 1),
    (s) => s.update({ a: 1 }),
    (s) => s.clear(),
    (s) => (s.permanent = true),
  ];
  for (const write of writes) {
    assert.throws(() => write(session), { message: /no secret key was set.*app\.secretKey/ });
  }
  assert.equal(session.modified, false);
});
