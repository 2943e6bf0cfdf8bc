// Deterministic market data and signal sets for the engine tests: seeded bar series (the examples'
// random walk), SMA-cross signals, and random signal sets that hit every matching rule (market and
// limit orders, flips, partial and exact closes, equal timestamps, unsorted input, signals before the
// first bar, between bars and after the last bar). Also independent packers for the 32- and 48-byte
// records, written from spec section 2, so tests do not depend on the library's own packers.
import { gaussian, mulberry32, type SyntheticBars, syntheticBars } from "../../examples/synthetic.ts";
import { normaliseTimestamp as normalise, toRaw } from "./reference_engine.ts";

export {
  gaussian,
  mulberry32,
  permutedCloses,
  type SignalColumns,
  sma,
  smaCrossSignals,
  type SyntheticBars,
  syntheticBars,
} from "../../examples/synthetic.ts";

/** A seeded random source with the few draws the generators need. */
export class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  normal(): number {
    return gaussian(this.next);
  }
}

export type TimeUnit = "s" | "ms" | "us" | "ns";
const NS_PER_UNIT: Record<TimeUnit, bigint> = { s: 1_000_000_000n, ms: 1_000_000n, us: 1_000n, ns: 1n };

/**
 * Nanosecond timestamps expressed in another unit, as BigInt64Array or Float64Array. Values must be
 * whole multiples of the unit (the generators only produce such values for coarse units).
 */
export function timestampsIn(
  tsNs: BigInt64Array,
  unit: TimeUnit,
  kind: "bigint" | "float",
): BigInt64Array | Float64Array {
  const per = NS_PER_UNIT[unit];
  const whole = Array.from(tsNs, (t) => {
    if (t % per !== 0n) throw new Error(`timestamp ${t} ns is not a whole number of ${unit}`);
    return t / per;
  });
  return kind === "bigint" ? BigInt64Array.from(whole) : Float64Array.from(whole, Number);
}

export interface BarSetOptions {
  count: number;
  seed: number;
  /** Bar interval in seconds; default 60. */
  intervalSeconds?: number;
  /** Probability that a gap of a few intervals follows a bar (irregular series); default 0. */
  gapChance?: number;
  startPrice?: number;
  volatility?: number;
}

/** A random-walk bar series with whole-second timestamps and optional gaps between bars. */
export function randomBars(options: BarSetOptions): SyntheticBars {
  const bars = syntheticBars({
    count: options.count,
    seed: options.seed,
    intervalMs: (options.intervalSeconds ?? 60) * 1000,
    startPrice: options.startPrice,
    volatility: options.volatility,
  });
  const gapChance = options.gapChance ?? 0;
  if (gapChance > 0) {
    const rng = new Rng(options.seed ^ 0x5bd1e995);
    const intervalNs = BigInt(options.intervalSeconds ?? 60) * 1_000_000_000n;
    let shift = 0n;
    for (let i = 1; i < bars.timestamps.length; i++) {
      if (rng.chance(gapChance)) shift += BigInt(rng.int(1, 5)) * intervalNs;
      bars.timestamps[i] += shift;
    }
  }
  return bars;
}

/** Signal columns as makeSignals takes them, possibly with limit orders. */
export interface SignalSet {
  timestamps: BigInt64Array;
  sides: Uint8Array;
  quantities: Float64Array;
  prices: Float64Array;
  types: Uint8Array;
}

export interface SignalSetOptions {
  count: number;
  /** Probability that a signal is a limit order. */
  limitChance: number;
  /** Typical position size in units of the asset (quantities scale around it). */
  lotSize: number;
}

/**
 * Random signals against a bar series. Signals are generated in time order while tracking the
 * position they would build if every order filled, so that exact closes, partial closes and flips
 * all occur; then a few neighbours are swapped so the input is not sorted (the engine sorts stably).
 */
