// The live Runner through mod.ts: sync dispatch and signals, positions from reported fills, books,
// threaded mode (batches on the event loop, stop drains, back-pressure with a small ring, Worker
// producers publishing millions of events), recording what the runner receives.
import { describe, test } from "node:test";
import { assert, assertEquals, assertThrows } from "@std/assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BacktestRunner, FloxError, makeRecorderHook, Runner, type Signal, SymbolRegistry } from "../mod.ts";
import { OrderChecker, Recorder, SmaCross, wavyPrices } from "./support/strategies.ts";

const tick = () => new Promise((r) => setTimeout(r, 0));

function throwsCode(fn: () => unknown, codeName: string, includes?: string): FloxError {
  const err = assertThrows(fn, FloxError) as FloxError;
  assertEquals(err.codeName, codeName, err.message);
  if (includes) assert(err.message.includes(includes), `"${err.message}" should include "${includes}"`);
  return err;
}

/** A price path with a clear rise then a clear fall: the SMA cross buys on the way up, closes on the way down. */
function upThenDown(n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(i < n / 2 ? 100 + i : 100 + n - i);
  return out;
}

function setup() {
  const registry = new SymbolRegistry();
  const btc = registry.addSymbol("binance", "BTCUSDT", { tickSize: 0.01 });
  const eth = registry.addSymbol("binance", "ETHUSDT");
  const signals: Signal[] = [];
  return { registry, btc, eth, signals, onSignal: (s: Signal) => signals.push(s) };
}

