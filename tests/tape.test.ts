// The tape API through mod.ts: the seed's round trip, every writer variant, the FLOX sample, replay,
// streaming reads, seek, diff, statistics after close, and bad paths and values.
import { after, describe, test } from "node:test";
import { assert, assertEquals, assertGreater, assertMatch, assertThrows } from "@std/assert";
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import {
  FloxError,
  inspectTape,
  makeRecorderHook,
  openTape,
  readTrades,
  replayTape,
  tapeDiff,
  TapeEventKind,
} from "../mod.ts";
import { floxSampleTape, removeDir, segmentNames, syntheticTrades, tempDir } from "./support/tape_helpers.ts";

const dirs: string[] = [];
function fresh(tag: string): string {
  const d = tempDir(tag);
  dirs.push(d);
  return d;
}
after(() => dirs.forEach(removeDir));

function floxError(fn: () => unknown, codeName: string, includes?: string): FloxError {
  const e = assertThrows(fn, FloxError) as FloxError;
  assertEquals(e.codeName, codeName, e.message);
  if (includes) assert(e.message.includes(includes), `"${e.message}" should mention ${includes}`);
  return e;
}

describe("the seed's runnable example", () => {
  test("three trades round-trip exactly through recorder, inspect and replay", () => {
    const out = fresh("seed");
    const recorder = makeRecorderHook(out, { maxSegmentMb: 64 });
    const synthetic: [number, number, boolean, bigint][] = [
      [101.50, 0.5, true, 1_000_000_000n],
      [101.55, 0.3, false, 1_500_000_000n],
      [101.60, 1.2, true, 2_000_000_000n],
    ];
    for (const [price, qty, isBuy, ts] of synthetic) recorder.recordTrade(1, price, qty, isBuy, ts);
    recorder.close();

    const stats = inspectTape(out);
    assertEquals(stats.tradeCount, 3);
    assertEquals(stats.firstTsNs, 1_000_000_000n);
    assertEquals(stats.lastTsNs, 2_000_000_000n);

    const seen: [bigint, number, number, number, number][] = [];
    const n = replayTape(out, { onTrade: (ts, s, p, q, side) => seen.push([ts, s, p, q, side]) });
    assertEquals(n, 3);
    assertEquals(seen.map((r) => r[2]), [101.50, 101.55, 101.60]);
    assertEquals(seen.map((r) => r[3]), [0.5, 0.3, 1.2]);
    assertEquals(seen.map((r) => r[4]), [0, 1, 0]);
  });
});

