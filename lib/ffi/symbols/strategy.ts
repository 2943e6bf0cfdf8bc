// FFI symbols of the strategy section of cabi/include/flox.h, keyed by exact C name, prototype above each.
export const strategySymbols = {
  // int32_t flox_ind_sma(const double *values, int64_t n, int32_t period, double *out);
  flox_ind_sma: { parameters: ["buffer", "i64", "i32", "buffer"], result: "i32" },
  // int32_t flox_ind_ema(const double *values, int64_t n, int32_t period, double *out);
  flox_ind_ema: { parameters: ["buffer", "i64", "i32", "buffer"], result: "i32" },
  // int32_t flox_ind_rma(const double *values, int64_t n, int32_t period, double *out);
  flox_ind_rma: { parameters: ["buffer", "i64", "i32", "buffer"], result: "i32" },
  // int32_t flox_ind_rsi(const double *values, int64_t n, int32_t period, double *out);
  flox_ind_rsi: { parameters: ["buffer", "i64", "i32", "buffer"], result: "i32" },
  // int32_t flox_ind_atr(const double *high, const double *low, const double *close, int64_t n, int32_t period,
  //                      double *out);
  flox_ind_atr: { parameters: ["buffer", "buffer", "buffer", "i64", "i32", "buffer"], result: "i32" },
  // int32_t flox_ind_macd(const double *values, int64_t n, int32_t fast, int32_t slow, int32_t signal,
  //                       double *macd_out, double *signal_out, double *histogram_out);
  flox_ind_macd: {
    parameters: ["buffer", "i64", "i32", "i32", "i32", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  // int32_t flox_ind_bollinger(const double *values, int64_t n, int32_t period, double k, double *upper,
  //                            double *middle, double *lower);
  flox_ind_bollinger: { parameters: ["buffer", "i64", "i32", "f64", "buffer", "buffer", "buffer"], result: "i32" },
  // int32_t flox_ind_stochastic(const double *high, const double *low, const double *close, int64_t n,
  //                             int32_t k_period, int32_t d_period, double *k_out, double *d_out);
  flox_ind_stochastic: {
    parameters: ["buffer", "buffer", "buffer", "i64", "i32", "i32", "buffer", "buffer"],
    result: "i32",
  },
  // int32_t flox_ind_vwap(const double *price, const double *qty, int64_t n, int32_t period, double *out);
  flox_ind_vwap: { parameters: ["buffer", "buffer", "i64", "i32", "buffer"], result: "i32" },
  // int32_t flox_bt_prepare(const int64_t *ts, const double *price, const double *qty, const uint8_t *kinds,
  //                         int32_t flags, int64_t n, int64_t first_index, int64_t base, int64_t prev_ts,
  //                         int64_t *ts_out, double *t_out, int64_t *clock_out);
  flox_bt_prepare: {
    parameters: [
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "i32",
      "i64",
      "i64",
      "i64",
      "i64",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  // int32_t flox_event_feed_open(const char *dir, int32_t chunk_events, flox_event_feed **out);
  flox_event_feed_open: { parameters: ["buffer", "i32", "buffer"], result: "i32" },
  // void flox_event_feed_destroy(flox_event_feed *f);
  flox_event_feed_destroy: { parameters: ["pointer"], result: "void" },
  // int32_t flox_event_feed_level_cap(const flox_event_feed *f);
  flox_event_feed_level_cap: { parameters: ["pointer"], result: "i32" },
  // int32_t flox_event_feed_next(flox_event_feed *f, uint8_t *kind, int64_t *ts_ns, uint32_t *symbol_id,
  //                              double *price, double *qty, uint8_t *side, uint32_t *level_start,
  //                              uint32_t *bid_count, uint32_t *ask_count, int32_t event_cap,
  //                              double *level_price, double *level_qty, int32_t level_cap,
  //                              int32_t *out_counts);
  flox_event_feed_next: {
    parameters: [
      "pointer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "i32",
      "buffer",
      "buffer",
      "i32",
      "buffer",
    ],
    result: "i32",
  },
  // int32_t flox_event_feed_damage_count(flox_event_feed *f);
  flox_event_feed_damage_count: { parameters: ["pointer"], result: "i32" },
  // int32_t flox_csv_open(const char *path, flox_csv_reader **out);
  flox_csv_open: { parameters: ["buffer", "buffer"], result: "i32" },
  // void flox_csv_destroy(flox_csv_reader *r);
  flox_csv_destroy: { parameters: ["pointer"], result: "void" },
  // int32_t flox_csv_format(const flox_csv_reader *r);
  flox_csv_format: { parameters: ["pointer"], result: "i32" },
  // int32_t flox_csv_read(flox_csv_reader *r, int64_t *ts_ns, double *price, double *qty, uint8_t *side,
  //                       int64_t cap, int64_t *count);
  flox_csv_read: { parameters: ["pointer", "buffer", "buffer", "buffer", "buffer", "i64", "buffer"], result: "i32" },
} as const;
