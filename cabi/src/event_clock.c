/* event_clock.c: turns a chunk of trade columns into what the TypeScript backtest loop reads:
 * timestamps normalised to ns, checked non-decreasing, and float64 offsets from the run's clock base
 * (so the per-event loop compares plain numbers instead of bigints). One call per chunk. */
#include "flox.h"
#include "error.h"

#include <math.h>

/* spec/engine.md section 1: |t| < 1e12 seconds, < 1e15 ms, < 1e18 us, else ns. */
static int normalise_ts(int64_t t, int64_t *out) {
  const int64_t a = t < 0 ? -t : t;
  int64_t scale = 1;
  if (a < 1000000000000LL) scale = 1000000000LL;
  else if (a < 1000000000000000LL) scale = 1000000LL;
  else if (a < 1000000000000000000LL) scale = 1000LL;
  if (scale == 1) {
    *out = t;
    return 1;
  }
  return !__builtin_mul_overflow(t, scale, out);
}

int32_t flox_bt_prepare(const int64_t *ts, const double *price, const double *qty, const uint8_t *kinds,
                        int32_t flags, int64_t n, int64_t first_index, int64_t base, int64_t prev_ts,
                        int64_t *ts_out, double *t_out, int64_t *clock_out) {
  const int has_kinds = (flags & FLOX_BT_KINDS) != 0, tape_order = (flags & FLOX_BT_TAPE_ORDER) != 0;
  const char *op = "BacktestRunner";
  if (n < 0) return flox_fail(FLOX_E_INVALID_ARG, "%s: length is %lld; must be >= 0", op, (long long)n);
  if (clock_out == NULL) return flox_fail(FLOX_E_INVALID_ARG, "%s: clock_out is NULL", op);
  if (n > 0 && (ts == NULL || price == NULL || qty == NULL || ts_out == NULL || t_out == NULL || (has_kinds && kinds == NULL))) {
    return flox_fail(FLOX_E_INVALID_ARG, "%s: a column is NULL", op);
  }
  /* Check everything before writing, so a failed call leaves the outputs untouched. */
  int64_t prev = prev_ts;
  for (int64_t i = 0; i < n; i++) {
    const long long at = (long long)(first_index + i);
    int64_t t;
    if (!normalise_ts(ts[i], &t)) return flox_fail(FLOX_E_INVALID_ARG, "%s: tsNs[%lld] (%lld) overflows ns", op, at, (long long)ts[i]);
    if (t < prev && !tape_order) {
      return flox_fail(FLOX_E_UNSORTED, "%s: tsNs[%lld] (%lld ns) is before the previous event (%lld ns)", op, at,
                       (long long)t, (long long)prev);
    }
    if (t > prev) prev = t;
    if (has_kinds && kinds[i] != 1) continue; /* book updates: their levels were checked by the tape reader */
    if (!(price[i] > 0 && price[i] < INFINITY)) {
      return flox_fail(FLOX_E_BAD_PRICE, "%s: price[%lld] is %g; must be finite and > 0", op, at, price[i]);
    }
    if (!(qty[i] >= 0 && qty[i] < INFINITY)) {
      return flox_fail(FLOX_E_BAD_QUANTITY, "%s: qty[%lld] is %g; must be finite and >= 0", op, at, qty[i]);
    }
  }
  int64_t clock = prev_ts;
  for (int64_t i = 0; i < n; i++) {
    int64_t t;
    normalise_ts(ts[i], &t);
    ts_out[i] = t;
    if (t > clock) clock = t; /* in tape order a late event keeps the clock where it was */
    t_out[i] = (double)(clock - base);
  }
  *clock_out = clock;
  return FLOX_OK;
}
