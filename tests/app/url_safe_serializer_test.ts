// URLSafeTimedSerializer and sessionSerializer. TOKENS, SESSION_COOKIES and BAD_TOKENS were
// recorded from itsdangerous 2.2.0 / Flask 3.1.3 with TimestampSigner.get_timestamp patched
// to 1700000000 (session cookies made with app.session_interface.get_signing_serializer(app)
// inside an app context, secret key "dev"; BAD_TOKENS hold Python's error class, message and
// date_signed). For the other direction, PHIAL_TOKENS and PHIAL_SESSION_COOKIES were checked
// once to load in Python; no test runs Python.
import assert from "node:assert/strict";
import {
  BadData,
  BadPayload,
  BadSignature,
  BadTimeSignature,
  sessionSerializer,
  SignatureExpired,
  URLSafeTimedSerializer,
} from "../../framework/app/url_safe_serializer.ts";

const TOKENS: Record<string, string> = {
  "default": "eyJpZCI6NSwibmFtZSI6IsO8bsOvIn0.ZVPxAA.KIrmENOKLjLmX_dPCotQo4yGb30",
  "list": "WzEsMiwzXQ.ZVPxAA.YO3hM9xdAkYbuzPJw9ueaxA64GM",
  "compressed": ".eJyrVkpJLElUslKqGCZAqRYAvzhhFQ.ZVPxAA.SDpSkMKAGOrSAaOp4cEaOZwROtc",
  "salt": "ImhlbGxvIg.ZVPxAA.swNGIIekdvVhD_zcnWgJKRPMXow",
  "salt_none": "ImhlbGxvIg.ZVPxAA.EMtUzAx9hcZme0PjqL3cCFfJ0-k",
  "hmac_sha256": "InYi.ZVPxAA.aot2yDs9zTPX9KbLYKUMf3NI5nePrdn9z3tlS7WlXug",
  "concat_sha512":
    "InYi.ZVPxAA.xWSawtRHsv9fkcji2T1NtUwHQoEmgGwJKVcaYDTPUxQfbmYr0YtOo0QfhY5yCwW0a5Jm7KLC1sEPxkeiMSmzOw",
  "none": "InYi.ZVPxAA.JssfP01jiJBFrqs0Ln7OJSmW6aM",
  "rotated_old": "InYi.ZVPxAA.ykckmQzWC9aVWckGTWiUGNkCF5s",
  "rotated_new": "InYi.ZVPxAA.LyKGnFr60VRofzcIX7AUu5zHa68",
  "bytes_key": "InYi.ZVPxAA.h7eMHRtbfrwj_MONVZetfWMoBn0",
  "empty_key_hmac": "InYi.ZVPxAA.1JbiTFH93WdD8I_eR6cd6CDYBPU",
};

const SESSION_COOKIES: Record<string, string> = {
  "simple": "eyJfcGVybWFuZW50Ijp0cnVlLCJ1c2VyX2lkIjo0Mn0.ZVPxAA.Q7GpvELr0ewV0aq6dXHmRJWSK9g",
  "rich":
    ".eJyrVspLLS5JTVGyqlZKVLKKNtSpVkpSslKKKTUwSLVUqo2t1VEqSiwHSSuAxB0DPW2VgGIlYJESsA4jkKJSsACQVDLADwxB2sszUvPAGoAWK4WUpuooGBgpeCXmKRgZGJkoGBhbGZhYGZgquPuGKNXWAgD21ClW.ZVPxAA.xUGdOiCBTUe5q4qDJoTCtisGOsY",
  "big":
    ".eJxF0DsOwlAMRNG9uAaJmeEXtoJSoCgFBQ1Kh9g7BfJ93a3mWP7U8nhvdbvXc1tf-0Pt_qEOd6Tj2HHqOHdcOq4dE4Njmm0xLtbFvNgXgBAEIQxjeNyPYQxjGMMYxjCGMYIRjIwnYQQjGMEIRjAy1fz9AZoQbZ0.ZVPxAA.Ln4rN8tLkS-R6U95XCYBFs0Agg8",
  "old_key": "eyJhIjoxfQ.ZVPxAA.j7icItgIcqNAwMrI22KZSqdzOfI",
};

