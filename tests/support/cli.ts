// Runs the `flox` command line as a child process under the runtime running the tests (Deno or
// Bun), or a compiled executable, and returns what it printed and its exit code.
import { spawnSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";

export const FLOX_ENTRY = fileURLToPath(new URL("../../bin/flox.ts", import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";

export interface CliResult {
  status: number | null;
  /** The signal that ended the process, if one did (status is then null). */
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** The command that starts bin/flox.ts under the current runtime. */
export function floxCommand(): string[] {
  return isBun ? [process.execPath, FLOX_ENTRY] : [process.execPath, "run", "-A", FLOX_ENTRY];
}

/** Runs `flox ARGS` (or `executable ARGS`) and waits for it. */
export function runFlox(
  args: string[],
  options: { env?: Record<string, string>; executable?: string; cwd?: string } = {},
): CliResult {
  const [command, ...prefix] = options.executable ? [options.executable] : floxCommand();
  const result = spawnSync(command, [...prefix, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, NO_COLOR: "1", ...options.env },
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}
