// Progress of whole-tape reads for callers that draw it (the command line): bytes of segment files
// passed so far, out of all of them, reported between native chunks.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ReaderStat, readerStats } from "../ffi/tape_native.ts";
import type { NativeHandle } from "../ffi/types.ts";

/** (done, total) in bytes; total 0 when unknown. */
export type ProgressCallback = (done: number, total: number) => void;

/** Sum of the sizes of a tape's *.floxlog files (0 when the directory cannot be listed). */
export function segmentBytes(dir: string): number {
  let bytes = 0;
  try {
    for (const name of readdirSync(dir)) {
      if (name.endsWith(".floxlog")) bytes += statSync(join(dir, name)).size;
    }
  } catch {
    return 0; // the reader reports the real problem
  }
  return bytes;
}

/** Calls onProgress with the reader's position; a no-op without a callback. */
export function reportProgress(h: NativeHandle, total: number, onProgress: ProgressCallback | undefined): void {
  if (!onProgress) return;
  const done = Number(readerStats(h)[ReaderStat.BYTES_READ]);
  onProgress(total > 0 ? Math.min(done, total) : done, total);
}
