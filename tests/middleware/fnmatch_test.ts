// Expected values recorded from Python 3.11's fnmatch.fnmatch (on Linux).
import assert from "node:assert/strict";
import { fnmatch } from "../../framework/middleware/fnmatch.ts";

const cases: [string, string, boolean][] = [
  ["secret.key", "*.key", true],
  ["site.css", "[!s]*", false],
  ["a.py", "*.p?", true],
  ["x", "[]]", false],
  ["]", "[]]", true],
  ["b", "[a-c]", true],
  ["-", "[a-]", true],
  ["d", "[!a-c]", true],
  ["[", "[", true],
  ["a[b", "a[b", true],
  ["abc", "a*c", true],
  ["a/b", "a*b", true],
  [".hidden", "[!.]*", false],
  ["Ab", "ab", false],
  ["aXbXc", "a*b*c", true],
  ["ab", "a**b", true],
  ["z", "[z-a]", false],
  ["", "*", true],
  ["é", "?", true],
  ["a.b", "a.b", true],
  ["aXb", "a.b", false],
  ["\\", "[\\]", true],
  ["x+y", "x+y", true],
  ["(a)", "(a)", true],
];

for (const [name, pattern, expected] of cases) {
  Deno.test(`fnmatch(${JSON.stringify(name)}, ${JSON.stringify(pattern)}) is ${expected}`, () => {
    assert.equal(fnmatch(name, pattern), expected);
  });
}
