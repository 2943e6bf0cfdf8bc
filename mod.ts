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
export { makeRecorderHook, TapeRecorder } from "./lib/tape/recorder.ts";
export { bookUpdateAt, openTape, TapeReader } from "./lib/tape/reader.ts";
export { inspectTape } from "./lib/tape/inspect.ts";
export { readTrades, type ReplayHandlers, replayTape } from "./lib/tape/replay.ts";
export { tapeDiff } from "./lib/tape/diff.ts";
export {
  type DamageReport,
  type ReadOptions,
  type RecorderOptions,
  type RecorderStats,
  type SegmentInfo,
  type TapeBatch,
  type TapeDiff,
  TapeEventKind,
  type TapeInfo,
  type TapeMismatch,
  type TapeSymbolLike,
  type TradeColumns,
  type TradeRow,
} from "./lib/tape/types.ts";

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
export { SMA } from "./lib/indicators/sma.ts";
export { EMA } from "./lib/indicators/ema.ts";
export { RMA } from "./lib/indicators/rma.ts";
export { RSI } from "./lib/indicators/rsi.ts";
export { ATR } from "./lib/indicators/atr.ts";
export { MACD, type MacdValue } from "./lib/indicators/macd.ts";
export { BollingerBands, type BollingerValue } from "./lib/indicators/bollinger.ts";
export { Stochastic, type StochasticValue } from "./lib/indicators/stochastic.ts";
export { RollingVWAP } from "./lib/indicators/vwap.ts";
export {
  type BollingerColumns,
  type Column,
  type HlcColumns,
  indicators,
  type MacdColumns,
  type StochasticColumns,
} from "./lib/indicators/batch.ts";
export {
  BacktestRunResult,
  type BacktestRunStats,
  type ExecutorOptions,
  SimulatedExecutor,
  type TradeList as BacktestTradeList,
} from "./lib/executor.ts";
export {
  BacktestRunner,
  type BacktestRunnerOptions,
  type TapeRunOptions,
  type TradeArrays,
} from "./lib/backtest_runner.ts";
export { type CsvChunk, type CsvFormat, CsvTradeReader } from "./lib/csv_reader.ts";
export { type MarketDataRecorder, type PaperOptions, Runner, type RunnerOptions } from "./lib/runner.ts";
export {
  RingProducer,
  type RingProducerOptions,
  type RingTicket,
  type TradeColumnsIn as RingTradeColumns,
} from "./lib/ring.ts";
export { L2Book } from "./lib/l2_book.ts";