// [token, error class, message, dateSigned]
const BAD_TOKENS: Record<
  string,
  [string, string | null, string?, (string | null)?]
> = {
  "no_dot": [
    "nodot",
    "BadSignature",
    "No b'.' found in value",
    null,
  ],
  "bad_sig_no_ts": [
    "abc.sig",
    "BadSignature",
    "Signature b'sig' does not match",
    null,
  ],
  "bad_sig": [
    "eyJpZCI6NX0.ZVPxAA.UOOgJt87UY4B96SFb1tJ1PyjPlA",
    "BadTimeSignature",
    "Signature b'UOOgJt87UY4B96SFb1tJ1PyjPlA' does not match",
    "2023-11-14T22:13:20+00:00",
  ],
  "bad_payload_sig": [
    "XyJpZCI6NX0.ZVPxAA.UOOgJt87UY4B96SFb1tJ1PyjPlU",
    "BadTimeSignature",
    "Signature b'UOOgJt87UY4B96SFb1tJ1PyjPlU' does not match",
    "2023-11-14T22:13:20+00:00",
  ],
  "timestamp_missing": [
    "abc.A1nV_ZTlKavv5vO7cp_3ROJlPRY",
    "BadTimeSignature",
    "timestamp missing",
    null,
  ],
  "ts_too_long": [
    "abc.AAAAAAAAAAAA.-0tbNGoKBQIJ6Q9Xjfz20FyBQ4A",
    "BadTimeSignature",
    "Malformed timestamp",
    null,
  ],
  "ts_bad_length": [
    "abc.A.85VDfvkdpp-ZNAVLRa657zNd4Rc",
    "BadTimeSignature",
    "Malformed timestamp",
    null,
  ],
  "payload_json": [
    "Zm9v.ZVPxAA.y7kBGCOfDneBomee2E3qfDDtTRI",
    "BadPayload",
    "Could not load the payload because an exception occurred on unserializing the data.",
    null,
  ],
  "payload_zlib": [
    ".Zm9v.ZVPxAA.gwWB66m4RjHDEN6CTwXPZWRabQk",
    "BadPayload",
    "Could not zlib decompress the payload before decoding the payload",
    null,
  ],
  "payload_base64": [
    "Z.ZVPxAA.3z5v46OCPZWUsjsY0p_AcWrZIfo",
    "BadPayload",
    "Could not base64 decode the payload because of an exception",
    null,
  ],
  "payload_utf8": [
    "_w.ZVPxAA.of_-iCJJoTVuUP6WjLy2x-Dly3Q",
    "BadPayload",
    "Could not load the payload because an exception occurred on unserializing the data.",
    null,
  ],
  "expired": [
    "eyJpZCI6NX0.ZVPxAA.UOOgJt87UY4B96SFb1tJ1PyjPlU",
    "SignatureExpired",
    "Signature age 100 > 50 seconds",
    "2023-11-14T22:13:20+00:00",
  ],
  "fresh": [
    "eyJpZCI6NX0.ZVPxAA.UOOgJt87UY4B96SFb1tJ1PyjPlU",
    null,
  ],
  "future": [
    "eyJpZCI6NX0.ZVPxAA.UOOgJt87UY4B96SFb1tJ1PyjPlU",
    "SignatureExpired",
    "Signature age -10 < 0 seconds",
    "2023-11-14T22:13:20+00:00",
  ],
};

const T0 = 1700000000_000;
const at = (ms: number) => () => ms;
const ERRORS: Record<string, unknown> = {
  BadSignature,
  BadTimeSignature,
  SignatureExpired,
  BadPayload,
};