describe("round trips", () => {
  for (const compression of ["none", "lz4"] as const) {
    test(`${compression}: bulk trades, books and rotation read back exactly, in order`, () => {
      const dir = fresh(`rt-${compression}`);
      const n = 30_000;
      const t = syntheticTrades(n);
      const rec = makeRecorderHook(dir, { maxSegmentMb: 0.25, compression, exchange: "test", symbols: { 1: "AAA" } });
      rec.recordTrades(t);
      rec.recordBook(
        { id: 2 },
        new Float64Array([99.5, 99]),
        new Float64Array([1, 2]),
        new Float64Array([100.5]),
        new Float64Array([3]),
        t.tsNs[n - 1] + 1n,
        { snapshot: false },
      );
      rec.close();
      const s = rec.stats();
      assertEquals(s.tradesWritten, n);
      assertEquals(s.bookUpdatesWritten, 1);
      assertEquals(s.errors, 0);
      assertGreater(s.segmentsCreated, 1);
      assertEquals(segmentNames(dir).length, s.segmentsCreated);
      assertGreater(s.bytesWritten, 0);

      const cols = readTrades(dir);
      assertEquals(cols.length, n);
      assertEquals(cols.tsNs.slice(0, n), t.tsNs);
      assertEquals(cols.price.slice(0, n), t.price);
      assertEquals(cols.qty.slice(0, n), t.qty);
      assertEquals(cols.symbolId.slice(0, n), t.symbolId);
      assertEquals(cols.side.slice(0, n), t.side);

      const info = inspectTape(dir);
      assertEquals(info.tradeCount, n);
      assertEquals(info.bookUpdateCount, 1);
      assertEquals(info.symbols, [1, 2, 3]);
      assertEquals(info.exchange, "test");
      assertEquals(info.symbolNames, { 1: "AAA" });
      assertEquals(info.damaged, []);
      for (const seg of info.segments) {
        assertEquals(seg.compressed, compression === "lz4");
        assert(seg.indexed && seg.sorted);
        assertEquals(seg.events, seg.headerEvents);
      }

      let books = 0, trades = 0;
      const total = replayTape(dir, {
        onTrade: () => trades++,
        onBook: (b) => {
          books++;
          assertEquals(b.symbol, 2);
          assertEquals(b.snapshot, false);
          assertEquals([...b.bidPrices], [99.5, 99]);
          assertEquals([...b.askQtys], [3]);
        },
      });
      assertEquals([total, trades, books], [n + 1, n, 1]);
      assertEquals(replayTape(dir, { onTrade: () => {}, maxEvents: 10 }), 10);
      assertEquals(replayTape(dir, { maxEvents: 0 }), 0);
    });
  }

  test("progress callbacks reach the total bytes", () => {
    const dir = fresh("progress");
    const rec = makeRecorderHook(dir, { maxSegmentMb: 0.5 });
    rec.recordTrades(syntheticTrades(50_000));
    rec.close();
    for (
      const run of [
        (p: (d: number, t: number) => void) => inspectTape(dir, { onProgress: p }),
        (p: (d: number, t: number) => void) => replayTape(dir, { onTrade: () => {}, onProgress: p }),
        (p: (d: number, t: number) => void) => readTrades(dir, { onProgress: p }),
        (p: (d: number, t: number) => void) => tapeDiff(dir, dir, { onProgress: p }),
      ]
    ) {
      const seen: [number, number][] = [];
      run((d, t) => seen.push([d, t]));
      assert(seen.length > 0);
      const [done, total] = seen.at(-1)!;
      assertGreater(total, 50_000 * 60);
      assertEquals(done, total);
      for (let i = 1; i < seen.length; i++) assert(seen[i][0] >= seen[i - 1][0], "progress never goes back");
    }
  });

  test("streaming reader: chunks, seek, batches, filters", async () => {
    const dir = fresh("stream");
    const n = 20_000;
    const t = syntheticTrades(n);
    const rec = makeRecorderHook(dir, { maxSegmentMb: 0.2 });
    rec.recordTrades(t);
    rec.close();
    using reader = openTape(dir);
    let got = 0;
    for (let c = reader.readTradeChunk(4096); c !== null; c = reader.readTradeChunk(4096)) {
      assert(c.length <= 4096);
      assertEquals(c.tsNs[0], t.tsNs[got]);
      got += c.length;
    }
    assertEquals(got, n);
    const target = t.tsNs[12_345];
    reader.seek(target);
    const after = reader.readTradeChunk(10)!;
    assertEquals(after.tsNs[0], target);
    let events = 0;
    reader.rewind();
    for await (const b of reader.batches({ chunkSize: 5000 })) {
      assert(b.length <= 5000);
      assert(b.kind.every((k) => k === TapeEventKind.trade));
      events += b.length;
    }
    assertEquals(events, n);
    assertEquals(reader.damaged, []);
    const only2 = readTrades(dir, { symbols: [2], fromTsNs: t.tsNs[100], toTsNs: t.tsNs[199] });
    assertEquals(only2.length, 34); // i % 3 == 1 for i in 100..199
    assert(only2.symbolId.every((s) => s === 2));
  });

  test("no dedup by default; dedupe drops exact repeats at the same timestamp", () => {
    const dir = fresh("dedupe");
    const rec = makeRecorderHook(dir);
    rec.recordTrade(1, 100, 1, true, 10n);
    rec.recordTrade(1, 100, 1, true, 10n);
    rec.recordTrade(1, 100, 2, true, 10n);
    rec.recordTrade(1, 100, 1, true, 11n);
    rec.close();
    assertEquals(readTrades(dir).length, 4);
    assertEquals(readTrades(dir, { dedupe: true }).length, 3);
    using reader = openTape(dir, { dedupe: true });
    while (reader.readTradeChunk()) { /* drain */ }
    assertEquals(reader.stats().duplicatesDropped, 1);
  });

  test("unsorted input is delivered in stable timestamp order", () => {
    const dir = fresh("unsorted");
    const rec = makeRecorderHook(dir);
    rec.recordTrade(1, 1, 1, true, 300n);
    rec.recordTrade(1, 2, 1, true, 100n);
    rec.recordTrade(1, 3, 1, true, 300n);
    rec.recordTrade(1, 4, 1, true, 200n);
    rec.close();
    const cols = readTrades(dir);
    assertEquals([...cols.tsNs], [100n, 200n, 300n, 300n]);
    assertEquals([...cols.price], [2, 4, 1, 3]);
    assertEquals(inspectTape(dir).segments[0].sorted, false);
  });
});

