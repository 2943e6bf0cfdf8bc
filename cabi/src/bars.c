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

typedef double v2d __attribute__((vector_size(16)));
typedef int64_t v2i __attribute__((vector_size(16)));
typedef uint64_t v2u __attribute__((vector_size(16)));

/* Copies close into dst and returns 1 when every open/high/low/close is finite and > 0 and
 * high >= low; branch-free, two lanes at a time, so the common (valid) case costs a copy. */
FLOX_HOT static int prices_ok_copy(const double *open, const double *high, const double *low, const double *close,
                          double *dst, int64_t n) {
  const v2d zero = {0.0, 0.0}, max = {DBL_MAX, DBL_MAX};
  v2i ok = {-1, -1};
  int64_t i = 0;
  for (; i + 2 <= n; i += 2) {
    v2d o, h, l, c;
    memcpy(&o, open + i, 16);
    memcpy(&h, high + i, 16);
    memcpy(&l, low + i, 16);
    memcpy(&c, close + i, 16);
    ok &= (o > zero) & (o <= max) & (h > zero) & (h <= max) & (l > zero) & (l <= max) & (c > zero) & (c <= max) &
          (h >= l);
    memcpy(dst + i, &c, 16);
  }
  int good = ok[0] == -1 && ok[1] == -1;
  for (; i < n; i++) {
    double o = open[i], h = high[i], l = low[i], c = close[i];
    good &= (o > 0.0) & (o <= DBL_MAX) & (h > 0.0) & (h <= DBL_MAX) & (l > 0.0) & (l <= DBL_MAX) & (c > 0.0) &
            (c <= DBL_MAX) & (h >= l);
    dst[i] = c;
  }
  return good;
}

/* Fast path for int64 timestamps that are all positive, all in the unit of the first one, and small
 * enough not to overflow when scaled: one branch-free range check, then a plain multiply (or a copy
 * for ns). Returns 0 (nothing decided) otherwise; the per-element path then handles them. */
FLOX_HOT static int ts_i64_fast(const int64_t *ts, int64_t *out, int64_t n) {
  static const uint64_t lower[4] = {0, 1000000000000ULL, 1000000000000000ULL, 1000000000000000000ULL};
  static const uint64_t upper[4] = {999999999999ULL, 999999999999999ULL, 999999999999999999ULL,
                                    (uint64_t)INT64_MAX};
  static const int64_t scale[4] = {1000000000, 1000000, 1000, 1};
  if (n == 0 || ts[0] < 0) return 0;
  int u = 0;
  while (u < 3 && (uint64_t)ts[0] >= lower[u + 1]) u++;
  uint64_t lo = lower[u], hi = upper[u];
  if (hi > (uint64_t)INT64_MAX / (uint64_t)scale[u]) hi = (uint64_t)INT64_MAX / (uint64_t)scale[u];
  const v2u lov = {lo, lo}, hiv = {hi, hi};
  v2u in = {~0ULL, ~0ULL};
  int64_t i = 0;
  for (; i + 2 <= n; i += 2) {
    v2u t;
    memcpy(&t, ts + i, 16);
    in &= (v2u)((t >= lov) & (t <= hiv));
  }
  int all = in[0] && in[1];
  for (; i < n; i++) all &= (uint64_t)ts[i] >= lo && (uint64_t)ts[i] <= hi;
  if (!all) return 0;
  if (scale[u] == 1) {
    memcpy(out, ts, (size_t)n * sizeof *ts);
  } else {
    const int64_t k = scale[u];
    for (int64_t j = 0; j < n; j++) out[j] = ts[j] * k;
  }
  return 1;
}

/* Packed records: checks every price raw > 0 and high >= low, and fills ts and close (plus
 * open/high/low for the touch model) in one branch-free pass; returns 1 when all were valid. */
FLOX_HOT static int packed_ok_copy(const uint8_t *records, int64_t n, bar_series *s) {
  int ok = 1;
  for (int64_t i = 0; i < n; i++) {
    const uint8_t *r = records + i * FLOX_BAR_RECORD_SIZE;
    int64_t o = load_i64(r + BAR_OPEN), h = load_i64(r + BAR_HIGH), l = load_i64(r + BAR_LOW),
            c = load_i64(r + BAR_CLOSE);
    ok &= (o > 0) & (h > 0) & (l > 0) & (c > 0) & (h >= l);
    s->ts[i] = load_i64(r + BAR_TS);
    s->close[i] = (double)c / 1e8;
  }
  if (ok && s->open) {
    for (int64_t i = 0; i < n; i++) {
      const uint8_t *r = records + i * FLOX_BAR_RECORD_SIZE;
      s->open[i] = (double)load_i64(r + BAR_OPEN) / 1e8;
      s->high[i] = (double)load_i64(r + BAR_HIGH) / 1e8;
      s->low[i] = (double)load_i64(r + BAR_LOW) / 1e8;
    }
  }
  return ok;
}

static const char *const price_names[4] = {"open", "high", "low", "close"};

