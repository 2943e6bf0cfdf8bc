/* signals.c: packing signal columns into 32-byte records, validating packed records, and the
 * stable order in which a run submits them. */
#include "engine_internal.h"
#include "error.h"

#include <math.h>

_Static_assert(FLOX_SIGNAL_RECORD_SIZE == 32, "packed signal record is 32 bytes");

/* round_half_away_from_zero(x * 1e8) when it fits int64 (spec 1). */
static int to_raw(double x, int64_t *raw) {
  double r = round(x * 1e8);
  if (!(r > -9223372036854775808.0 && r < 9223372036854775808.0)) return 0;
  *raw = (int64_t)r;
  return 1;
}

static int32_t make_signals(const int64_t *ts_i, const double *ts_f, const uint8_t *sides, const double *qty,
                            const double *prices, int32_t has_prices, const uint8_t *types, int32_t has_types,
                            int64_t n, uint8_t *out, int64_t out_len) {
  if (n < 0) return flox_fail(FLOX_E_INVALID_ARG, "length is %lld; must be >= 0", (long long)n);
  if (n > 0 && ((ts_i == NULL && ts_f == NULL) || sides == NULL || qty == NULL || out == NULL ||
                (has_prices && prices == NULL) || (has_types && types == NULL)))
    return flox_fail(FLOX_E_INVALID_ARG, "a signal column or the output is NULL");
  if (out_len < n * FLOX_SIGNAL_RECORD_SIZE)
    return flox_fail(FLOX_E_BUFFER_TOO_SMALL, "output has %lld bytes; %lld signals need %lld", (long long)out_len,
                     (long long)n, (long long)(n * FLOX_SIGNAL_RECORD_SIZE));
  /* Validate everything before writing anything. */
  for (int64_t i = 0; i < n; i++) {
    int64_t ns, raw;
    if (ts_i ? !ts_normalize_i64(ts_i[i], &ns) : !ts_normalize_f64(ts_f[i], &ns)) {
      if (ts_i)
        return flox_fail(FLOX_E_INVALID_ARG, "timestamps[%lld] is %lld; as s/ms/us by magnitude it is beyond the "
                         "int64 nanosecond range", (long long)i, (long long)ts_i[i]);
      return flox_fail(FLOX_E_INVALID_ARG, "timestamps[%lld] is %g; timestamps must be finite and within the int64 "
                       "nanosecond range once scaled by magnitude", (long long)i, ts_f[i]);
    }
    if (sides[i] > 1)
      return flox_fail(FLOX_E_BAD_SIDE, "sides[%lld] is %u; must be 0 (buy) or 1 (sell)", (long long)i, sides[i]);
    uint8_t type = has_types ? types[i] : FLOX_ORDER_MARKET;
    if (type > 1)
      return flox_fail(FLOX_E_BAD_ORDER_TYPE, "types[%lld] is %u; must be 0 (market) or 1 (limit)", (long long)i,
                       type);
    if (!(qty[i] > 0.0 && isfinite(qty[i])))
      return flox_fail(FLOX_E_BAD_QUANTITY, "quantities[%lld] is %g; must be finite and > 0", (long long)i, qty[i]);
    if (!to_raw(qty[i], &raw) || raw < 1)
      return flox_fail(FLOX_E_BAD_QUANTITY, "quantities[%lld] is %g; must be between 1e-8 and 9.2e10 (stored as "
                       "units of 1e-8)", (long long)i, qty[i]);
    if (type == FLOX_ORDER_LIMIT) {
      if (!has_prices)
        return flox_fail(FLOX_E_MISSING_PRICE, "types[%lld] is 1 (limit) but no prices were given", (long long)i);
      double p = prices[i];
      if (isnan(p) || p == 0.0)
        return flox_fail(FLOX_E_MISSING_PRICE, "prices[%lld] is %g; a limit order needs a price > 0", (long long)i,
                         p);
      if (!(p > 0.0 && isfinite(p)) || !to_raw(p, &raw) || raw < 1)
        return flox_fail(FLOX_E_BAD_PRICE, "prices[%lld] is %g; limit prices must be finite, >= 1e-8 and < 9.2e10",
                         (long long)i, p);
    }
  }
  for (int64_t i = 0; i < n; i++) {
    uint8_t *r = out + i * FLOX_SIGNAL_RECORD_SIZE;
    int64_t ns = 0, q = 0, p = 0;
    if (ts_i) ts_normalize_i64(ts_i[i], &ns);
    else ts_normalize_f64(ts_f[i], &ns);
    to_raw(qty[i], &q);
    if (has_prices && isfinite(prices[i])) to_raw(prices[i], &p);
    memset(r, 0, FLOX_SIGNAL_RECORD_SIZE);
    memcpy(r + SIG_TS, &ns, 8);
    memcpy(r + SIG_QTY, &q, 8);
    memcpy(r + SIG_PRICE, &p, 8);
    r[SIG_SIDE] = sides[i];
    r[SIG_TYPE] = has_types ? types[i] : FLOX_ORDER_MARKET;
  }
  return FLOX_OK;
}

