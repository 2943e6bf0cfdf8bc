// The FLOX "Historical backfill" canonical pattern in TypeScript: page through ccxt's fetchOHLCV and
// feed one synthetic trade per bar (at the close, with the bar's volume) into a Runner whose tape
// recorder writes a .floxlog tape. The recorder does not care whether trades are live or historical.
//
// NEEDS THE INTERNET (it calls the exchange's public REST API), so the test suite does not run it.
// The supported, resumable command is `flox tape backfill` (README "Backfill"), e.g.
//   deno task flox tape backfill bybit BTC/USDT --source ohlcv --timeframe 1m --since 2026-04-01 --until 2026-04-08
// This file shows the pattern in a few lines, as the seed does; it does not resume or de-duplicate.
//
//   deno run -A examples/backfill_ohlcv.ts [exchange] [symbol] [since] [until] [outputDir]
//   bun run examples/backfill_ohlcv.ts bybit BTC/USDT 2026-04-01T00:00:00Z 2026-04-08T00:00:00Z ./tapes/bybit-btc-apr-week-1
import ccxt from "ccxt";
import process from "node:process";
import * as flox from "../mod.ts";

export interface BackfillOptions {
  /** ccxt exchange id. Default "bybit". */
  exchange?: string;
  /** ccxt unified symbol. Default "BTC/USDT". */
  symbol?: string;
  /** Range [since, until) as ISO 8601 or epoch ms. Defaults: the seed's first week of April 2026. */
  since?: string | number;
  until?: string | number;
  /** Tape directory. Default "./tapes/bybit-btc-apr-week-1" (the seed's). */
  output?: string;
  /** ccxt timeframe. Default "1m". */
  timeframe?: string;
}

/** The part of a ccxt exchange this example uses. */
interface OhlcvExchange {
  rateLimit: number;
  fetchOHLCV(symbol: string, timeframe?: string, since?: number, limit?: number): Promise<(number | undefined)[][]>;
  parseTimeframe(timeframe: string): number;
  close?(): Promise<void>;
}

function toMs(what: string, value: string | number): number {
  const ms = typeof value === "number" ? value : /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw new Error(`${what}: '${value}' is neither ISO 8601 nor epoch milliseconds`);
  return ms;
}

/** Backfills bars of `symbol` into a tape; returns the recorder's statistics. */
export async function backfillOhlcv(options: BackfillOptions = {}): Promise<flox.RecorderStats> {
  const exchangeId = options.exchange ?? "bybit";
  const symbol = options.symbol ?? "BTC/USDT";
  const timeframe = options.timeframe ?? "1m";
  const output = options.output ?? "./tapes/bybit-btc-apr-week-1";
  let sinceMs = toMs("since", options.since ?? "2026-04-01T00:00:00Z");
  const endMs = toMs("until", options.until ?? "2026-04-08T00:00:00Z");

  const Exchange = (ccxt as unknown as Record<string, new (config: Record<string, unknown>) => OhlcvExchange>)[
    exchangeId
  ];
  if (!ccxt.exchanges.includes(exchangeId) || typeof Exchange !== "function") {
    throw new Error(`unknown ccxt exchange '${exchangeId}'`);
  }
  // enableRateLimit makes ccxt space the requests itself (the seed also sleeps rateLimit ms per page).
  const ex = new Exchange({ enableRateLimit: true });
  const barMs = ex.parseTimeframe(timeframe) * 1000;

  const registry = new flox.SymbolRegistry();
  const flat = symbol.split(":")[0].replace("/", ""); // "BTC/USDT" -> "BTCUSDT"
  const sym = registry.addSymbol(exchangeId, flat, { tickSize: 0.01 });
  const recorder = flox.makeRecorderHook(output, {
    maxSegmentMb: 64,
    exchange: exchangeId,
    symbols: { [sym.id]: sym.name },
  });
  const runner = new flox.Runner(registry, () => {});
  runner.setMarketDataRecorder(recorder);
  runner.start();
  try {
    while (sinceMs < endMs) {
      const bars = await ex.fetchOHLCV(symbol, timeframe, sinceMs, 1000);
      if (bars.length === 0) break;
      for (const [tsMs, , , , close, volume] of bars) {
        if (tsMs === undefined || tsMs >= endMs) continue;
        // One synthetic buy per bar at the close; use fetchTrades for every print when the venue has them.
        if (close === undefined || !(volume! > 0)) continue; // bars without volume carry no trade
        runner.onTrade(sym, close, volume!, true, BigInt(tsMs) * 1_000_000n);
      }
      const last = bars[bars.length - 1][0];
      if (last === undefined) break;
      sinceMs = last + barMs;
    }
  } finally {
    runner.stop();
    runner.close();
    recorder.close();
    await ex.close?.();
  }
  return recorder.stats();
}

if (import.meta.main) {
  const [exchange, symbol, since, until, output] = process.argv.slice(2);
  const stats = await backfillOhlcv({ exchange, symbol, since, until, output });
  console.log(stats);
}
