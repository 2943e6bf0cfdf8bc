// Metrics of spec/engine.md section 4 over a sampled equity curve E_0..E_n.
//
// The numbers come from the batch engine's C metric functions (lib/metrics.ts), so the event-driven
// and the batch runners share one implementation. Only when a return is not finite (equity exactly
// 0 at some sample, which those functions refuse) are the same formulas evaluated here instead.
import { metrics } from "./metrics.ts";

/** Risk metrics of an equity curve (E_0 = initial capital first). */
export interface EquityMetrics {
  maxDrawdown: number;
  maxDrawdownPct: number;
  sharpe: number;
  sortino: number;
  calmar: number;
}

/** Sharpe, Sortino, Calmar and drawdowns of `equity[0..length)` with the given periods per year. */
export function equityMetrics(equity: Float64Array, length: number, periodsPerYear: number): EquityMetrics {
  const curve = equity.subarray(0, length);
  const returns = metrics.returnsFromEquity(curve);
  if (returns.every(Number.isFinite)) {
    const m = metrics.fromReturns(returns, { periodsPerYear });
    return {
      maxDrawdown: metrics.maxDrawdown(curve),
      maxDrawdownPct: metrics.maxDrawdownPct(curve),
      sharpe: m.sharpe,
      sortino: m.sortino,
      calmar: m.calmar,
    };
  }
  return localEquityMetrics(curve, length, periodsPerYear);
}

/** The formulas of spec section 4, evaluated in TypeScript (degenerate curves only, see above). */
function localEquityMetrics(equity: Float64Array, length: number, periodsPerYear: number): EquityMetrics {
  const n = length - 1; // periods (returns)
  let peak = -Infinity, dd = 0, ddPct = 0;
  for (let i = 0; i < length; i++) {
    const e = equity[i];
    if (e > peak) peak = e;
    if (peak - e > dd) dd = peak - e;
    const pct = (peak - e) / peak * 100;
    if (pct > ddPct) ddPct = pct;
  }
  let sharpe = 0, sortino = 0, calmar = 0;
  if (n >= 2) {
    let sum = 0;
    for (let i = 1; i <= n; i++) sum += equity[i] / equity[i - 1] - 1;
    const mean = sum / n;
    let sq = 0, down = 0;
    for (let i = 1; i <= n; i++) {
      const r = equity[i] / equity[i - 1] - 1;
      sq += (r - mean) * (r - mean);
      const d = r < 0 ? r : 0;
      down += d * d;
    }
    const std = Math.sqrt(sq / (n - 1));
    sharpe = std === 0 ? 0 : mean / std * Math.sqrt(periodsPerYear);
    const downside = Math.sqrt(down / n);
    sortino = downside === 0 ? (mean > 0 ? Infinity : 0) : mean / downside * Math.sqrt(periodsPerYear);
  }
  if (n >= 1 && ddPct !== 0) {
    const last = equity[n];
    const annual = last <= 0 ? -1 : Math.pow(last / equity[0], periodsPerYear / n) - 1;
    calmar = annual / (ddPct / 100);
  }
  return { maxDrawdown: dd, maxDrawdownPct: ddPct, sharpe, sortino, calmar };
}
