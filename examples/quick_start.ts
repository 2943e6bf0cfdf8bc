// Quick start of the batch engine (the FLOX "Batch Backtest Engine" quick start, in TypeScript).
//
//   deno run -A examples/quick_start.ts
//   bun run examples/quick_start.ts
import { type BacktestResult, Engine, makeSignals } from "../mod.ts";
import { syntheticBars } from "./synthetic.ts";

/** Loads a day of one-minute bars, buys 0.5 at 00:00 and sells it at 00:20 (UTC, 2024-01-01). */
export function quickStart(barCount = 1440): BacktestResult {
  using engine = new Engine({ initialCapital: 100_000, feeRate: 0.0001 });

  // Load OHLCV data (here: a deterministic random walk; any typed arrays of equal length work).
  const { timestamps, open, high, low, close, volume } = syntheticBars({ count: barCount });
  engine.loadBars({ timestamps, open, high, low, close, volume });

  // Create signals (all market orders); timestamps in ms are recognised by magnitude.
  const signals = makeSignals({
    timestamps: BigInt64Array.of(1_704_067_200_000n, 1_704_068_400_000n),
    sides: Uint8Array.of(0, 1), // 0 = buy, 1 = sell
    quantities: Float64Array.of(0.5, 0.5),
  });

  return engine.run(signals, { trades: true });
}

if (import.meta.main) {
  const stats = quickStart();
  console.log(`PnL: ${stats.netPnl.toFixed(2)}, Sharpe: ${stats.sharpe.toFixed(4)}`);
}
