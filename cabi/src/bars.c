/* bars.c: loading bar series (columns with s/ms/us/ns timestamps, or packed 48-byte records),
 * validation, timestamp normalisation and the median bar interval. */
#include "engine_internal.h"
#include "error.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

_Static_assert(FLOX_BAR_RECORD_SIZE == 48, "packed bar record is 48 bytes");
_Static_assert(sizeof(int64_t) * 6 == FLOX_BAR_RECORD_SIZE, "six int64 fields, no padding");

enum { BAR_TS = 0, BAR_OPEN = 8, BAR_HIGH = 16, BAR_LOW = 24, BAR_CLOSE = 32 };

/* |t| < 1e12 seconds, < 1e15 milliseconds, < 1e18 microseconds, else nanoseconds (spec 1). */
int ts_normalize_i64(int64_t t, int64_t *ns) {
  uint64_t a = t < 0 ? (uint64_t)0 - (uint64_t)t : (uint64_t)t;
  int64_t scale;
  if (a < 1000000000000ULL) scale = 1000000000;
  else if (a < 1000000000000000ULL) scale = 1000000;
  else if (a < 1000000000000000000ULL) scale = 1000;
  else {
    *ns = t;
    return 1;
  }
  return !__builtin_mul_overflow(t, scale, ns);
}

int ts_normalize_f64(double t, int64_t *ns) {
  if (!isfinite(t)) return 0;
  double a = fabs(t);
  double scale = a < 1e12 ? 1e9 : a < 1e15 ? 1e6 : a < 1e18 ? 1e3 : 1.0;
  double x = t * scale;
  double r = floor(x); /* JavaScript Math.round: halves go up */
  if (x - r >= 0.5) r += 1.0;
  if (!(r >= -9223372036854775808.0 && r < 9223372036854775808.0)) return 0;
  *ns = (int64_t)r;
  return 1;
}

static const char *const price_names[4] = {"open", "high", "low", "close"};

static bar_series *series_alloc(int64_t n, int with_ohl) {
  bar_series *s = calloc(1, sizeof *s);
  if (s == NULL) return NULL;
  size_t cols = with_ohl ? 5 : 2;
  /* One block: ts then the price columns, each 8 bytes per bar. */
  void *block = malloc((size_t)n * 8 * cols);
  if (block == NULL) {
    free(s);
    return NULL;
  }
  s->n = n;
  s->ts = block;
  s->close = (double *)block + n;
  if (with_ohl) {
    s->open = (double *)block + 2 * n;
    s->high = (double *)block + 3 * n;
    s->low = (double *)block + 4 * n;
  }
  return s;
}

