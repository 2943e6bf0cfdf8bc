// Layouts the engine shares with C: record sizes and the index of each value in the stats and
// metrics vectors (the FLOX_STAT_* and FLOX_METRIC_* defines of cabi/include/flox.h, same order).

export const BAR_RECORD_SIZE = 48;
export const SIGNAL_RECORD_SIZE = 32;

export const LIMIT_MODEL = { close: 0, touch: 1 } as const;

/** BacktestStats keys in FLOX_STAT_* order; the vector index of a key is its position here. */
export const STAT_KEYS = [
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
] as const;

/** FLOX_STAT_COUNT. */
export const STAT_COUNT = 22;

/** Metric keys in FLOX_METRIC_* order. */
export const METRIC_KEYS = [
  "sharpe",
  "sortino",
  "calmar",
  "maxDrawdown",
  "maxDrawdownPct",
  "totalReturn",
  "annualReturn",
  "mean",
  "stdev",
  "downsideDeviation",
] as const;

/** FLOX_METRIC_COUNT. */
export const METRIC_COUNT = 10;
