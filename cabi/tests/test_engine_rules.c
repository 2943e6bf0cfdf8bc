/* test_engine_rules.c: hand-computed cases for each matching and accounting rule of
 * spec/engine.md sections 3 and 4 (numbers worked out in the comments). */
#include "test_engine_support.h"

static void fills_at_close(void) {
  /* closes 10 11 12 11 13; buy 2 at bar 1 (fills 11), sell 2 at bar 4 (fills 13), no fee.
   * cash 1000 -> 978 -> 1004; E = 1000 1000 1002 1000 1004. */
  flox_engine *e = new_engine(1000, 0, FLOX_LIMIT_CLOSE);
  double close[] = {10, 11, 12, 11, 13};
  load_closes(e, close, 5);
  sig s[] = {{bar_ns(1), 0, 0, 2, 0}, {bar_ns(4), 1, 0, 2, 0}};
  double st[FLOX_STAT_COUNT], eq[5];
  CHECK_STATUS(run_sigs(e, s, 2, st, eq, 5), FLOX_OK);
  double want_eq[] = {1000, 1000, 1002, 1000, 1004};
  for (int i = 0; i < 5; i++) CHECK_NEAR(eq[i], want_eq[i], 1e-9);
  CHECK_NEAR(st[FLOX_STAT_NET_PNL], 4, 1e-9);
  CHECK_NEAR(st[FLOX_STAT_RETURN_PCT], 0.4, 1e-12);
  CHECK_NEAR(st[FLOX_STAT_REALIZED_PNL], 4, 1e-9);
  CHECK_NEAR(st[FLOX_STAT_UNREALIZED_PNL], 0, 1e-12);
  CHECK_EQ_INT(st[FLOX_STAT_TOTAL_TRADES], 1);
  CHECK_EQ_INT(st[FLOX_STAT_WINNING_TRADES], 1);
  CHECK_NEAR(st[FLOX_STAT_WIN_RATE], 1, 0);
  CHECK(isinf(st[FLOX_STAT_PROFIT_FACTOR]) && st[FLOX_STAT_PROFIT_FACTOR] > 0);
  CHECK_NEAR(st[FLOX_STAT_MAX_DRAWDOWN], 2, 1e-9);
  CHECK_NEAR(st[FLOX_STAT_MAX_DRAWDOWN_PCT], 2.0 / 1002.0 * 100.0, 1e-12);
  CHECK_NEAR(st[FLOX_STAT_PERIODS_PER_YEAR], PPY_1MIN, 1e-6);
  CHECK_NEAR(st[FLOX_STAT_BARS], 5, 0);
  CHECK_NEAR(st[FLOX_STAT_FINAL_EQUITY], 1004, 1e-9);
  double r[] = {0, 0, 1002.0 / 1000 - 1, 1000.0 / 1002 - 1, 1004.0 / 1000 - 1};
  CHECK_NEAR(st[FLOX_STAT_SHARPE], naive_sharpe(r, 5, PPY_1MIN), 1e-9);
  CHECK_NEAR(st[FLOX_STAT_SORTINO], naive_sortino(r, 5, PPY_1MIN), 1e-9);
  /* calmar: ((1004/1000)^(ppy/5) - 1) overflows to inf for a 1-minute year; use a fixed ppy below. */
  CHECK_EQ_INT(flox_engine_trade_count(e), 1);
  int64_t ets[1], xts[1];
  uint8_t side[1];
  double q[1], ep[1], xp[1], pnl[1], fee[1];
  CHECK_STATUS(flox_engine_copy_trades(e, ets, xts, side, q, ep, xp, pnl, fee, 1), FLOX_OK);
  CHECK_EQ_INT(ets[0], bar_ns(1));
  CHECK_EQ_INT(xts[0], bar_ns(4));
  CHECK_EQ_INT(side[0], 0);
  CHECK_NEAR(q[0], 2, 0);
  CHECK_NEAR(ep[0], 11, 1e-12);
  CHECK_NEAR(xp[0], 13, 0);
  CHECK_NEAR(pnl[0], 4, 1e-12);
  CHECK_NEAR(fee[0], 0, 0);
  CHECK_STATUS(flox_engine_copy_trades(e, ets, xts, side, q, ep, xp, pnl, fee, 0), FLOX_E_BUFFER_TOO_SMALL);
  flox_engine_destroy(e);
}

