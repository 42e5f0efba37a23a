// Expected values recorded from Werkzeug 3.1's werkzeug.security.safe_join (on Linux).
import assert from "node:assert/strict";
import { safeJoin } from "../../framework/http/safe_join.ts";

const cases: [string, string[], string | null][] = [
  ["static", ["css/site.css"], "static/css/site.css"],
  ["static", ["a/../b.txt"], "static/b.txt"],
  ["static", ["../secret"], null],
  ["static", ["/etc/passwd"], null],
  ["static", [""], "static"],
  ["", ["x"], "./x"],
  ["static/", ["x"], "static/x"],
  ["static", ["a", "b/c"], "static/a/b/c"],
  ["static", ["a", "../../x"], null],
  ["static", ["./x"], "static/x"],
  ["static", ["a/./b//c"], "static/a/b/c"],
  ["static", [".."], null],
  ["static", ["a/.."], "static/."],
  ["static", ["..."], "static/..."],
  ["static", ["..a"], "static/..a"],
  ["static", ["//x"], null],
  ["/srv/www", ["i.html"], "/srv/www/i.html"],
  ["static", ["a/", "b"], "static/a/b"],
  ["static", ["a", ""], "static/a"],
  ["static", ["", "a"], "static/a"],
  ["static", [], "static"],
];

for (const [directory, parts, expected] of cases) {
  Deno.test(`safeJoin(${JSON.stringify([directory, ...parts]).slice(1, -1)}) is ${JSON.stringify(expected)}`, () => {
    assert.equal(safeJoin(directory, ...parts), expected);
  });
}

Deno.test("safeJoin refuses a backslash on every platform (Werkzeug: on Windows only)", () => {
  assert.equal(safeJoin("static", "a\\b"), null);
  assert.equal(safeJoin("static", "..\\secret"), null);
});
