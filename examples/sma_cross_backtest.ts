// The FLOX Strategy API example ("Writing a Strategy" + "Backtest"), in TypeScript: an SMA(10)/SMA(30)
// cross as a Strategy subclass, backtested by a BacktestRunner (fee 0.04 %, capital 10,000) over a
// trades CSV, then over a tape of the same trades recorded through a Runner. Nothing is downloaded:
// the CSV is a deterministic random walk written to a temporary directory first.
//
//   deno run -A examples/sma_cross_backtest.ts [trades]
//   bun run examples/sma_cross_backtest.ts [trades]
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import * as flox from "../mod.ts";
import { mulberry32 } from "./synthetic.ts";

/** The seed's SMAcross: long 0.01 while the fast average is above the slow one. */
export class SmaCross extends flox.Strategy {
  fast = new flox.SMA(10);
  slow = new flox.SMA(30);
  override onStart() {
    // Each run starts from scratch: the runner resets its own state, the strategy resets its own.
    this.fast.reset();
    this.slow.reset();
  }
  override onTrade(ctx: flox.SymbolContext, trade: flox.Trade) {
    const f = this.fast.update(trade.price), s = this.slow.update(trade.price);
    if (f === null || s === null) return;
    if (f > s && ctx.isFlat()) this.marketBuy(0.01);
    else if (f < s && ctx.isLong()) this.closePosition();
  }
}

/** Trades of a deterministic random walk on a 0.01 tick: one every 250 ms from 2024-01-01 UTC. */
export function randomWalkTrades(count: number, seed = 42): Required<Omit<flox.TradeArrays, "symbolId">> {
  const random = mulberry32(seed);
  const tsNs = new BigInt64Array(count), price = new Float64Array(count);
  const qty = new Float64Array(count), side = new Uint8Array(count);
  let px = 42_000;
  for (let i = 0; i < count; i++) {
    px = Math.max(1, Math.round((px + (random() - 0.5) * 20) * 100) / 100);
    tsNs[i] = 1_704_067_200_000_000_000n + BigInt(i) * 250_000_000n;
    price[i] = px;
    qty[i] = Math.round((0.001 + random() * 0.5) * 1e4) / 1e4;
    side[i] = random() < 0.5 ? 0 : 1;
  }
  return { tsNs, price, qty, side };
}

/** Writes trades as a headed CSV (`ts_ns,price,qty,side`); prices and quantities print exactly. */
export function writeTradesCsv(path: string, trades: Required<Omit<flox.TradeArrays, "symbolId">>): void {
  const lines = ["ts_ns,price,qty,side"];
  for (let i = 0; i < trades.price.length; i++) {
    lines.push(`${trades.tsNs[i]},${trades.price[i]},${trades.qty[i]},${trades.side[i] === 0 ? "buy" : "sell"}`);
  }
  writeFileSync(path, lines.join("\n") + "\n");
}

export interface SmaCrossBacktest {
  /** BacktestRunner.runCsv over btcusdt_trades.csv (symbol detected from the file name). */
  csv: flox.BacktestRunResult;
  /** BacktestRunner.runTape over the same trades recorded through a Runner. */
  tape: flox.BacktestRunResult;
  /** The trades that were written and recorded. */
  trades: Required<Omit<flox.TradeArrays, "symbolId">>;
}

/** Runs the seed's backtest over `tradeCount` synthetic trades; the temporary files are removed. */
export function smaCrossBacktest(tradeCount = 20_000, seed = 42): SmaCrossBacktest {
  const dir = mkdtempSync(join(tmpdir(), "flox-sma-cross-"));
  try {
    const registry = new flox.SymbolRegistry();
    const btc = registry.addSymbol("binance", "BTCUSDT", { tickSize: 0.01 });

    const trades = randomWalkTrades(tradeCount, seed);
    const csvPath = join(dir, "btcusdt_trades.csv");
    writeTradesCsv(csvPath, trades);

    const bt = new flox.BacktestRunner(registry, { feeRate: 0.0004, initialCapital: 10_000 });
    bt.setStrategy(new SmaCross([btc]));
    const csv = bt.runCsv(csvPath); // auto-detects BTCUSDT from the file name

    // The same trades through a live Runner with a tape recorder, then the tape through the backtest.
    const tapeDir = join(dir, "tape");
    const recorder = flox.makeRecorderHook(tapeDir, { exchange: "binance", symbols: { [btc.id]: btc.name } });
    const runner = new flox.Runner(registry, () => {});
    try {
      runner.setMarketDataRecorder(recorder);
      runner.start();
      for (let i = 0; i < tradeCount; i++) {
        runner.onTrade(btc, trades.price[i], trades.qty[i], trades.side[i] === 0, trades.tsNs[i]);
      }
      runner.stop();
    } finally {
      runner.close();
      recorder.close();
    }
    const tape = bt.runTape(tapeDir);
    return { csv, tape, trades };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function printStats(label: string, stats: flox.BacktestRunResult): void {
  console.log(
    `${label}: returnPct ${stats.returnPct.toFixed(4)}  netPnl ${stats.netPnl.toFixed(4)}  ` +
      `totalTrades ${stats.totalTrades}  winRate ${stats.winRate.toFixed(4)}  sharpe ${stats.sharpe.toFixed(4)}  ` +
      `maxDrawdownPct ${stats.maxDrawdownPct.toFixed(4)}`,
  );
}

if (import.meta.main) {
  const count = Number(process.argv[2] ?? 20_000);
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`trade count must be a positive integer, got ${process.argv[2]}`);
  }
  const { csv, tape } = smaCrossBacktest(count);
  printStats("runCsv ", csv);
  printStats("runTape", tape);
}
