/* test_engine_support.h: helpers shared by the engine's C tests. */
#ifndef TEST_ENGINE_SUPPORT_H
#define TEST_ENGINE_SUPPORT_H

#include "check.h"
#include "flox.h"

#include <stdint.h>
#include <string.h>

#define T0 1700000000LL /* seconds; bars are one minute apart unless a test says otherwise */

static inline flox_engine *new_engine(double capital, double fee, int32_t model) {
  flox_engine *e = NULL;
  CHECK_STATUS(flox_engine_create(capital, fee, 0, model, &e), FLOX_OK);
  return e;
}

/* Loads closes (open = high = low = close) with ts T0 + 60 i seconds. */
static inline void load_closes(flox_engine *e, const double *close, int64_t n) {
  int64_t ts[64];
  double vol[64];
  for (int64_t i = 0; i < n; i++) {
    ts[i] = T0 + 60 * i;
    vol[i] = 1;
  }
  CHECK_STATUS(flox_engine_load_bars_i64ts(e, 1, ts, close, close, close, close, vol, n), FLOX_OK);
}

/* Bar i's timestamp in ns (for signals). */
static inline int64_t bar_ns(int64_t i) { return (T0 + 60 * i) * 1000000000LL; }

typedef struct sig {
  int64_t ts_ns;
  uint8_t side, type;
  double qty, price;
} sig;

static inline int32_t pack(const sig *s, int64_t n, uint8_t *out) {
  int64_t ts[64];
  uint8_t sides[64], types[64];
  double qty[64], px[64];
  for (int64_t i = 0; i < n; i++) {
    ts[i] = s[i].ts_ns;
    sides[i] = s[i].side;
    types[i] = s[i].type;
    qty[i] = s[i].qty;
    px[i] = s[i].price;
  }
  return flox_make_signals(ts, sides, qty, px, 1, types, 1, n, out, n * 32);
}

/* Packs and runs; returns the status of the run. */
static inline int32_t run_sigs(flox_engine *e, const sig *s, int64_t n, double *stats, double *equity, int64_t eq_cap) {
  uint8_t buf[64 * 32];
  int32_t st = pack(s, n, buf);
  if (st != FLOX_OK) return st;
  return flox_engine_run(e, 1, buf, n, stats, equity != NULL, equity, eq_cap);
}

/* Sharpe/sortino from returns, computed the obvious two-pass way, independently of metrics.c. */
static inline double naive_sharpe(const double *r, int n, double ppy) {
  double mean = 0, var = 0;
  for (int i = 0; i < n; i++) mean += r[i];
  mean /= n;
  for (int i = 0; i < n; i++) var += (r[i] - mean) * (r[i] - mean);
  var /= n - 1;
  return var > 0 ? mean / sqrt(var) * sqrt(ppy) : 0;
}

static inline double naive_sortino(const double *r, int n, double ppy) {
  double mean = 0, d2 = 0;
  for (int i = 0; i < n; i++) {
    mean += r[i];
    if (r[i] < 0) d2 += r[i] * r[i];
  }
  mean /= n;
  if (d2 == 0) return mean > 0 ? INFINITY : 0;
  return mean / sqrt(d2 / n) * sqrt(ppy);
}

#define PPY_1MIN (365.25 * 86400.0 / 60.0)

#endif
