// The command line's argument parser and dispatcher, in process (no child processes, no tapes).
import { describe, test } from "node:test";
import { assertEquals, assertMatch, assertStringIncludes, assertThrows } from "@std/assert";
import { type ArgsSpec, parseArgs, UsageError, wantsHelp } from "../lib/cli/args.ts";
import { ExitCode } from "../lib/cli/command.ts";
import { main } from "../lib/cli/main.ts";
import { MemoryOutput } from "../lib/cli/output.ts";
import { Progress } from "../lib/cli/progress.ts";
import { formatCount, IsoFormatter, isoFromNs } from "../lib/cli/format.ts";

const spec: ArgsSpec = {
  positionals: [{ name: "LEFT", description: "" }, { name: "RIGHT", description: "" }],
  options: [
    { name: "max-mismatches", kind: "count", valueName: "K", description: "" },
    { name: "ts-tolerance-ns", kind: "bigint", valueName: "N", description: "" },
    { name: "json", kind: "flag", description: "" },
    { name: "output", short: "o", kind: "string", valueName: "DIR", description: "" },
    { name: "venue", kind: "string", repeatable: true, description: "" },
  ],
};

describe("parseArgs", () => {
  test("options in any position, both value forms, flags, short alias, repeats", () => {
    const a = parseArgs(
      [
        "--json",
        "a",
        "--max-mismatches",
        "5",
        "b",
        "--ts-tolerance-ns=1_000",
        "-o",
        "out",
        "--venue",
        "x",
        "--venue=y",
      ],
      spec,
    );
    assertEquals(a.positionals, ["a", "b"]);
    assertEquals(a.flag("json"), true);
    assertEquals(a.count("max-mismatches"), 5);
    assertEquals(a.bigint("ts-tolerance-ns"), 1000n);
    assertEquals(a.string("output"), "out");
    assertEquals(a.all("venue"), ["x", "y"]);
    assertEquals(a.has("missing"), false);
  });

  test("-- ends the options", () => {
    assertEquals(parseArgs(["--", "--json", "b"], spec).positionals, ["--json", "b"]);
  });

  test("bigint keeps nanosecond precision beyond 2^53", () => {
    assertEquals(
      parseArgs(["a", "b", "--ts-tolerance-ns", "9223372036854775807"], spec).bigint("ts-tolerance-ns"),
      (1n << 63n) - 1n,
    );
  });

  const rejects: [string[], RegExp][] = [
    [["a"], /missing argument RIGHT/],
    [[], /missing arguments LEFT RIGHT/],
    [["a", "b", "c"], /unexpected argument 'c'/],
    [["a", "b", "--max-mismatch", "3"], /unknown option '--max-mismatch'; did you mean '--max-mismatches'\?/],
    [["a", "b", "-x"], /unknown option '-x'/],
    [["a", "b", "--max-mismatches"], /--max-mismatches needs a value \(K\)/],
    [["a", "b", "--max-mismatches", "--json"], /--max-mismatches needs a value/],
    [["a", "b", "--max-mismatches", "-1"], /--max-mismatches must be a non-negative integer, got '-1'/],
    [["a", "b", "--max-mismatches", "1.5"], /must be a non-negative integer, got '1.5'/],
    [["a", "b", "--max-mismatches", "9007199254740992"], /--max-mismatches is too large/],
    [["a", "b", "--ts-tolerance-ns", "9223372036854775808"], /--ts-tolerance-ns is too large/],
    [["a", "b", "--json=yes"], /--json takes no value/],
    [["a", "b", "--json", "--json"], /--json given more than once/],
    [["a", "b", "-o", ""], /--output needs a non-empty value/],
  ];
  for (const [argv, message] of rejects) {
    test(`rejects ${JSON.stringify(argv)}`, () => {
      const e = assertThrows(() => parseArgs(argv, spec), UsageError);
      assertMatch(e.message, message);
    });
  }

  test("help is seen anywhere before --", () => {
    assertEquals(wantsHelp(["a", "--help"]), true);
    assertEquals(wantsHelp(["-h"]), true);
    assertEquals(wantsHelp(["--", "--help"]), false);
  });
});

async function flox(...argv: string[]) {
  const out = new MemoryOutput();
  const err = new MemoryOutput();
  const status = await main(argv, { out, err, env: {} });
  return { status, stdout: out.text, stderr: err.text };
}