static void series_free(bar_series *s) {
  if (s == NULL) return;
  free(s->ts);
  free(s);
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* Checks ts is strictly increasing and computes the automatic periodsPerYear from the median
 * interval. Fast path: the intervals of regular bars are mostly one value d0, so one counting pass
 * tells whether the median rank(s) fall among the intervals equal to d0; only irregular series
 * pay for a sort. */
static int32_t series_finish_ts(bar_series *s) {
  const int64_t *ts = s->ts;
  int64_t n = s->n;
  for (int64_t i = 1; i < n; i++)
    if (ts[i] <= ts[i - 1])
      return flox_fail(FLOX_E_UNSORTED, "timestamps[%lld] is %lld ns, not after timestamps[%lld] = %lld ns; bar timestamps must be "
                       "strictly increasing", (long long)i, (long long)ts[i], (long long)(i - 1),
                       (long long)ts[i - 1]);
  if (n < 2) {
    s->auto_periods_per_year = 1.0;
    return FLOX_OK;
  }
  int64_t m = n - 1;
  uint64_t d0 = (uint64_t)ts[1] - (uint64_t)ts[0];
  int64_t lt = 0, eq = 0;
  for (int64_t i = 1; i < n; i++) {
    uint64_t d = (uint64_t)ts[i] - (uint64_t)ts[i - 1];
    lt += d < d0;
    eq += d == d0;
  }
  int64_t lo = (m - 1) / 2, hi = m / 2; /* the middle rank(s) */
  double median;
  if (lo >= lt && hi < lt + eq) {
    median = (double)d0;
  } else {
    uint64_t *d = malloc((size_t)m * sizeof *d);
    if (d == NULL) return flox_fail(FLOX_E_NOMEM, "out of memory for %lld bar intervals", (long long)m);
    for (int64_t i = 1; i < n; i++) d[i - 1] = (uint64_t)ts[i] - (uint64_t)ts[i - 1];
    qsort(d, (size_t)m, sizeof *d, cmp_u64);
    median = ((double)d[lo] + (double)d[hi]) / 2.0;
    free(d);
  }
  s->auto_periods_per_year = 365.25 * 86400e9 / median;
  return FLOX_OK;
}

/* Swaps the new series in (replacing the symbol's old one) only after everything succeeded. */
static int32_t install(flox_engine *e, int32_t symbol, bar_series *s) {
  s->symbol = symbol;
  for (int32_t i = 0; i < e->n_series; i++) {
    if (e->series[i]->symbol == symbol) {
      series_free(e->series[i]);
      e->series[i] = s;
      return FLOX_OK;
    }
  }
  if (e->n_series == e->cap_series) {
    int32_t cap = e->cap_series ? e->cap_series * 2 : 4;
    bar_series **grown = realloc(e->series, (size_t)cap * sizeof *grown);
    if (grown == NULL) {
      series_free(s);
      return flox_fail(FLOX_E_NOMEM, "out of memory for a new symbol");
    }
    e->series = grown;
    e->cap_series = cap;
  }
  e->series[e->n_series++] = s;
  return FLOX_OK;
}

static int32_t check_load_args(flox_engine *e, int64_t n) {
  if (e == NULL) return flox_fail(FLOX_E_INVALID_ARG, "engine is NULL");
  if (atomic_load(&e->batches_running) > 0)
    return flox_fail(FLOX_E_STATE, "a batch is running on this engine; load bars after it finishes");
  if (n < 1) return flox_fail(FLOX_E_INVALID_ARG, "no bars: the columns are empty (length %lld)", (long long)n);
  return FLOX_OK;
}

/* First bad price in index order (open, high, low, close at each index), then high < low. */
static int32_t report_bad_price(const double *cols[4], int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    for (int c = 0; c < 4; c++) {
      double v = cols[c][i];
      if (!(v > 0.0 && v <= DBL_MAX))
        return flox_fail(FLOX_E_BAD_PRICE, "%s[%lld] is %g; prices must be finite and > 0", price_names[c],
                         (long long)i, v);
    }
    if (cols[1][i] < cols[2][i])
      return flox_fail(FLOX_E_BAD_PRICE, "high[%lld] is %g, below low[%lld] = %g; high must be >= low", (long long)i,
                       cols[1][i], (long long)i, cols[2][i]);
  }
  return flox_fail(FLOX_E_INTERNAL, "price check disagreed with itself");
}

static int32_t load_columns(flox_engine *e, int32_t symbol, const int64_t *ts_i, const double *ts_f,
                            const double *open, const double *high, const double *low, const double *close,
                            int64_t n) {
  int32_t st = check_load_args(e, n);
  if (st != FLOX_OK) return st;
  if ((ts_i == NULL && ts_f == NULL) || open == NULL || high == NULL || low == NULL || close == NULL)
    return flox_fail(FLOX_E_INVALID_ARG, "a bar column is NULL");
  /* Branch-free scan first (vectorises); the slow pass only runs to name the first bad value. */
  int ok = 1;
  for (int64_t i = 0; i < n; i++) {
    ok &= (open[i] > 0.0) & (open[i] <= DBL_MAX) & (high[i] > 0.0) & (high[i] <= DBL_MAX) & (low[i] > 0.0) &
          (low[i] <= DBL_MAX) & (close[i] > 0.0) & (close[i] <= DBL_MAX) & (high[i] >= low[i]);
  }
  if (!ok) return report_bad_price((const double *[4]){open, high, low, close}, n);
  bar_series *s = series_alloc(n, e->limit_model == FLOX_LIMIT_TOUCH);
  if (s == NULL) return flox_fail(FLOX_E_NOMEM, "out of memory for %lld bars", (long long)n);
  for (int64_t i = 0; i < n; i++) {
    int fits = ts_i ? ts_normalize_i64(ts_i[i], &s->ts[i]) : ts_normalize_f64(ts_f[i], &s->ts[i]);
    if (!fits) {
      series_free(s);
      if (ts_i)
        return flox_fail(FLOX_E_INVALID_ARG, "timestamps[%lld] is %lld; as s/ms/us by magnitude it is beyond the int64 "
                         "nanosecond range", (long long)i, (long long)ts_i[i]);
      return flox_fail(FLOX_E_INVALID_ARG, "timestamps[%lld] is %g; timestamps must be finite and within the int64 "
                       "nanosecond range once scaled by magnitude", (long long)i, ts_f[i]);
    }
  }
  st = series_finish_ts(s);
  if (st != FLOX_OK) {
    series_free(s);
    return st;
  }
  memcpy(s->close, close, (size_t)n * sizeof *close);
  if (s->open) {
    memcpy(s->open, open, (size_t)n * sizeof *open);
    memcpy(s->high, high, (size_t)n * sizeof *high);
    memcpy(s->low, low, (size_t)n * sizeof *low);
  }
  return install(e, symbol, s);
}

