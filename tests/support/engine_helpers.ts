// Helpers for the engine tests: small bar series, signal building, a deterministic random source.
import { makeSignals } from "../../mod.ts";

export const T0 = 1_700_000_000; // seconds
/** Bar i opens at T0 + 60 i seconds; its ns timestamp. */
export const barNs = (i: number): bigint => BigInt(T0 + 60 * i) * 1_000_000_000n;

/** Bars with open = high = low = close, one minute apart, timestamps in seconds. */
export function closesToBars(close: number[]) {
  const c = Float64Array.from(close);
  const timestamps = BigInt64Array.from(close.map((_, i) => BigInt(T0 + 60 * i)));
  return { timestamps, open: c, high: c, low: c, close: c, volume: new Float64Array(c.length).fill(1) };
}

export interface Sig {
  bar: number; // signal at bar `bar`'s timestamp (may be outside the series)
  side: 0 | 1;
  qty: number;
  limit?: number; // a limit order when given
}

export function signals(list: Sig[]): Uint8Array {
  return makeSignals({
    timestamps: BigInt64Array.from(list.map((s) => barNs(s.bar))),
    sides: Uint8Array.from(list.map((s) => s.side)),
    quantities: Float64Array.from(list.map((s) => s.qty)),
    prices: Float64Array.from(list.map((s) => s.limit ?? 0)),
    types: Uint8Array.from(list.map((s) => (s.limit === undefined ? 0 : 1))),
  });
}

/** xorshift64: a small deterministic generator for test data (not for statistics). */
export function rng(seed: bigint): () => number {
  let x = seed;
  return () => {
    x ^= (x << 13n) & 0xffffffffffffffffn;
    x ^= x >> 7n;
    x ^= (x << 17n) & 0xffffffffffffffffn;
    return Number(x >> 11n) / 9007199254740992;
  };
}

/** A random walk of n one-minute OHLC bars (timestamps in ms). */
export function randomBars(n: number, seed: bigint) {
  const r = rng(seed);
  const timestamps = new BigInt64Array(n);
  const open = new Float64Array(n), high = new Float64Array(n), low = new Float64Array(n);
  const close = new Float64Array(n), volume = new Float64Array(n);
  let px = 100;
  for (let i = 0; i < n; i++) {
    timestamps[i] = BigInt((T0 + 60 * i) * 1000);
    open[i] = px;
    px *= 1 + (r() - 0.5) * 0.01;
    close[i] = px;
    high[i] = Math.max(open[i], close[i]) * (1 + r() * 0.002);
    low[i] = Math.min(open[i], close[i]) * (1 - r() * 0.002);
    volume[i] = 1 + r();
  }
  return { timestamps, open, high, low, close, volume };
}

/** Random signal sets over `bars` bars: market and limit, some before the first / after the last bar. */
export function randomSets(count: number, bars: number, seed: bigint): Uint8Array[] {
  const r = rng(seed);
  const sets: Uint8Array[] = [];
  for (let s = 0; s < count; s++) {
    const n = Math.floor(r() * 80);
    const list: Sig[] = [];
    for (let k = 0; k < n; k++) {
      const limit = r() < 0.3 ? 100 * (0.95 + r() * 0.1) : undefined;
      list.push({ bar: Math.floor(r() * (bars + 10)) - 5, side: r() < 0.5 ? 0 : 1, qty: 0.01 + r() * 2, limit });
    }
    sets.push(signals(list));
  }
  return sets;
}