static void calmar_with_fixed_ppy(void) {
  /* ppy 252, closes 100 120 80 90, long 1 from bar 0: E = 1000 1020 980 990 (open position).
   * maxDD 40 = 1020 - 980, pct 40/1020; annual = (990/1000)^(252/4) - 1. */
  flox_engine *e = NULL;
  CHECK_STATUS(flox_engine_create(1000, 0, 252, FLOX_LIMIT_CLOSE, &e), FLOX_OK);
  double close[] = {100, 120, 80, 90};
  load_closes(e, close, 4);
  sig s[] = {{bar_ns(0), 0, 0, 1, 0}};
  double st[FLOX_STAT_COUNT], eq[4];
  CHECK_STATUS(run_sigs(e, s, 1, st, eq, 4), FLOX_OK);
  CHECK_NEAR(eq[1], 1020, 1e-9);
  CHECK_NEAR(eq[2], 980, 1e-9);
  CHECK_NEAR(st[FLOX_STAT_MAX_DRAWDOWN], 40, 1e-9);
  CHECK_NEAR(st[FLOX_STAT_MAX_DRAWDOWN_PCT], 40.0 / 1020 * 100, 1e-12);
  CHECK_NEAR(st[FLOX_STAT_UNREALIZED_PNL], -10, 1e-9);
  CHECK_NEAR(st[FLOX_STAT_REALIZED_PNL], 0, 0);
  CHECK_EQ_INT(st[FLOX_STAT_TOTAL_TRADES], 0);
  CHECK_NEAR(st[FLOX_STAT_PROFIT_FACTOR], 0, 0);
  double annual = pow(990.0 / 1000.0, 252.0 / 4) - 1;
  CHECK_NEAR(st[FLOX_STAT_CALMAR], annual / (40.0 / 1020), 1e-12);
  CHECK_NEAR(st[FLOX_STAT_PERIODS_PER_YEAR], 252, 0);
  double r[] = {0, 0.02, 980.0 / 1020 - 1, 990.0 / 980 - 1};
  CHECK_NEAR(st[FLOX_STAT_SHARPE], naive_sharpe(r, 4, 252), 1e-9);
  CHECK_NEAR(st[FLOX_STAT_SORTINO], naive_sortino(r, 4, 252), 1e-9);
  flox_engine_destroy(e);
}

static void limit_rests_then_fills(void) {
  /* close model: buy limit 8.5 at bar 0; closes 10 9 8 9 -> fills at bar 2 at the close, 8.
   * A sell limit at 100 never fills; a signal after the last bar never fills: unfilled = 2. */
  flox_engine *e = new_engine(1000, 0, FLOX_LIMIT_CLOSE);
  double close[] = {10, 9, 8, 9};
  load_closes(e, close, 4);
  sig s[] = {{bar_ns(0), 0, 1, 1, 8.5}, {bar_ns(0), 1, 1, 1, 100}, {bar_ns(9), 0, 0, 1, 0}};
  double st[FLOX_STAT_COUNT], eq[4];
  CHECK_STATUS(run_sigs(e, s, 3, st, eq, 4), FLOX_OK);
  CHECK_NEAR(eq[1], 1000, 0);
  CHECK_NEAR(eq[2], 1000, 1e-12); /* bought at 8, marked at 8 */
  CHECK_NEAR(eq[3], 1001, 1e-12);
  CHECK_NEAR(st[FLOX_STAT_UNREALIZED_PNL], 1, 1e-12);
  CHECK_EQ_INT(st[FLOX_STAT_UNFILLED_ORDERS], 2);
  /* A buy limit that crosses on its own bar fills at once, at the close (9.5 >= 9). */
  sig s2[] = {{bar_ns(1), 0, 1, 1, 9.5}};
  CHECK_STATUS(run_sigs(e, s2, 1, st, eq, 4), FLOX_OK);
  CHECK_NEAR(eq[1], 1000, 1e-12);
  CHECK_NEAR(eq[2], 999, 1e-12);
  CHECK_EQ_INT(st[FLOX_STAT_UNFILLED_ORDERS], 0);
  flox_engine_destroy(e);
}