static bar_series *series_alloc(flox_engine *e, int64_t n, int with_ohl) {
  bar_series *s = calloc(1, sizeof *s);
  if (s == NULL) return NULL;
  size_t bytes = (size_t)n * 8 * (with_ohl ? 5 : 2);
  void *block;
  if (e->spare_block != NULL && e->spare_bytes >= bytes) {
    block = e->spare_block;
    bytes = e->spare_bytes;
    e->spare_block = NULL;
    e->spare_bytes = 0;
  } else if ((block = malloc(bytes)) == NULL) {
    free(s);
    return NULL;
  }
  s->block_bytes = bytes;
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

/* Frees a series, keeping its block as the engine's spare when it is the larger one. */
static void series_release(flox_engine *e, bar_series *s) {
  if (s == NULL) return;
  if (e != NULL && s->block_bytes >= e->spare_bytes) {
    free(e->spare_block);
    e->spare_block = s->ts;
    e->spare_bytes = s->block_bytes;
  } else {
    free(s->ts);
  }
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
FLOX_HOT static int32_t series_finish_ts(bar_series *s) {
  const int64_t *ts = s->ts;
  int64_t n = s->n;
  s->regular_dt = 0;
  if (n < 2) {
    s->auto_periods_per_year = 1.0;
    return FLOX_OK;
  }
  /* One branch-free pass: order check and the counts around the first interval d0. */
  uint64_t d0 = (uint64_t)ts[1] - (uint64_t)ts[0];
  int64_t lt = 0, eq = 0, unordered = 0;
  for (int64_t i = 1; i < n; i++) {
    uint64_t d = (uint64_t)ts[i] - (uint64_t)ts[i - 1];
    unordered += ts[i] <= ts[i - 1];
    lt += d < d0;
    eq += d == d0;
  }
  if (unordered)
    for (int64_t i = 1; i < n; i++)
      if (ts[i] <= ts[i - 1])
        return flox_fail(FLOX_E_UNSORTED, "timestamps[%lld] is %lld ns, not after timestamps[%lld] = %lld ns; bar "
                         "timestamps must be strictly increasing", (long long)i, (long long)ts[i], (long long)(i - 1),
                         (long long)ts[i - 1]);
  int64_t m = n - 1;
  int64_t lo = (m - 1) / 2, hi = m / 2; /* the middle rank(s) */
  double median;
  s->regular_dt = eq == m && d0 <= (uint64_t)INT64_MAX ? (int64_t)d0 : 0;
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
      series_release(e, e->series[i]);
      e->series[i] = s;
      return FLOX_OK;
    }
  }
  if (e->n_series == e->cap_series) {
    int32_t cap = e->cap_series ? e->cap_series * 2 : 4;
    bar_series **grown = realloc(e->series, (size_t)cap * sizeof *grown);
    if (grown == NULL) {
      series_release(e, s);
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
  bar_series *s = series_alloc(e, n, e->limit_model == FLOX_LIMIT_TOUCH);
  if (s == NULL) return flox_fail(FLOX_E_NOMEM, "out of memory for %lld bars", (long long)n);
  if (!prices_ok_copy(open, high, low, close, s->close, n)) {
    series_release(e, s);
    return report_bad_price((const double *[4]){open, high, low, close}, n);
  }
  if (s->open) {
    memcpy(s->open, open, (size_t)n * sizeof *open);
    memcpy(s->high, high, (size_t)n * sizeof *high);
    memcpy(s->low, low, (size_t)n * sizeof *low);
  }
  if (ts_i && ts_i64_fast(ts_i, s->ts, n)) goto timestamps_done;
  int fits = 1;
  if (ts_i)
    for (int64_t i = 0; i < n; i++) fits &= ts_normalize_i64(ts_i[i], &s->ts[i]);
  else
    for (int64_t i = 0; i < n; i++) fits &= ts_normalize_f64(ts_f[i], &s->ts[i]);
  if (!fits) {
    series_release(e, s);
    int64_t ns;
    for (int64_t i = 0; i < n; i++) {
      if (ts_i && !ts_normalize_i64(ts_i[i], &ns))
        return flox_fail(FLOX_E_INVALID_ARG, "timestamps[%lld] is %lld; as s/ms/us by magnitude it is beyond the "
                         "int64 nanosecond range", (long long)i, (long long)ts_i[i]);
      if (!ts_i && !ts_normalize_f64(ts_f[i], &ns))
        return flox_fail(FLOX_E_INVALID_ARG, "timestamps[%lld] is %g; timestamps must be finite and within the "
                         "int64 nanosecond range once scaled by magnitude", (long long)i, ts_f[i]);
    }
    return flox_fail(FLOX_E_INTERNAL, "timestamp check disagreed with itself");
  }
timestamps_done:
  st = series_finish_ts(s);
  if (st != FLOX_OK) {
    series_release(e, s);
    return st;
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
  bar_series *s = series_alloc(e, n, e->limit_model == FLOX_LIMIT_TOUCH);
  if (s == NULL) return flox_fail(FLOX_E_NOMEM, "out of memory for %lld bars", (long long)n);
  if (!packed_ok_copy(records, n, s)) {
    series_release(e, s);
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
    return flox_fail(FLOX_E_INTERNAL, "packed price check disagreed with itself");
  }
  st = series_finish_ts(s);
  if (st != FLOX_OK) {
    series_release(e, s);
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
  for (int32_t i = 0; i < e->n_series; i++) series_release(NULL, e->series[i]);
  free(e->series);
  free(e->spare_block);
  e->spare_block = NULL;
  e->spare_bytes = 0;
  e->series = NULL;
  e->n_series = e->cap_series = 0;
}
