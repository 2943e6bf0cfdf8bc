// Deterministic synthetic market data and the SMA-cross strategy used by the examples, the demo,
// the benchmarks and the tests. Pure TypeScript, no native code: the same seed gives the same bars
// and signals under Deno and Bun on every machine.

/** mulberry32: a small, fast, well-mixed 32-bit PRNG. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): 128-bit state, so streams started
 * from different seeds do not run into each other the way 32-bit-state generators can.
 */
export function sfc32(a: number, b: number, c: number, d: number): () => number {
  return () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/** splitmix32 output for one state value (a well-mixed hash of a 32-bit integer). */
function splitmix32(state: number): number {
  let t = state ^ (state >>> 16);
  t = Math.imul(t, 0x21f0aaad);
  t ^= t >>> 15;
  t = Math.imul(t, 0x735a2d97);
  return (t ^ (t >>> 15)) >>> 0;
}

/**
 * Independent random stream number `index` of `seed`: sfc32 seeded with four splitmix32 outputs.
 * Stream k uses splitmix states 4k+1..4k+4 past the seed's, so no two streams share a seed word, and
 * any stream can be built on its own (e.g. in a worker) with the same result.
 */
export function randomStream(seed: number, index: number): () => number {
  const golden = 0x9e3779b9;
  const base = (splitmix32(seed >>> 0) + Math.imul(index, Math.imul(golden, 4))) | 0;
  const word = (k: number) => splitmix32((base + Math.imul(golden, k)) | 0);
  const random = sfc32(word(1), word(2), word(3), word(4));
  for (let i = 0; i < 12; i++) random(); // let the state mix before use
  return random;
}

/** A standard normal draw (Box-Muller) from a uniform source. */
export function gaussian(random: () => number): number {
  const u = 1 - random(); // (0, 1]: log(u) is finite
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Bar columns with nanosecond timestamps, the shape Engine.loadBars takes. */
export interface SyntheticBars {
  timestamps: BigInt64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

export interface SyntheticBarOptions {
  /** Number of bars. */
  count: number;
  seed?: number;
  /** Open time of the first bar, ms since the epoch; default 2024-01-01T00:00:00Z. */
  startMs?: number;
  /** Bar interval in ms; default one minute. */
  intervalMs?: number;
  startPrice?: number;
  /** Standard deviation of one bar's log return; default 0.001 (about a crypto minute). */
  volatility?: number;
  /** Prices are multiples of this tick; default 0.01. */
  tick?: number;
}

/**
 * A geometric random walk as OHLCV bars: open = previous close, close = open * exp(vol * z),
 * high/low extend beyond the body by a random wick; every price is on the tick grid and > 0.
 */
export function syntheticBars(options: SyntheticBarOptions): SyntheticBars {
  const n = options.count;
  const random = mulberry32(options.seed ?? 42);
  const startNs = BigInt(options.startMs ?? 1_704_067_200_000) * 1_000_000n;
  const intervalNs = BigInt(options.intervalMs ?? 60_000) * 1_000_000n;
  const volatility = options.volatility ?? 0.001;
  const ticksPerUnit = Math.round(1 / (options.tick ?? 0.01));
  // Round to the tick grid as k / ticksPerUnit so every price is the double nearest a tick multiple.
  const onGrid = (x: number, mode: "round" | "up" | "down"): number => {
    const scaled = x * ticksPerUnit;
    const k = mode === "up" ? Math.ceil(scaled) : mode === "down" ? Math.floor(scaled) : Math.round(scaled);
    return Math.max(k, 1) / ticksPerUnit;
  };
  const bars: SyntheticBars = {
    timestamps: new BigInt64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  let last = options.startPrice ?? 100;
  for (let i = 0; i < n; i++) {
    const open = onGrid(last, "round");
    const close = onGrid(open * Math.exp(volatility * gaussian(random)), "round");
    const wickUp = Math.abs(gaussian(random)) * volatility * 0.5;
    const wickDown = Math.abs(gaussian(random)) * volatility * 0.5;
    bars.timestamps[i] = startNs + BigInt(i) * intervalNs;
    bars.open[i] = open;
    bars.close[i] = close;
    bars.high[i] = onGrid(Math.max(open, close) * (1 + wickUp), "up");
    bars.low[i] = Math.min(onGrid(Math.min(open, close) * (1 - wickDown), "down"), Math.min(open, close));
    bars.volume[i] = Math.round(1000 * (0.5 + random()) * 1e4) / 1e4;
    last = close;
  }
  return bars;
}

/** Simple moving average; NaN until `period` values have been seen. */
export function sma(values: ArrayLike<number>, period: number): Float64Array {
  const out = new Float64Array(values.length).fill(NaN);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    if (i >= period) sum -= values[i - period];
    if (i >= period - 1) out[i] = sum / period;
  }
  return out;
}

/** Signal columns as makeSignals takes them (market orders only). */
export interface SignalColumns {
  timestamps: BigInt64Array;
  sides: Uint8Array;
  quantities: Float64Array;
}

/**
 * The seed's SMAcross strategy as signals: buy `quantity` when the fast SMA is above the slow one
 * while flat, sell it back when the fast SMA falls below while long. A signal carries the bar's own
 * timestamp, so it fills at that bar's close (the engine's market-order rule).
 */
export function smaCrossSignals(
  close: ArrayLike<number>,
  timestamps: BigInt64Array,
  options: { fast?: number; slow?: number; quantity: number },
): SignalColumns {
  const fastPeriod = options.fast ?? 10;
  const slowPeriod = options.slow ?? 30;
  const n = close.length;
  const times: bigint[] = [];
  const sides: number[] = [];
  let fastSum = 0;
  let slowSum = 0;
  let long = false;
  for (let i = 0; i < n; i++) {
    fastSum += close[i];
    slowSum += close[i];
    if (i >= fastPeriod) fastSum -= close[i - fastPeriod];
    if (i >= slowPeriod) slowSum -= close[i - slowPeriod];
    if (i < slowPeriod - 1) continue;
    const fast = fastSum / fastPeriod;
    const slow = slowSum / slowPeriod;
    if (fast > slow && !long) {
      times.push(timestamps[i]);
      sides.push(0);
      long = true;
    } else if (fast < slow && long) {
      times.push(timestamps[i]);
      sides.push(1);
      long = false;
    }
  }
  return {
    timestamps: BigInt64Array.from(times),
    sides: Uint8Array.from(sides),
    quantities: new Float64Array(times.length).fill(options.quantity),
  };
}

/** diff(log(close)): the per-bar log returns. */
export function logReturns(close: ArrayLike<number>): Float64Array {
  const returns = new Float64Array(Math.max(close.length - 1, 0));
  for (let i = 1; i < close.length; i++) returns[i - 1] = Math.log(close[i]) - Math.log(close[i - 1]);
  return returns;
}

/**
 * A permuted price path with the same first price and the same multiset of log returns: shuffle
 * the log returns (Fisher-Yates) and rebuild first * exp(cumsum). Pass `returns` from logReturns()
 * to reuse them across permutations (they are copied, not modified).
 */
export function permutedCloses(
  close: ArrayLike<number>,
  random: () => number,
  returns: Float64Array = logReturns(close),
): Float64Array {
  const n = close.length;
  const shuffled = Float64Array.from(returns);
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = shuffled[i];
    shuffled[i] = shuffled[j];
    shuffled[j] = t;
  }
  const out = new Float64Array(n);
  if (n === 0) return out;
  out[0] = close[0];
  let logPrice = Math.log(close[0]);
  for (let i = 1; i < n; i++) {
    logPrice += shuffled[i - 1];
    out[i] = Math.exp(logPrice);
  }
  return out;
}
