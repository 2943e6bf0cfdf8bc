// backfill() pagination and resume logic over the fake Binance REST API, written into an in-memory
// tape (tests/tape_backfill.test.ts checks the same through the real on-disk recorder).
import { describe, test } from "node:test";
import { assert, assertEquals, assertGreater, assertRejects } from "@std/assert";
import { FloxError } from "../mod.ts";
import { backfill, type BackfillOptions } from "../lib/live/backfill.ts";
import { type FakeAggTrade, FakeExchange, type FakeKline } from "./support/fake_exchange.ts";
import { MemoryTapes } from "./support/memory_tape.ts";

const T0 = Date.UTC(2026, 3, 1); // 2026-04-01T00:00:00Z
const HOUR = 3_600_000;

/** Hour 0: 1200 trades, hour 1: none, hour 2: 800; trades come in threes sharing a millisecond. */
function makeTrades(): FakeAggTrade[] {
  const out: FakeAggTrade[] = [];
  let id = 1;
  const burst = (start: number, count: number) => {
    for (let i = 0; i < count; i++) {
      const ts = start + Math.floor(i / 3) * 7;
      out.push({
        id: id++,
        timeMs: ts,
        price: (60000 + (i % 50) * 0.5).toFixed(2),
        qty: (0.001 * ((i % 7) + 1)).toFixed(3),
        buyerIsMaker: i % 4 === 0,
      });
    }
  };
  burst(T0 + 1000, 1200);
  burst(T0 + 2 * HOUR + 500, 800);
  return out;
}

function expectedRows(trades: FakeAggTrade[], symbolId: number, fromMs = -Infinity, untilMs = Infinity) {
  return trades.filter((t) => t.timeMs >= fromMs && t.timeMs < untilMs).map((t) => ({
    tsNs: BigInt(t.timeMs) * 1_000_000n,
    symbolId,
    price: Number(t.price),
    qty: Number(t.qty),
    side: t.buyerIsMaker ? 1 : 0,
  }));
}

async function withExchange(
  fxOptions: ConstructorParameters<typeof FakeExchange>[0],
  body: (fx: FakeExchange, base: Omit<BackfillOptions, "sinceMs" | "untilMs">, tapes: MemoryTapes) => Promise<void>,
) {
  const fx = new FakeExchange(fxOptions);
  await fx.start();
  const tapes = new MemoryTapes();
  try {
    await body(fx, {
      exchange: "binance",
      symbol: "BTCUSDT",
      output: "/mem/tape",
      pageLimit: 500,
      ccxtConfig: fx.ccxtConfig(),
      makeRecorder: tapes.makeRecorder,
      readExisting: tapes.readExisting,
      onNotice: () => {},
    }, tapes);
  } finally {
    await fx.stop();
  }
}