// phial's own tokens for the values below (clock at T0), each checked once to load in
// itsdangerous 2.2 / Flask 3.1.3 to the same value (the compressed ones too); the tests pin
// phial's output to them, so any change that Python could no longer read fails here.
const PHIAL_TOKENS: string[] = [
  "eyJpZCI6NSwibmFtZSI6IsO8bsOvIn0.ZVPxAA.KIrmENOKLjLmX_dPCotQo4yGb30",
  ".eJxTqhgFFSMNKAEAk47qpQ.ZVPxAA.h4rndyfb1rSDA062gRiGdbGUkzQ",
  ".eJwd08sNWFUUQ9FeMt6Da58_rSAKQGIGsyi9o5cWtpd__vjn73__-_HHnw9hgqRohuXQQ0JGgRIVajRo0eGHhY0DJy7cePDiIx4hwkQQSRTRxBBLHPlIkSaDTLLIJodc8qhHiTIVVFJFNTXUUkc_WrTpoJMuuumhlz7mMWLMBJNMMc0Ms8yxjxVrNthki2122GWPe5w4c8ElV1xzwy331XjoCT2jF-gleoVeozfoLXqHfmcT-sJ95b50X7sv3lfvy6dDfshfXyMHciIXciMP8iIfiodCKL4hAkWiKBSNYlAsikP5UAqlUX6LJcpC2SgH5aI8VA-VUBlVoPqmLVSNalAtqkP9UAu1UQfqRP0ZaNSDelEfmodGaIwm0CSaQvNhGTSL5tA-tEJrtIE20RbaRvupWrSH7qETOqMLdImu0DW6Qffx-_w9_ISf8Qv8Er_Cr_Eb_Ba_w_qgCstYgZVYhdVYg7X48_yB_i3a-DP9of5Uf6w_1x9sH46HQzg--oEjcRSOxjE4FsfhfDiF0zi_jyTOwtk4B-fiPFwPl3AZV-D6zlS4GtfgWlyH--EWbuMO3In7e13jHtyL-_A8PMJjPIEn8RSe756DZ_Ec3odXeI038Cbewtt4vx8v3sP38Amf8QW-xFf4Gt_g-w5_f_36H_eh1yc.ZVPxAA.kE2Hc8pWYFea_ZxvaVjjWwKjsKs",
];
const PHIAL_SESSION_COOKIES: string[] = [
  "eyJfcGVybWFuZW50Ijp0cnVlLCJ1c2VyX2lkIjo0Mn0.ZVPxAA.Q7GpvELr0ewV0aq6dXHmRJWSK9g",
  "eyIgdCI6WzFdLCJyYXciOnsiIGIiOiJBUDg9In0sIndoZW4iOnsiIGQiOiJUdWUsIDAyIEphbiAyMDI0IDAwOjAwOjAwIEdNVCJ9fQ.ZVPxAA.O83jJMaztXCTQEwHvYdsNH1YkPc",
  ".eJxd1D1KREEUBeG9dDyC989xZitiIGIgYqCOgcjs3UR4VS-u6Hx039_1_PR5WeeH3_Vx-Vnn28P6evte5_V6eXm_uV3Xw38IhdhCKuQWSqG20Aq9hVGYLdwp3G3hqHDcwr3C_RZOCicM9PTg9t14rA_PD-wPAwQEwgQBgzBCQCHMEHAIQwQkwhQBizBGQCOtkdBIayTfwu4xQCOtkdBIayQ00hoJjbRGQiOtkdBIayQ00hoJjbJGQaOsUdAoaxT_xu5zQKOsUdAoaxQ0yhoFjbJGQaOsUdAoaxQ02hoNjbZGQ6Ot0dBoazRvxe5YQKOt0dBoazQ02hoNjbZGQ6Ot0dAYaww0xhoDjbHGQGOsMdAYawxv5-54QmOsMdAYaww0xhoDjbHGnNb18foHYxzbEA.ZVPxAA.g-JbyYWM6eGoExeICh7cSfE8BY8",
];

