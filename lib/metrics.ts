// metrics: the engine's metric formulas (spec/engine.md section 4) over plain arrays, computed by the
// same C code the engine uses, so users can check them against other libraries.
import { invalidArgument } from "./errors.ts";
import { drawdownNative, metricsFromReturnsNative } from "./ffi/engine_native.ts";

/** Everything computed from one returns array. */
export interface ReturnMetrics {
  /** mean(r) / std(r, ddof=1) * sqrt(periodsPerYear); 0 when n < 2 or std = 0. */
  sharpe: number;
  /** mean(r) / sqrt(mean(min(r,0)^2)) * sqrt(periodsPerYear); Infinity when mean > 0 and no r < 0. */
  sortino: number;
  /** annualReturn / (maxDrawdownPct / 100); 0 without drawdown. */
  calmar: number;
  /** Of the equity compounded from 1 by the returns. */
  maxDrawdown: number;
  /** Percent of the peak it fell from. */
  maxDrawdownPct: number;
  /** E_n / E_0 - 1. */
  totalReturn: number;
  /** (E_n / E_0)^(periodsPerYear / n) - 1; -1 when E_n <= 0. */
  annualReturn: number;
  mean: number;
  /** Sample standard deviation (ddof = 1). */
  stdev: number;
  /** sqrt(mean(min(r, 0)^2)), not annualised. */
  downsideDeviation: number;
}

/** Options of the return-based metrics. */
export interface MetricOptions {
  /** Annualisation factor; > 0. Default 252 (daily equity bars). */
  periodsPerYear?: number;
}

function f64(op: string, name: string, values: ArrayLike<number>): Float64Array {
  if (values instanceof Float64Array) return values;
  if (values === null || typeof values !== "object" || typeof values.length !== "number") {
    throw invalidArgument(op, `${name} must be an array of numbers`);
  }
  return Float64Array.from(values);
}

function fromReturns(returns: ArrayLike<number>, o?: MetricOptions): ReturnMetrics {
  return fromReturnsAs("metrics.fromReturns", returns, o);
}

function fromReturnsAs(op: string, returns: ArrayLike<number>, o?: MetricOptions): ReturnMetrics {
  const ppy = o?.periodsPerYear ?? 252;
  if (typeof ppy !== "number") throw invalidArgument(op, "periodsPerYear must be a number");
  const v = metricsFromReturnsNative(op, f64(op, "returns", returns), ppy);
  return {
    sharpe: v[0],
    sortino: v[1],
    calmar: v[2],
    maxDrawdown: v[3],
    maxDrawdownPct: v[4],
    totalReturn: v[5],
    annualReturn: v[6],
    mean: v[7],
    stdev: v[8],
    downsideDeviation: v[9],
  };
}

/** r_i = e_i / e_{i-1} - 1 for i = 1..n-1 (n - 1 returns). */
function returnsFromEquity(equity: ArrayLike<number>): Float64Array {
  const n = equity.length;
  const r = new Float64Array(Math.max(n - 1, 0));
  for (let i = 1; i < n; i++) r[i - 1] = equity[i] / equity[i - 1] - 1;
  return r;
}

export const metrics = {
  sharpe: (returns: ArrayLike<number>, o?: MetricOptions): number => fromReturnsAs("metrics.sharpe", returns, o).sharpe,
  sortino: (returns: ArrayLike<number>, o?: MetricOptions): number =>
    fromReturnsAs("metrics.sortino", returns, o).sortino,
  /** Equity compounded from 1 by the returns. */
  calmar: (returns: ArrayLike<number>, o?: MetricOptions): number => fromReturnsAs("metrics.calmar", returns, o).calmar,
  /** max_i (peak_i - E_i) in the equity's units; peak_i = max(E_0..E_i). */
  maxDrawdown: (equity: ArrayLike<number>): number =>
    drawdownNative("metrics.maxDrawdown", f64("metrics.maxDrawdown", "equity", equity))[0],
  /** max_i (peak_i - E_i) / peak_i * 100. */
  maxDrawdownPct: (equity: ArrayLike<number>): number =>
    drawdownNative("metrics.maxDrawdownPct", f64("metrics.maxDrawdownPct", "equity", equity))[1],
  returnsFromEquity,
  fromReturns,
};
