/* metrics.c: metric formulas of spec/engine.md section 4, used by the engine and exported as
 * standalone functions over a returns or equity array. */
#include "metrics.h"

#include "error.h"
#include "flox.h"

#include <math.h>

void acc_finish(const ret_acc *a, double ppy, ret_metrics *m) {
  ret_acc t = *a;
  acc_close_window(&t); /* the window still open at the end */
  double n = (double)t.n;
  m->max_dd = t.max_dd;
  m->max_dd_pct = t.max_dd_pct;
  m->mean = t.n > 0 ? t.sum / n : 0.0;
  m->downside = t.n > 0 ? sqrt(t.d2 / n) : 0.0;
  m->stdev = 0.0;
  m->sharpe = 0.0;
  m->sortino = 0.0;
  if (t.n >= 2) {
    double var = (t.s2 - t.s1 * t.s1 / n) / (n - 1.0);
    m->stdev = var > 0.0 ? sqrt(var) : 0.0;
    if (m->stdev > 0.0) m->sharpe = m->mean / m->stdev * sqrt(ppy);
    if (t.d2 > 0.0) m->sortino = m->mean / m->downside * sqrt(ppy);
    else if (m->mean > 0.0) m->sortino = INFINITY; /* gains and not one losing period */
  }
  double growth = t.last / t.e0;
  m->total_return = growth - 1.0;
  if (t.n == 0) m->annual_return = 0.0;
  else m->annual_return = growth > 0.0 ? pow(growth, ppy / n) - 1.0 : -1.0;
  m->calmar = m->max_dd_pct > 0.0 ? m->annual_return / (m->max_dd_pct / 100.0) : 0.0;
}

int32_t flox_metrics_from_returns(const double *returns, int64_t n, double ppy, double *out) {
  if (out == NULL || (returns == NULL && n > 0))
    return flox_fail(FLOX_E_INVALID_ARG, "returns and out must not be NULL");
  if (n < 0) return flox_fail(FLOX_E_INVALID_ARG, "length is %lld; must be >= 0", (long long)n);
  if (!(ppy > 0.0 && isfinite(ppy)))
    return flox_fail(FLOX_E_INVALID_ARG, "periodsPerYear is %g; must be finite and > 0", ppy);
  for (int64_t i = 0; i < n; i++)
    if (!isfinite(returns[i]))
      return flox_fail(FLOX_E_INVALID_ARG, "returns[%lld] is %g; returns must be finite", (long long)i, returns[i]);
  ret_acc a;
  acc_init(&a, 1.0);
  double e = 1.0;
  for (int64_t i = 0; i < n; i++) {
    acc_return(&a, returns[i]);
    e *= 1.0 + returns[i];
    acc_equity(&a, e);
  }
  ret_metrics m;
  acc_finish(&a, ppy, &m);
  out[FLOX_METRIC_SHARPE] = m.sharpe;
  out[FLOX_METRIC_SORTINO] = m.sortino;
  out[FLOX_METRIC_CALMAR] = m.calmar;
  out[FLOX_METRIC_MAX_DRAWDOWN] = m.max_dd;
  out[FLOX_METRIC_MAX_DRAWDOWN_PCT] = m.max_dd_pct;
  out[FLOX_METRIC_TOTAL_RETURN] = m.total_return;
  out[FLOX_METRIC_ANNUAL_RETURN] = m.annual_return;
  out[FLOX_METRIC_MEAN] = m.mean;
  out[FLOX_METRIC_STDEV] = m.stdev;
  out[FLOX_METRIC_DOWNSIDE_DEV] = m.downside;
  return FLOX_OK;
}

int32_t flox_metrics_drawdown(const double *equity, int64_t n, double *out) {
  if (out == NULL || (equity == NULL && n > 0))
    return flox_fail(FLOX_E_INVALID_ARG, "equity and out must not be NULL");
  if (n < 0) return flox_fail(FLOX_E_INVALID_ARG, "length is %lld; must be >= 0", (long long)n);
  for (int64_t i = 0; i < n; i++)
    if (!isfinite(equity[i]))
      return flox_fail(FLOX_E_INVALID_ARG, "equity[%lld] is %g; equity must be finite", (long long)i, equity[i]);
  /* The first value is the first peak; percentages are relative to peaks, so it must be > 0. */
  if (n > 0 && !(equity[0] > 0.0))
    return flox_fail(FLOX_E_INVALID_ARG, "equity[0] is %g; the starting equity must be > 0", equity[0]);
  out[0] = out[1] = 0.0;
  if (n == 0) return FLOX_OK;
  ret_acc a;
  acc_init(&a, equity[0]);
  for (int64_t i = 1; i < n; i++) acc_equity(&a, equity[i]);
  ret_acc t = a;
  acc_close_window(&t);
  out[0] = t.max_dd;
  out[1] = t.max_dd_pct;
  return FLOX_OK;
}