describe("Runner, sync mode", () => {
  test("dispatches inline; the SMA cross sends a market buy with the event's timestamp", () => {
    const { registry, btc, signals, onSignal } = setup();
    const runner = new Runner(registry, onSignal);
    const sma = new SmaCross([btc], 3, 5);
    runner.addStrategy(sma);
    runner.start();
    const prices = upThenDown(40);
    let firstSignalAt = -1;
    for (let i = 0; i < prices.length; i++) {
      runner.onTrade(btc, prices[i], 1, true, BigInt(1000 + i));
      if (signals.length > 0 && firstSignalAt < 0) firstSignalAt = i;
    }
    // Fast > slow as soon as both are warm on a rising path: the 5th trade (index 4).
    assertEquals(firstSignalAt, 4);
    const first = signals[0];
    assertEquals(first, {
      orderId: 1,
      symbol: btc.id,
      side: "buy",
      orderType: "market",
      quantity: 0.01,
      price: 0,
      triggerPrice: 0,
      reduceOnly: false,
      tsNs: 1004n,
      action: "submit",
    });
    // Without fills the position stays flat, so the strategy keeps buying on every rising trade.
    assertEquals(runner.context(btc.id).position, 0);
    assert(signals.length > 1);
    assertEquals(signals.map((s) => s.orderId), signals.map((_, i) => i + 1));
    runner.stop();
  });

  test("positions come from reported fills; closePosition sends a reduce-only sell of the position", () => {
    const { registry, btc, signals, onSignal } = setup();
    const runner = new Runner(registry, onSignal);
    const sma = new SmaCross([btc], 3, 5, 2);
    runner.addStrategy(sma);
    runner.start();
    const prices = upThenDown(40);
    for (let i = 0; i < prices.length; i++) {
      const before = signals.length;
      runner.onTrade(btc, prices[i], 1, true, BigInt(i));
      for (const s of signals.slice(before)) {
        if (s.action !== "submit") continue;
        // The exchange fills each order in two parts.
        runner.onFill(s.orderId, prices[i], s.quantity / 2, 0.01, BigInt(i));
        runner.onFill(s.orderId, prices[i] + 1, s.quantity / 2, 0.01);
      }
    }
    const submits = signals.filter((s) => s.action === "submit");
    assertEquals(submits.map((s) => `${s.side}@${s.tsNs}`), ["buy@4", "sell@23"]);
    assertEquals([submits[0].side, submits[0].reduceOnly, submits[0].quantity], ["buy", false, 2]);
    assertEquals([submits[1].side, submits[1].reduceOnly, submits[1].quantity], ["sell", true, 2]);
    assertEquals(sma.fills.length, 4);
    assertEquals(sma.fills[0], { orderId: 1, symbol: btc.id, side: "buy", price: 104, qty: 1, fee: 0.01, tsNs: 4n });
    assertEquals(runner.context(btc.id).position, 0);
    assertEquals(runner.context(btc.id).avgEntryPrice, 0);
    // Filled orders are done: more fills are refused.
    throwsCode(() => runner.onFill(1, 100, 1), "NOT_FOUND", "order 1");
    runner.stop();
  });

  test("average entry, partial close and a flip through flat", () => {
    const { registry, btc, signals, onSignal } = setup();
    const runner = new Runner(registry, onSignal);
    class Manual extends SmaCross {}
    const s = new Manual([btc]);
    runner.addStrategy(s);
    runner.start();
    const buy = s.marketBuy(3);
    runner.onFill(buy, 100, 1);
    runner.onFill(buy, 110, 2);
    const ctx = runner.context(btc.id);
    assertEquals([ctx.position, ctx.avgEntryPrice], [3, 320 / 3]);
    throwsCode(() => runner.onFill(buy, 100, 0.5), "NOT_FOUND");
    const sell = s.limitSell(120, 5);
    throwsCode(() => runner.onFill(sell, 120, 6), "BAD_QUANTITY", "exceeds the 5 left");
    runner.onFill(sell, 120, 1);
    assertEquals([ctx.position, ctx.avgEntryPrice], [2, 320 / 3]);
    runner.onFill(sell, 121, 4);
    assertEquals([ctx.position, ctx.avgEntryPrice], [-2, 121]);
    assert(ctx.isShort());
    const stop = s.stopMarket("buy", 130, 1);
    s.cancelOrder(stop);
    s.cancelOrder(stop); // second cancel is a no-op
    assertEquals(signals.at(-1)!.action, "cancel");
    assertEquals(signals.filter((x) => x.action === "cancel").length, 1);
    assertEquals([signals.at(-1)!.orderId, signals.at(-1)!.orderType, signals.at(-1)!.triggerPrice], [
      stop,
      "stop_market",
      130,
    ]);
    // A fill that raced the cancel is still accepted until the exchange confirms the order closed.
    runner.onFill(stop, 131, 0.5);
    assertEquals(ctx.position, -1.5);
    runner.onOrderClosed(stop);
    throwsCode(() => runner.onFill(stop, 131, 0.5), "NOT_FOUND");
    runner.stop();
  });

  test("books update best bid/ask through snapshots and deltas", () => {
    const { registry, btc, eth, onSignal } = setup();
    const runner = new Runner(registry, onSignal);
    const r = new Recorder([btc]);
    runner.addStrategy(r);
    runner.start();
    const f = (...x: number[]) => new Float64Array(x);
    runner.onBookSnapshot(btc, f(100, 99), f(1, 2), f(101, 102), f(1, 1), 1n);
    runner.onBookDelta(btc, f(100.5), f(3), f(101), f(0), 2n); // new best bid; best ask removed
    runner.onBookDelta(eth, f(5), f(1), f(6), f(1), 3n); // not this strategy's symbol
    assertEquals(r.books, [
      { symbol: btc.id, snapshot: true, bids: [100, 99], asks: [101, 102], bestBid: 100, bestAsk: 101 },
      { symbol: btc.id, snapshot: false, bids: [100.5], asks: [101], bestBid: 100.5, bestAsk: 102 },
    ]);
    const ctx = runner.context(btc.id);
    assertEquals(ctx.mid, (100.5 + 102) / 2);
    assertEquals(runner.context(eth.id).bestAsk, 6);
    runner.stop();
  });

  test("bad input is refused with a FloxError naming it; nothing is dispatched", () => {
    const { registry, btc, onSignal } = setup();
    const runner = new Runner(registry, onSignal);
    const r = new Recorder([btc]);
    runner.addStrategy(r);
    throwsCode(() => runner.onTrade(btc, 100, 1, true, 1n), "STATE", "start()");
    runner.start();
    throwsCode(() => runner.onTrade(btc, NaN, 1, true, 1n), "BAD_PRICE", "price is NaN");
    throwsCode(() => runner.onTrade(btc, 100, -1, true, 1n), "BAD_QUANTITY");
    throwsCode(() => runner.onTrade(99, 100, 1, true, 1n), "NOT_FOUND", "id 99");
    throwsCode(() => runner.onTrade(btc, 100, 1, true, 5 as unknown as bigint), "INVALID_ARG", "bigint");
    const f = (...x: number[]) => new Float64Array(x);
    throwsCode(() => runner.onBookSnapshot(btc, f(1, 2), f(1), f(), f(), 1n), "LENGTH_MISMATCH", "bidQtys");
    throwsCode(() => runner.onBookDelta(btc, f(1), f(-1), f(), f(), 1n), "BAD_QUANTITY", "bidQtys[0]");
    throwsCode(() => runner.addStrategy(new Recorder([btc])), "STATE");
    throwsCode(() => runner.start(), "STATE", "already running");
    throwsCode(() => runner.producerTicket(), "STATE", "threaded");
    assertEquals(r.trades.length + r.books.length, 0);
    runner.stop();
    runner.stop();
    assertEquals([r.started, r.stopped], [1, 1]);
    runner.close();
    throwsCode(() => runner.start(), "CLOSED");
  });
});

