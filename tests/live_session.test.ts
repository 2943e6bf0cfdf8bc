// recordTape(): venues, symbol resolution, stop by abort or duration, summary and exit code, with
// an in-memory recorder (tests/tape_record.test.ts runs the same path into a real tape on disk).
import { describe, test } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assert, assertEquals, assertMatch, assertRejects, assertStringIncludes } from "@std/assert";
import { FloxError } from "../mod.ts";
import { type RecordOptions, recordTape } from "../lib/live/record_session.ts";
import type { TapeRecorderLike } from "../lib/live/recorder_types.ts";
import { StatusLine } from "../lib/live/status_line.ts";
import { FakeExchange } from "./support/fake_exchange.ts";
import { waitFor } from "./support/fake_ccxt.ts";
import { MemoryTapes } from "./support/memory_tape.ts";

const T0 = 1_767_225_600_000;

async function session(
  extra: Partial<RecordOptions>,
  drive: (fx: FakeExchange, tapes: MemoryTapes, stop: () => void, err: string[], dir: string) => Promise<void>,
) {
  const dir = mkdtempSync(join(tmpdir(), "flox-record-session-"));
  const fx = new FakeExchange();
  await fx.start();
  fx.setBook("BTCUSDT", [["100.00", "1"]], [["101.00", "2"]]);
  fx.setBook("ETHUSDT", [["10.00", "1"]], [["10.50", "2"]]);
  const tapes = new MemoryTapes();
  const out: string[] = [], err: string[] = [];
  const abort = new AbortController();
  let started!: () => void;
  const startedP = new Promise<void>((r) => (started = r));
  try {
    const run = recordTape({
      venues: [{ exchange: "binance", symbols: ["BTCUSDT", "eth/usdt"] }],
      output: dir,
      makeRecorder: tapes.makeRecorder,
      ccxtConfig: fx.ccxtConfig(),
      signal: abort.signal,
      statusLine: new StatusLine(false),
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      reconnectInitialMs: 20,
      onStarted: started,
      ...extra,
    });
    await Promise.race([startedP, run]);
    await drive(fx, tapes, () => abort.abort(), err, dir);
    const result = await run;
    return { result, out, err, tapes, dir };
  } finally {
    await fx.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("recordTape", () => {
  test("records both symbols until aborted and reports what was written", async () => {
    const { result, out, tapes, dir } = await session({}, async (fx, tapes, stop, _err, dir) => {
      await fx.waitForSubscriber("btcusdt@trade");
      await fx.waitForSubscriber("ethusdt@trade");
      fx.sendTrade("BTCUSDT", { price: "100.5", qty: "0.2", buyerIsMaker: false, timeMs: T0 });
      fx.sendTrade("ETHUSDT", { price: "10.25", qty: "3", buyerIsMaker: true, timeMs: T0 + 1 });
      await waitFor(() => (tapes.trades.get(dir) ?? []).length === 2, "2 trades");
      await waitFor(() => (tapes.bookCounts.get(dir) ?? 0) >= 2, "2 book snapshots");
      stop();
    });
    assertEquals(result.exitCode, 0);
    assertEquals(result.stopReason, "aborted");
    const v = result.venues[0];
    assertEquals(v.symbols, { 1: "BTC/USDT", 2: "ETH/USDT" });
    assertEquals(tapes.meta.get(dir), {
      exchange: "binance",
      symbols: { 1: "BTC/USDT", 2: "ETH/USDT" },
    });
    assertEquals(
      tapes.trades.get(dir)!.map((t) => [t.symbolId, t.price, t.qty, t.side]),
      [[1, 100.5, 0.2, 0], [2, 10.25, 3, 1]],
    );
    assertEquals(v.recorder.tradesWritten, 2);
    assert(v.recorder.bookUpdatesWritten >= 2, "the two REST snapshots were recorded");
    assertEquals(out[0], `flox tape record: 1 venue(s) → ${dir}`);
    assertEquals(out[1], "  binance: BTC/USDT, ETH/USDT");
    const text = out.join("\n");
    assertStringIncludes(text, "    trades written      : 2\n");
    assertMatch(text, /book updates written: \d+/);
    assertStringIncludes(text, "    gaps                : 0");
  });

  test("several venues at once: one tape per venue under OUTPUT/<exchange>/", async () => {
    const venues = [{ exchange: "binance", symbols: ["BTCUSDT"] }, { exchange: "binanceus", symbols: ["ETH/USDT"] }];
    const { result, tapes, dir } = await session({ venues }, async (fx, tapes, stop, _err, dir) => {
      await fx.waitForSubscriber("btcusdt@trade");
      await fx.waitForSubscriber("ethusdt@trade");
      fx.sendTrade("BTCUSDT", { price: "100", qty: "1", buyerIsMaker: false, timeMs: T0 });
      fx.sendTrade("ETHUSDT", { price: "10", qty: "2", buyerIsMaker: false, timeMs: T0 });
      // Both venues share the fake server, so each sees both trades; each tape keeps its own symbol.
      await waitFor(() => (tapes.trades.get(join(dir, "binance")) ?? []).length === 1, "binance trade");
      await waitFor(() => (tapes.trades.get(join(dir, "binanceus")) ?? []).length === 1, "binanceus trade");
      stop();
    });
    assertEquals(result.exitCode, 0);
    assertEquals(result.venues.map((v) => [v.exchange, v.output]), [
      ["binance", join(dir, "binance")],
      ["binanceus", join(dir, "binanceus")],
    ]);
    assertEquals(tapes.meta.get(join(dir, "binance")), { exchange: "binance", symbols: { 1: "BTC/USDT" } });
    assertEquals(tapes.meta.get(join(dir, "binanceus")), { exchange: "binanceus", symbols: { 1: "ETH/USDT" } });
    assertEquals(tapes.trades.get(join(dir, "binanceus"))!.map((t) => [t.symbolId, t.price, t.qty]), [[1, 10, 2]]);
  });

  test("--duration stops the recording by itself", async () => {
    const t = Date.now();
    const { result } = await session({ durationMs: 300 }, async () => {});
    assertEquals(result.stopReason, "duration 300ms reached");
    assert(Date.now() - t >= 300);
    assertEquals(result.exitCode, 0);
  });

  test("a dropped connection shows up as reconnects and gaps in the summary", async () => {
    const { result, out, err } = await session({}, async (fx, tapes, stop, err, dir) => {
      await fx.waitForSubscriber("btcusdt@trade");
      fx.dropConnections();
      await waitFor(() => fx.subscriptions.filter((s) => s === "btcusdt@trade").length === 2, "resubscribe");
      await fx.waitForSubscriber("btcusdt@trade");
      await fx.waitForSubscriber("ethusdt@trade");
      fx.sendTrade("BTCUSDT", { price: "100", qty: "1", buyerIsMaker: false, timeMs: T0 });
      fx.sendTrade("ETHUSDT", { price: "10", qty: "1", buyerIsMaker: false, timeMs: T0 });
      await waitFor(() => (tapes.trades.get(dir) ?? []).length === 2, "trades after drop");
      await waitFor(() => err.filter((l) => l.includes("reconnected")).length >= 4, "all four streams back");
      stop();
    });
    assertEquals(result.exitCode, 0, "a gap is reported, not a failure");
    assertEquals(result.venues[0].feed.reconnects, 4);
    assertEquals(result.venues[0].gaps.length, 4);
    assert(result.venues[0].gaps.every((g) => g.resumed));
    assertMatch(out.join("\n"), /gaps {16}: 4 \(total [^,]+, 4 resumed\)/);
    assert(err.some((l) => l.includes("connection lost")));
  });

  test("write failures make the exit code 1 and are printed", async () => {
    const tapes = new MemoryTapes();
    const failing = (dir: string, o: Parameters<MemoryTapes["makeRecorder"]>[1]): TapeRecorderLike => {
      const r = tapes.makeRecorder(dir, o);
      return {
        ...r,
        recordTrade: () => {
          throw new FloxError(7, "disk full");
        },
      };
    };
    const { result, err } = await session({ makeRecorder: failing }, async (fx, _t, stop) => {
      await fx.waitForSubscriber("btcusdt@trade");
      fx.sendTrade("BTCUSDT", { price: "100", qty: "1", buyerIsMaker: false, timeMs: T0 });
      await new Promise((r) => setTimeout(r, 100));
      stop();
    });
    assertEquals(result.exitCode, 1);
    assertEquals(result.venues[0].feed.sinkErrors, 1);
    assert(err.some((l) => l.includes("WRITE-ERRORS: 1")), err.join("\n"));
  });

  test("unknown symbols and exchanges fail before any tape is created", async () => {
    const tapes = new MemoryTapes();
    const fx = new FakeExchange();
    await fx.start();
    try {
      const base = {
        output: "/tmp/x",
        makeRecorder: tapes.makeRecorder,
        ccxtConfig: fx.ccxtConfig(),
        out: () => {},
        err: () => {},
      };
      await assertRejects(
        () => recordTape({ ...base, venues: [{ exchange: "binance", symbols: ["BTCUSDT", "NOPEUSDT"] }] }),
        FloxError,
        'symbol "NOPEUSDT" is not a market on binance',
      );
      await assertRejects(
        () => recordTape({ ...base, venues: [{ exchange: "nosuchvenue", symbols: ["BTCUSDT"] }] }),
        FloxError,
        'unknown exchange "nosuchvenue"',
      );
      await assertRejects(
        () => recordTape({ ...base, venues: [{ exchange: "binance", symbols: ["BTCUSDT"] }], bookDepth: 0 }),
        FloxError,
        "--book-depth",
      );
      assertEquals(tapes.meta.size, 0);
    } finally {
      await fx.stop();
    }
  });
});
