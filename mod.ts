// flox for Deno and Bun: the only public entry point. Named exports only.

// Errors and versions
export { FloxError } from "./lib/errors.ts";
export { FloxStatus, type FloxStatusName } from "./lib/status_codes.ts";
export { libraryPath, version } from "./lib/version.ts";

// Batch backtest engine
// @@ENGINE@@
export {
  type BacktestResult,
  type BacktestStats,
  type BarColumns,
  Engine,
  type EngineOptions,
  type TradeList,
} from "./lib/engine.ts";
export { makeSignals, packBars, type SignalColumns } from "./lib/signals.ts";
export { type MetricOptions, metrics, type ReturnMetrics } from "./lib/metrics.ts";

// Market-data tapes
// @@TAPE@@

// Event-driven strategies
// @@STRATEGY@@
export {
  type AddSymbolOptions,
  FloxSymbol,
  FloxSymbol as Symbol,
  type SymbolLike,
  SymbolRegistry,
} from "./lib/symbols.ts";
export type { BookUpdate, Fill, OrderRequest, OrderType, Side, Signal, Trade } from "./lib/market.ts";
export { Strategy, type StrategyHost, SymbolContext } from "./lib/strategy.ts";
export { type MarketDataRecorder, Runner, type RunnerOptions } from "./lib/runner.ts";
export {
  RingProducer,
  type RingProducerOptions,
  type RingTicket,
  type TradeColumnsIn as RingTradeColumns,
} from "./lib/ring.ts";
export { L2Book } from "./lib/l2_book.ts";
