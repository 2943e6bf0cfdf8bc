// Helpers for the tape tests: temporary directories, the FLOX sample fixture, synthetic trades.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";

/** A fresh empty directory; remove it with removeDir. */
export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `flox-${tag}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Sorted *.floxlog names in a directory. */
export function segmentNames(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.endsWith(".floxlog")).sort();
}

/**
 * The real FLOX tape shared/fixtures/flox-sample/sample.floxlog: CI clones shared/ beside the repo;
 * a worktree sits one level deeper. null when absent (tests then skip with a message).
 */
export function floxSamplePath(): string | null {
  for (const rel of ["../../../shared", "../../../../shared"]) {
    const p = join(fileURLToPath(new URL(rel, import.meta.url)), "fixtures/flox-sample/sample.floxlog");
    if (existsSync(p)) return p;
  }
  return null;
}

/** A directory holding only a copy of the FLOX sample segment (FLOX tooling reads directories). */
export function floxSampleTape(): string | null {
  const src = floxSamplePath();
  if (!src) return null;
  const dir = tempDir("sample");
  copyFileSync(src, join(dir, "sample.floxlog"));
  return dir;
}

/** Deterministic trades: ts 1e15 + 1000 i, prices with two decimals, quantities with six. */
export function syntheticTrades(n: number, start = 0) {
  const tsNs = new BigInt64Array(n), symbolId = new Uint32Array(n), price = new Float64Array(n);
  const qty = new Float64Array(n), side = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const i = start + k;
    tsNs[k] = 1_000_000_000_000_000n + BigInt(i) * 1000n;
    symbolId[k] = 1 + (i % 3);
    price[k] = (10_000_00 + ((i * 7919) % 100_000)) / 100;
    qty[k] = (1 + ((i * 104729) % 1_000_000)) / 1_000_000;
    side[k] = i % 2;
  }
  return { tsNs, symbolId, price, qty, side };
}
