// A live session end to end, without an exchange: a Worker feed publishes market data into a
// threaded Runner, the seed's SMA cross trades it in paper mode (the backtest's simulated executor
// fills its signals), and the session is recorded to a tape that a BacktestRunner then replays.
// Run: deno run -A examples/live_runner.ts   or   bun examples/live_runner.ts
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as flox from "../mod.ts";
import { SmaCross } from "./sma_cross_backtest.ts";

const registry = new flox.SymbolRegistry();
const btc = registry.addSymbol("binance", "BTCUSDT", { tickSize: 0.01 });
const tape = mkdtempSync(join(tmpdir(), "flox-live-"));
const signals: flox.Signal[] = [];

const runner = new flox.Runner(registry, (sig) => signals.push(sig), { threaded: true, paper: { feeRate: 0.0004 } });
const recorder = flox.makeRecorderHook(tape, { exchange: "binance", symbols: { [btc.id]: btc.name } });
runner.setMarketDataRecorder(recorder);
const strategy = new SmaCross([btc]);
runner.addStrategy(strategy);
runner.start();

const feed = new Worker(new URL("./live_feed_worker.ts", import.meta.url).href, { type: "module" });
const done = new Promise<{ done: number; waits: number }>((resolve) => (feed.onmessage = (e) => resolve(e.data)));
feed.postMessage({ ticket: runner.producerTicket(), symbol: btc.id, trades: 20_000 });
const fed = await done;
feed.terminate();
runner.stop(); // dispatches what the feed queued, then onStop
runner.close();
recorder.close();

const live = runner.paperResult()!;
console.log(
  `live (paper): ${fed.done} trades from the Worker, ${signals.length} signals, ${live.fills} fills, ` +
    `net pnl ${live.netPnl.toFixed(2)}, tape ${recorder.stats().tradesWritten} trades + ` +
    `${recorder.stats().bookUpdatesWritten} books`,
);

const bt = new flox.BacktestRunner(registry, { initialCapital: 10_000, feeRate: 0.0004 });
bt.setStrategy(strategy); // the same object
const replay = bt.runTape(tape); // trades and books, in the order the runner dispatched them
console.log(
  `backtest of the tape: ${replay.fills} fills, net pnl ${replay.netPnl.toFixed(2)} ` +
    `(${replay.netPnl === live.netPnl ? "identical to" : "DIFFERENT from"} the live session)`,
);
rmSync(tape, { recursive: true, force: true });
