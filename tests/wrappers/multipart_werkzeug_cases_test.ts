// Replays multipart bodies (hand-written edge cases, plus mutated and random ones) whose
// outcome was recorded from Werkzeug 3.1's MultiPartParser (tests/wrappers/fixtures/
// werkzeug_multipart_cases.json), read in 64 KiB chunks and in 7-byte chunks.
import { deepEqual, fail } from "node:assert/strict";
import { bytesInput } from "../../framework/gateway/input_stream.ts";
import { HTTPException } from "../../framework/http/exceptions.ts";
import { MultiDict } from "../../framework/http/multi_dict.ts";
import { MultipartError, parseMultipart } from "../../framework/wrappers/multipart_parser.ts";

type Outcome =
  | { status: 413 | "empty" }
  | {
    form: [string | null, string[]][];
    files: [string | null, [string, string | null, string][]][];
  };
interface Case {
  label: string;
  body: string;
  maxFormMemorySize?: number;
  maxFormParts?: number;
  chunk65536: Outcome;
  chunk7: Outcome;
}
const fixture: { boundary: string; cases: Case[] } = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/werkzeug_multipart_cases.json", import.meta.url)),
);

function fromBase64(s: string): Uint8Array {
  return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
}
function toBase64(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s);
}

async function outcome(c: Case, chunk: number): Promise<Outcome> {
  try {
    const { form, files } = await parseMultipart(bytesInput(fromBase64(c.body)), fixture.boundary, {
      bufferSize: chunk,
      maxFormMemorySize: c.maxFormMemorySize ?? 500_000,
      maxFormParts: c.maxFormParts ?? 1000,
    });
    const fileLists: [string, [string, string | null, string][]][] = [];
    for (const [key, list] of new MultiDict(files).lists()) {
      const out: [string, string | null, string][] = [];
      for (const f of list) {
        out.push([f.filename!, f.contentType ?? null, toBase64(await f.read())]);
      }
      fileLists.push([key, out]);
    }
    return { form: new MultiDict(form).lists(), files: fileLists };
  } catch (error) {
    if (error instanceof MultipartError) return { status: "empty" };
    if (error instanceof HTTPException && error.code === 413) return { status: 413 };
    throw error;
  }
}

// Werkzeug keys a part without a name as None; phial uses "".
function normalize(o: Outcome): Outcome {
  if ("form" in o) {
    return {
      form: o.form.map(([k, v]) => [k ?? "", v]),
      files: o.files.map(([k, v]) => [k ?? "", v]),
    };
  }
  return o;
}

for (const chunk of [65536, 7] as const) {
  Deno.test(`parseMultipart matches Werkzeug on ${fixture.cases.length} recorded bodies read in ${chunk}-byte chunks`, async () => {
    const failures: string[] = [];
    for (const c of fixture.cases) {
      const expected = normalize(chunk === 7 ? c.chunk7 : c.chunk65536);
      let actual: Outcome;
      try {
        actual = await outcome(c, chunk);
      } catch (error) {
        failures.push(`${c.label}: threw ${error}`);
        continue;
      }
      try {
        deepEqual(actual, expected);
      } catch {
        failures.push(
          `${c.label}: got ${JSON.stringify(actual)}, Werkzeug ${JSON.stringify(expected)}`,
        );
      }
    }
    if (failures.length > 0) fail(`${failures.length} mismatches:\n${failures.join("\n")}`);
  });
}