int32_t flox_engine_load_bars_i64ts(flox_engine *e, int32_t symbol, const int64_t *ts, const double *open,
                                    const double *high, const double *low, const double *close, const double *volume,
                                    int64_t n) {
  if (ts == NULL && n > 0) return flox_fail(FLOX_E_INVALID_ARG, "ts is NULL");
  return load_columns(e, symbol, ts, NULL, open, high, low, close, n);
}

int32_t flox_engine_load_bars_f64ts(flox_engine *e, int32_t symbol, const double *ts, const double *open,
                                    const double *high, const double *low, const double *close, const double *volume,
                                    int64_t n) {
  if (ts == NULL && n > 0) return flox_fail(FLOX_E_INVALID_ARG, "ts is NULL");
  return load_columns(e, symbol, NULL, ts, open, high, low, close, n);
}

int32_t flox_engine_load_bars_packed(flox_engine *e, int32_t symbol, const uint8_t *records, int64_t n) {
  int32_t st = check_load_args(e, n);
  if (st != FLOX_OK) return st;
  if (records == NULL) return flox_fail(FLOX_E_INVALID_ARG, "records is NULL");
  int ok = 1;
  for (int64_t i = 0; i < n; i++) {
    const uint8_t *r = records + i * FLOX_BAR_RECORD_SIZE;
    int64_t o = load_i64(r + BAR_OPEN), h = load_i64(r + BAR_HIGH), l = load_i64(r + BAR_LOW),
            c = load_i64(r + BAR_CLOSE);
    ok &= (o > 0) & (h > 0) & (l > 0) & (c > 0) & (h >= l);
  }
  if (!ok) {
    for (int64_t i = 0; i < n; i++) {
      const uint8_t *r = records + i * FLOX_BAR_RECORD_SIZE;
      for (int c = 0; c < 4; c++) {
        int64_t v = load_i64(r + BAR_OPEN + 8 * c);
        if (v <= 0)
          return flox_fail(FLOX_E_BAD_PRICE, "%s[%lld] is %g (raw %lld); prices must be > 0", price_names[c],
                           (long long)i, (double)v / 1e8, (long long)v);
      }
      if (load_i64(r + BAR_HIGH) < load_i64(r + BAR_LOW))
        return flox_fail(FLOX_E_BAD_PRICE, "high[%lld] is %g, below low[%lld] = %g; high must be >= low",
                         (long long)i, (double)load_i64(r + BAR_HIGH) / 1e8, (long long)i,
                         (double)load_i64(r + BAR_LOW) / 1e8);
    }
  }
  bar_series *s = series_alloc(n, e->limit_model == FLOX_LIMIT_TOUCH);
  if (s == NULL) return flox_fail(FLOX_E_NOMEM, "out of memory for %lld bars", (long long)n);
  for (int64_t i = 0; i < n; i++) {
    const uint8_t *r = records + i * FLOX_BAR_RECORD_SIZE;
    s->ts[i] = load_i64(r + BAR_TS);
    s->close[i] = (double)load_i64(r + BAR_CLOSE) / 1e8;
  }
  if (s->open) {
    for (int64_t i = 0; i < n; i++) {
      const uint8_t *r = records + i * FLOX_BAR_RECORD_SIZE;
      s->open[i] = (double)load_i64(r + BAR_OPEN) / 1e8;
      s->high[i] = (double)load_i64(r + BAR_HIGH) / 1e8;
      s->low[i] = (double)load_i64(r + BAR_LOW) / 1e8;
    }
  }
  st = series_finish_ts(s);
  if (st != FLOX_OK) {
    series_free(s);
    return st;
  }
  return install(e, symbol, s);
}

int64_t flox_engine_bar_count(const flox_engine *e, int32_t symbol) {
  const bar_series *s = e ? engine_find_series(e, symbol) : NULL;
  return s ? s->n : 0;
}

const bar_series *engine_find_series(const flox_engine *e, int32_t symbol) {
  for (int32_t i = 0; i < e->n_series; i++)
    if (e->series[i]->symbol == symbol) return e->series[i];
  return NULL;
}

void engine_free_series(flox_engine *e) {
  for (int32_t i = 0; i < e->n_series; i++) series_free(e->series[i]);
  free(e->series);
  e->series = NULL;
  e->n_series = e->cap_series = 0;
}
