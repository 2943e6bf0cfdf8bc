// FFI symbols of the tape section of cabi/include/flox.h (.floxlog writer, reader, diff), keyed by exact
// C name with the C prototype above each entry (checked by scripts/check-symbols.ts). Paths and
// strings are NUL-terminated UTF-8 "buffer"s; handles are "pointer"; out-parameters are typed arrays.
export const tapeSymbols = {
  // int32_t flox_tape_writer_create(const char *dir, int64_t max_segment_bytes, int32_t compression, int32_t
  //   index_interval, int32_t exchange_id, int32_t flags, flox_tape_writer **out);
  flox_tape_writer_create: { parameters: ["buffer", "i64", "i32", "i32", "i32", "i32", "buffer"], result: "i32" },
  // void flox_tape_writer_destroy(flox_tape_writer *w);
  flox_tape_writer_destroy: { parameters: ["pointer"], result: "void" },
  // int32_t flox_tape_writer_set_metadata(flox_tape_writer *w, const char *key, const char *value);
  flox_tape_writer_set_metadata: { parameters: ["pointer", "buffer", "buffer"], result: "i32" },
  // int32_t flox_tape_writer_add_symbol(flox_tape_writer *w, uint32_t symbol_id, const char *name, const char
  //   *base_asset, const char *quote_asset, int32_t price_precision, int32_t qty_precision);
  flox_tape_writer_add_symbol: {
    parameters: ["pointer", "u32", "buffer", "buffer", "buffer", "i32", "i32"],
    result: "i32",
  },
  // int32_t flox_tape_writer_trade(flox_tape_writer *w, int64_t ts_ns, uint32_t symbol_id, double price, double qty,
  //   int32_t side);
  flox_tape_writer_trade: { parameters: ["pointer", "i64", "u32", "f64", "f64", "i32"], result: "i32" },
  // int32_t flox_tape_writer_trades(flox_tape_writer *w, const int64_t *ts_ns, const uint32_t *symbol_id, const
  //   double *price, const double *qty, const uint8_t *side, int64_t count);
  flox_tape_writer_trades: {
    parameters: ["pointer", "buffer", "buffer", "buffer", "buffer", "buffer", "i64"],
    result: "i32",
  },
  // int32_t flox_tape_writer_trades_raw(flox_tape_writer *w, const int64_t *ts_ns, const uint32_t *symbol_id, const
  //   int64_t *price_raw, const int64_t *qty_raw, const uint8_t *side, int64_t count);
  flox_tape_writer_trades_raw: {
    parameters: ["pointer", "buffer", "buffer", "buffer", "buffer", "buffer", "i64"],
    result: "i32",
  },
  // int32_t flox_tape_writer_book(flox_tape_writer *w, int64_t ts_ns, uint32_t symbol_id, const double *bid_price,
  //   const double *bid_qty, int32_t bid_count, const double *ask_price, const double *ask_qty, int32_t ask_count,
  //   int32_t is_snapshot);
  flox_tape_writer_book: {
    parameters: ["pointer", "i64", "u32", "buffer", "buffer", "i32", "buffer", "buffer", "i32", "i32"],
    result: "i32",
  },
  // int32_t flox_tape_writer_flush(flox_tape_writer *w);
  flox_tape_writer_flush: { parameters: ["pointer"], result: "i32" },
  // int32_t flox_tape_writer_close(flox_tape_writer *w);
  flox_tape_writer_close: { parameters: ["pointer"], result: "i32" },
  // int32_t flox_tape_writer_stats(const flox_tape_writer *w, int64_t *out, int32_t cap);
  flox_tape_writer_stats: { parameters: ["pointer", "buffer", "i32"], result: "i32" },
  // int32_t flox_tape_reader_open(const char *dir, double price_scale, double qty_scale, int32_t flags,
  //   flox_tape_reader **out);
  flox_tape_reader_open: { parameters: ["buffer", "f64", "f64", "i32", "buffer"], result: "i32" },
  // void flox_tape_reader_destroy(flox_tape_reader *r);
  flox_tape_reader_destroy: { parameters: ["pointer"], result: "void" },
  // int32_t flox_tape_reader_set_filter(flox_tape_reader *r, int64_t from_ts, int64_t to_ts, const uint32_t *symbols,
  //   int32_t symbol_count);
  flox_tape_reader_set_filter: { parameters: ["pointer", "i64", "i64", "buffer", "i32"], result: "i32" },
  // int32_t flox_tape_reader_rewind(flox_tape_reader *r);
  flox_tape_reader_rewind: { parameters: ["pointer"], result: "i32" },
  // int32_t flox_tape_reader_seek(flox_tape_reader *r, int64_t ts_ns);
  flox_tape_reader_seek: { parameters: ["pointer", "i64"], result: "i32" },
  // int32_t flox_tape_reader_read_trades(flox_tape_reader *r, int64_t *ts_ns, uint32_t *symbol_id, double *price,
  //   double *qty, uint8_t *side, int32_t cap, int32_t *out_count);
  flox_tape_reader_read_trades: {
    parameters: ["pointer", "buffer", "buffer", "buffer", "buffer", "buffer", "i32", "buffer"],
    result: "i32",
  },
  // int32_t flox_tape_reader_read_trades_raw(flox_tape_reader *r, int64_t *ts_ns, uint32_t *symbol_id, int64_t
  //   *price_raw, int64_t *qty_raw, uint8_t *side, int32_t cap, int32_t *out_count);
  flox_tape_reader_read_trades_raw: {
    parameters: ["pointer", "buffer", "buffer", "buffer", "buffer", "buffer", "i32", "buffer"],
    result: "i32",
  },
  // int32_t flox_tape_reader_read_events(flox_tape_reader *r, uint8_t *kind, int64_t *ts_ns, uint32_t *symbol_id,
  //   double *price, double *qty, uint8_t *side, uint32_t *level_start, uint32_t *bid_count, uint32_t *ask_count,
  //   int32_t event_cap, double *level_price, double *level_qty, int32_t level_cap, int32_t *out_counts);
  flox_tape_reader_read_events: {
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
  // int32_t flox_tape_reader_scan(flox_tape_reader *r, int64_t max_events, flox_progress *progress, int32_t
  //   *out_finished);
  flox_tape_reader_scan: { parameters: ["pointer", "i64", "pointer", "buffer"], result: "i32" },
  // int32_t flox_tape_reader_stats(const flox_tape_reader *r, int64_t *out, int32_t cap);
  flox_tape_reader_stats: { parameters: ["pointer", "buffer", "i32"], result: "i32" },
  // int32_t flox_tape_reader_symbols(const flox_tape_reader *r, uint32_t *out, int32_t cap, int32_t *out_count);
  flox_tape_reader_symbols: { parameters: ["pointer", "buffer", "i32", "buffer"], result: "i32" },
  // int32_t flox_tape_reader_segment_count(const flox_tape_reader *r);
  flox_tape_reader_segment_count: { parameters: ["pointer"], result: "i32" },
  // int32_t flox_tape_reader_segment_info(const flox_tape_reader *r, int32_t i, int64_t *out, int32_t cap, char
  //   *path, int32_t path_cap);
  flox_tape_reader_segment_info: { parameters: ["pointer", "i32", "buffer", "i32", "buffer", "i32"], result: "i32" },
  // int32_t flox_tape_reader_damage_count(const flox_tape_reader *r);
  flox_tape_reader_damage_count: { parameters: ["pointer"], result: "i32" },
  // int32_t flox_tape_reader_damage(const flox_tape_reader *r, int32_t i, char *segment, int32_t segment_cap, char
  //   *reason, int32_t reason_cap, int64_t *bytes_skipped);
  flox_tape_reader_damage: {
    parameters: ["pointer", "i32", "buffer", "i32", "buffer", "i32", "buffer"],
    result: "i32",
  },
  // int32_t flox_tape_diff_run(const char *left, const char *right, int64_t ts_tolerance_ns, int32_t max_mismatches,
  //   flox_progress *progress, flox_tape_diff **out);
  flox_tape_diff_run: { parameters: ["buffer", "buffer", "i64", "i32", "pointer", "buffer"], result: "i32" },
  // int32_t flox_tape_diff_open(const char *left, const char *right, int64_t ts_tolerance_ns, int32_t max_mismatches,
  //   flox_tape_diff **out);
  flox_tape_diff_open: { parameters: ["buffer", "buffer", "i64", "i32", "buffer"], result: "i32" },
  // int32_t flox_tape_diff_step(flox_tape_diff *d, int64_t max_pairs, flox_progress *progress, int32_t
  //   *out_finished);
  flox_tape_diff_step: { parameters: ["pointer", "i64", "pointer", "buffer"], result: "i32" },
  // void flox_tape_diff_destroy(flox_tape_diff *d);
  flox_tape_diff_destroy: { parameters: ["pointer"], result: "void" },
  // int32_t flox_tape_diff_summary(const flox_tape_diff *d, int64_t *out, int32_t cap);
  flox_tape_diff_summary: { parameters: ["pointer", "buffer", "i32"], result: "i32" },
  // int32_t flox_tape_diff_mismatches(const flox_tape_diff *d, int64_t *rows, int32_t row_cap, int32_t *out_rows);
  flox_tape_diff_mismatches: { parameters: ["pointer", "buffer", "i32", "buffer"], result: "i32" },
} as const;