Deno.test("URLSafeTimedSerializer.dumps equals itsdangerous's tokens for the same time", async () => {
  const make = (options = {}, key: string | Uint8Array | string[] = "secret") =>
    new URLSafeTimedSerializer(key, { clock: at(T0), ...options });
  assert.equal(await make().dumps({ id: 5, name: "ünï" }), TOKENS.default);
  assert.equal(await make().dumps([1, 2, 3]), TOKENS.list);
  assert.equal(await make().dumps({ data: "x".repeat(200) }), TOKENS.compressed);
  assert.equal(await make({ salt: "activate" }).dumps("hello"), TOKENS.salt);
  assert.equal(await make({ salt: null }).dumps("hello"), TOKENS.salt_none);
  assert.equal(
    await make({ keyDerivation: "hmac", digestMethod: "sha256" }).dumps("v"),
    TOKENS.hmac_sha256,
  );
  assert.equal(
    await make({ keyDerivation: "concat", digestMethod: "sha512" }).dumps("v"),
    TOKENS.concat_sha512,
  );
  assert.equal(await make({ keyDerivation: "none" }).dumps("v"), TOKENS.none);
  assert.equal(await make({}, new Uint8Array([0, 255, 107])).dumps("v"), TOKENS.bytes_key);
  assert.equal(await make({ keyDerivation: "none" }, "").dumps("v"), TOKENS.empty_key_hmac);
});

Deno.test("URLSafeTimedSerializer.loads reads itsdangerous's tokens", async () => {
  const s = new URLSafeTimedSerializer("secret", { clock: at(T0) });
  assert.deepEqual(await s.loads(TOKENS.default!), { id: 5, name: "ünï" });
  assert.deepEqual(await s.loads(TOKENS.compressed!, { maxAge: 10 }), { data: "x".repeat(200) });
  assert.equal(
    await new URLSafeTimedSerializer("secret", { salt: "activate" }).loads(TOKENS.salt!),
    "hello",
  );
  await assert.rejects(s.loads(TOKENS.salt!), BadTimeSignature);
});

Deno.test("URLSafeTimedSerializer signs with the last key and verifies with any", async () => {
  const rotated = new URLSafeTimedSerializer(["old", "new"], { clock: at(T0) });
  assert.equal(await rotated.dumps("v"), TOKENS.rotated_new);
  assert.equal(await rotated.loads(TOKENS.rotated_old!), "v");
  assert.equal(await rotated.loads(TOKENS.rotated_new!), "v");
  await assert.rejects(new URLSafeTimedSerializer("new").loads(TOKENS.rotated_old!), BadSignature);
});

Deno.test("URLSafeTimedSerializer.loads raises itsdangerous's error for every bad token", async () => {
  for (const [name, [token, errorName, message, dateSigned]] of Object.entries(BAD_TOKENS)) {
    const now = name === "expired" || name === "fresh"
      ? T0 + 100_000
      : name === "future"
      ? T0 - 10_000
      : T0;
    const maxAge = name === "fresh" ? 100 : name === "expired" || name === "future" ? 50 : null;
    const s = new URLSafeTimedSerializer("secret", { clock: at(now) });
    if (errorName === null) {
      assert.deepEqual(await s.loads(token, { maxAge }), { id: 5 }, name);
      continue;
    }
    const error = await s.loads(token, { maxAge }).then(
      () => assert.fail(`${name}: no error`),
      (e) => e,
    );
    assert.equal(error.constructor, ERRORS[errorName!], name);
    assert.equal(error.name, errorName, name);
    assert.equal(error.message, message, name);
    assert.ok(error instanceof BadData, name);
    if (error instanceof BadTimeSignature) {
      assert.equal(
        error.dateSigned?.toISOString() ?? null,
        dateSigned === null ? null : new Date(dateSigned!).toISOString(),
        name,
      );
    }
  }
});

Deno.test("URLSafeTimedSerializer errors keep the unverified payload and the cause", async () => {
  const s = new URLSafeTimedSerializer("secret");
  const bad = await s.loads(BAD_TOKENS.bad_sig![0]).catch((e) => e) as BadSignature;
  assert.equal(new TextDecoder().decode(bad.payload!), "eyJpZCI6NX0");
  const payload = await s.loads(BAD_TOKENS.payload_json![0]).catch((e) => e) as BadPayload;
  assert.ok(payload.originalError instanceof SyntaxError);
});