export function randomSignals(rng: Rng, bars: SyntheticBars, options: SignalSetOptions): SignalSet {
  const n = bars.timestamps.length;
  const first = bars.timestamps[0];
  const last = bars.timestamps[n - 1];
  const times: bigint[] = [];
  const sides: number[] = [];
  const quantities: number[] = [];
  const prices: number[] = [];
  const types: number[] = [];
  let intended = 0; // position if every order filled, in asset units

  // Timestamps first: mostly on or between bars, some before the first and after the last bar, and
  // some equal to another signal's. Then sides and sizes are chosen in time order, so the tracked
  // position is the one the orders really build (when they fill).
  const slots: { ts: bigint; barIndex: number }[] = []; // barIndex: the bar a limit is priced against
  for (let k = 0; k < options.count; k++) {
    const where = rng.next();
    if (where < 0.05) {
      slots.push({ ts: first - BigInt(rng.int(1, 3_600)) * 1_000_000_000n, barIndex: 0 });
    } else if (where < 0.1) {
      // At least 1 ms after the last bar: never submitted.
      slots.push({ ts: last + BigInt(rng.int(0, 3_600)) * 1_000_000_000n + 1_000_000n, barIndex: n - 1 });
    } else if (where < 0.25 && slots.length > 0) {
      slots.push({ ...rng.pick(slots) }); // equal timestamp
    } else {
      const barIndex = rng.int(0, n - 1);
      const onBar = rng.chance(0.5);
      slots.push({ ts: bars.timestamps[barIndex] + (onBar ? 0n : BigInt(rng.int(1, 59_999)) * 1_000_000n), barIndex });
    }
  }
  slots.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));

  for (const { ts, barIndex } of slots) {
    // Side and quantity: exact close, flip, partial close, or a fresh random order.
    let side: number;
    let qty: number;
    const kind = rng.next();
    if (intended !== 0 && kind < 0.3) {
      side = intended > 0 ? 1 : 0;
      qty = Math.abs(intended); // exact close
    } else if (intended !== 0 && kind < 0.42) {
      side = intended > 0 ? 1 : 0;
      qty = Math.abs(intended) + randomQuantity(rng, options.lotSize); // flip
    } else if (intended !== 0 && kind < 0.55) {
      side = intended > 0 ? 1 : 0;
      qty = roundQty(Math.abs(intended) * (0.1 + 0.8 * rng.next())); // partial close
    } else {
      side = rng.chance(0.5) ? 0 : 1;
      qty = randomQuantity(rng, options.lotSize);
    }
    if (!(qty > 0)) qty = randomQuantity(rng, options.lotSize);
    intended = roundQty(intended + (side === 0 ? qty : -qty));

    // Type and limit price: at, inside or outside the reference bar's range. Exact closes are mostly
    // market orders so that the position really returns to flat.
    let type = 0;
    let price = 0;
    const exactClose = intended === 0;
    if (rng.chance(exactClose ? options.limitChance * 0.3 : options.limitChance)) {
      type = 1;
      const close = bars.close[barIndex];
      const placement = rng.next();
      if (placement < 0.2) price = close; // exactly at the close (tests the >= / <= edge)
      else if (placement < 0.35) price = side === 0 ? bars.low[barIndex] : bars.high[barIndex]; // at the wick
      else price = Math.round(close * (1 + 0.004 * rng.normal()) * 100) / 100;
      if (!(price > 0)) price = close;
    } else if (rng.chance(0.2)) {
      price = bars.close[barIndex]; // a market order with a price: the price is ignored
    }
    times.push(ts);
    sides.push(side);
    quantities.push(qty);
    prices.push(price);
    types.push(type);
  }

  // Unsort a little: swap some neighbours (stable sort must restore time order, keeping ties in the
  // new input order).
  for (let k = 0; k + 1 < times.length; k++) {
    if (!rng.chance(0.05)) continue;
    for (const column of [times, sides, quantities, prices, types] as unknown[][]) {
      const t = column[k];
      column[k] = column[k + 1];
      column[k + 1] = t;
    }
  }
  return {
    timestamps: BigInt64Array.from(times),
    sides: Uint8Array.from(sides),
    quantities: Float64Array.from(quantities),
    prices: Float64Array.from(prices),
    types: Uint8Array.from(types),
  };
}

function roundQty(q: number): number {
  return Math.round(q * 1e8) / 1e8;
}

/** A positive quantity: usually a multiple of 0.001 lots, sometimes with all 8 decimals used. */
function randomQuantity(rng: Rng, lotSize: number): number {
  if (rng.chance(0.2)) return roundQty(lotSize * rng.next() + 1e-8);
  return Math.max(1, Math.round(rng.next() * 1000)) / 1000 * lotSize;
}

/** Packs signals into 32-byte records per spec section 2 (independent of lib/signals.ts). */
export function packSignals(set: {
  timestamps: BigInt64Array | Float64Array;
  sides: Uint8Array;
  quantities: Float64Array;
  prices?: Float64Array;
  types?: Uint8Array;
}): Uint8Array {
  const n = set.timestamps.length;
  const bytes = new Uint8Array(32 * n);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < n; i++) {
    const t = set.timestamps[i];
    view.setBigInt64(32 * i, normalise(t), true);
    view.setBigInt64(32 * i + 8, toRaw(set.quantities[i]), true);
    view.setBigInt64(32 * i + 16, set.prices ? toRaw(set.prices[i]) : 0n, true);
    view.setUint8(32 * i + 24, set.sides[i]);
    view.setUint8(32 * i + 25, set.types ? set.types[i] : 0);
  }
  return bytes;
}

/** Packs bars into 48-byte records per spec section 2 (independent of lib/signals.ts). */
export function packBarRecords(bars: {
  timestamps: BigInt64Array | Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}): Uint8Array {
  const n = bars.timestamps.length;
  const bytes = new Uint8Array(48 * n);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < n; i++) {
    view.setBigInt64(48 * i, normalise(bars.timestamps[i]), true);
    view.setBigInt64(48 * i + 8, toRaw(bars.open[i]), true);
    view.setBigInt64(48 * i + 16, toRaw(bars.high[i]), true);
    view.setBigInt64(48 * i + 24, toRaw(bars.low[i]), true);
    view.setBigInt64(48 * i + 32, toRaw(bars.close[i]), true);
    view.setBigInt64(48 * i + 40, toRaw(bars.volume[i]), true);
  }
  return bytes;
}
