// Authorization / WWW-Authenticate, table-driven from Werkzeug 3.1
// (`Authorization.from_header`, `WWWAuthenticate.from_header`, `to_header`, python3).
import assert from "node:assert/strict";
import { Authorization, WWWAuthenticate } from "../../framework/http/authorization.ts";
import { Unauthorized } from "../../framework/http/exceptions.ts";

type Parsed = [string, string | null, Record<string, string | null>, string] | null;

/** [header, [type, token, parameters, to_header()] or null] */
const AUTH_CASES: [string, Parsed][] = [
  ["Basic dXNlcjpwYXNz", [
    "basic",
    null,
    { "username": "user", "password": "pass" },
    "Basic dXNlcjpwYXNz",
  ]],
  ["basic dXNlcjpwYXNz", [
    "basic",
    null,
    { "username": "user", "password": "pass" },
    "Basic dXNlcjpwYXNz",
  ]],
  ["Basic dXNlcjpwYXNz==", [
    "basic",
    null,
    { "username": "user", "password": "pass" },
    "Basic dXNlcjpwYXNz",
  ]],
  ["Basic dXNlcjpwYXN", null],
  ["Basic dXNl cjpw YXNz", [
    "basic",
    null,
    { "username": "user", "password": "pass" },
    "Basic dXNlcjpwYXNz",
  ]],
  ["Basic dXNlcjpwYXNz!!", [
    "basic",
    null,
    { "username": "user", "password": "pass" },
    "Basic dXNlcjpwYXNz",
  ]],
  ["Basic dXNlcg==", ["basic", null, { "username": "user", "password": "" }, "Basic dXNlcjo="]],
  ["Basic Og==", ["basic", null, { "username": "", "password": "" }, "Basic Og=="]],
  ["Basic", ["basic", null, { "username": "", "password": "" }, "Basic Og=="]],
  ["Basic ", ["basic", null, { "username": "", "password": "" }, "Basic Og=="]],
  ["Basic w6k6w6k=", ["basic", null, { "username": "é", "password": "é" }, "Basic w6k6w6k="]],
  ["Basic /w==", null],
  ["Basic dXNlcjpwYXNz=dXNl", [
    "basic",
    null,
    { "username": "user", "password": "passuse" },
    "Basic dXNlcjpwYXNzdXNl",
  ]],
  ["Basic dXNlcj==pwYXNz", [
    "basic",
    null,
    { "username": "user", "password": "" },
    "Basic dXNlcjo=",
  ]],
  ["Basic ====", ["basic", null, { "username": "", "password": "" }, "Basic Og=="]],
  ["Basic dXNlc=j==pwYXNz", [
    "basic",
    null,
    { "username": "user", "password": "" },
    "Basic dXNlcjo=",
  ]],
  ["Basic dX=Nlcjpw", ["basic", null, { "username": "user", "password": "p" }, "Basic dXNlcjpw"]],
  ["Bearer abc.def-ghi", ["bearer", "abc.def-ghi", {}, "Bearer abc.def-ghi"]],
  ["Bearer  abc ", ["bearer", "abc", {}, "Bearer abc"]],
  ["Bearer", ["bearer", "", {}, "Bearer "]],
  ["Token abc=", ["token", "abc=", {}, "Token abc="]],
  ["Token abc==", ["token", "abc==", {}, "Token abc=="]],
  [
    'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b", uri="/dir/index.html", qop=auth, nc=00000001',
    [
      "digest",
      null,
      {
        "username": "Mufasa",
        "realm": "testrealm@host.com",
        "nonce": "dcd98b",
        "uri": "/dir/index.html",
        "qop": "auth",
        "nc": "00000001",
      },
      'Digest username=Mufasa, realm="testrealm@host.com", nonce=dcd98b, uri="/dir/index.html", qop=auth, nc=00000001',
    ],
  ],
  ["Custom a=1, b", ["custom", null, { "a": "1", "b": null }, "Custom a=1, b"]],
  ["", null],
  ["   ", ["", "", {}, " "]],
  ["NoSpace", ["nospace", "", {}, "Nospace "]],
  ["Basic dXNlcjpwYXNzOmV4dHJh", [
    "basic",
    null,
    { "username": "user", "password": "pass:extra" },
    "Basic dXNlcjpwYXNzOmV4dHJh",
  ]],
];

