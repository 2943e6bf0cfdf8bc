// Live Runner benchmarks, each with a baseline measured in the same run.
//   1. Sync latency: from runner.onTrade to onSignal (strategy sends a market order on every trade),
//      p50/p99 over many samples. Baseline: the same strategy code called directly, signal handed
//      to a plain function.
//   2. Threaded throughput: one Worker publishes trades into the ring (one call per event, then in
//      batches of 1024); the runner dispatches them to a counting strategy on the main thread.
//      Baseline: a plain loop on the main thread calling the strategy's onTrade over the same events.
// Run: deno run -A bench/runner.bench.ts [events]    or    bun bench/runner.bench.ts [events]
import process from "node:process";
import { type Signal, Strategy, type SymbolContext, SymbolRegistry, type Trade } from "../mod.ts";
import { Runner } from "../mod.ts";

const runtime = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined" ? "bun" : "deno";
const EVENTS = Number(process.argv[2] ?? 2_000_000) || 2_000_000;
const now = () => process.hrtime.bigint();

class EveryTrade extends Strategy {
  override onTrade(_ctx: SymbolContext, t: Trade): void {
    this.marketBuy(t.qty);
  }
}

class Counter extends Strategy {
  count = 0;
  sum = 0;
  override onTrade(_ctx: SymbolContext, t: Trade): void {
    this.count++;
    this.sum += t.price;
  }
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function latency(): void {
  const samples = 200_000, warm = 20_000;
  const registry = new SymbolRegistry();
  const btc = registry.addSymbol("binance", "BTCUSDT");
  let t0 = 0n, sink = 0;
  const lat = new Float64Array(samples);
  let k = 0;
  const onSignal = (s: Signal) => {
    const t1 = now();
    if (k < samples) lat[k] = Number(t1 - t0);
    sink += s.quantity;
  };
  const runner = new Runner(registry, onSignal);
  runner.addStrategy(new EveryTrade([btc]));
  runner.start();
  for (let i = 0; i < warm; i++) {
    t0 = now();
    runner.onTrade(btc, 100 + (i & 7), 1, true, BigInt(i));
  }
  for (k = 0; k < samples; k++) {
    t0 = now();
    runner.onTrade(btc, 100 + (k & 7), 1, true, BigInt(k));
  }
  runner.stop();

  // Baseline: the strategy logic and a signal object, called directly.
  const base = new Float64Array(samples);
  const trade = { symbol: 1, price: 0, qty: 1, isBuy: true, tsNs: 0n };
  let id = 0;
  const direct = (t: typeof trade) => {
    const s: Signal = {
      orderId: ++id,
      symbol: t.symbol,
      side: "buy",
      orderType: "market",
      quantity: t.qty,
      price: 0,
      triggerPrice: 0,
      reduceOnly: false,
      tsNs: t.tsNs,
      action: "submit",
    };
    const t1 = now();
    if (k < samples) base[k] = Number(t1 - t0);
    sink += s.quantity;
  };
  for (k = 0; k < samples + warm; k++) {
    t0 = now();
    trade.price = 100 + (k & 7);
    trade.tsNs = BigInt(k);
    direct(trade);
  }
  // The baseline loop wrote samples only while k < samples (its first `samples` iterations).
  lat.sort();
  base.sort();
  const clock = new Float64Array(1000);
  for (let i = 0; i < clock.length; i++) {
    const a = now();
    clock[i] = Number(now() - a);
  }
  clock.sort();
  console.log(
    `[${runtime}] sync onTrade -> onSignal latency over ${samples} signals: p50 ${percentile(lat, 0.5)} ns, ` +
      `p99 ${percentile(lat, 0.99)} ns | baseline direct call p50 ${percentile(base, 0.5)} ns, p99 ` +
      `${percentile(base, 0.99)} ns | clock read p50 ${percentile(clock, 0.5)} ns (included in both) [${sink > 0}]`,
  );
}

async function throughput(mode: "single" | "batch"): Promise<void> {
  const registry = new SymbolRegistry();
  const sym = registry.addSymbol("test", "P1");
  const runner = new Runner(registry, () => {}, { threaded: true });
  const counter = new Counter([sym]);
  runner.addStrategy(counter);
  runner.start();
  const worker = new Worker(new URL("../tests/support/ring_producer_worker.ts", import.meta.url).href, {
    type: "module",
  });
  const run = (count: number) => {
    const done = new Promise<{ error?: string; waits: number }>((
      resolve,
    ) => (worker.onmessage = (e) => resolve(e.data)));
    worker.postMessage({ ticket: runner.producerTicket(), producer: sym.id, count, mode, batch: 1024 });
    return done;
  };
  // Warm-up job: loads the Worker's modules and the library before the clock starts.
  const warm = 20_000;
  await run(warm);
  const ready = now();
  const result = await run(EVENTS);
  runner.flush(); // dispatch what is still queued
  const ns = Number(now() - ready);
  runner.stop();
  worker.terminate();
  runner.close();
  counter.count -= warm;
  if (result.error || counter.count !== EVENTS) throw new Error(`bench failed: ${result.error} ${counter.count}`);

  // Baseline: the same strategy over the same events, called in a plain loop on this thread.
  const plain = new Counter([sym]);
  const trade = { symbol: sym.id, price: 0, qty: 1, isBuy: true, tsNs: 0n };
  const ctx = runner.context(sym.id);
  const b0 = now();
  for (let n = 0; n < EVENTS; n++) {
    trade.price = 1 + (n % 1000);
    trade.isBuy = (n & 1) === 0;
    trade.tsNs = BigInt(n);
    plain.onTrade(ctx, trade);
  }
  const bns = Number(now() - b0);
  const rate = EVENTS / (ns / 1e9), brate = EVENTS / (bns / 1e9);
  console.log(
    `[${runtime}] threaded, 1 Worker producer (${mode === "single" ? "1 call/event" : "batches of 1024"}): ` +
      `${EVENTS} events in ${(ns / 1e6).toFixed(0)} ms = ${(rate / 1e6).toFixed(2)} M events/s ` +
      `(producer waited ${result.waits} times) | baseline plain loop ${(brate / 1e6).toFixed(2)} M events/s ` +
      `(${(brate / rate).toFixed(1)}x)`,
  );
}

function syncThroughput(): void {
  const registry = new SymbolRegistry();
  const sym = registry.addSymbol("test", "P1");
  const runner = new Runner(registry, () => {});
  const counter = new Counter([sym]);
  runner.addStrategy(counter);
  runner.start();
  const t0 = now();
  for (let n = 0; n < EVENTS; n++) runner.onTrade(sym, 1 + (n % 1000), 1, (n & 1) === 0, BigInt(n));
  const ns = Number(now() - t0);
  runner.stop();
  console.log(`[${runtime}] sync onTrade from the main thread: ${(EVENTS / (ns / 1e9) / 1e6).toFixed(2)} M events/s`);
}

// Threaded mode's two halves apart, on the main thread: publishing into a ring big enough to hold
// everything (no drain happens), then flush() draining and dispatching it all.
function threadedHalves(): void {
  const n = Math.min(EVENTS, 1 << 20);
  const registry = new SymbolRegistry();
  const sym = registry.addSymbol("test", "P1");
  const runner = new Runner(registry, () => {}, { threaded: true, ringCapacity: 1 << 20 });
  const counter = new Counter([sym]);
  runner.addStrategy(counter);
  runner.start();
  const t0 = now();
  for (let i = 0; i < n; i++) runner.onTrade(sym, 1 + (i % 1000), 1, (i & 1) === 0, BigInt(i));
  const t1 = now();
  runner.flush();
  const t2 = now();
  runner.stop();
  runner.close();
  if (counter.count !== n) throw new Error(`bench failed: ${counter.count} of ${n}`);
  console.log(
    `[${runtime}] threaded halves on the main thread, ${n} events: publish ${(Number(t1 - t0) / n).toFixed(1)} ` +
      `ns/event, drain + dispatch ${(Number(t2 - t1) / n).toFixed(1)} ns/event`,
  );
}

latency();
syncThroughput();
threadedHalves();
await throughput("single");
await throughput("batch");