static void touch_model(void) {
  /* bar 0: o 10 h 10.5 l 9.8 c 10; bar 1: o 9.4 h 9.9 l 9.0 c 9.6; bar 2: o 10 h 10.5 l 9.9 c 10.1.
   * Buy limit 9.5 at bar 0: low 9.8 > 9.5 rests; bar 1 low 9.0 <= 9.5 fills at min(9.5, open 9.4)
   * = 9.4 (gap through the limit). Sell limit 10.2 at bar 2: high 10.5 >= 10.2 fills at
   * max(10.2, open 10) = 10.2. Trade pnl 0.8 per unit, qty 2 -> 1.6. */
  flox_engine *e = new_engine(1000, 0, FLOX_LIMIT_TOUCH);
  int64_t ts[] = {T0, T0 + 60, T0 + 120};
  double o[] = {10, 9.4, 10}, h[] = {10.5, 9.9, 10.5}, l[] = {9.8, 9.0, 9.9}, c[] = {10, 9.6, 10.1}, v[] = {1, 1, 1};
  CHECK_STATUS(flox_engine_load_bars_i64ts(e, 1, ts, o, h, l, c, v, 3), FLOX_OK);
  sig s[] = {{bar_ns(0), 0, 1, 2, 9.5}, {bar_ns(2), 1, 1, 2, 10.2}};
  double st[FLOX_STAT_COUNT], eq[3];
  CHECK_STATUS(run_sigs(e, s, 2, st, eq, 3), FLOX_OK);
  CHECK_NEAR(eq[1], 1000 - 2 * 9.4 + 2 * 9.6, 1e-9);
  CHECK_NEAR(st[FLOX_STAT_NET_PNL], 1.6, 1e-9);
  int64_t ets[2], xts[2];
  uint8_t sd[2];
  double q[2], ep[2], xp[2], pnl[2], fee[2];
  CHECK_STATUS(flox_engine_copy_trades(e, ets, xts, sd, q, ep, xp, pnl, fee, 2), FLOX_OK);
  CHECK_NEAR(ep[0], 9.4, 1e-12);
  CHECK_NEAR(xp[0], 10.2, 1e-12);
  CHECK_EQ_INT(ets[0], bar_ns(1));
  /* The same orders under the close model never fill: 9.5 < every close, 10.2 > 10.1. */
  flox_engine *ec = new_engine(1000, 0, FLOX_LIMIT_CLOSE);
  CHECK_STATUS(flox_engine_load_bars_i64ts(ec, 1, ts, o, h, l, c, v, 3), FLOX_OK);
  CHECK_STATUS(run_sigs(ec, s, 2, st, eq, 3), FLOX_OK);
  CHECK_EQ_INT(st[FLOX_STAT_UNFILLED_ORDERS], 2);
  CHECK_NEAR(st[FLOX_STAT_NET_PNL], 0, 0);
  flox_engine_destroy(ec);
  flox_engine_destroy(e);
}

static void flip_with_fees(void) {
  /* fee 0.001; closes 10 12 11. Buy 1 at 10: fee 0.01, cash 989.99, pool 0.01.
   * Sell 3 at 12: fee 0.036, cash 1025.954. Closes the long 1: trade fee 0.01 + 0.036/3 = 0.022,
   * gross 2, net 1.978. Opens short 2 at 12 with pool 0.024. E1 = 1025.954 - 24 = 1001.954,
   * E2 = 1025.954 - 22 = 1003.954; unrealized -2 * (11 - 12) = 2; fees 0.046. */
  flox_engine *e = new_engine(1000, 0.001, FLOX_LIMIT_CLOSE);
  double close[] = {10, 12, 11};
  load_closes(e, close, 3);
  sig s[] = {{bar_ns(0), 0, 0, 1, 0}, {bar_ns(1), 1, 0, 3, 0}, {bar_ns(5), 0, 0, 2, 0}};
  double st[FLOX_STAT_COUNT], eq[3];
  CHECK_STATUS(run_sigs(e, s, 3, st, eq, 3), FLOX_OK);
  CHECK_NEAR(eq[0], 999.99, 1e-9);
  CHECK_NEAR(eq[1], 1001.954, 1e-9);
  CHECK_NEAR(eq[2], 1003.954, 1e-9);
  CHECK_NEAR(st[FLOX_STAT_REALIZED_PNL], 2, 1e-12);
  CHECK_NEAR(st[FLOX_STAT_UNREALIZED_PNL], 2, 1e-12);
  CHECK_NEAR(st[FLOX_STAT_TOTAL_FEES], 0.046, 1e-12);
  CHECK_NEAR(st[FLOX_STAT_NET_PNL], 3.954, 1e-9);
  CHECK_EQ_INT(st[FLOX_STAT_UNFILLED_ORDERS], 1);
  int64_t ets[1], xts[1];
  uint8_t sd[1];
  double q[1], ep[1], xp[1], pnl[1], fee[1];
  CHECK_EQ_INT(flox_engine_trade_count(e), 1);
  CHECK_STATUS(flox_engine_copy_trades(e, ets, xts, sd, q, ep, xp, pnl, fee, 1), FLOX_OK);
  CHECK_EQ_INT(sd[0], 0);
  CHECK_NEAR(q[0], 1, 0);
  CHECK_NEAR(fee[0], 0.022, 1e-12);
  CHECK_NEAR(pnl[0], 1.978, 1e-12);
  CHECK_EQ_INT(ets[0], bar_ns(0));
  CHECK_EQ_INT(xts[0], bar_ns(1));
  /* Then covering the short at bar 2 (the third signal moved in): entry ts is the flip bar. */
  sig s2[] = {{bar_ns(0), 0, 0, 1, 0}, {bar_ns(1), 1, 0, 3, 0}, {bar_ns(2), 0, 0, 2, 0}};
  CHECK_STATUS(run_sigs(e, s2, 3, st, eq, 3), FLOX_OK);
  int64_t ets2[2], xts2[2];
  uint8_t sd2[2];
  double q2[2], ep2[2], xp2[2], pnl2[2], fee2[2];
  CHECK_STATUS(flox_engine_copy_trades(e, ets2, xts2, sd2, q2, ep2, xp2, pnl2, fee2, 2), FLOX_OK);
  /* short 2 from 12 covered at 11: gross 2; fee = pool 0.024 + 2*11*0.001 = 0.046; net 1.954 */
  CHECK_EQ_INT(sd2[1], 1);
  CHECK_EQ_INT(ets2[1], bar_ns(1));
  CHECK_EQ_INT(xts2[1], bar_ns(2));
  CHECK_NEAR(fee2[1], 0.046, 1e-12);
  CHECK_NEAR(pnl2[1], 1.954, 1e-12);
  CHECK_EQ_INT(st[FLOX_STAT_WINNING_TRADES], 2);
  flox_engine_destroy(e);
}

