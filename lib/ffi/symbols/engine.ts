// FFI symbols of the engine section of cabi/include/flox.h, keyed by exact C name, prototype above each.
export const engineSymbols = {
  // int32_t flox_engine_create(double initial_capital, double fee_rate, double periods_per_year, int32_t limit_model,
  //   flox_engine **out);
  flox_engine_create: { parameters: ["f64", "f64", "f64", "i32", "buffer"], result: "i32" },
  // void flox_engine_destroy(flox_engine *e);
  flox_engine_destroy: { parameters: ["pointer"], result: "void" },
  // int32_t flox_engine_load_bars_i64ts(flox_engine *e, int32_t symbol, const int64_t *ts, const double *open,
  //   const double *high, const double *low, const double *close, const double *volume, int64_t n);
  flox_engine_load_bars_i64ts: {
    parameters: ["pointer", "i32", "buffer", "buffer", "buffer", "buffer", "buffer", "buffer", "i64"],
    result: "i32",
  },
  // int32_t flox_engine_load_bars_f64ts(flox_engine *e, int32_t symbol, const double *ts, const double *open,
  //   const double *high, const double *low, const double *close, const double *volume, int64_t n);
  flox_engine_load_bars_f64ts: {
    parameters: ["pointer", "i32", "buffer", "buffer", "buffer", "buffer", "buffer", "buffer", "i64"],
    result: "i32",
  },
  // int32_t flox_engine_load_bars_packed(flox_engine *e, int32_t symbol, const uint8_t *records, int64_t n);
  flox_engine_load_bars_packed: { parameters: ["pointer", "i32", "buffer", "i64"], result: "i32" },
  // int64_t flox_engine_bar_count(const flox_engine *e, int32_t symbol);
  flox_engine_bar_count: { parameters: ["pointer", "i32"], result: "i64" },
  // int32_t flox_make_signals(const int64_t *ts, const uint8_t *sides, const double *qty, const double *prices,
  //   int32_t has_prices, const uint8_t *types, int32_t has_types, int64_t n, uint8_t *out, int64_t out_len);
  flox_make_signals: {
    parameters: ["buffer", "buffer", "buffer", "buffer", "i32", "buffer", "i32", "i64", "buffer", "i64"],
    result: "i32",
  },
  // int32_t flox_make_signals_f64ts(const double *ts, const uint8_t *sides, const double *qty, const double *prices,
  //   int32_t has_prices, const uint8_t *types, int32_t has_types, int64_t n, uint8_t *out, int64_t out_len);
  flox_make_signals_f64ts: {
    parameters: ["buffer", "buffer", "buffer", "buffer", "i32", "buffer", "i32", "i64", "buffer", "i64"],
    result: "i32",
  },
  // int32_t flox_engine_run(flox_engine *e, int32_t symbol, const uint8_t *signals, int64_t n_signals,
  //   double *stats_out, int32_t want_equity, double *equity_out, int64_t equity_cap);
  flox_engine_run: {
    parameters: ["pointer", "i32", "buffer", "i64", "buffer", "i32", "buffer", "i64"],
    result: "i32",
  },
  // int64_t flox_engine_trade_count(const flox_engine *e);
  flox_engine_trade_count: { parameters: ["pointer"], result: "i64" },
  // int32_t flox_engine_copy_trades(const flox_engine *e, int64_t *entry_ts, int64_t *exit_ts, uint8_t *side,
  //   double *qty, double *entry_price, double *exit_price, double *pnl, double *fee, int64_t cap);
  flox_engine_copy_trades: {
    parameters: ["pointer", "buffer", "buffer", "buffer", "buffer", "buffer", "buffer", "buffer", "buffer", "i64"],
    result: "i32",
  },
  // int32_t flox_engine_run_batch(flox_engine *e, int32_t symbol, const uint64_t *signal_addresses,
  //   const int64_t *signal_counts, int64_t n_sets, int32_t threads, double *stats_out, flox_progress *progress);
  flox_engine_run_batch: {
    parameters: ["pointer", "i32", "buffer", "buffer", "i64", "i32", "buffer", "pointer"],
    result: "i32",
  },
  // Deno only: the same C function on a separate thread, returning a Promise (Engine.runBatchAsync).
  flox_engine_run_batch_async: {
    name: "flox_engine_run_batch",
    nonblocking: true,
    parameters: ["pointer", "i32", "buffer", "buffer", "i64", "i32", "buffer", "pointer"],
    result: "i32",
  },
  // const char *flox_engine_batch_message(const flox_engine *e);
  flox_engine_batch_message: { parameters: ["pointer"], result: "pointer" },
  // int32_t flox_metrics_from_returns(const double *returns, int64_t n, double periods_per_year, double *out);
  flox_metrics_from_returns: { parameters: ["buffer", "i64", "f64", "buffer"], result: "i32" },
  // int32_t flox_metrics_drawdown(const double *equity, int64_t n, double *out);
  flox_metrics_drawdown: { parameters: ["buffer", "i64", "buffer"], result: "i32" },
} as const;
