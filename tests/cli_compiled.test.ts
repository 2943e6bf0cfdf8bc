// The single-file executable: `bun build --compile` (through scripts/compile-cli.ts, as
// scripts/build-cli.sh does) with libflox.so embedded, run from a directory
// where no library can be found, on tapes written through the recorder. The one slow CLI test
// (a few seconds: bundling and writing a ~100 MB executable).
import { after, describe, test } from "node:test";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertEquals, assertStringIncludes, fail } from "@std/assert";
import { makeRecorderHook } from "../mod.ts";
import { REPO_ROOT, runFlox } from "./support/cli.ts";

const root = mkdtempSync(join(tmpdir(), "flox-compiled-"));
after(() => rmSync(root, { recursive: true, force: true }));

function tape(name: string, prices: number[]): string {
  const dir = join(root, name);
  const rec = makeRecorderHook(dir, { compression: "lz4" });
  prices.forEach((p, i) => rec.recordTrade(1, p, 0.25, i % 2 === 0, 1_000_000_000n * BigInt(i + 1)));
  rec.close();
  return dir;
}

describe("single-file executable (bun build --compile)", () => {
  test("builds, then runs inspect and diff with the embedded library", () => {
    const bun = join(REPO_ROOT, "node_modules", ".bin", "bun");
    const library = join(REPO_ROOT, "build", "libflox.so");
    if (!existsSync(bun)) fail(`cannot build the executable: ${bun} is missing (run npm run build first)`);
    if (!existsSync(library)) fail(`cannot build the executable: ${library} is missing (run npm run build first)`);
    const exe = join(root, "flox");
    const build = spawnSync(bun, ["scripts/compile-cli.ts", exe], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    });
    if (build.error || build.status !== 0) {
      fail(`bun build --compile failed (exit ${build.status}): ${build.error?.message ?? ""}\n${build.stderr}`);
    }

    // No FLOX_LIB and a working directory without a build/: only the embedded copy can load.
    const cwd = join(root, "elsewhere");
    mkdirSync(cwd);
    const run = (args: string[]) => runFlox(args, { executable: exe, cwd, env: { FLOX_LIB: "" } });

    const version = run(["--version"]);
    assertEquals(version.status, 0, version.stderr);
    assertStringIncludes(version.stdout, "$bunfs");

    const a = tape("a", [101.5, 101.55, 101.6]);
    const b = tape("b", [101.5, 101.55, 101.6]);
    const c = tape("c", [101.5, 101.55, 101.7]);
    const inspect = run(["tape", "inspect", a]);
    assertEquals(inspect.status, 0, inspect.stderr);
    assertStringIncludes(inspect.stdout, "trades        : 3");
    assertStringIncludes(inspect.stdout, "lz4");
    const equal = run(["tape", "diff", a, b]);
    assertEquals(equal.status, 0, equal.stderr);
    assertStringIncludes(equal.stdout, "EQUAL");
    const divergent = run(["tape", "diff", a, c]);
    assertEquals(divergent.status, 1, divergent.stderr);
    assertStringIncludes(divergent.stderr, "first divergent index: 2");
    const usage = run(["tape", "diff", a]);
    assertEquals(usage.status, 2, `signal ${usage.signal}; stderr: ${usage.stderr}`);
  });
});
