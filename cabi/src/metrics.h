/* metrics.h: the return and drawdown accumulators shared by the engine's per-bar loop and the
 * standalone metric functions, so both use one set of formulas (internal). */
#ifndef FLOX_METRICS_H
#define FLOX_METRICS_H

#include <stdint.h>

/* Accumulates per-period returns and the equity path in O(1) per step.
 * Variance uses sums shifted by K, the first non-zero return seen: with the shift, returns that are
 * all equal give a variance of exactly 0 and the one-pass formula does not lose digits to
 * cancellation (mean - K is of the order of the spread). Zeros seen before K is known contribute
 * exactly 0 and are re-expressed when K is set. Drawdown tracks the running peak and the lowest
 * equity since that peak; the largest fall from a peak is always at that trough, so no division
 * is needed per step. */
typedef struct ret_acc {
  int64_t n;           /* returns seen */
  double sum;          /* sum of r */
  double k;            /* shift */
  double s1, s2;       /* sum of (r - k), (r - k)^2 */
  double d2;           /* sum of min(r, 0)^2 */
  int k_set;
  double e0, peak, trough, last; /* equity: start, running peak, lowest since peak, latest */
  double max_dd, max_dd_pct;     /* of completed peak windows */
} ret_acc;

static inline void acc_init(ret_acc *a, double e0) {
  *a = (ret_acc){0};
  a->e0 = a->peak = a->trough = a->last = e0;
}

static inline void acc_close_window(ret_acc *a) {
  double dd = a->peak - a->trough;
  if (dd > a->max_dd) a->max_dd = dd;
  double pct = dd / a->peak * 100.0;
  if (pct > a->max_dd_pct) a->max_dd_pct = pct;
}

static inline void acc_return(ret_acc *a, double r) {
  if (__builtin_expect(!a->k_set, 0) && r != 0.0) {
    a->k = r;
    a->s1 = -r * (double)a->n; /* the zeros so far, shifted */
    a->s2 = r * r * (double)a->n;
    a->k_set = 1;
  }
  a->n++;
  a->sum += r;
  double d = r - a->k;
  a->s1 += d;
  a->s2 += d * d;
  double m = 0.5 * (r - __builtin_fabs(r)); /* min(r, 0), exact and branch-free */
  a->d2 += m * m;
}

/* z returns of exactly 0 (flat stretches) in O(1). */
static inline void acc_zeros(ret_acc *a, int64_t z) {
  a->n += z;
  a->s1 -= a->k * (double)z;
  a->s2 += a->k * a->k * (double)z;
}

static inline void acc_equity(ret_acc *a, double e) {
  if (e > a->peak) {
    acc_close_window(a);
    a->peak = a->trough = e;
  } else if (e < a->trough) {
    a->trough = e;
  }
  a->last = e;
}

/* Final metrics: sharpe, sortino, calmar, max drawdown (currency and percent). */
typedef struct ret_metrics {
  double sharpe, sortino, calmar, max_dd, max_dd_pct, total_return, annual_return, mean, stdev, downside;
} ret_metrics;

void acc_finish(const ret_acc *a, double periods_per_year, ret_metrics *m);

#endif
