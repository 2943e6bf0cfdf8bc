// FFI symbols of the runner's ring buffer (the "ring buffer" block of the strategy section of
// cabi/include/flox.h), keyed by exact C name, prototype above each. Producers in Workers open the
// same table through lib/ffi/load.ts.
export const ringSymbols = {
  // int32_t flox_ring_create(uint32_t capacity, flox_ring **out);
  flox_ring_create: { parameters: ["u32", "buffer"], result: "i32" },
  // void flox_ring_destroy(flox_ring *r);
  flox_ring_destroy: { parameters: ["pointer"], result: "void" },
  // uint32_t flox_ring_capacity(const flox_ring *r);
  flox_ring_capacity: { parameters: ["pointer"], result: "u32" },
  // int32_t flox_ring_publish_trade(flox_ring *r, uint32_t symbol, int64_t ts_ns, double price, double qty,
  //                                 uint32_t side);
  flox_ring_publish_trade: { parameters: ["pointer", "u32", "i64", "f64", "f64", "u32"], result: "i32" },
  // int32_t flox_ring_publish_trades(flox_ring *r, uint32_t n, const uint32_t *symbols, const int64_t *ts_ns,
  //                                  const double *prices, const double *qtys, const uint8_t *sides,
  //                                  uint32_t *out_published);
  flox_ring_publish_trades: {
    parameters: ["pointer", "u32", "buffer", "buffer", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  // int32_t flox_ring_publish_book(flox_ring *r, uint32_t symbol, int64_t ts_ns, uint32_t snapshot,
  //                                const double *bid_prices, const double *bid_qtys, uint32_t n_bids,
  //                                const double *ask_prices, const double *ask_qtys, uint32_t n_asks);
  flox_ring_publish_book: {
    parameters: ["pointer", "u32", "i64", "u32", "buffer", "buffer", "u32", "buffer", "buffer", "u32"],
    result: "i32",
  },
  // int32_t flox_ring_drain(flox_ring *r, uint32_t max_events, uint8_t *kinds, uint8_t *sides,
  //                         uint32_t *symbols, int64_t *ts_ns, double *prices, double *qtys, uint32_t *n_bids,
  //                         uint32_t *n_asks, double *level_prices, double *level_qtys, uint32_t levels_cap,
  //                         uint32_t *out);
  flox_ring_drain: {
    parameters: [
      "pointer",
      "u32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "u32",
      "buffer",
    ],
    result: "i32",
  },
  // int32_t flox_ring_close(flox_ring *r);
  flox_ring_close: { parameters: ["pointer"], result: "i32" },
  // int32_t flox_ring_reopen(flox_ring *r);
  flox_ring_reopen: { parameters: ["pointer"], result: "i32" },
  // int32_t flox_ring_stats(const flox_ring *r, uint64_t *out);
  flox_ring_stats: { parameters: ["pointer", "buffer"], result: "i32" },
} as const;
