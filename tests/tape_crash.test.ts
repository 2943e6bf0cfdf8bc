// Crash safety with a real child process: a recorder killed with SIGKILL mid-recording leaves a tape
// from which every complete frame (uncompressed) or every complete block (LZ4) reads back exactly,
// and the torn tail, if any, is reported instead of hidden.
import { after, describe, test } from "node:test";
import { assert, assertEquals, assertGreater } from "@std/assert";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { inspectTape, readTrades } from "../mod.ts";
import { isBun, removeDir, segmentNames, syntheticTrades, tempDir } from "./support/tape_helpers.ts";

const CHILD = fileURLToPath(new URL("./support/tape_crash_writer.ts", import.meta.url));
const dirs: string[] = [];
after(() => dirs.forEach(removeDir));

/** Starts the writer under the runtime running this test and SIGKILLs it once `atLeast` trades are flushed. */
function recordThenKill(dir: string, compression: "none" | "lz4", atLeast: number): Promise<number> {
  const args = isBun ? [CHILD, dir, compression] : ["run", "-A", CHILD, dir, compression];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let flushed = 0, stderr = "";
  child.stderr!.on("data", (d) => (stderr += String(d)));
  return new Promise((resolve, reject) => {
    // A hung child must not hang the suite.
    const guard = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`writer did not reach ${atLeast} trades in 60 s (${flushed}): ${stderr}`));
    }, 60_000);
    let armed = false;
    child.stdout!.on("data", (d) => {
      const lines = String(d).trim().split("\n");
      flushed = Number(lines.at(-1));
      if (flushed >= atLeast && !armed) {
        armed = true;
        // A few ms later, so the kill lands wherever the writer happens to be (often inside a write).
        setTimeout(() => child.kill("SIGKILL"), Math.floor(Math.random() * 15));
      }
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(guard);
      if (signal !== "SIGKILL") reject(new Error(`writer exited with ${code}/${signal} before the kill: ${stderr}`));
      else resolve(flushed);
    });
  });
}

function checkRows(dir: string, expected: number) {
  const got = readTrades(dir);
  assertEquals(got.length, expected);
  const want = syntheticTrades(expected);
  assertEquals(got.tsNs, want.tsNs);
  assertEquals(got.price, want.price);
  assertEquals(got.qty, want.qty);
  assertEquals(got.side, want.side);
}

describe("SIGKILL during recording", () => {
  test("uncompressed: every complete frame is read back", async () => {
    const dir = tempDir("crash-none");
    dirs.push(dir);
    const flushed = await recordThenKill(dir, "none", 20_000);
    const [seg] = segmentNames(dir);
    const bytes = readFileSync(join(dir, seg));
    // The header is still the placeholder written at open: counts 0, no index, not sorted.
    assertEquals(bytes.readUInt32LE(32), 0);
    const complete = Math.floor((bytes.length - 64) / 60); // every frame is a 60-byte trade frame
    assert(complete >= flushed, `${complete} complete frames on disk, ${flushed} reported flushed`);
    checkRows(dir, complete);
    const info = inspectTape(dir);
    assertEquals(info.tradeCount, complete);
    const torn = (bytes.length - 64) % 60;
    assertEquals(info.damaged.length, torn === 0 ? 0 : 1);
    if (torn) assertEquals(info.damaged[0].bytesSkipped, torn);
  });

  test("lz4: every complete block is read back", async () => {
    const dir = tempDir("crash-lz4");
    dirs.push(dir);
    const flushed = await recordThenKill(dir, "lz4", 20_000);
    const [seg] = segmentNames(dir);
    const bytes = readFileSync(join(dir, seg));
    // Walk the block headers the way a reader must: whole blocks only.
    let pos = 64, frames = 0;
    while (pos + 16 <= bytes.length && bytes.readUInt32LE(pos) === 0x4B4C4246) {
      const size = bytes.readUInt32LE(pos + 4);
      if (pos + 16 + size > bytes.length) break;
      frames += bytes.readUInt16LE(pos + 12);
      pos += 16 + size;
    }
    assert(frames >= flushed, `${frames} frames in complete blocks, ${flushed} reported flushed`);
    assertGreater(frames, 0);
    // The on-disk header counts the completed blocks (rewritten after each one).
    assert(bytes.readUInt32LE(32) <= frames && bytes.readUInt32LE(32) >= flushed - 1000);
    checkRows(dir, frames);
    const info = inspectTape(dir);
    assertEquals(info.damaged.length, pos === bytes.length ? 0 : 1);
  });
});
