/* engine_internal.h: the engine's data shared by bars.c, signals.c, engine.c, batch.c (internal). */
#ifndef FLOX_ENGINE_INTERNAL_H
#define FLOX_ENGINE_INTERNAL_H

#include "flox.h"

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

/* One symbol's bars, columns in one allocation. open/high/low are kept only for the touch model
 * (the close model never reads them), which halves what a load writes. */
typedef struct bar_series {
  int32_t symbol;
  int64_t n;
  int64_t *ts;   /* ns, strictly increasing */
  double *close;
  double *open, *high, *low; /* NULL under FLOX_LIMIT_CLOSE */
  double auto_periods_per_year; /* 365.25 d / median interval, computed at load; 1 when n < 2 */
  size_t block_bytes;           /* capacity of the block that starts at ts */
  int64_t regular_dt;           /* > 0 when every interval equals it: bar lookups become arithmetic */
} bar_series;

/* Trades of the last single run, columnar (engine-owned, grown as needed). */
typedef struct trade_list {
  int64_t count, cap;
  int64_t *entry_ts, *exit_ts;
  uint8_t *side;
  double *qty, *entry_price, *exit_price, *pnl, *fee;
} trade_list;

/* Per-run working memory, reused across runs (one per engine for single runs, one per thread in
 * a batch): the stable order of unsorted signals and the resting limit orders. */
typedef struct run_scratch {
  int64_t cap;
  int64_t *order, *order_tmp; /* signal indices, stable-sorted by ts */
  int64_t *rest_units;        /* resting limit orders in submission order */
  double *rest_limit;
  uint8_t *rest_side;
} run_scratch;

struct flox_engine {
  double initial_capital, fee_rate, periods_per_year; /* periods_per_year 0 = automatic */
  int32_t limit_model;
  bar_series **series; /* one per loaded symbol */
  int32_t n_series, cap_series;
  run_scratch scratch; /* single runs */
  trade_list trades;   /* of the last successful single run */
  _Atomic int32_t batches_running;
  /* The block of the last replaced (or failed) series, reused by the next load: a reload writes
   * into memory that is already mapped instead of page-faulting a fresh allocation. */
  void *spare_block;
  size_t spare_bytes;
  char batch_message[1024];
};

/* Hot loops are also compiled for AVX2 and picked at load time (GCC/Clang function multi-versioning
 * on x86-64), so a default build runs wide vectors on CPUs that have them without -march=native.
 * Only "avx2" (not FMA): both versions do the same IEEE operations, so results are identical. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(FLOX_NO_CLONES)
#define FLOX_HOT __attribute__((target_clones("avx2", "default")))
#else
#define FLOX_HOT
#endif

/* Unaligned little-endian loads from packed records. */
static inline int64_t load_i64(const uint8_t *p) {
  int64_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

/* Packed signal field offsets (spec/engine.md section 2). */
enum { SIG_TS = 0, SIG_QTY = 8, SIG_PRICE = 16, SIG_SIDE = 24, SIG_TYPE = 25 };

/* Frees every series (engine teardown). */
void engine_free_series(flox_engine *e);

/* Finds the series of a symbol, NULL when none was loaded. */
const bar_series *engine_find_series(const flox_engine *e, int32_t symbol);

/* Validates n packed signals; on failure records "<prefix>side[12] is 2; ..." and returns the
 * status. *sorted is set to 1 when the timestamps are already non-decreasing. */
int32_t signals_validate(const uint8_t *recs, int64_t n, const char *prefix, int *sorted);

/* Fills order[0..n) with the indices of the records stably sorted by ts (tmp: n more slots). */
void signals_stable_order(const uint8_t *recs, int64_t n, int64_t *order, int64_t *tmp);

/* Grows scratch to hold n signals; returns FLOX_OK or FLOX_E_NOMEM (scratch unchanged then). */
int32_t scratch_reserve(run_scratch *s, int64_t n);
void scratch_free(run_scratch *s);

/* Runs one backtest on validated signals; never fails. trades may be NULL (batch runs);
 * equity may be NULL. */
void engine_run_core(const flox_engine *e, const bar_series *s, const uint8_t *recs, int64_t n, int sorted,
                     run_scratch *sc, double *stats, double *equity, trade_list *trades);

/* Normalises one timestamp by magnitude to ns; returns 0 when it does not fit int64 ns. */
int ts_normalize_i64(int64_t t, int64_t *ns);
int ts_normalize_f64(double t, int64_t *ns);

#endif
