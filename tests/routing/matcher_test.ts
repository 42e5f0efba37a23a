import assert from "node:assert/strict";
import { BaseConverter, Map as UrlMap, Rule } from "../../framework/routing/mod.ts";

/** A converter matched by a regular expression (not one of the matcher's shortcuts). */
class CodeConverter extends BaseConverter {
  override regex = "[a-z]+\\d";
}

/** Counts `RegExp.prototype.exec` calls made while `f` runs. */
function countRegexExec(f: () => void): number {
  const exec = RegExp.prototype.exec;
  let calls = 0;
  RegExp.prototype.exec = function (this: RegExp, s: string) {
    calls++;
    return exec.call(this, s);
  };
  try {
    f();
  } finally {
    RegExp.prototype.exec = exec;
  }
  return calls;
}

Deno.test("the compiled matcher runs only the regexes on the path's own branch", () => {
  for (const size of [10, 2_000]) {
    const rules = [];
    for (let i = 0; i < size; i++) {
      rules.push(new Rule(`/p${i}/<code:c>/x`, { endpoint: `p${i}` }));
    }
    const urls = new UrlMap(rules, { converters: { code: CodeConverter } }).bind("example.com");
    urls.matchResult("/"); // compile
    let result;
    const calls = countRegexExec(() => {
      result = urls.matchResult(`/p${size - 1}/ab1/x`);
    });
    assert.equal(calls, 1, `one regex for ${size} rules`);
    assert.deepStrictEqual(result, {
      code: 200,
      rule: urls.map.iterRules(`p${size - 1}`)[0],
      endpoint: `p${size - 1}`,
      args: { c: "ab1" },
    });
    assert.equal(countRegexExec(() => urls.matchResult("/nope/ab1/x")), 0);
  }
});

Deno.test("the compiled matcher finds each of 10,000 rules", () => {
  const rules = [];
  for (let i = 0; i < 10_000; i++) {
    rules.push(
      new Rule(i % 2 ? `/r${i}/<int:n>/s${i % 7}` : `/r${i}/static/${i}`, { endpoint: String(i) }),
    );
  }
  const urls = new UrlMap(rules).bind("example.com");
  for (let i = 0; i < 10_000; i++) {
    const path = i % 2 ? `/r${i}/${i}/s${i % 7}` : `/r${i}/static/${i}`;
    const result = urls.matchResult(path);
    assert.equal(result.code === 200 && result.endpoint, String(i), path);
  }
  assert.equal(urls.matchResult("/r1/x/s1").code, 404);
  assert.equal(urls.matchResult("/r2/static/3").code, 404);
});

Deno.test("static parts win over converters, and converter weights order the rest", () => {
  const urls = new UrlMap([
    new Rule("/w/<path:x>", { endpoint: "path" }),
    new Rule("/w/<x>", { endpoint: "string" }),
    new Rule("/w/<int:x>", { endpoint: "int" }),
    new Rule("/w/new", { endpoint: "static" }),
    new Rule("/w/<x>.json", { endpoint: "suffix" }),
  ]).bind("example.com");
  assert.equal(urls.match("/w/new")[0], "static");
  assert.equal(urls.match("/w/12")[0], "int");
  assert.equal(urls.match("/w/ab")[0], "string");
  assert.equal(urls.match("/w/ab.json")[0], "suffix");
  assert.equal(urls.match("/w/a/b")[0], "path");
});

Deno.test("registration order does not change which rule wins between weights", () => {
  const make = (order: number[]) => {
    const all = [
      new Rule("/w/<path:x>", { endpoint: "path" }),
      new Rule("/w/<x>", { endpoint: "string" }),
      new Rule("/w/<int:x>", { endpoint: "int" }),
      new Rule("/w/new", { endpoint: "static" }),
    ];
    return new UrlMap(order.map((i) => all[i]!)).bind("example.com");
  };
  for (const order of [[0, 1, 2, 3], [3, 2, 1, 0], [1, 3, 0, 2]]) {
    const urls = make(order);
    assert.deepStrictEqual(
      ["/w/new", "/w/7", "/w/x", "/w/x/y"].map((p) => urls.match(p)[0]),
      ["static", "int", "string", "path"],
    );
  }
});

Deno.test("a segment of 65,537 characters is not mistaken for a short static one", () => {
  const long = "a".repeat(65_536);
  const urls = new UrlMap([
    new Rule("/x/", { endpoint: "slash" }),
    new Rule("/x/a", { endpoint: "a" }),
    new Rule(`/y/${long}`, { endpoint: "long" }),
  ]).bind("example.com");
  assert.equal(urls.matchResult(`/x/${long}`).code, 404);
  // 65,537 = 1 + 2^16: the same length modulo 2^16 as "a".
  assert.equal(urls.matchResult(`/x/${"a".repeat(65_537)}`).code, 404);
  const hit = urls.matchResult(`/y/${long}`);
  assert.equal(hit.code === 200 && hit.endpoint, "long");
  assert.equal(urls.matchResult(`/y/${"b".repeat(65_536)}`).code, 404);
});