int32_t flox_make_signals(const int64_t *ts, const uint8_t *sides, const double *qty, const double *prices,
                          int32_t has_prices, const uint8_t *types, int32_t has_types, int64_t n, uint8_t *out,
                          int64_t out_len) {
  return make_signals(ts, NULL, sides, qty, prices, has_prices, types, has_types, n, out, out_len);
}

int32_t flox_make_signals_f64ts(const double *ts, const uint8_t *sides, const double *qty, const double *prices,
                                int32_t has_prices, const uint8_t *types, int32_t has_types, int64_t n, uint8_t *out,
                                int64_t out_len) {
  return make_signals(NULL, ts, sides, qty, prices, has_prices, types, has_types, n, out, out_len);
}

int32_t signals_validate(const uint8_t *recs, int64_t n, const char *prefix, int *sorted) {
  int64_t prev_ts = INT64_MIN;
  int in_order = 1;
  uint64_t total = 0; /* sum of quantities: bounds |position| so it can never overflow */
  for (int64_t i = 0; i < n; i++) {
    const uint8_t *r = recs + i * FLOX_SIGNAL_RECORD_SIZE;
    int64_t ts = load_i64(r + SIG_TS), q = load_i64(r + SIG_QTY), p = load_i64(r + SIG_PRICE);
    uint8_t side = r[SIG_SIDE], type = r[SIG_TYPE];
    if (__builtin_expect(side > 1, 0))
      return flox_fail(FLOX_E_BAD_SIDE, "%sside[%lld] is %u; must be 0 (buy) or 1 (sell)", prefix, (long long)i, side);
    if (__builtin_expect(type > 1, 0))
      return flox_fail(FLOX_E_BAD_ORDER_TYPE, "%stype[%lld] is %u; must be 0 (market) or 1 (limit)", prefix,
                       (long long)i, type);
    if (__builtin_expect(q <= 0, 0))
      return flox_fail(FLOX_E_BAD_QUANTITY, "%squantity[%lld] is %g (raw %lld); must be > 0", prefix, (long long)i,
                       (double)q / 1e8, (long long)q);
    if (__builtin_expect(type == FLOX_ORDER_LIMIT && p <= 0, 0)) {
      if (p == 0)
        return flox_fail(FLOX_E_MISSING_PRICE, "%sprice[%lld] is 0; a limit order needs a price > 0", prefix,
                         (long long)i);
      return flox_fail(FLOX_E_BAD_PRICE, "%sprice[%lld] is %g (raw %lld); limit prices must be > 0", prefix,
                       (long long)i, (double)p / 1e8, (long long)p);
    }
    total += (uint64_t)q;
    if (__builtin_expect(total > (uint64_t)INT64_MAX, 0))
      return flox_fail(FLOX_E_BAD_QUANTITY, "%squantity[%lld]: the quantities up to here add up to more than "
                       "9.2e10; the position would not fit int64 units of 1e-8", prefix, (long long)i);
    in_order &= ts >= prev_ts;
    prev_ts = ts;
  }
  *sorted = in_order;
  return FLOX_OK;
}

/* Bottom-up merge sort of indices by ts; equal timestamps keep input order (stable). */
void signals_stable_order(const uint8_t *recs, int64_t n, int64_t *order, int64_t *tmp) {
  for (int64_t i = 0; i < n; i++) order[i] = i;
  int64_t *src = order, *dst = tmp;
  for (int64_t width = 1; width < n; width *= 2) {
    for (int64_t lo = 0; lo < n; lo += 2 * width) {
      int64_t mid = lo + width < n ? lo + width : n;
      int64_t hi = lo + 2 * width < n ? lo + 2 * width : n;
      int64_t a = lo, b = mid, k = lo;
      while (a < mid && b < hi) {
        int64_t ta = load_i64(recs + src[a] * FLOX_SIGNAL_RECORD_SIZE);
        int64_t tb = load_i64(recs + src[b] * FLOX_SIGNAL_RECORD_SIZE);
        dst[k++] = tb < ta ? src[b++] : src[a++];
      }
      while (a < mid) dst[k++] = src[a++];
      while (b < hi) dst[k++] = src[b++];
    }
    int64_t *t = src;
    src = dst;
    dst = t;
  }
  if (src != order) memcpy(order, src, (size_t)n * sizeof *order);
}
