// BacktestRunner throughput: the seed's SMA cross over N trades replayed from a tape (written here
// with the recorder), against a plain TypeScript loop over the same arrays calling the same strategy
// (with a host that only fills market orders at the trade price) in the same process. Also shows
// runTrades over the arrays (no tape reading).
//
//   deno run -A bench/backtest_runner.bench.ts [--events 10000000] [--repeat 3]
//   bun run bench/backtest_runner.bench.ts [--events 10000000] [--repeat 3]
import process from "node:process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as flox from "../mod.ts";
import { SmaCross } from "../examples/sma_cross_backtest.ts";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const N = arg("events", 10_000_000);
const REPEAT = arg("repeat", 3);

/** Trades: a random walk with trends (so the cross fires now and then), 20 trades per second. */
function makeTrades(n: number): flox.TradeArrays {
  const tsNs = new BigInt64Array(n), price = new Float64Array(n), qty = new Float64Array(n), side = new Uint8Array(n);
  let a = 12345 >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let p = 30_000, drift = 0;
  const t0 = 1_700_000_000_000_000_000n;
  for (let i = 0; i < n; i++) {
    if (i % 500 === 0) drift = (rnd() - 0.5) * 2;
    p = Math.max(1, p + drift + (rnd() - 0.5) * 10);
    price[i] = Math.round(p * 100) / 100;
    qty[i] = 0.001 + Math.round(rnd() * 1000) / 1000;
    side[i] = rnd() < 0.5 ? 0 : 1;
    tsNs[i] = t0 + BigInt(i) * 50_000_000n;
  }
  return { tsNs, price, qty, side };
}

/** The baseline: the same strategy and arrays, a host that only fills market orders at the trade price. */
class PlainHost implements flox.StrategyHost {
  ctx = new flox.SymbolContext(1);
  orders = 0;
  submit(_s: flox.Strategy, o: flox.OrderRequest): number {
    this.ctx.position += o.side === "buy" ? o.quantity : -o.quantity;
    if (Math.abs(this.ctx.position) < 1e-12) this.ctx.position = 0;
    return ++this.orders;
  }
  cancel(): void {}
  context(): flox.SymbolContext {
    return this.ctx;
  }
}

function plainLoop(strategy: SmaCross, d: flox.TradeArrays): number {
  const host = new PlainHost();
  strategy.attach(host);
  strategy.onStart();
  const trade = { symbol: 1, price: 0, qty: 0, isBuy: false, tsNs: 0n };
  const { price, qty, side } = d;
  const ctx = host.ctx;
  const n = price.length;
  for (let i = 0; i < n; i++) {
    ctx.lastTradePrice = price[i];
    trade.price = price[i];
    trade.qty = qty[i];
    trade.isBuy = side![i] === 0;
    strategy.onTrade(ctx, trade);
  }
  strategy.detach();
  return host.orders;
}

const runtime = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined" ? "bun" : "deno";
const registry = new flox.SymbolRegistry();
const btc = registry.addSymbol("binance", "BTCUSDT", { tickSize: 0.01 });
const data = makeTrades(N);
const strategy = new SmaCross([btc]);
const bt = new flox.BacktestRunner(registry, { feeRate: 0.0004, initialCapital: 1_000_000 });
bt.setStrategy(strategy);

// The tape: the same trades, written once with the recorder (bulk call).
const dir = mkdtempSync(join(tmpdir(), "flox-bench-bt-"));
const tape = join(dir, "tape");
let t = performance.now();
const rec = flox.makeRecorderHook(tape, { symbols: { 1: "BTCUSDT" } });
rec.recordTrades({
  tsNs: data.tsNs,
  symbolId: new Uint32Array(N).fill(1),
  price: data.price,
  qty: data.qty,
  side: data.side!,
});
rec.close();
console.log(
  `  tape written in ${(performance.now() - t).toFixed(0)} ms (${(rec.stats().bytesWritten / 2 ** 20).toFixed(0)} MiB)`,
);

const rate = (n: number, ms: number) => (n / (ms / 1000) / 1e6).toFixed(1) + "M events/s";
let bestTape = Infinity, bestDirect = Infinity, bestArrays = Infinity, bestPlain = Infinity, bestRead = Infinity;
let orders = 0, plainOrders = 0;
try {
  for (let r = 0; r < REPEAT; r++) {
    t = performance.now();
    plainOrders = plainLoop(strategy, data);
    bestPlain = Math.min(bestPlain, performance.now() - t);
    t = performance.now();
    const res = bt.runTape(tape);
    bestTape = Math.min(bestTape, performance.now() - t);
    t = performance.now();
    const res3 = bt.runTape(tape, { readAhead: false });
    bestDirect = Math.min(bestDirect, performance.now() - t);
    if (res3.orders !== res.orders) throw new Error("read-ahead and plain tape replays disagree");
    t = performance.now();
    using reader = flox.openTape(tape); // decoding alone: the floor for runTape on one core
    let read = 0;
    for (let c = reader.readTradeChunk(65536); c !== null; c = reader.readTradeChunk(65536)) read += c.length;
    bestRead = Math.min(bestRead, performance.now() - t);
    if (read !== N) throw new Error(`read ${read} trades back`);
    t = performance.now();
    const res2 = bt.runTrades(data);
    bestArrays = Math.min(bestArrays, performance.now() - t);
    if (res2.orders !== res.orders || res2.netPnl !== res.netPnl) throw new Error("tape and arrays disagree");
    orders = res.orders;
    if (r === 0) {
      console.log(
        `  run: ${res.events} events, ${res.orders} orders, ${res.totalTrades} trades, return ${
          res.returnPct.toFixed(3)
        }%`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (orders !== plainOrders) throw new Error(`the plain loop sent ${plainOrders} orders, the runner ${orders}`);
console.log(
  `${runtime} SMA cross x${N} (best of ${REPEAT}): runTape ${bestTape.toFixed(0)} ms (${rate(N, bestTape)}), ` +
    `runTape readAhead:false ${bestDirect.toFixed(0)} ms (${rate(N, bestDirect)}), ` +
    `plain loop ${bestPlain.toFixed(0)} ms (${rate(N, bestPlain)}), ratio ${(bestTape / bestPlain).toFixed(2)}x; ` +
    `runTrades ${bestArrays.toFixed(0)} ms (${rate(N, bestArrays)}), ratio ${(bestArrays / bestPlain).toFixed(2)}x; ` +
    `tape decoding alone ${bestRead.toFixed(0)} ms (${rate(N, bestRead)})`,
);
