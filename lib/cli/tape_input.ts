// Checks a tape path before any reading, so that a typo gets a plain message (and exit code 2)
// rather than an error from deep inside the reader.
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { FloxError } from "../errors.ts";
import { FloxStatus } from "../status_codes.ts";

/** Resolves `path` and checks that it is a directory; throws FloxError naming it otherwise. */
export function requireTapeDir(path: string, role = "tape"): string {
  const resolved = resolve(path);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(resolved).isDirectory();
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ENOENT") throw new FloxError(FloxStatus.NOT_FOUND, `${role} not found: ${path}`);
    throw new FloxError(FloxStatus.IO, `cannot read ${role} ${path}: ${(e as Error).message}`);
  }
  if (!isDirectory) {
    throw new FloxError(
      FloxStatus.INVALID_ARG,
      `${role} ${path} is not a directory (a tape is a directory of .floxlog segment files)`,
    );
  }
  return resolved;
}