Deno.test("URLSafeTimedSerializer.loads with maxAge accepts fresh tokens only", async () => {
  const token = await new URLSafeTimedSerializer("k", { clock: at(T0) }).dumps(1);
  const later = (s: number) => new URLSafeTimedSerializer("k", { clock: at(T0 + s * 1000) });
  assert.equal(await later(60).loads(token, { maxAge: 60 }), 1);
  assert.equal(await later(3600).loads(token), 1);
  const expired = await later(61).loads(token, { maxAge: 60 }).catch((e) => e) as SignatureExpired;
  assert.ok(expired instanceof SignatureExpired);
  assert.equal(expired.message, "Signature age 61 > 60 seconds");
  assert.equal(expired.dateSigned?.getTime(), T0);
});

Deno.test("URLSafeTimedSerializer refuses bad arguments with a TypeError", async () => {
  assert.throws(() => new URLSafeTimedSerializer([]), TypeError);
  assert.throws(() => new URLSafeTimedSerializer(5 as unknown as string), TypeError);
  assert.throws(
    () => new URLSafeTimedSerializer("k", { keyDerivation: "x" as "hmac" }),
    { name: "TypeError", message: /Unknown key derivation method "x"/ },
  );
  assert.throws(
    () => new URLSafeTimedSerializer("k", { digestMethod: "md5" as "sha1" }),
    TypeError,
  );
  const s = new URLSafeTimedSerializer("k");
  await assert.rejects(s.loads(5 as unknown as string), TypeError);
  await assert.rejects(s.loads("a.b.c", { maxAge: "1" as unknown as number }), TypeError);
});

Deno.test("phial's tokens are ones itsdangerous reads, compressed or not", async () => {
  const values = [{ id: 5, name: "ünï" }, "x".repeat(500), {
    list: Array.from({ length: 300 }, (_, i) => i),
  }];
  const s = new URLSafeTimedSerializer("secret", { clock: at(T0) });
  const tokens = await Promise.all(values.map((v) => s.dumps(v)));
  assert.ok(tokens[1]!.startsWith(".") && tokens[2]!.startsWith("."));
  assert.deepEqual(tokens, PHIAL_TOKENS);
  assert.deepEqual(await Promise.all(tokens.map((t) => s.loads(t))), values);
});

Deno.test("sessionSerializer equals Flask's session cookies and reads them", async () => {
  const s = sessionSerializer("dev", [], { clock: at(T0) });
  const when = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
  const rich = {
    when,
    raw: new Uint8Array([1, 2]),
    t: [1, 2],
    nested: { a: [1, { b: "é" }] },
    u: "00000000-0000-0000-0000-000000000001",
  };
  assert.equal(await s.dumps({ user_id: 42, _permanent: true }), SESSION_COOKIES.simple);
  assert.equal(
    await s.dumps({ cart: Array.from({ length: 40 }, (_, i) => `item-${i}`) }),
    SESSION_COOKIES.big,
  );
  assert.deepEqual(await s.loads(SESSION_COOKIES.simple!), { user_id: 42, _permanent: true });
  assert.deepEqual(await s.loads(SESSION_COOKIES.rich!, { maxAge: 31 * 86400 }), rich);
});

Deno.test("sessionSerializer accepts cookies signed with a fallback key", async () => {
  assert.deepEqual(await sessionSerializer("dev", ["old-dev"]).loads(SESSION_COOKIES.old_key!), {
    a: 1,
  });
  await assert.rejects(sessionSerializer("dev").loads(SESSION_COOKIES.old_key!), BadSignature);
  assert.throws(() => sessionSerializer(""), { name: "TypeError", message: /secretKey/ });
});

Deno.test("phial's session cookies are ones Flask loads, with every tag", async () => {
  const values = [
    { user_id: 42, _permanent: true },
    { when: new Date(Date.UTC(2024, 0, 2)), raw: new Uint8Array([0, 255]), " t": [1] },
    { cart: Array.from({ length: 60 }, (_, i) => ({ sku: `item-${i}`, qty: i })) },
  ];
  const s = sessionSerializer("dev", [], { clock: at(T0) });
  const cookies = await Promise.all(values.map((v) => s.dumps(v)));
  assert.ok(cookies[2]!.startsWith("."));
  assert.deepEqual(cookies, PHIAL_SESSION_COOKIES);
  assert.deepEqual(await Promise.all(cookies.map((c) => s.loads(c))), values);
});
