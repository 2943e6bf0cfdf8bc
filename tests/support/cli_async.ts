// Runs `flox ARGS` as a child process without blocking this process's event loop (tests that serve
// the child from an in-process fake exchange cannot use spawnSync).
import { spawn } from "node:child_process";
import process from "node:process";
import { floxCommand, REPO_ROOT } from "./cli.ts";

export interface AsyncCliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runFloxAsync(args: string[], env: Record<string, string> = {}): Promise<AsyncCliResult> {
  const [cmd, ...prefix] = floxCommand();
  const child = spawn(cmd, [...prefix, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "", stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ status: code, stdout, stderr }));
  });
}