static void fee_pro_rating_partial_closes(void) {
  /* fee 0.01; closes 10 11 9. Buy 4 at 10 (fee 0.4 -> pool). Sell 1 at 11 (fee 0.11): trade fee
   * 0.4 * 1/4 + 0.11 = 0.21, net 1 - 0.21 = 0.79, pool 0.3. Sell 3 at 9 (fee 0.27): trade fee
   * 0.3 + 0.27 = 0.57, net -3 - 0.57 = -3.57. Net P&L 1 - 3 - 0.78 = -2.78. */
  flox_engine *e = new_engine(1000, 0.01, FLOX_LIMIT_CLOSE);
  double close[] = {10, 11, 9};
  load_closes(e, close, 3);
  sig s[] = {{bar_ns(0), 0, 0, 4, 0}, {bar_ns(1), 1, 0, 1, 0}, {bar_ns(2), 1, 0, 3, 0}};
  double st[FLOX_STAT_COUNT];
  CHECK_STATUS(run_sigs(e, s, 3, st, NULL, 0), FLOX_OK);
  CHECK_NEAR(st[FLOX_STAT_NET_PNL], -2.78, 1e-9);
  CHECK_NEAR(st[FLOX_STAT_TOTAL_FEES], 0.78, 1e-12);
  CHECK_EQ_INT(st[FLOX_STAT_TOTAL_TRADES], 2);
  CHECK_EQ_INT(st[FLOX_STAT_WINNING_TRADES], 1);
  CHECK_EQ_INT(st[FLOX_STAT_LOSING_TRADES], 1);
  CHECK_NEAR(st[FLOX_STAT_GROSS_PROFIT], 0.79, 1e-12);
  CHECK_NEAR(st[FLOX_STAT_GROSS_LOSS], 3.57, 1e-12);
  CHECK_NEAR(st[FLOX_STAT_PROFIT_FACTOR], 0.79 / 3.57, 1e-12);
  CHECK_NEAR(st[FLOX_STAT_WIN_RATE], 0.5, 0);
  double fee[2], pnl[2], q[2], ep[2], xp[2];
  int64_t ets[2], xts[2];
  uint8_t sd[2];
  CHECK_STATUS(flox_engine_copy_trades(e, ets, xts, sd, q, ep, xp, pnl, fee, 2), FLOX_OK);
  CHECK_NEAR(fee[0], 0.21, 1e-12);
  CHECK_NEAR(fee[1], 0.57, 1e-12);
  CHECK_NEAR(pnl[0], 0.79, 1e-12);
  CHECK_NEAR(pnl[1], -3.57, 1e-12);
  /* Adding to a position averages the entry: buy 1 at 10, buy 1 at 11 -> avg 10.5; sell 2 at 9. */
  sig s2[] = {{bar_ns(0), 0, 0, 1, 0}, {bar_ns(1), 0, 0, 1, 0}, {bar_ns(2), 1, 0, 2, 0}};
  CHECK_STATUS(run_sigs(e, s2, 3, st, NULL, 0), FLOX_OK);
  CHECK_STATUS(flox_engine_copy_trades(e, ets, xts, sd, q, ep, xp, pnl, fee, 2), FLOX_OK);
  CHECK_NEAR(ep[0], 10.5, 1e-12);
  CHECK_NEAR(st[FLOX_STAT_REALIZED_PNL], -3, 1e-12);
  CHECK_EQ_INT(ets[0], bar_ns(0));
  flox_engine_destroy(e);
}

