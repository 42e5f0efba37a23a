"""Records Werkzeug 3.1's answers for seeded random rule sets and paths.

    python3 tests/routing/werkzeug_fuzz_oracle.py > tests/routing/werkzeug_fuzz_cases.ts

Replayed by werkzeug_fuzz_test.ts: every answer phial gives must equal Werkzeug's.
"""
import json
import random
import warnings
from werkzeug.routing import Map, Rule, RequestRedirect
from werkzeug.exceptions import NotFound, MethodNotAllowed

warnings.simplefilter("ignore")
rnd = random.Random(20261121)
WORDS = ["a", "b", "users", "user", "items", "new", "edit", "x.json", "v1", "files"]
VARS = ["<x>", "<int:n>", "<path:p>", "<float:f>", "<any(a, new):k>", "<string(length=2):s>",
        "<x>.json", "<int:n>-<y>", "<int(signed=True):n>"]
VALUES = ["a", "new", "12", "-3", "1.5", "ab", "q.json", "12-z", "zz", "users", "a/b"]
METHODS = [None, ["GET"], ["POST"], ["GET", "POST"], ["PUT"]]


def make_rule_string():
    parts = []
    used = set()
    for _ in range(rnd.randint(1, 4)):
        if rnd.random() < 0.55:
            parts.append(rnd.choice(WORDS))
        else:
            v = rnd.choice(VARS)
            names = {"<x>": "x", "<int:n>": "n", "<path:p>": "p", "<float:f>": "f",
                     "<any(a, new):k>": "k", "<string(length=2):s>": "s", "<x>.json": "x",
                     "<int:n>-<y>": "n", "<int(signed=True):n>": "n"}
            names_in = {"<int:n>-<y>": {"n", "y"}}.get(v, {names[v]})
            if names_in & used:
                parts.append(rnd.choice(WORDS))
                continue
            used |= names_in
            parts.append(v)
            if "path" in v:
                break
    rule = "/" + "/".join(parts)
    if rnd.random() < 0.25:
        rule += "/"
    return rule


def make_path(rule_strings):
    r = rnd.choice(rule_strings)
    out = []
    for seg in r.split("/"):
        if "<" in seg:
            if "-<y>" in seg:
                out.append(rnd.choice(["12", "x"]) + "-" + rnd.choice(VALUES))
            elif ".json" in seg:
                out.append(rnd.choice(VALUES) + ".json")
            else:
                out.append(rnd.choice(VALUES))
        else:
            out.append(seg)
    p = "/".join(out)
    roll = rnd.random()
    if roll < 0.15:
        p = p.rstrip("/") if p.endswith("/") else p + "/"
    elif roll < 0.25:
        i = rnd.randrange(len(p))
        p = p[:i] + "/" + p[i:]
    elif roll < 0.32:
        p = p + "/" + rnd.choice(WORDS)
    elif roll < 0.38:
        p = "/" + rnd.choice(WORDS) + p
    elif roll < 0.42:
        p = p.replace("/", "//", 1)
    return p or "/"


cases = []
for n in range(100):
    rule_specs = []
    seen = set()
    for _ in range(rnd.randint(2, 12)):
        s = make_rule_string()
        m = rnd.choice(METHODS)
        opts = {"endpoint": f"e{len(rule_specs)}"}
        if m is not None:
            opts["methods"] = m
        if rnd.random() < 0.15:
            opts["strictSlashes"] = False
        if (s, str(m)) in seen:
            continue
        seen.add((s, str(m)))
        rule_specs.append([s, opts])
    if rnd.random() < 0.4:
        rule_specs.append(["/d/", {"endpoint": "dp", "defaults": {"page": 1}}])
        rule_specs.append(["/d/page/<int:page>", {"endpoint": "dp"}])
    map_opts = {}
    if rnd.random() < 0.2:
        map_opts["mergeSlashes"] = False
    if rnd.random() < 0.2:
        map_opts["strictSlashes"] = False
    try:
        m = Map([Rule(s, **{{"strictSlashes": "strict_slashes"}.get(k, k): v for k, v in o.items()})
                 for s, o in rule_specs],
                **{{"mergeSlashes": "merge_slashes", "strictSlashes": "strict_slashes"}[k]: v
                   for k, v in map_opts.items()})
    except Exception as e:  # noqa: BLE001
        continue
    a = m.bind("example.com")
    results = []
    for _ in range(40):
        path = make_path([s for s, _ in rule_specs])
        method = rnd.choice(["GET", "POST", "PUT", "HEAD"])
        try:
            endpoint, args = a.match(path, method)
            r = ["ok", endpoint, args]
        except RequestRedirect as e:
            r = ["308", e.new_url]
        except MethodNotAllowed as e:
            r = ["405", sorted(e.valid_methods)]
        except NotFound:
            r = ["404"]
        results.append([path, method, r])
    builds = []
    endpoints = sorted({o["endpoint"] for _, o in rule_specs})
    for _ in range(15):
        endpoint = rnd.choice(endpoints + ["missing"])
        values = {}
        for name, pool in [("x", VALUES), ("n", [3, -2, "7"]), ("p", ["a/b", "c d"]),
                           ("f", [1.5, 2]), ("k", ["a", "new", "zz"]), ("s", ["ab", "abc"]),
                           ("y", ["q"]), ("page", [1, 2]), ("extra", ["e f", ["1", "2"]])]:
            if rnd.random() < 0.45:
                values[name] = rnd.choice(pool)
        method = rnd.choice([None, None, "GET", "POST"])
        try:
            r = ["ok", a.build(endpoint, values, method)]
        except Exception as e:  # noqa: BLE001
            r = ["BuildError", str(e)] if type(e).__name__ == "BuildError" else ["error"]
        builds.append([endpoint, values, method, r])
    cases.append({"map": map_opts, "rules": rule_specs, "results": results, "builds": builds})

print("// Generated by tests/routing/werkzeug_fuzz_oracle.py: Werkzeug 3.1's answers. Do not edit.")
print("// deno-fmt-ignore-file")
print("// deno-lint-ignore-file")
print("export const FUZZ_CASES: any[] = " + json.dumps(cases, ensure_ascii=False) + ";")
