// A slow, obvious TypeScript implementation of the batch engine's rules, for differential tests.
//
// It follows the shared spec (spec/engine.md sections 2-4) and the precise choices written in the
// README's "Semantics" section, line by line, and decodes the same packed 32-byte signal records the C engine receives, so both see
// identical inputs. Clarity over speed: bigint for timestamps and the position (exact 1e-8 units),
// plain arrays, one rule per block. Do not optimise this file; its value is that a reviewer can
// check it against the spec.

/** Error thrown by the reference for bad input; codeName matches the engine's FloxError.codeName. */
export class ReferenceInputError extends Error {
  constructor(readonly codeName: string, message: string) {
    super(message);
    this.name = "ReferenceInputError";
  }
}

export interface ReferenceOptions {
  initialCapital: number;
  feeRate?: number;
  periodsPerYear?: number;
  limitFill?: "close" | "touch";
}

/** Bars as the reference keeps them: bigint nanosecond timestamps and float64 prices. */
export interface ReferenceBars {
  tsNs: bigint[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  volume: number[];
}

/** One decoded signal record. */
export interface ReferenceSignal {
  /** Position in the input buffer (for the stable sort and for messages). */
  index: number;
  tsNs: bigint;
  /** Quantity in integer 1e-8 units (qty_raw). */
  qtyUnits: bigint;
  /** Limit price (price_raw / 1e8); 0 for market orders without a price. */
  price: number;
  side: 0 | 1;
  type: 0 | 1;
}

export interface ReferenceTrade {
  entryTsNs: bigint;
  exitTsNs: bigint;
  /** Side of the closed position: 0 long, 1 short. */
  side: 0 | 1;
  qty: number;
  entryPrice: number;
  exitPrice: number;
  /** Net of the trade's fee. */
  pnl: number;
  fee: number;
}

export interface ReferenceStats {
  netPnl: number;
  returnPct: number;
  realizedPnl: number;
  unrealizedPnl: number;
  totalFees: number;
  totalTrades: number;
  winningTrades: number;
  losingTrades: number;
  winRate: number;
  grossProfit: number;
  grossLoss: number;
  profitFactor: number;
  maxDrawdown: number;
  maxDrawdownPct: number;
  sharpe: number;
  sortino: number;
  calmar: number;
  unfilledOrders: number;
  initialCapital: number;
  finalEquity: number;
  bars: number;
  periodsPerYear: number;
}

export interface ReferenceResult extends ReferenceStats {
  /** E_1..E_n. */
  equityCurve: number[];
  trades: ReferenceTrade[];
  /** How often each rule fired, so tests can show their random inputs exercise every rule. */
  coverage: ReferenceCoverage;
}

export interface ReferenceCoverage {
  marketFills: number;
  limitFillsOnSubmit: number;
  limitFillsFromRest: number;
  opens: number;
  adds: number;
  partialCloses: number;
  fullCloses: number;
  flips: number;
  signalsBeforeFirstBar: number;
  signalsAfterLastBar: number;
  equalTimestampSignals: number;
}

/** Names of every numeric stat, in the order of ENGINE-API.md. */
export const STAT_KEYS: readonly (keyof ReferenceStats)[] = [
  "netPnl",
  "returnPct",
  "realizedPnl",
  "unrealizedPnl",
  "totalFees",
  "totalTrades",
  "winningTrades",
  "losingTrades",
  "winRate",
  "grossProfit",
  "grossLoss",
  "profitFactor",
  "maxDrawdown",
  "maxDrawdownPct",
  "sharpe",
  "sortino",
  "calmar",
  "unfilledOrders",
  "initialCapital",
  "finalEquity",
  "bars",
  "periodsPerYear",
];

// ---------------------------------------------------------------------------------------------
// Numbers and timestamps (spec section 1)

/** round_half_away_from_zero(x * 1e8) as a bigint. */
export function toRaw(x: number): bigint {
  const scaled = x * 1e8;
  return BigInt(Math.sign(scaled) * Math.round(Math.abs(scaled)));
}

/** Nanoseconds from a timestamp in s, ms, us or ns, chosen by magnitude. */
export function normaliseTimestamp(t: bigint | number): bigint {
  if (typeof t === "bigint") {
    const magnitude = t < 0n ? -t : t;
    if (magnitude < 1_000_000_000_000n) return t * 1_000_000_000n; // seconds
    if (magnitude < 1_000_000_000_000_000n) return t * 1_000_000n; // milliseconds
    if (magnitude < 1_000_000_000_000_000_000n) return t * 1_000n; // microseconds
    return t; // nanoseconds
  }
  const magnitude = Math.abs(t);
  let scale = 1;
  if (magnitude < 1e12) scale = 1e9;
  else if (magnitude < 1e15) scale = 1e6;
  else if (magnitude < 1e18) scale = 1e3;
  return BigInt(Math.round(t * scale));
}

// ---------------------------------------------------------------------------------------------
// Bars (spec section 2)

export interface BarColumnsInput {
  timestamps: BigInt64Array | Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

function checkBars(bars: ReferenceBars): ReferenceBars {
  if (bars.tsNs.length === 0) throw new ReferenceInputError("INVALID_ARG", "no bars: the columns are empty");
  for (let i = 1; i < bars.tsNs.length; i++) {
    if (bars.tsNs[i] <= bars.tsNs[i - 1]) {
      throw new ReferenceInputError("UNSORTED", `timestamps[${i}] is not after timestamps[${i - 1}]`);
    }
  }
  const priceColumns: (keyof ReferenceBars)[] = ["open", "high", "low", "close"];
  for (let i = 0; i < bars.tsNs.length; i++) {
    for (const name of priceColumns) {
      const x = bars[name][i] as number;
      if (!Number.isFinite(x) || x <= 0) throw new ReferenceInputError("BAD_PRICE", `${name}[${i}] is ${x}`);
    }
    if (bars.high[i] < bars.low[i]) throw new ReferenceInputError("BAD_PRICE", `high[${i}] is below low[${i}]`);
  }
  return bars;
}

/** Bars from columns: float64 prices kept as they are, timestamps normalised per element. */
export function barsFromColumns(columns: BarColumnsInput): ReferenceBars {
  const n = columns.timestamps.length;
  for (const name of ["open", "high", "low", "close", "volume"] as const) {
    if (columns[name].length !== n) {
      throw new ReferenceInputError("LENGTH_MISMATCH", `${name} has ${columns[name].length} rows, timestamps ${n}`);
    }
  }
  const bars: ReferenceBars = { tsNs: [], open: [], high: [], low: [], close: [], volume: [] };
  for (let i = 0; i < n; i++) {
    bars.tsNs.push(normaliseTimestamp(columns.timestamps[i]));
    bars.open.push(columns.open[i]);
    bars.high.push(columns.high[i]);
    bars.low.push(columns.low[i]);
    bars.close.push(columns.close[i]);
    bars.volume.push(columns.volume[i]);
  }
  return checkBars(bars);
}

/** Bars from packed 48-byte records: ts_ns i64 @0, then open/high/low/close/volume raw i64 (x 1e8). */
export function barsFromPacked(bytes: Uint8Array): ReferenceBars {
  if (bytes.length % 48 !== 0) {
    throw new ReferenceInputError("INVALID_ARG", `${bytes.length} bytes is not a multiple of 48`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bars: ReferenceBars = { tsNs: [], open: [], high: [], low: [], close: [], volume: [] };
  for (let offset = 0; offset < bytes.length; offset += 48) {
    bars.tsNs.push(view.getBigInt64(offset, true));
    bars.open.push(Number(view.getBigInt64(offset + 8, true)) / 1e8);
    bars.high.push(Number(view.getBigInt64(offset + 16, true)) / 1e8);
    bars.low.push(Number(view.getBigInt64(offset + 24, true)) / 1e8);
    bars.close.push(Number(view.getBigInt64(offset + 32, true)) / 1e8);
    bars.volume.push(Number(view.getBigInt64(offset + 40, true)) / 1e8);
  }
  return checkBars(bars);
}

// ---------------------------------------------------------------------------------------------
// Signals (spec section 2): ts_ns i64 @0, qty_raw i64 @8, price_raw i64 @16, side u8 @24, type u8 @25

export function decodeSignals(bytes: Uint8Array): ReferenceSignal[] {
  if (bytes.length % 32 !== 0) {
    throw new ReferenceInputError("INVALID_ARG", `${bytes.length} bytes is not a multiple of 32`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const signals: ReferenceSignal[] = [];
  let totalUnits = 0n;
  for (let i = 0; i * 32 < bytes.length; i++) {
    const offset = i * 32;
    const tsNs = view.getBigInt64(offset, true);
    const qtyRaw = view.getBigInt64(offset + 8, true);
    const priceRaw = view.getBigInt64(offset + 16, true);
    const side = view.getUint8(offset + 24);
    const type = view.getUint8(offset + 25);
    if (side !== 0 && side !== 1) throw new ReferenceInputError("BAD_SIDE", `side[${i}] is ${side}`);
    if (type !== 0 && type !== 1) throw new ReferenceInputError("BAD_ORDER_TYPE", `type[${i}] is ${type}`);
    if (qtyRaw <= 0n) throw new ReferenceInputError("BAD_QUANTITY", `quantity[${i}] is ${Number(qtyRaw) / 1e8}`);
    if (type === 1 && priceRaw === 0n) throw new ReferenceInputError("MISSING_PRICE", `price[${i}] is missing`);
    if (type === 1 && priceRaw < 0n) throw new ReferenceInputError("BAD_PRICE", `price[${i}] is negative`);
    // The position is an int64 count of units: the whole buffer's quantity must fit.
    totalUnits += qtyRaw;
    if (totalUnits > 9_223_372_036_854_775_807n) {
      throw new ReferenceInputError("BAD_QUANTITY", `quantity[${i}]: total beyond int64 units`);
    }
    signals.push({ index: i, tsNs, qtyUnits: qtyRaw, price: Number(priceRaw) / 1e8, side, type });
  }
  return signals;
}

// ---------------------------------------------------------------------------------------------
// Metrics (spec section 4), over plain arrays

function mean(xs: readonly number[]): number {
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}

/** mean(r) / std(r, ddof=1) * sqrt(ppy); 0 when n < 2 or std = 0. */
export function sharpe(returns: readonly number[], periodsPerYear: number): number {
  const n = returns.length;
  if (n < 2) return 0;
  const m = mean(returns);
  let squares = 0;
  for (const r of returns) squares += (r - m) * (r - m);
  const std = Math.sqrt(squares / (n - 1));
  if (std === 0) return 0;
  return m / std * Math.sqrt(periodsPerYear);
}

/** mean(r) / sqrt(mean(min(r,0)^2)) * sqrt(ppy); Infinity when mean > 0 and no r < 0; 0 when n < 2. */
export function sortino(returns: readonly number[], periodsPerYear: number): number {
  const n = returns.length;
  if (n < 2) return 0;
  const m = mean(returns);
  let downsideSquares = 0;
  for (const r of returns) {
    const d = Math.min(r, 0);
    downsideSquares += d * d;
  }
  const downside = Math.sqrt(downsideSquares / n);
  if (downside === 0) return m > 0 ? Infinity : 0;
  return m / downside * Math.sqrt(periodsPerYear);
}

/** max_i (peak_i - E_i), peak_i = max(E_0..E_i). */
export function maxDrawdown(equity: readonly number[]): number {
  let peak = -Infinity;
  let worst = 0;
  for (const e of equity) {
    peak = Math.max(peak, e);
    worst = Math.max(worst, peak - e);
  }
  return worst;
}

/** max_i (peak_i - E_i) / peak_i * 100. */
export function maxDrawdownPct(equity: readonly number[]): number {
  let peak = -Infinity;
  let worst = 0;
  for (const e of equity) {
    peak = Math.max(peak, e);
    worst = Math.max(worst, (peak - e) / peak * 100);
  }
  return worst;
}

/** ((E_n/E_0)^(ppy/n) - 1) / (maxDrawdownPct/100); annual -1 when E_n <= 0; 0 when no drawdown. */
export function calmarFromEquity(equity: readonly number[], periodsPerYear: number): number {
  const n = equity.length - 1; // periods
  const ddPct = maxDrawdownPct(equity);
  if (n < 1 || ddPct === 0) return 0;
  const first = equity[0];
  const last = equity[n];
  const annual = last <= 0 ? -1 : Math.pow(last / first, periodsPerYear / n) - 1;
  return annual / (ddPct / 100);
}

/** r_i = e_i / e_{i-1} - 1 for i = 1..len-1. */
export function returnsFromEquity(equity: readonly number[]): number[] {
  const returns: number[] = [];
  for (let i = 1; i < equity.length; i++) returns.push(equity[i] / equity[i - 1] - 1);
  return returns;
}

/** Equity compounded from 1 by the returns: [1, 1*(1+r_1), ...]. */
export function equityFromReturns(returns: readonly number[]): number[] {
  const equity = [1];
  for (const r of returns) equity.push(equity[equity.length - 1] * (1 + r));
  return equity;
}

/** Default periodsPerYear: 365.25 days / median bar interval; 1 with fewer than 2 bars. */
export function defaultPeriodsPerYear(tsNs: readonly bigint[]): number {
  if (tsNs.length < 2) return 1;
  const intervals: bigint[] = [];
  for (let i = 1; i < tsNs.length; i++) intervals.push(tsNs[i] - tsNs[i - 1]);
  intervals.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const k = intervals.length;
  const median = k % 2 === 1
    ? Number(intervals[(k - 1) / 2])
    : (Number(intervals[k / 2 - 1]) + Number(intervals[k / 2])) / 2;
  return 365.25 * 86400e9 / median;
}

// ---------------------------------------------------------------------------------------------
// One backtest (spec section 3 and ENGINE-API.md)

const UNITS_PER_QTY = 1e8;

function absBig(x: bigint): bigint {
  return x < 0n ? -x : x;
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/** Whether a limit order crosses this bar, and at what price (spec 3.4). */
function limitFill(
  signal: ReferenceSignal,
  bars: ReferenceBars,
  i: number,
  model: "close" | "touch",
): { fills: boolean; price: number } {
  const limit = signal.price;
  if (model === "close") {
    const close = bars.close[i];
    const crosses = signal.side === 0 ? limit >= close : limit <= close;
    return { fills: crosses, price: close };
  }
  if (signal.side === 0) {
    return { fills: bars.low[i] <= limit, price: Math.min(limit, bars.open[i]) };
  }
  return { fills: bars.high[i] >= limit, price: Math.max(limit, bars.open[i]) };
}

export function referenceRun(bars: ReferenceBars, signalBytes: Uint8Array, options: ReferenceOptions): ReferenceResult {
  const initialCapital = options.initialCapital;
  const feeRate = options.feeRate ?? 0;
  const model = options.limitFill ?? "close";
  const n = bars.tsNs.length;
  const periodsPerYear = options.periodsPerYear ?? defaultPeriodsPerYear(bars.tsNs);

  // 3.1: stable sort by timestamp (Array.prototype.sort is stable; ties keep input order).
  const signals = decodeSignals(signalBytes);
  const ordered = [...signals].sort((a, b) => (a.tsNs < b.tsNs ? -1 : a.tsNs > b.tsNs ? 1 : 0));

  // Account state.
  let cash = initialCapital;
  let positionUnits = 0n; // signed, 1e-8 units
  let avgEntry = 0;
  let entryFeePool = 0;
  let entryTsNs = 0n;
  let totalFees = 0;
  let realizedPnl = 0;
  const trades: ReferenceTrade[] = [];
  const equityCurve: number[] = [];
  let resting: ReferenceSignal[] = []; // GTC limits, in submission order
  const coverage: ReferenceCoverage = {
    marketFills: 0,
    limitFillsOnSubmit: 0,
    limitFillsFromRest: 0,
    opens: 0,
    adds: 0,
    partialCloses: 0,
    fullCloses: 0,
    flips: 0,
    signalsBeforeFirstBar: n > 0 ? ordered.filter((s) => s.tsNs < bars.tsNs[0]).length : 0,
    signalsAfterLastBar: n > 0 ? ordered.filter((s) => s.tsNs > bars.tsNs[n - 1]).length : 0,
    equalTimestampSignals: ordered.filter((s, k) => k > 0 && s.tsNs === ordered[k - 1].tsNs).length,
  };

  function fill(signal: ReferenceSignal, price: number, barIndex: number): void {
    const q = Number(signal.qtyUnits) / UNITS_PER_QTY;
    const notional = q * price;
    const fee = notional * feeRate;
    totalFees += fee;
    if (signal.side === 0) cash -= notional + fee;
    else cash += notional - fee;

    const orderDir = signal.side === 0 ? 1n : -1n;
    const barTs = bars.tsNs[barIndex];
    const opening = positionUnits === 0n || (positionUnits > 0n) === (orderDir > 0n);
    if (opening) {
      if (positionUnits === 0n) entryTsNs = barTs;
      if (positionUnits === 0n) coverage.opens++;
      else coverage.adds++;
      const absPos = Number(absBig(positionUnits)) / UNITS_PER_QTY;
      avgEntry = (avgEntry * absPos + price * q) / (absPos + q);
      entryFeePool += fee; // the whole fill opens
      positionUnits += orderDir * signal.qtyUnits;
      return;
    }

    // Reducing: close c = min(|pos|, q), possibly flip with the remainder.
    const closedUnits = minBig(absBig(positionUnits), signal.qtyUnits);
    const c = Number(closedUnits) / UNITS_PER_QTY;
    const absPos = Number(absBig(positionUnits)) / UNITS_PER_QTY;
    const dir = positionUnits > 0n ? 1 : -1;
    const poolShare = entryFeePool * c / absPos;
    const tradeFee = poolShare + fee * c / q;
    entryFeePool -= poolShare;
    const grossPnl = (price - avgEntry) * c * dir;
    realizedPnl += grossPnl;
    trades.push({
      entryTsNs,
      exitTsNs: barTs,
      side: dir > 0 ? 0 : 1,
      qty: c,
      entryPrice: avgEntry,
      exitPrice: price,
      pnl: grossPnl - tradeFee,
      fee: tradeFee,
    });
    positionUnits += orderDir * signal.qtyUnits;
    const remainderUnits = signal.qtyUnits - closedUnits;
    if (remainderUnits > 0n) coverage.flips++;
    else if (positionUnits === 0n) coverage.fullCloses++;
    else coverage.partialCloses++;
    if (remainderUnits > 0n) {
      // Flip: the remainder opens a new position at this fill's price.
      const remainder = q - c;
      avgEntry = price;
      entryFeePool = fee * remainder / q;
      entryTsNs = barTs;
    } else if (positionUnits === 0n) {
      avgEntry = 0;
      entryFeePool = 0;
    }
  }

  let next = 0; // index into `ordered` of the first not-yet-submitted signal
  for (let i = 0; i < n; i++) {
    // (1) resting limits, in submission order.
    const stillResting: ReferenceSignal[] = [];
    for (const order of resting) {
      const { fills, price } = limitFill(order, bars, i, model);
      if (fills) {
        fill(order, price, i);
        coverage.limitFillsFromRest++;
      } else {
        stillResting.push(order);
      }
    }
    resting = stillResting;

    // (2) new signals with ts <= bar ts, in stable timestamp order.
    while (next < ordered.length && ordered[next].tsNs <= bars.tsNs[i]) {
      const signal = ordered[next++];
      if (signal.type === 0) {
        fill(signal, bars.close[i], i);
        coverage.marketFills++;
      } else {
        const { fills, price } = limitFill(signal, bars, i, model);
        if (fills) {
          fill(signal, price, i);
          coverage.limitFillsOnSubmit++;
        } else {
          resting.push(signal); // GTC, retried from the next bar on
        }
      }
    }

    // (3) mark to market.
    equityCurve.push(cash + Number(positionUnits) / UNITS_PER_QTY * bars.close[i]);
  }

  const finalEquity = n > 0 ? equityCurve[n - 1] : initialCapital;
  const position = Number(positionUnits) / UNITS_PER_QTY;
  const unrealizedPnl = n > 0 ? position * (bars.close[n - 1] - avgEntry) : 0;

  let winningTrades = 0;
  let losingTrades = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  for (const t of trades) {
    if (t.pnl > 0) {
      winningTrades++;
      grossProfit += t.pnl;
    } else if (t.pnl < 0) {
      losingTrades++;
      grossLoss += -t.pnl;
    }
  }
  const totalTrades = trades.length;
  let profitFactor = 0;
  if (grossLoss > 0) profitFactor = grossProfit / grossLoss;
  else if (grossProfit > 0) profitFactor = Infinity;

  const equity = [initialCapital, ...equityCurve]; // E_0..E_n
  const returns = returnsFromEquity(equity);
  const netPnl = finalEquity - initialCapital;

  return {
    netPnl,
    returnPct: netPnl / initialCapital * 100,
    realizedPnl,
    unrealizedPnl,
    totalFees,
    totalTrades,
    winningTrades,
    losingTrades,
    winRate: totalTrades > 0 ? winningTrades / totalTrades : 0,
    grossProfit,
    grossLoss,
    profitFactor,
    maxDrawdown: maxDrawdown(equity),
    maxDrawdownPct: maxDrawdownPct(equity),
    sharpe: sharpe(returns, periodsPerYear),
    sortino: sortino(returns, periodsPerYear),
    calmar: calmarFromEquity(equity, periodsPerYear),
    unfilledOrders: (ordered.length - next) + resting.length,
    initialCapital,
    finalEquity,
    bars: n,
    periodsPerYear,
    equityCurve,
    trades,
    coverage,
  };
}