static void stable_order_and_same_bar(void) {
  /* Signals out of order are sorted by ts; equal ts keep input order. Here buy 1 and sell 1 both
   * at bar 1 (in that order): open and close at 11 -> one trade, pnl 0. Reversed input order
   * (sell first) opens a short and covers it: also one trade, side short. */
  flox_engine *e = new_engine(1000, 0, FLOX_LIMIT_CLOSE);
  double close[] = {10, 11, 12};
  load_closes(e, close, 3);
  sig s[] = {{bar_ns(2), 0, 0, 5, 0}, {bar_ns(1), 0, 0, 1, 0}, {bar_ns(1), 1, 0, 1, 0}};
  double st[FLOX_STAT_COUNT];
  CHECK_STATUS(run_sigs(e, s, 3, st, NULL, 0), FLOX_OK);
  uint8_t sd[3];
  double q[3], ep[3], xp[3], pnl[3], fee[3];
  int64_t ets[3], xts[3];
  CHECK_EQ_INT(flox_engine_trade_count(e), 1);
  CHECK_STATUS(flox_engine_copy_trades(e, ets, xts, sd, q, ep, xp, pnl, fee, 3), FLOX_OK);
  CHECK_EQ_INT(sd[0], 0);
  sig r[] = {{bar_ns(2), 0, 0, 5, 0}, {bar_ns(1), 1, 0, 1, 0}, {bar_ns(1), 0, 0, 1, 0}};
  CHECK_STATUS(run_sigs(e, r, 3, st, NULL, 0), FLOX_OK);
  CHECK_STATUS(flox_engine_copy_trades(e, ets, xts, sd, q, ep, xp, pnl, fee, 3), FLOX_OK);
  CHECK_EQ_INT(sd[0], 1);
  /* Signals before the first bar are submitted at bar 0. */
  sig early[] = {{bar_ns(0) - 3600000000000LL, 0, 0, 1, 0}};
  CHECK_STATUS(run_sigs(e, early, 1, st, NULL, 0), FLOX_OK);
  CHECK_NEAR(st[FLOX_STAT_UNREALIZED_PNL], 2, 1e-12);
  flox_engine_destroy(e);
}

static void median_interval(void) {
  /* Intervals 60 60 120 60 3600 (s): median 60. Intervals 60, 120: median of even count 90. */
  flox_engine *e = new_engine(1000, 0, FLOX_LIMIT_CLOSE);
  int64_t ts[] = {T0, T0 + 60, T0 + 120, T0 + 240, T0 + 300, T0 + 3900};
  double p[] = {1, 1, 1, 1, 1, 1};
  CHECK_STATUS(flox_engine_load_bars_i64ts(e, 1, ts, p, p, p, p, p, 6), FLOX_OK);
  double st[FLOX_STAT_COUNT];
  CHECK_STATUS(flox_engine_run(e, 1, (const uint8_t *)"", 0, st, 0, NULL, 0), FLOX_OK);
  CHECK_NEAR(st[FLOX_STAT_PERIODS_PER_YEAR], 365.25 * 86400 / 60, 1e-6);
  int64_t ts2[] = {T0, T0 + 60, T0 + 180};
  CHECK_STATUS(flox_engine_load_bars_i64ts(e, 1, ts2, p, p, p, p, p, 3), FLOX_OK);
  CHECK_STATUS(flox_engine_run(e, 1, (const uint8_t *)"", 0, st, 0, NULL, 0), FLOX_OK);
  CHECK_NEAR(st[FLOX_STAT_PERIODS_PER_YEAR], 365.25 * 86400 / 90, 1e-6);
  CHECK_STATUS(flox_engine_load_bars_i64ts(e, 1, ts2, p, p, p, p, p, 1), FLOX_OK);
  CHECK_STATUS(flox_engine_run(e, 1, (const uint8_t *)"", 0, st, 0, NULL, 0), FLOX_OK);
  CHECK_NEAR(st[FLOX_STAT_PERIODS_PER_YEAR], 1, 0);
  CHECK_NEAR(st[FLOX_STAT_SHARPE], 0, 0);
  flox_engine_destroy(e);
}

