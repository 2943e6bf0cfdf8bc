// `flox tape backfill` into a real tape on disk from the local fake Binance: paginated, resumed by
// re-running, no duplicated rows (checked row by row with readTrades), mid-millisecond resume.
import { describe, test } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { FloxError, inspectTape, makeRecorderHook, readTrades } from "../mod.ts";
import { backfill } from "../lib/live/backfill.ts";
import { loadRecorderFactory, readExistingTape } from "../lib/live/tape_access.ts";
import { type FakeAggTrade, FakeExchange } from "./support/fake_exchange.ts";
import { runFloxAsync } from "./support/cli_async.ts";

const T0 = Date.UTC(2026, 3, 1);
const HOUR = 3_600_000;

/** Hour 0: 1200 trades, hour 1: none, hour 2: 800; trades come in threes sharing a millisecond. */
function makeTrades(): FakeAggTrade[] {
  const out: FakeAggTrade[] = [];
  let id = 1;
  const burst = (start: number, count: number) => {
    for (let i = 0; i < count; i++) {
      out.push({
        id: id++,
        timeMs: start + Math.floor(i / 3) * 7,
        price: (60000 + (i % 50) * 0.25).toFixed(2),
        qty: (0.00001 * ((i % 7) + 1)).toFixed(5),
        buyerIsMaker: i % 4 === 0,
      });
    }
  };
  burst(T0 + 1000, 1200);
  burst(T0 + 2 * HOUR + 500, 800);
  return out;
}

function tapeRows(dir: string) {
  const t = readTrades(dir);
  return Array.from({ length: t.length }, (_, i) => [t.tsNs[i], t.symbolId[i], t.price[i], t.qty[i], t.side[i]]);
}

function wantRows(trades: FakeAggTrade[]) {
  return trades.map((t) => [BigInt(t.timeMs) * 1_000_000n, 1, Number(t.price), Number(t.qty), t.buyerIsMaker ? 1 : 0]);
}

describe("tape backfill into a real tape", () => {
  test("the command pages, resumes by re-running, and never duplicates a row", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flox-backfill-"));
    const trades = makeTrades();
    const fx = new FakeExchange({ aggTrades: { BTCUSDT: trades } });
    await fx.start();
    const env = { FLOX_CCXT_CONFIG: JSON.stringify(fx.ccxtConfig()) };
    const args = (until: number) => [
      "tape",
      "backfill",
      "binance",
      "BTCUSDT",
      "--since",
      new Date(T0).toISOString(),
      "--until",
      String(until),
      "--output",
      dir,
      "--page-limit",
      "500",
    ];
    try {
      const first = await runFloxAsync(args(T0 + HOUR), env);
      assertEquals(first.status, 0, first.stderr);
      assertEquals(first.stderr.includes("backfill BTCUSDT ["), false, "no progress bar into a pipe");
      assertStringIncludes(first.stdout, "  rows written      : 1200\n");
      assertEquals(tapeRows(dir), wantRows(trades.slice(0, 1200)));

      // FLOX_PROGRESS=1 draws the progress bar although stderr is a pipe here.
      const second = await runFloxAsync(args(T0 + 3 * HOUR), { ...env, FLOX_PROGRESS: "1" });
      assertEquals(second.status, 0, second.stderr);
      assertStringIncludes(second.stderr, "backfill BTCUSDT [");
      assertStringIncludes(second.stderr, "100.0%");
      assertStringIncludes(second.stdout, "  resumed from      : ");
      assertStringIncludes(second.stdout, "  rows written      : 800\n");
      assertStringIncludes(second.stderr, "already has BTC/USDT up to");

      const third = await runFloxAsync(args(T0 + 3 * HOUR), env);
      assertEquals(third.status, 0, third.stderr);
      assertStringIncludes(third.stdout, "  rows written      : 0\n");

      assertEquals(tapeRows(dir), wantRows(trades));
      const info = inspectTape(dir);
      assertEquals(info.exchange, "binance");
      assertEquals(info.symbolNames, { 1: "BTC/USDT" });
      assertEquals(info.damaged, []);
    } finally {
      await fx.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("an interrupted backfill resumes inside a millisecond it had half written", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flox-backfill-"));
    const trades = makeTrades();
    const fx = new FakeExchange({ aggTrades: { BTCUSDT: trades } });
    await fx.start();
    try {
      const base = {
        exchange: "binance",
        symbol: "BTC/USDT",
        sinceMs: T0,
        untilMs: T0 + 3 * HOUR,
        output: dir,
        pageLimit: 500,
        ccxtConfig: fx.ccxtConfig(),
        makeRecorder: await loadRecorderFactory(),
        readExisting: readExistingTape,
        onNotice: () => {},
      };
      const stop = new AbortController();
      const first = await backfill({ ...base, signal: stop.signal, onProgress: () => stop.abort() });
      assert(first.aborted);
      const half = tapeRows(dir);
      assertEquals(half.length, 500);
      assertEquals(half.filter((r) => r[0] === half[499][0]).length, 2, "two of the three trades of that ms");
      const second = await backfill(base);
      assert(second.resumed);
      assertEquals(tapeRows(dir), wantRows(trades));
    } finally {
      await fx.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a tape recorded from another exchange is refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flox-backfill-"));
    const fx = new FakeExchange({ aggTrades: { BTCUSDT: makeTrades() } });
    await fx.start();
    try {
      const other = makeRecorderHook(dir, { exchange: "bybit", symbols: { 1: "BTC/USDT" } });
      other.recordTrade(1, 100, 1, true, BigInt(T0) * 1_000_000n);
      other.close();
      await assertRejects(
        () =>
          backfill({
            exchange: "binance",
            symbol: "BTCUSDT",
            sinceMs: T0,
            untilMs: T0 + HOUR,
            output: dir,
            ccxtConfig: fx.ccxtConfig(),
            makeRecorder: makeRecorderHook,
            readExisting: readExistingTape,
          }),
        FloxError,
        'holds a tape from exchange "bybit"',
      );
      assertEquals(readTrades(dir).length, 1);
    } finally {
      await fx.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
