// The `flox` command line as users run it: a child process under the current runtime.
import { describe, test } from "node:test";
import { assertEquals, assertStringIncludes } from "@std/assert";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { isBun, REPO_ROOT, runFlox } from "./support/cli.ts";

describe("flox (child process)", () => {
  test("help and exit code 0", () => {
    const r = runFlox(["tape", "--help"]);
    assertEquals(r.status, 0, r.stderr);
    assertStringIncludes(r.stdout, "Usage: flox tape <command>");
  });

  test("bad usage exits 2 with the usage line on stderr", () => {
    const r = runFlox(["tape", "diff", "only-one"]);
    assertEquals(r.status, 2);
    assertEquals(r.stdout, "");
    assertStringIncludes(r.stderr, "flox tape diff: missing argument RIGHT");
    assertStringIncludes(r.stderr, "Usage: flox tape diff LEFT RIGHT");
  });

  test("unreadable input exits 2", () => {
    const r = runFlox(["tape", "inspect", "/nonexistent/flox-tape"]);
    assertEquals(r.status, 2);
    assertStringIncludes(r.stderr, "tape not found");
  });
});

describe("flox through the runtime's task runner", () => {
  test(isBun ? "bun run flox" : "deno task flox", () => {
    const args = isBun ? ["run", "flox", "tape", "--help"] : ["task", "--quiet", "flox", "tape", "--help"];
    const r = spawnSync(process.execPath, args, { cwd: REPO_ROOT, encoding: "utf8" });
    assertEquals(r.status, 0, r.stderr);
    assertStringIncludes(r.stdout, "Usage: flox tape <command>");
  });
});