static void timestamp_units_agree(void) {
  /* The same bars in s, ms, us and ns (and as float64 seconds) give identical stats. */
  double close[] = {10, 11, 9, 12, 12.5};
  double stats[5][FLOX_STAT_COUNT];
  int64_t scale[] = {1, 1000, 1000000, 1000000000};
  sig s[] = {{bar_ns(1), 0, 0, 3, 0}, {bar_ns(3), 1, 0, 1, 0}};
  for (int u = 0; u < 5; u++) {
    flox_engine *e = new_engine(1000, 0.0005, FLOX_LIMIT_CLOSE);
    int64_t ts[5];
    double tsf[5], v[5] = {1, 1, 1, 1, 1};
    for (int i = 0; i < 5; i++) {
      ts[i] = (T0 + 60 * i) * (u < 4 ? scale[u] : 1);
      tsf[i] = (double)(T0 + 60 * i);
    }
    if (u < 4) CHECK_STATUS(flox_engine_load_bars_i64ts(e, 1, ts, close, close, close, close, v, 5), FLOX_OK);
    else CHECK_STATUS(flox_engine_load_bars_f64ts(e, 1, tsf, close, close, close, close, v, 5), FLOX_OK);
    CHECK_STATUS(run_sigs(e, s, 2, stats[u], NULL, 0), FLOX_OK);
    flox_engine_destroy(e);
  }
  for (int u = 1; u < 5; u++) CHECK(memcmp(stats[0], stats[u], sizeof stats[0]) == 0);
}

static void packed_bars_equal_columns(void) {
  double close[] = {10.5, 11.25, 9.125};
  int64_t ts[3];
  uint8_t rec[3 * 48];
  for (int i = 0; i < 3; i++) {
    ts[i] = bar_ns(i);
    int64_t raw[6] = {ts[i], (int64_t)(close[i] * 1e8), (int64_t)(close[i] * 1e8), (int64_t)(close[i] * 1e8),
                      (int64_t)(close[i] * 1e8), 100000000};
    memcpy(rec + 48 * i, raw, 48);
  }
  flox_engine *a = new_engine(1000, 0.001, FLOX_LIMIT_TOUCH), *b = new_engine(1000, 0.001, FLOX_LIMIT_TOUCH);
  double v[3] = {1, 1, 1};
  CHECK_STATUS(flox_engine_load_bars_i64ts(a, 1, ts, close, close, close, close, v, 3), FLOX_OK);
  CHECK_STATUS(flox_engine_load_bars_packed(b, 1, rec, 3), FLOX_OK);
  sig s[] = {{bar_ns(0), 0, 1, 1, 11}, {bar_ns(1), 1, 0, 2, 0}};
  double sa[FLOX_STAT_COUNT], sb[FLOX_STAT_COUNT];
  CHECK_STATUS(run_sigs(a, s, 2, sa, NULL, 0), FLOX_OK);
  CHECK_STATUS(run_sigs(b, s, 2, sb, NULL, 0), FLOX_OK);
  CHECK(memcmp(sa, sb, sizeof sa) == 0);
  CHECK_EQ_INT(flox_engine_bar_count(b, 1), 3);
  CHECK_EQ_INT(flox_engine_bar_count(b, 2), 0);
  /* Unaligned records are fine. */
  uint8_t shifted[3 * 48 + 1];
  memcpy(shifted + 1, rec, sizeof rec);
  CHECK_STATUS(flox_engine_load_bars_packed(b, 2, shifted + 1, 3), FLOX_OK);
  CHECK_EQ_INT(flox_engine_bar_count(b, 2), 3);
  flox_engine_destroy(a);
  flox_engine_destroy(b);
}

int main(void) {
  fills_at_close();
  calmar_with_fixed_ppy();
  limit_rests_then_fills();
  touch_model();
  flip_with_fees();
  fee_pro_rating_partial_closes();
  stable_order_and_same_bar();
  median_interval();
  timestamp_units_agree();
  packed_bars_equal_columns();
  return check_report("test_engine_rules");
}