describe("the FLOX sample tape", () => {
  const dir = floxSampleTape();
  if (dir) dirs.push(dir);
  test("one LZ4 unsorted segment at the 1e6 scale, through a directory", {
    skip: dir ? false : "shared/fixtures not present",
  }, () => {
    const info = inspectTape(dir!);
    assertEquals(info.tradeCount, 638);
    assertEquals(info.bookUpdateCount, 506);
    assertEquals(info.symbols, [1, 2]);
    assertEquals(info.firstTsNs, 1765615823752000000n);
    assertEquals(info.lastTsNs, 1765615848153000000n);
    assertEquals(info.segments.length, 1);
    const seg = info.segments[0];
    assert(seg.compressed && seg.indexed && !seg.sorted);
    assertEquals(seg.events, 1144);
    assertEquals(info.damaged, []);
    assertEquals(info.exchange, undefined); // no metadata.json in FLOX's sample

    const trades = readTrades(dir!, { priceScale: 1e6 });
    for (let i = 1; i < trades.length; i++) assert(trades.tsNs[i] >= trades.tsNs[i - 1], "timestamp order");
    const btc = trades.price.filter((_, i) => trades.symbolId[i] === 1);
    assert(btc.every((p) => p > 80_000 && p < 100_000), "BTC prices at the 1e6 scale");
    let deep = 0, books = 0;
    replayTape(dir!, {
      priceScale: 1e6,
      onBook: (b) => {
        books++;
        if (b.bidPrices.length === 200 && b.askPrices.length === 200) deep++;
        if (b.snapshot && b.bidPrices.length && b.askPrices.length) assert(b.bidPrices[0] < b.askPrices[0]);
      },
    });
    assertEquals(books, 506);
    assertGreater(deep, 0);
  });

  test("a segment file given as the tape is refused with a clear error", {
    skip: dir ? false : "shared/fixtures not present",
  }, () => {
    floxError(() => inspectTape(join(dir!, "sample.floxlog")), "INVALID_ARG", "is a file, not a tape directory");
  });
});

