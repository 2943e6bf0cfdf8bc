// The benchmark's DataView baseline codec (bench/baseline/floxlog_dataview.ts) against the spec:
// CRC check values, round trip, rotation, stable ordering of unsorted segments, damage reporting.
import { after, describe, test } from "node:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertEquals } from "@std/assert";
import {
  crc32,
  FLAG_SORTED,
  readTradesDataView,
  segmentFiles,
  writeTradesDataView,
} from "../bench/baseline/floxlog_dataview.ts";

const root = mkdtempSync(join(tmpdir(), "flox-baseline-"));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => {
  const d = join(root, `t${dirs++}`);
  mkdirSync(d);
  return d;
};

function trades(n: number, tsOf: (i: number) => bigint = (i) => 1_700_000_000_000_000_000n + BigInt(i) * 1000n) {
  const cols = {
    tsNs: new BigInt64Array(n),
    symbolId: new Uint32Array(n),
    price: new Float64Array(n),
    qty: new Float64Array(n),
    side: new Uint8Array(n),
  };
  for (let i = 0; i < n; i++) {
    cols.tsNs[i] = tsOf(i);
    cols.symbolId[i] = 1 + (i % 3);
    cols.price[i] = [101.5, 101.55, 101.6, 0.00000001, 65432.12345678][i % 5];
    cols.qty[i] = [0.5, 0.3, 1.2, 1234567.89][i % 4];
    cols.side[i] = i % 2;
  }
  return cols;
}

describe("DataView baseline codec", () => {
  test("CRC-32 check values from the spec", () => {
    const enc = new TextEncoder();
    assertEquals(crc32(enc.encode("123456789")), 0xcbf43926);
    assertEquals(crc32(enc.encode("hello")), 0x3610a686);
  });

  test("round trip with rotation keeps every value exact and in order", () => {
    const dir = freshDir();
    const cols = trades(2500);
    const { segments, bytes } = writeTradesDataView(dir, cols, { maxSegmentBytes: 64 + 60 * 1000 });
    assertEquals(segments, 3);
    assertEquals(bytes, 2500 * 60);
    assertEquals(segmentFiles(dir).length, 3);
    const back = readTradesDataView(dir);
    assertEquals(back.length, 2500);
    assertEquals(back.damaged, []);
    assertEquals(back.tsNs, cols.tsNs);
    assertEquals(back.symbolId, cols.symbolId);
    assertEquals(back.price, cols.price);
    assertEquals(back.qty, cols.qty);
    assertEquals(back.side, cols.side);
  });

  test("a segment without the Sorted flag comes back in stable timestamp order", () => {
    const dir = freshDir();
    // ts: 5,4,3,... with ties; the file keeps writer order.
    const cols = trades(10, (i) => BigInt(100 - Math.floor(i / 2)));
    writeTradesDataView(dir, cols);
    const back = readTradesDataView(dir);
    assertEquals(Array.from(back.tsNs), [96n, 96n, 97n, 97n, 98n, 98n, 99n, 99n, 100n, 100n]);
    // Ties keep file order: rows 8 then 9 come first.
    assertEquals(Array.from(back.side.slice(0, 2)), [cols.side[8], cols.side[9]]);
    // With the Sorted flag the reader trusts file order.
    const file = segmentFiles(dir)[0];
    const bytes = readFileSync(file);
    bytes[6] |= FLAG_SORTED;
    writeFileSync(file, bytes);
    assertEquals(readTradesDataView(dir).tsNs[0], 100n);
  });

  test("a torn tail and a CRC mismatch end the segment and are reported", () => {
    const dir = freshDir();
    writeTradesDataView(dir, trades(100));
    const file = segmentFiles(dir)[0];
    // Drop the index and half of the last frame, as a killed writer would leave it (no index flag).
    const bytes = readFileSync(file);
    bytes[6] = 0;
    writeFileSync(file, bytes);
    truncateSync(file, 64 + 60 * 99 + 30);
    const torn = readTradesDataView(dir);
    assertEquals(torn.length, 99);
    assertEquals(torn.damaged.length, 1);
    // Flip a payload byte of frame 10.
    const again = readFileSync(file);
    again[64 + 60 * 10 + 12 + 20] ^= 0xff;
    writeFileSync(file, again);
    const bad = readTradesDataView(dir);
    assertEquals(bad.length, 10);
    assertEquals(bad.damaged[0].reason, "CRC mismatch in the frame at offset 664");
  });
});