describe("Runner, threaded mode", () => {
  test("on* returns before dispatch; the batch runs on the event loop, in order", async () => {
    const { registry, btc, eth, onSignal } = setup();
    using runner = new Runner(registry, onSignal, { threaded: true });
    const r = new Recorder([btc, eth]);
    runner.addStrategy(r);
    runner.start();
    const f = (...x: number[]) => new Float64Array(x);
    runner.onTrade(btc, 100, 1, true, 1n);
    runner.onBookSnapshot(eth, f(9, 8), f(1, 1), f(10), f(2), 2n);
    runner.onTrade(eth, 9.5, 3, false, 3n);
    assertEquals(r.trades.length, 0);
    for (let i = 0; i < 10 && r.trades.length < 2; i++) await tick();
    assertEquals(r.trades.map((t) => [t.symbol, t.price, t.qty, t.isBuy, t.tsNs]), [
      [btc.id, 100, 1, true, 1n],
      [eth.id, 9.5, 3, false, 3n],
    ]);
    assertEquals(r.books, [{ symbol: eth.id, snapshot: true, bids: [9, 8], asks: [10], bestBid: 9, bestAsk: 10 }]);
    // Bad input is refused at the call, by the native ring.
    throwsCode(() => runner.onTrade(btc, Infinity, 1, true, 4n), "BAD_PRICE");
    throwsCode(() => runner.onBookDelta(btc, f(1), f(1, 2), f(), f(), 5n), "LENGTH_MISMATCH");
    runner.stop();
  });

  test("stop() dispatches everything queued, then calls onStop", () => {
    const { registry, btc, onSignal } = setup();
    using runner = new Runner(registry, onSignal, { threaded: true });
    const checker = new OrderChecker([btc.id]);
    let countAtStop = -1;
    checker.onStop = () => {
      countAtStop = checker.count;
    };
    runner.addStrategy(checker);
    runner.start();
    for (let n = 0; n < 10_000; n++) runner.onTrade(btc, 1 + (n % 1000), 1, (n & 1) === 0, BigInt(n));
    runner.stop();
    assertEquals(countAtStop, 10_000);
    assertEquals(checker.errors, 0);
    throwsCode(() => runner.onTrade(btc, 1, 1, true, 1n), "STATE");
  });

  test("back-pressure: a main-thread producer on a full ring dispatches inline and loses nothing", () => {
    const { registry, btc, onSignal } = setup();
    using runner = new Runner(registry, onSignal, { threaded: true, ringCapacity: 16, batchSize: 4 });
    const checker = new OrderChecker([btc.id]);
    runner.addStrategy(checker);
    runner.start();
    const bp = new Float64Array(1), bq = new Float64Array([1]), none = new Float64Array(0);
    for (let n = 0; n < 5000; n++) {
      if (n % 10 === 9) {
        bp[0] = 1 + (n % 1000);
        runner.onBookSnapshot(btc, bp, bq, none, none, BigInt(n));
      } else runner.onTrade(btc, 1 + (n % 1000), 1, (n & 1) === 0, BigInt(n));
    }
    // No event-loop turn happened: everything dispatched so far was dispatched inline.
    assert(checker.count >= 5000 - 16, `only ${checker.count} dispatched inline`);
    runner.stop();
    assertEquals([checker.count, checker.errors, checker.books], [5000, 0, 500]);
  });

  test("a strategy exception during an inline drain reaches the caller, whose event is still queued", () => {
    const { registry, btc, onSignal } = setup();
    using runner = new Runner(registry, onSignal, { threaded: true, ringCapacity: 16, batchSize: 8 });
    const r = new Recorder([btc]);
    const record = r.onTrade.bind(r);
    r.onTrade = (ctx, t) => {
      if (t.tsNs === 3n) throw new Error("boom");
      record(ctx, t);
    };
    runner.addStrategy(r);
    runner.start();
    for (let n = 0; n < 16; n++) runner.onTrade(btc, 100, 1, true, BigInt(n)); // fills the ring
    const err = assertThrows(() => runner.onTrade(btc, 100, 1, true, 16n), Error);
    assertEquals(err.message, "boom");
    runner.stop();
    assertEquals(r.trades.map((t) => Number(t.tsNs)), [0, 1, 2, ...Array.from({ length: 13 }, (_, i) => i + 4)]);
  });

  test("stop() drains past a strategy exception, stops, then rethrows it", () => {
    const { registry, btc, onSignal } = setup();
    using runner = new Runner(registry, onSignal, { threaded: true });
    const r = new Recorder([btc]);
    const record = r.onTrade.bind(r);
    r.onTrade = (ctx, t) => {
      if (t.tsNs === 2n) throw new Error("boom");
      record(ctx, t);
    };
    runner.addStrategy(r);
    runner.start();
    for (let n = 0; n < 5; n++) runner.onTrade(btc, 100, 1, true, BigInt(n));
    const err = assertThrows(() => runner.stop(), Error);
    assertEquals(err.message, "boom");
    assertEquals(r.trades.map((t) => t.tsNs), [0n, 1n, 3n, 4n]);
    assertEquals([r.stopped, runner.running, r.attached], [1, false, false]);
  });

  test("a strategy exception goes to onError and the runner carries on with the next event", async () => {
    const { registry, btc, onSignal } = setup();
    const errors: unknown[] = [];
    using runner = new Runner(registry, onSignal, { threaded: true, onError: (e) => errors.push(e) });
    const r = new Recorder([btc]);
    const record = r.onTrade.bind(r);
    r.onTrade = (ctx, t) => {
      if (t.tsNs === 2n) throw new Error("boom");
      record(ctx, t);
    };
    runner.addStrategy(r);
    runner.start();
    for (let n = 1; n <= 3; n++) runner.onTrade(btc, 100, 1, true, BigInt(n));
    for (let i = 0; i < 10 && r.trades.length < 2; i++) await tick();
    assertEquals(r.trades.map((t) => t.tsNs), [1n, 3n]);
    assertEquals(errors.length, 1);
    assertEquals((errors[0] as Error).message, "boom");
    runner.stop();
  });

  test("a Worker publishes 2 million events; every one is dispatched, in order", async () => {
    const registry = new SymbolRegistry();
    for (let i = 1; i <= 2; i++) registry.addSymbol("test", `P${i}`);
    using runner = new Runner(registry, () => {}, { threaded: true, ringCapacity: 1 << 14 });
    const checker = new OrderChecker([1, 2]);
    runner.addStrategy(checker);
    runner.start();
    const count = 1_000_000;
    const workers = [1, 2].map((producer) => {
      const worker = new Worker(new URL("./support/ring_producer_worker.ts", import.meta.url).href, {
        type: "module",
      });
      const done = new Promise<{ published?: number; error?: string; waits: number }>((resolve, reject) => {
        worker.onmessage = (e) => resolve(e.data);
        worker.onerror = (e) => reject(new Error((e as ErrorEvent).message));
      });
      // Producer 1 publishes one call per event (with a book every 1000th), producer 2 in batches.
      worker.postMessage({
        ticket: runner.producerTicket(),
        producer,
        count,
        mode: producer === 1 ? "single" : "batch",
        books: producer === 1,
      });
      return { worker, done };
    });
    try {
      const results = await Promise.all(workers.map((w) => w.done));
      for (const r of results) assertEquals(r.error, undefined);
      runner.stop(); // dispatches what is still queued
      assertEquals(checker.errors, 0);
      assertEquals(checker.count, 2 * count);
      assertEquals(checker.next.slice(1), [count, count]);
      assertEquals(checker.books, count / 1000);
    } finally {
      for (const w of workers) w.worker.terminate();
    }
  });

  test("an idle runner wakes up when a Worker publishes (no waiting for the idle poll)", async () => {
    const { registry, btc, onSignal } = setup();
    // An idle poll far longer than the test may take: only the producer's wake-up can deliver in time.
    using runner = new Runner(registry, onSignal, { threaded: true, idlePollMs: 59_000 });
    const r = new Recorder([btc]);
    let arrived: () => void = () => {};
    const third = new Promise<void>((resolve) => (arrived = resolve));
    const record = r.onTrade.bind(r);
    r.onTrade = (ctx, t) => {
      record(ctx, t);
      if (r.trades.length === 3) arrived();
    };
    runner.addStrategy(r);
    const ticket = runner.producerTicket();
    runner.start();
    await tick(); // the runner goes to sleep: nothing is queued
    const worker = new Worker(new URL("./support/ring_producer_worker.ts", import.meta.url).href, { type: "module" });
    try {
      worker.postMessage({ ticket, producer: btc.id, count: 3, mode: "single" });
      await third; // dispatched while running, before any stop() or flush()
      assertEquals(r.trades.map((t) => t.tsNs), [0n, 1n, 2n]);
    } finally {
      runner.stop();
      worker.terminate();
    }
  });

  test("the recorder sees every event in dispatch order, Worker events included", async () => {
    const { registry, btc, onSignal } = setup();
    using runner = new Runner(registry, onSignal, { threaded: true });
    const seen: string[] = [];
    runner.setMarketDataRecorder({
      recordTrade: (s, p, q, b, ts) => seen.push(`T ${s} ${p} ${q} ${b} ${ts}`),
      recordBook: (s, bp, _bq, ap, _aq, ts, o) => seen.push(`B ${s} ${bp[0]} ${ap.length} ${ts} ${o?.snapshot}`),
    });
    throwsCode(() => runner.setMarketDataRecorder({} as never), "INVALID_ARG", "recordTrade");
    runner.start();
    runner.onTrade(btc, 100, 2, false, 10n);
    runner.onBookDelta(btc, new Float64Array([99]), new Float64Array([1]), new Float64Array(), new Float64Array(), 11n);
    const worker = new Worker(new URL("./support/ring_producer_worker.ts", import.meta.url).href, { type: "module" });
    try {
      const done = new Promise((resolve) => (worker.onmessage = (e) => resolve(e.data)));
      worker.postMessage({ ticket: runner.producerTicket(), producer: btc.id, count: 3, mode: "single" });
      await done;
      runner.stop();
    } finally {
      worker.terminate();
    }
    assertEquals(seen, [
      "T 1 100 2 false 10",
      "B 1 99 0 11 false",
      "T 1 1 1 true 0",
      "T 1 2 1 false 1",
      "T 1 3 1 true 2",
    ]);
  });
});