Deno.test("Authorization.fromHeader parses Basic, Bearer, Digest and others as Werkzeug", () => {
  for (const [header, expected] of AUTH_CASES) {
    const auth = Authorization.fromHeader(header);
    if (expected === null) {
      assert.equal(auth, null, header);
      continue;
    }
    assert.ok(auth, header);
    assert.deepEqual([auth.type, auth.token, auth.parameters, auth.toHeader()], expected, header);
  }
});

Deno.test("Authorization exposes username and password for Basic", () => {
  const auth = Authorization.fromHeader("Basic dXNlcjpwYXNzOmV4dHJh")!;
  assert.equal(auth.username, "user");
  assert.equal(auth.password, "pass:extra");
  assert.equal(auth.get("username"), "user");
  assert.equal(auth.has("password"), true);
  const bearer = Authorization.fromHeader("Bearer t0k3n")!;
  assert.equal(bearer.username, null);
  assert.equal(bearer.token, "t0k3n");
  assert.equal(
    String(new Authorization("basic", { username: "\u00e9", password: "x" })),
    "Basic w6k6eA==",
  );
});

Deno.test("Authorization.fromHeader returns null for non-ASCII or non-UTF-8 Basic credentials", () => {
  // Werkzeug raises ValueError on non-ASCII base64 (a 500); phial treats it as no credentials.
  assert.equal(Authorization.fromHeader("Basic dXNlcjpw\u00e9YXNz"), null);
  assert.equal(Authorization.fromHeader("Basic /w=="), null);
});

/** [header, [type, token, parameters, to_header()] or null] */
const WWW_CASES: [string, Parsed][] = [
  ['Basic realm="Login Required"', [
    "basic",
    null,
    { "realm": "Login Required" },
    'Basic realm="Login Required"',
  ]],
  ["Bearer", ["bearer", "", {}, "Bearer "]],
  ['Bearer realm="api", error="invalid_token"', ["bearer", null, {
    "realm": "api",
    "error": "invalid_token",
  }, "Bearer realm=api, error=invalid_token"]],
  ['Digest realm="r", nonce="abc", qop="auth", algorithm=MD5', ["digest", null, {
    "realm": "r",
    "nonce": "abc",
    "qop": "auth",
    "algorithm": "MD5",
  }, 'Digest realm="r", nonce="abc", qop="auth", algorithm=MD5']],
  ["Negotiate abc123==", ["negotiate", "abc123==", {}, "Negotiate abc123=="]],
  ["", null],
];

Deno.test("WWWAuthenticate parses and serializes as Werkzeug", () => {
  for (const [header, expected] of WWW_CASES) {
    const www = WWWAuthenticate.fromHeader(header);
    if (expected === null) {
      assert.equal(www, null, header);
      continue;
    }
    assert.ok(www, header);
    assert.deepEqual([www.type, www.token, www.parameters, www.toHeader()], expected, header);
  }
  assert.equal(
    new WWWAuthenticate("basic", { realm: "Login Required" }).toHeader(),
    'Basic realm="Login Required"',
  );
  assert.equal(
    new WWWAuthenticate("digest", { realm: "r", nonce: "n", algorithm: "MD5", stale: "FALSE" })
      .toHeader(),
    'Digest realm="r", nonce="n", algorithm=MD5, stale=FALSE',
  );
});

Deno.test("Unauthorized sends WWWAuthenticate challenges as headers", () => {
  const exc = new Unauthorized(
    undefined,
    undefined,
    new WWWAuthenticate("basic", { realm: "x y" }),
  );
  assert.deepEqual(exc.getHeaders()[1], ["WWW-Authenticate", 'Basic realm="x y"']);
});