describe("backfill (trades)", () => {
  test("pages through the range, crosses a quiet hour, writes each trade once in order", async () => {
    const trades = makeTrades();
    await withExchange({ aggTrades: { BTCUSDT: trades } }, async (fx, base, tapes) => {
      const r = await backfill({ ...base, sinceMs: T0, untilMs: T0 + 3 * HOUR });
      assertEquals(tapes.trades.get("/mem/tape"), expectedRows(trades, 1));
      assertEquals(r.rowsWritten, 2000);
      assertEquals(r.symbol, "BTC/USDT");
      assertEquals(tapes.meta.get("/mem/tape"), { exchange: "binance", symbols: { 1: "BTC/USDT" } });
      assertGreater(r.pages, 5); // 1200 + 800 rows at 500 per page, plus the empty hour
      assertGreater(r.duplicatesSkipped, 0); // page overlaps at a shared millisecond were removed
      assertEquals(fx.restCount("/api/v3/aggTrades"), r.pages);
      assert(!r.resumed);
    });
  });

  test("an interrupted backfill resumes mid-millisecond without duplicating or losing rows", async () => {
    const trades = makeTrades();
    await withExchange({ aggTrades: { BTCUSDT: trades } }, async (_fx, base, tapes) => {
      const stop = new AbortController();
      const first = await backfill({
        ...base,
        sinceMs: T0,
        untilMs: T0 + 3 * HOUR,
        signal: stop.signal,
        onProgress: () => stop.abort(), // "Ctrl+C" right after the first page
      });
      assert(first.aborted);
      assertEquals(first.rowsWritten, 500);
      // 500 = 166 full threes + 2: the tape ends with two of the three trades of one millisecond.
      const stored = tapes.trades.get("/mem/tape")!;
      assertEquals(stored.filter((r) => r.tsNs === stored[499].tsNs).length, 2);

      const second = await backfill({ ...base, sinceMs: T0, untilMs: T0 + 3 * HOUR });
      assert(second.resumed);
      assertEquals(second.startMs, Number(stored[499].tsNs / 1_000_000n));
      assertEquals(tapes.trades.get("/mem/tape"), expectedRows(trades, 1));
    });
  });

  test("a second run over a covered range writes nothing; extending --until appends only new rows", async () => {
    const trades = makeTrades();
    await withExchange({ aggTrades: { BTCUSDT: trades } }, async (_fx, base, tapes) => {
      await backfill({ ...base, sinceMs: T0, untilMs: T0 + HOUR });
      assertEquals(tapes.trades.get("/mem/tape")!.length, 1200);
      const again = await backfill({ ...base, sinceMs: T0, untilMs: T0 + HOUR });
      assertEquals(again.rowsWritten, 0);
      const more = await backfill({ ...base, sinceMs: T0, untilMs: T0 + 3 * HOUR });
      assertEquals(more.rowsWritten, 800);
      assertEquals(tapes.trades.get("/mem/tape"), expectedRows(trades, 1));
    });
  });

  test("bad arguments fail before anything is written", async () => {
    await withExchange({}, async (_fx, base, tapes) => {
      await assertRejects(() => backfill({ ...base, sinceMs: T0, untilMs: T0 }), FloxError, "--until");
      await assertRejects(
        () => backfill({ ...base, symbol: "NOPE", sinceMs: T0, untilMs: T0 + HOUR }),
        FloxError,
        "NOPE",
      );
      await assertRejects(
        () => backfill({ ...base, exchange: "notanexchange", sinceMs: T0, untilMs: T0 + HOUR }),
        FloxError,
      );
      await assertRejects(
        () => backfill({ ...base, source: "ohlcv", timeframe: "7m", sinceMs: T0, untilMs: T0 + HOUR }),
        FloxError,
        "--timeframe",
      );
      assertEquals(tapes.trades.size, 0);
    });
  });
});

describe("backfill (ohlcv)", () => {
  test("one trade per bar at the close with the bar's volume; empty bars skipped; resumable", async () => {
    const bars: FakeKline[] = [];
    for (let i = 0; i < 2500; i++) {
      const close = (100 + (i % 13)).toFixed(2);
      bars.push({
        openTimeMs: T0 + i * 60_000,
        open: close,
        high: close,
        low: close,
        close,
        volume: i % 10 === 9 ? "0" : (1 + (i % 5)).toFixed(1),
      });
    }
    await withExchange({ klines: { BTCUSDT: bars } }, async (fx, base, tapes) => {
      const opts = { ...base, source: "ohlcv" as const, timeframe: "1m", pageLimit: 1000 };
      const r = await backfill({ ...opts, sinceMs: T0, untilMs: T0 + 1200 * 60_000 });
      assertEquals(r.rowsWritten, 1080); // 1200 bars, every tenth without volume
      const r2 = await backfill({ ...opts, sinceMs: T0, untilMs: T0 + 2500 * 60_000 });
      assert(r2.resumed);
      const want = bars.filter((b) => b.volume !== "0").map((b) => ({
        tsNs: BigInt(b.openTimeMs) * 1_000_000n,
        symbolId: 1,
        price: Number(b.close),
        qty: Number(b.volume),
        side: 0,
      }));
      assertEquals(tapes.trades.get("/mem/tape"), want);
      assertGreater(fx.restCount("/api/v3/klines"), 2);
    });
  });
});