describe("Runner, paper mode", () => {
  const T0 = 1_700_000_000_000_000_000n;

  test("the SMA cross runs live end to end: signals are filled by the simulated executor, ctx has positions", () => {
    const { registry, btc, signals, onSignal } = setup();
    using runner = new Runner(registry, onSignal, { paper: { initialCapital: 10_000, feeRate: 0.0004 } });
    const sma = new SmaCross([btc], 10, 30, 0.5);
    runner.addStrategy(sma);
    runner.start();
    const prices = wavyPrices(2000);
    const positions = new Set<number>();
    for (let i = 0; i < prices.length; i++) {
      runner.onTrade(btc, prices[i], 1, i % 2 === 0, T0 + BigInt(i) * 1_000_000_000n);
      positions.add(runner.context(btc.id).position);
    }
    throwsCode(() => runner.onFill(1, 100, 1), "STATE", "paper mode");
    runner.stop();
    const submits = signals.filter((s) => s.action === "submit");
    assert(submits.length >= 4, `only ${submits.length} signals`);
    // Buys and reduce-only closes alternate: the strategy saw its fills through ctx.
    submits.forEach((s, i) => assertEquals([s.side, s.reduceOnly], i % 2 === 0 ? ["buy", false] : ["sell", true]));
    assertEquals([...positions].sort(), [0, 0.5]);
    assertEquals(sma.fills.length, submits.length);
    const result = runner.paperResult()!;
    assertEquals(result.fills, submits.length);
    assertEquals(result.orders, submits.length);
    assert(result.totalFees > 0);
  });

  test("the same strategy object runs unchanged in the Runner (threaded, paper) and the BacktestRunner", async () => {
    const { registry, btc, onSignal, signals } = setup();
    const sma = new SmaCross([btc], 10, 30, 0.5);
    // Live session, recorded by a duck-typed recorder into columns.
    const rec = { ts: [] as bigint[], price: [] as number[], qty: [] as number[], side: [] as number[] };
    using runner = new Runner(registry, onSignal, { threaded: true, paper: { feeRate: 0.0004 } });
    runner.setMarketDataRecorder({
      recordTrade: (_s, p, q, b, ts) => {
        rec.ts.push(ts);
        rec.price.push(p);
        rec.qty.push(q);
        rec.side.push(b ? 0 : 1);
      },
      recordBook: () => {},
    });
    runner.addStrategy(sma);
    runner.start();
    const prices = wavyPrices(3000);
    for (let i = 0; i < prices.length; i++) {
      runner.onTrade(btc, prices[i], 1, i % 3 !== 0, T0 + BigInt(i) * 250_000_000n);
      if (i % 500 === 0) await tick(); // let the event loop dispatch batches as it would live
    }
    runner.stop();
    const live = signals.map((s) => `${s.orderId} ${s.action} ${s.side} ${s.orderType} ${s.quantity} ${s.tsNs}`);
    assertEquals(rec.ts.length, prices.length);
    // Backtest of the recorded session with the same object.
    const bt = new BacktestRunner(registry, {
      initialCapital: 10_000,
      feeRate: 0.0004,
      onSignal: (s: Signal) =>
        backtest.push(`${s.orderId} ${s.action} ${s.side} ${s.orderType} ${s.quantity} ${s.tsNs}`),
    });
    const backtest: string[] = [];
    bt.setStrategy(sma);
    const result = bt.runTrades({
      tsNs: BigInt64Array.from(rec.ts),
      price: Float64Array.from(rec.price),
      qty: Float64Array.from(rec.qty),
      side: Uint8Array.from(rec.side),
    }, { symbol: btc });
    assert(live.length >= 4, `only ${live.length} live signals`);
    assertEquals(backtest, live);
    assertEquals(result.fills, runner.paperResult()!.fills);
    assertEquals(result.netPnl, runner.paperResult()!.netPnl);
  });

  test("a live session recorded to a tape through the Runner backtests to the same signals in the same order", async () => {
    const { registry, btc, signals, onSignal } = setup();
    const dir = mkdtempSync(join(tmpdir(), "flox-runner-tape-"));
    const label = (s: Signal) =>
      `${s.orderId} ${s.action} ${s.side} ${s.orderType} ${s.quantity} ${s.reduceOnly} ${s.tsNs}`;
    try {
      const sma = new SmaCross([btc], 10, 30, 0.25);
      const recorder = makeRecorderHook(dir, { symbols: { [btc.id]: btc.name }, exchange: "binance" });
      const runner = new Runner(registry, onSignal, { threaded: true, paper: { feeRate: 0.0004 } });
      runner.setMarketDataRecorder(recorder);
      runner.addStrategy(sma);
      runner.start();
      const prices = wavyPrices(4000);
      const bids = new Float64Array(3), asks = new Float64Array(3), qtys = new Float64Array([1, 2, 3]);
      for (let i = 0; i < prices.length; i++) {
        const ts = T0 + BigInt(i) * 100_000_000n;
        // Books (a snapshot, then deltas) between the trades: paper market orders fill across the spread.
        if (i % 20 === 0) {
          for (let l = 0; l < 3; l++) {
            bids[l] = prices[i] - 0.05 - l * 0.01;
            asks[l] = prices[i] + 0.05 + l * 0.01;
          }
          if (i % 100 === 0) runner.onBookSnapshot(btc, bids, qtys, asks, qtys, ts);
          else {runner.onBookDelta(
              btc,
              bids.subarray(0, 1),
              qtys.subarray(0, 1),
              asks.subarray(0, 1),
              qtys.subarray(0, 1),
              ts,
            );}
        }
        runner.onTrade(btc, prices[i], 0.5 + (i % 7) / 10, i % 4 !== 0, ts);
        if (i % 700 === 0) await tick();
      }
      runner.stop();
      const live = runner.paperResult()!;
      runner.close();
      recorder.close();
      assertEquals(recorder.stats().tradesWritten, prices.length);
      assertEquals(recorder.stats().bookUpdatesWritten, prices.length / 20);
      const liveSignals = signals.map(label);
      assert(liveSignals.length >= 4, `only ${liveSignals.length} live signals`);

      const replayed: string[] = [];
      const bt = new BacktestRunner(registry, {
        initialCapital: 10_000,
        feeRate: 0.0004,
        onSignal: (s: Signal) => replayed.push(label(s)),
      });
      bt.setStrategy(sma);
      const result = bt.runTape(dir);
      assertEquals(result.events, prices.length + prices.length / 20);
      assertEquals(replayed, liveSignals);
      assertEquals([result.fills, result.netPnl, result.totalFees], [live.fills, live.netPnl, live.totalFees]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