describe("tapeDiff", () => {
  const n = 500;
  const t = syntheticTrades(n);
  function write(tag: string, mutate?: (c: ReturnType<typeof syntheticTrades>) => void, count = n) {
    const dir = fresh(tag);
    const c = syntheticTrades(n);
    mutate?.(c);
    const rec = makeRecorderHook(dir);
    rec.recordTrades({
      tsNs: c.tsNs.subarray(0, count),
      symbolId: c.symbolId.subarray(0, count),
      price: c.price.subarray(0, count),
      qty: c.qty.subarray(0, count),
      side: c.side.subarray(0, count),
    });
    rec.close();
    return dir;
  }
  const base = write("diff-base");

  test("equal tapes (different encodings)", () => {
    const lz = fresh("diff-lz4");
    const rec = makeRecorderHook(lz, { compression: "lz4" });
    rec.recordTrades(t);
    rec.close();
    const d = tapeDiff(base, lz);
    assert(d.equal);
    assertEquals([d.firstDivergenceIndex, d.mismatchCount, d.leftCount, d.rightCount], [-1, 0, n, n]);
    assertEquals((d.toJSON() as { first_divergence_index: unknown }).first_divergence_index, null);
  });

  test("field mismatches, tolerance, cap with total count, missing rows, JSON", () => {
    const other = write("diff-other", (c) => {
      c.tsNs[5] += 2n;
      c.price[7] += 0.01;
      for (let i = 10; i < 30; i++) c.side[i] ^= 1;
    }, n - 3);
    const d = tapeDiff(base, other, { maxMismatches: 4 });
    assert(!d.equal);
    assertEquals(d.firstDivergenceIndex, 5);
    assertEquals(d.mismatchCount, 1 + 1 + 20 + 3);
    assertEquals(d.mismatches.length, 4);
    assertEquals(d.mismatches[0].fields, ["exchangeTsNs"]);
    assertEquals(d.mismatches[1].fields, ["priceRaw"]);
    assertEquals(d.mismatches[1].right!.priceRaw - d.mismatches[1].left!.priceRaw, 1_000_000n);
    assertEquals(d.mismatches[2].fields, ["side"]);
    const tolerant = tapeDiff(base, other, { fieldToleranceNs: 2n, maxMismatches: 0 });
    assertEquals(tolerant.firstDivergenceIndex, 7);
    assertEquals(tolerant.mismatches.length, 1 + 20 + 3);
    const last = tolerant.mismatches.at(-1)!;
    assertEquals([last.kind, last.index, last.right], ["missing_right", n - 1, null]);
    assertEquals(tapeDiff(other, base, { fieldToleranceNs: 2 }).mismatches.length, 16);
    const json = JSON.parse(JSON.stringify(d));
    assertEquals(json.mismatch_count, 25);
    assertEquals(json.mismatches[0].left.exchange_ts_ns, String(t.tsNs[5]));
    assertEquals(Object.keys(json).sort(), Object.keys(json));
  });

  test("bad arguments and paths", () => {
    floxError(() => tapeDiff(base, "/nonexistent/flox-tape"), "NOT_FOUND", "/nonexistent/flox-tape");
    floxError(() => tapeDiff(base, base, { maxMismatches: -1 }), "INVALID_ARG", "maxMismatches");
    floxError(() => tapeDiff(base, base, { fieldToleranceNs: 0.5 }), "INVALID_ARG", "fieldToleranceNs");
  });
});

describe("recorder lifecycle and bad input", () => {
  test("stats stay correct after close; writes after close fail; close is idempotent", () => {
    const dir = fresh("life");
    const rec = makeRecorderHook(dir, { compression: "lz4" });
    rec.recordTrades(syntheticTrades(2500));
    rec.flush();
    rec.close();
    rec.close();
    const s = rec.stats();
    assertEquals(s.tradesWritten, 2500);
    assertEquals(s.segmentsCreated, 1);
    assertGreater(s.bytesWritten, 16 * 3);
    floxError(() => rec.recordTrade(1, 1, 1, true, 1n), "CLOSED", "recordTrade");
    const meta = JSON.parse(readFileSync(join(dir, "metadata.json"), "utf8"));
    assertEquals(meta.total_trades, 2500);
    assertEquals(meta.price_scale, 100000000);
  });

  test("bad values are refused before anything is written", () => {
    const dir = fresh("badvals");
    const rec = makeRecorderHook(dir);
    floxError(() => rec.recordTrade(1, Number.NaN, 1, true, 1n), "BAD_PRICE", "price[0]");
    floxError(() => rec.recordTrade(1, 1, Number.POSITIVE_INFINITY, true, 1n), "BAD_QUANTITY");
    const t = syntheticTrades(10);
    t.price[7] = Number.NaN;
    floxError(() => rec.recordTrades(t), "BAD_PRICE", "price[7]");
    floxError(() => rec.recordTrades({ ...t, side: new Uint8Array(9) }), "LENGTH_MISMATCH", "side");
    floxError(() => rec.recordTrade(-1, 1, 1, true, 1n), "INVALID_ARG", "symbol");
    floxError(() => rec.recordTrade(1, 1, 1, true, 1.5 as unknown as bigint), "INVALID_ARG", "tsNs");
    const one = new Float64Array(1);
    floxError(() => rec.recordBook(1, one, new Float64Array(2), one, one, 1n), "LENGTH_MISMATCH", "bidQtys");
    rec.close();
    assertEquals(rec.stats().tradesWritten, 0);
    assertEquals(segmentNames(dir), []);
    floxError(() => makeRecorderHook(dir, { maxSegmentMb: 0 }), "INVALID_ARG", "maxSegmentMb");
    floxError(() => makeRecorderHook(dir, { compression: "zstd" as "lz4" }), "INVALID_ARG", "compression");
  });
});