describe("flox dispatcher", () => {
  test("help at every level goes to stdout with exit 0", async () => {
    const top = await flox("--help");
    assertEquals(top.status, ExitCode.OK);
    assertStringIncludes(top.stdout, "Usage: flox <command>");
    assertStringIncludes(top.stdout, "tape");
    const group = await flox("tape", "--help");
    assertEquals(group.status, ExitCode.OK);
    for (const name of ["inspect", "replay", "diff", "record", "backfill"]) assertStringIncludes(group.stdout, name);
    const diff = await flox("tape", "diff", "--help");
    assertEquals(diff.status, ExitCode.OK);
    assertStringIncludes(
      diff.stdout,
      "Usage: flox tape diff LEFT RIGHT [--ts-tolerance-ns N] [--max-mismatches K] [--json]",
    );
    assertStringIncludes(diff.stdout, "Exit codes:");
  });

  test("a missing command prints help on stderr with exit 2", async () => {
    for (const argv of [[], ["tape"]]) {
      const r = await flox(...argv);
      assertEquals(r.status, ExitCode.USAGE);
      assertEquals(r.stdout, "");
      assertStringIncludes(r.stderr, "Usage:");
    }
  });

  test("unknown commands and bad options are usage errors (exit 2) naming the culprit", async () => {
    const a = await flox("tapes");
    assertEquals(a.status, ExitCode.USAGE);
    assertStringIncludes(a.stderr, "unknown command 'tapes'");
    const b = await flox("tape", "inpsect");
    assertEquals(b.status, ExitCode.USAGE);
    assertStringIncludes(b.stderr, "unknown command 'inpsect'");
    const c = await flox("tape", "replay", "x", "--max-events", "ten");
    assertEquals(c.status, ExitCode.USAGE);
    assertStringIncludes(c.stderr, "flox tape replay: --max-events must be a non-negative integer, got 'ten'");
    assertStringIncludes(c.stderr, "Usage: flox tape replay DIR [--max-events N]");
  });

  test("a path that is missing or not a directory is unreadable input (exit 2)", async () => {
    const missing = await flox("tape", "inspect", "/nonexistent/flox-tape");
    assertEquals(missing.status, ExitCode.USAGE);
    assertStringIncludes(missing.stderr, "tape not found: /nonexistent/flox-tape");
    const file = await flox("tape", "diff", import.meta.filename ?? "tests/cli_args.test.ts", ".");
    assertEquals(file.status, ExitCode.USAGE);
    assertStringIncludes(file.stderr, "is not a directory");
  });
});

describe("progress line", () => {
  test("draws on a terminal, erases itself, throttles redraws", () => {
    const err = new MemoryOutput(true);
    let now = 0;
    const p = new Progress(err, "replay", true, "events", () => now);
    now = 1000;
    p.update(500, 1000);
    assertStringIncludes(err.text, "replay   50.0%  500 / 1,000 events");
    const drawn = err.text;
    now = 1050; // within the redraw interval: nothing new
    p.update(600, 1000);
    assertEquals(err.text, drawn);
    p.finish();
    assertEquals(err.text.endsWith("\r\x1b[2K"), true);
  });

  test("byte progress is shown in binary units", () => {
    const err = new MemoryOutput(true);
    let now = 0;
    const p = new Progress(err, "diff", true, "bytes", () => now);
    now = 2000;
    p.update(512 * 1024 * 1024, 1024 * 1024 * 1024);
    assertStringIncludes(err.text, "diff   50.0%  512.0 MiB / 1.0 GiB  256.0 MiB/s  ETA 2s");
  });

  test("draws nothing when disabled", () => {
    const err = new MemoryOutput(false);
    const p = new Progress(err, "replay", false);
    p.update(1, 2);
    p.finish();
    assertEquals(err.text, "");
  });
});

describe("formatting", () => {
  test("counts and nanosecond timestamps", () => {
    assertEquals(formatCount(10_000_000), "10,000,000");
    assertEquals(formatCount(-1234n), "-1,234");
    assertEquals(isoFromNs(1_000_000_001n), "1970-01-01T00:00:01.000000001Z");
    assertEquals(isoFromNs(-1n), "1969-12-31T23:59:59.999999999Z");
    const f = new IsoFormatter();
    assertEquals(f.format(1763726400123456789n), "2025-11-21T12:00:00.123456789Z");
    assertEquals(f.format(1763726400999999999n), "2025-11-21T12:00:00.999999999Z");
    assertEquals(f.format(1763726401000000000n), "2025-11-21T12:00:01.000000000Z");
  });
});
