// Batch indicators: one native call over a whole column (cabi/src/indicators.c). Each function
// returns exactly what the streaming class of the same name would return update by update, with NaN
// where the streaming class returns null.
import { lib } from "../ffi/load.ts";
import { check } from "../ffi/status.ts";
import { FloxError } from "../errors.ts";
import { FloxStatus } from "../status_codes.ts";

/** Any numeric column; Float64Array is used without copying. */
export type Column = Float64Array | ArrayLike<number>;

function f64(x: Column, op: string, name: string): Float64Array {
  if (x instanceof Float64Array) return x;
  if (x === null || typeof x !== "object" || typeof (x as ArrayLike<number>).length !== "number") {
    throw new FloxError(FloxStatus.INVALID_ARG, `${op}: ${name} must be a Float64Array or an array of numbers`);
  }
  return Float64Array.from(x);
}

function sameLength(op: string, cols: Record<string, Float64Array>): number {
  let n = -1, first = "";
  for (const [name, c] of Object.entries(cols)) {
    if (n < 0) [n, first] = [c.length, name];
    else if (c.length !== n) {
      throw new FloxError(
        FloxStatus.LENGTH_MISMATCH,
        `${op}: ${name} has ${c.length} values but ${first} has ${n}`,
      );
    }
  }
  return n;
}

// Periods are checked in C too; this gives the same INVALID_ARG for non-integers JS would truncate.
function period(op: string, name: string, p: number): number {
  if (!Number.isInteger(p) || p < 1 || p > 0x7fffffff) {
    throw new FloxError(FloxStatus.INVALID_ARG, `${op}: ${name} is ${p}; must be an integer >= 1`);
  }
  return p;
}

function single(
  fn: (x: Float64Array, n: bigint, p: number, out: Float64Array) => number,
  op: string,
  values: Column,
  p: number,
): Float64Array {
  const x = f64(values, op, "values");
  const out = new Float64Array(x.length);
  check(fn(x, BigInt(x.length), period(op, "period", p), out), op);
  return out;
}

/** Simple moving average (see SMA). */
function sma(values: Column, p: number): Float64Array {
  return single(lib.flox_ind_sma, "indicators.sma", values, p);
}
/** EMA seeded with the SMA of the first `period` values (see EMA). */
function ema(values: Column, p: number): Float64Array {
  return single(lib.flox_ind_ema, "indicators.ema", values, p);
}
/** Wilder's RMA (see RMA). */
function rma(values: Column, p: number): Float64Array {
  return single(lib.flox_ind_rma, "indicators.rma", values, p);
}
/** Wilder's RSI, default period 14 (see RSI). */
function rsi(values: Column, p = 14): Float64Array {
  return single(lib.flox_ind_rsi, "indicators.rsi", values, p);
}

/** Bars for ATR and the stochastic oscillator. */
export interface HlcColumns {
  high: Column;
  low: Column;
  close: Column;
}

/** Wilder's ATR over bars, default period 14 (see ATR). */
function atr(bars: HlcColumns, p = 14): Float64Array {
  const op = "indicators.atr";
  const h = f64(bars.high, op, "high"), l = f64(bars.low, op, "low"), c = f64(bars.close, op, "close");
  const n = sameLength(op, { high: h, low: l, close: c });
  const out = new Float64Array(n);
  check(lib.flox_ind_atr(h, l, c, BigInt(n), period(op, "period", p), out), op);
  return out;
}

/** MACD columns (NaN during warm-up). */
export interface MacdColumns {
  macd: Float64Array;
  signal: Float64Array;
  histogram: Float64Array;
}

/** MACD (defaults 12, 26, 9; see MACD). */
function macd(values: Column, fast = 12, slow = 26, signal = 9): MacdColumns {
  const op = "indicators.macd";
  const x = f64(values, op, "values");
  const n = x.length;
  const r = { macd: new Float64Array(n), signal: new Float64Array(n), histogram: new Float64Array(n) };
  check(
    lib.flox_ind_macd(
      x,
      BigInt(n),
      period(op, "fast", fast),
      period(op, "slow", slow),
      period(op, "signal", signal),
      r.macd,
      r.signal,
      r.histogram,
    ),
    op,
  );
  return r;
}

/** Bollinger columns (NaN during warm-up). */
export interface BollingerColumns {
  upper: Float64Array;
  middle: Float64Array;
  lower: Float64Array;
}

/** Bollinger bands (defaults 20, k = 2; see BollingerBands). */
function bollinger(values: Column, p = 20, k = 2): BollingerColumns {
  const op = "indicators.bollinger";
  const x = f64(values, op, "values");
  const n = x.length;
  const r = { upper: new Float64Array(n), middle: new Float64Array(n), lower: new Float64Array(n) };
  check(lib.flox_ind_bollinger(x, BigInt(n), period(op, "period", p), k, r.upper, r.middle, r.lower), op);
  return r;
}

/** Stochastic columns (NaN during warm-up). */
export interface StochasticColumns {
  k: Float64Array;
  d: Float64Array;
}

/** Stochastic oscillator (defaults 14, 3; see Stochastic). */
function stochastic(bars: HlcColumns, kPeriod = 14, dPeriod = 3): StochasticColumns {
  const op = "indicators.stochastic";
  const h = f64(bars.high, op, "high"), l = f64(bars.low, op, "low"), c = f64(bars.close, op, "close");
  const n = sameLength(op, { high: h, low: l, close: c });
  const r = { k: new Float64Array(n), d: new Float64Array(n) };
  check(
    lib.flox_ind_stochastic(
      h,
      l,
      c,
      BigInt(n),
      period(op, "kPeriod", kPeriod),
      period(op, "dPeriod", dPeriod),
      r.k,
      r.d,
    ),
    op,
  );
  return r;
}

/** Rolling VWAP over the last `period` (price, qty) pairs (see RollingVWAP). */
function vwap(price: Column, qty: Column, p: number): Float64Array {
  const op = "indicators.vwap";
  const pr = f64(price, op, "price"), q = f64(qty, op, "qty");
  const n = sameLength(op, { price: pr, qty: q });
  const out = new Float64Array(n);
  check(lib.flox_ind_vwap(pr, q, BigInt(n), period(op, "period", p), out), op);
  return out;
}

/** Batch indicators over whole columns, computed in C; identical to the streaming classes. */
export const indicators = Object.freeze({ sma, ema, rma, rsi, atr, macd, bollinger, stochastic, vwap });
