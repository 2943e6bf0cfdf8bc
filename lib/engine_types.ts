// Types of the batch engine's public surface (ENGINE-API.md), shared by lib/engine.ts and lib/ffi/.

/** Options of `new Engine(...)`. */
export interface EngineOptions {
  /** Equity before the first bar, in quote currency; finite and > 0. */
  initialCapital: number;
  /** Fraction of notional charged per fill; >= 0. Default 0. */
  feeRate?: number;
  /** Annualisation factor for sharpe/sortino/calmar; > 0. Default: 365.25 days / median bar interval. */
  periodsPerYear?: number;
  /** Limit-order fill model: "close" (limit crosses the close, fills at the close) or "touch" (the bar's
   * range reaches the limit, fills at the limit or a better open). Default "close". */
  limitFill?: "close" | "touch";
}

/** A bar series as columns. Timestamps are bar open times in s, ms, us or ns, detected per element by
 * magnitude (|t| < 1e12 s, < 1e15 ms, < 1e18 us, else ns). */
export interface BarColumns {
  timestamps: BigInt64Array | Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** Every metric of one run (spec/engine.md section 4). Counts are plain numbers. */
export interface BacktestStats {
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

/** Trades (closing events) of one run, one row per trade, as columns. */
export interface TradeList {
  /** ns of the bar where the closed position was opened (from flat or by a flip). */
  entryTsNs: BigInt64Array;
  /** ns of the closing bar. */
  exitTsNs: BigInt64Array;
  /** Side of the closed position: 0 long, 1 short. */
  side: Uint8Array;
  qty: Float64Array;
  /** Average entry price of the closed part. */
  entryPrice: Float64Array;
  exitPrice: Float64Array;
  /** Net of `fee`. */
  pnl: Float64Array;
  /** Pro-rata share of the entry fees plus pro-rata share of the closing fill's fee. */
  fee: Float64Array;
}

/** Result of `Engine.run`: the stats, plus the equity curve and trades when asked for. */
export interface BacktestResult extends BacktestStats {
  /** E_1..E_n, equity marked to market after each bar's fills. */
  equityCurve?: Float64Array;
  trades?: TradeList;
}
