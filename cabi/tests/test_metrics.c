/* test_metrics.c: the standalone metric functions against empyrical's published test fixtures.
 * Source: quantopian/empyrical, empyrical/tests/test_stats.py (commit 0a9fa58). empyrical's
 * sharpe uses std with ddof=1 and its sortino/downside risk sqrt(mean(min(r,0)^2)), as ours; its
 * max_drawdown is negative (ours is a positive percent); its calmar uses the same annual return.
 * mixed_returns there starts with NaN, which its nan-aware sharpe/sortino skip: we pass the other 8
 * values. See tests/metrics.test.ts for the full notes. */
#include "check.h"
#include "flox.h"

int main(void) {
  double out[FLOX_METRIC_COUNT];
  double positive[] = {.01, .02, .01, .01, .01, .01, .01, .01, .01};
  double negative[] = {0, -.06, -.07, -.01, -.09, -.02, -.06, -.08, -.05};
  double mixed8[] = {.01, .10, -.04, .02, .03, .02, .01, -.10};
  double weekly[] = {0, .01, .10, -.04, .02, .03, .02, .01, -.10};
  CHECK_STATUS(flox_metrics_from_returns(positive, 9, 252, out), FLOX_OK);
  CHECK_NEAR(out[FLOX_METRIC_SHARPE], 52.915026221291804, 1e-8);
  CHECK(isinf(out[FLOX_METRIC_SORTINO]));
  CHECK_NEAR(out[FLOX_METRIC_MAX_DRAWDOWN_PCT], 0, 0);
  CHECK_STATUS(flox_metrics_from_returns(negative, 9, 252, out), FLOX_OK);
  CHECK_NEAR(out[FLOX_METRIC_SHARPE], -24.406808633910085, 1e-8);
  CHECK_NEAR(out[FLOX_METRIC_SORTINO], -13.532743075043401, 1e-8);
  CHECK_NEAR(out[FLOX_METRIC_MAX_DRAWDOWN_PCT], 36.590730349873601, 1e-6);
  CHECK_STATUS(flox_metrics_from_returns(mixed8, 8, 252, out), FLOX_OK);
  CHECK_NEAR(out[FLOX_METRIC_SHARPE], 1.7238613961706866, 1e-8);
  CHECK_NEAR(out[FLOX_METRIC_SORTINO], 2.605531251673693, 1e-8);
  CHECK_NEAR(out[FLOX_METRIC_MAX_DRAWDOWN_PCT], 10, 1e-9);
  CHECK_STATUS(flox_metrics_from_returns(weekly, 9, 252, out), FLOX_OK);
  CHECK_NEAR(out[FLOX_METRIC_ANNUAL_RETURN], 1.9135925373194231, 1e-8);
  CHECK_NEAR(out[FLOX_METRIC_CALMAR], 19.135925373194233, 1e-7);
  CHECK_STATUS(flox_metrics_from_returns(weekly, 9, 52, out), FLOX_OK);
  CHECK_NEAR(out[FLOX_METRIC_CALMAR], 2.4690830513998208, 1e-8);
  CHECK_NEAR(out[FLOX_METRIC_DOWNSIDE_DEV] * sqrt(52), 0.25888650451930134, 1e-8);
  CHECK_STATUS(flox_metrics_from_returns(weekly, 9, 12, out), FLOX_OK);
  CHECK_NEAR(out[FLOX_METRIC_CALMAR], 0.52242061386048144, 1e-8);
  /* Constant returns: std is exactly 0, so sharpe is 0 (not a huge number from rounding). */
  double flat[] = {.01, .01, .01, .01, .01, .01, .01, .01, .01};
  CHECK_STATUS(flox_metrics_from_returns(flat, 9, 252, out), FLOX_OK);
  CHECK_NEAR(out[FLOX_METRIC_SHARPE], 0, 0);
  CHECK_NEAR(out[FLOX_METRIC_STDEV], 0, 0);
  /* n < 2 and n = 0. */
  CHECK_STATUS(flox_metrics_from_returns(flat, 1, 252, out), FLOX_OK);
  CHECK_NEAR(out[FLOX_METRIC_SHARPE], 0, 0);
  CHECK_NEAR(out[FLOX_METRIC_SORTINO], 0, 0);
  CHECK_STATUS(flox_metrics_from_returns(flat, 0, 252, out), FLOX_OK);
  CHECK_NEAR(out[FLOX_METRIC_CALMAR], 0, 0);
  /* Drawdown of an equity series: [100, 110, 99, 105, 120, 90]: worst fall 120 -> 90 = 30, 25%. */
  double eq[] = {100, 110, 99, 105, 120, 90};
  CHECK_STATUS(flox_metrics_drawdown(eq, 6, out), FLOX_OK);
  CHECK_NEAR(out[0], 30, 1e-12);
  CHECK_NEAR(out[1], 25, 1e-12);
  /* [100, 50, 200, 150]: 50% fall from 100 beats the 25% fall from 200 in percent, 50 each in money. */
  double eq2[] = {100, 50, 200, 150};
  CHECK_STATUS(flox_metrics_drawdown(eq2, 4, out), FLOX_OK);
  CHECK_NEAR(out[0], 50, 0);
  CHECK_NEAR(out[1], 50, 0);
  return check_report("test_metrics");
}