describe("bad paths", () => {
  test("a missing directory", () => {
    floxError(() => inspectTape("/nonexistent/flox/tape"), "NOT_FOUND", "/nonexistent/flox/tape");
    floxError(() => readTrades("/nonexistent/flox/tape"), "NOT_FOUND", "/nonexistent/flox/tape");
    floxError(() => openTape("/nonexistent/flox/tape"), "NOT_FOUND");
    floxError(() => replayTape("/nonexistent/flox/tape", {}), "NOT_FOUND");
  });

  test("a file where a directory is expected", () => {
    const dir = fresh("file");
    const file = join(dir, "not-a-dir");
    writeFileSync(file, "x");
    floxError(() => inspectTape(file), "INVALID_ARG", "is a file, not a tape directory");
    floxError(() => makeRecorderHook(file), "INVALID_ARG", file);
    floxError(() => makeRecorderHook(join(file, "sub")), "INVALID_ARG", "is a file");
    assertEquals(readdirSync(dir), ["not-a-dir"]);
  });

  test("an empty directory: inspect reports nothing, reads say there is no tape", () => {
    const dir = fresh("empty");
    const info = inspectTape(dir);
    assertEquals([info.tradeCount, info.segments.length, info.firstTsNs], [0, 0, null]);
    floxError(() => readTrades(dir), "NOT_FOUND", "no .floxlog segments");
    floxError(() => replayTape(dir, {}), "NOT_FOUND", dir);
    assert(tapeDiff(dir, dir).equal);
  });

  test("a read-only output directory", () => {
    const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
    let target: string;
    if (isRoot) {
      // Root ignores permission bits, so chmod cannot make a directory read-only for this test; /sys is
      // a directory even root cannot create files in.
      target = "/sys";
    } else {
      target = fresh("ro");
      chmodSync(target, 0o555);
    }
    const before = readdirSync(target).length;
    floxError(() => makeRecorderHook(target), "IO", "not writable");
    assertEquals(readdirSync(target).length, before);
    if (!isRoot) chmodSync(target, 0o755);
    const nested = isRoot ? "/sys/flox-tape-test/out" : join(target, "a");
    if (!isRoot) chmodSync(target, 0o555);
    floxError(() => makeRecorderHook(nested), "IO", "flox-tape-test");
    if (!isRoot) chmodSync(target, 0o755);
  });

  test("a directory holding a non-segment file with the extension is reported, not silent", () => {
    const dir = fresh("junk");
    mkdirSync(join(dir, "sub.floxlog")); // directories are not segments
    writeFileSync(join(dir, "junk.floxlog"), "not a tape at all, longer than nothing".repeat(3));
    const info = inspectTape(dir);
    assertEquals(info.segments.length, 1);
    assertEquals(info.damaged.length, 1);
    assertMatch(info.damaged[0].reason, /bad magic/);
  });
});
