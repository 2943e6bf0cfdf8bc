/* test_engine_errors.c: every rejected input gets its status and a message naming the argument and
 * index, and a failed call leaves the engine as it was. */
#include "test_engine_support.h"

#define CHECK_MSG(needle)                                                                   \
  do {                                                                                      \
    check_count++;                                                                          \
    if (strstr(flox_last_error(), (needle)) == NULL) {                                      \
      check_failures++;                                                                     \
      fprintf(stderr, "%s:%d: message \"%s\" lacks \"%s\"\n", __FILE__, __LINE__, flox_last_error(), (needle)); \
    }                                                                                       \
  } while (0)

static void create_errors(void) {
  flox_engine *e = NULL;
  CHECK_STATUS(flox_engine_create(0, 0, 0, 0, &e), FLOX_E_INVALID_ARG);
  CHECK_MSG("initialCapital");
  CHECK_STATUS(flox_engine_create(NAN, 0, 0, 0, &e), FLOX_E_INVALID_ARG);
  CHECK_STATUS(flox_engine_create(100, -0.1, 0, 0, &e), FLOX_E_INVALID_ARG);
  CHECK_MSG("feeRate");
  CHECK_STATUS(flox_engine_create(100, 0, -1, 0, &e), FLOX_E_INVALID_ARG);
  CHECK_MSG("periodsPerYear");
  CHECK_STATUS(flox_engine_create(100, 0, 0, 2, &e), FLOX_E_INVALID_ARG);
  CHECK(e == NULL);
  flox_engine_destroy(NULL);
}

static void load_errors_change_nothing(void) {
  flox_engine *e = new_engine(1000, 0, FLOX_LIMIT_CLOSE);
  double close[] = {10, 11, 12, 11, 13};
  load_closes(e, close, 5);
  sig s[] = {{bar_ns(1), 0, 0, 2, 0}};
  double before[FLOX_STAT_COUNT], after[FLOX_STAT_COUNT];
  CHECK_STATUS(run_sigs(e, s, 1, before, NULL, 0), FLOX_OK);

  int64_t ts[] = {T0, T0 + 60, T0 + 120};
  double ok[] = {1, 2, 3}, bad[] = {1, 2, -1}, nan[] = {1, NAN, 3}, inf[] = {INFINITY, 1, 1}, lo[] = {1, 3, 1};
  CHECK_STATUS(flox_engine_load_bars_i64ts(e, 1, ts, ok, ok, ok, bad, ok, 3), FLOX_E_BAD_PRICE);
  CHECK_MSG("close[2] is -1");
  CHECK_STATUS(flox_engine_load_bars_i64ts(e, 1, ts, nan, ok, ok, ok, ok, 3), FLOX_E_BAD_PRICE);
  CHECK_MSG("open[1] is nan");
  CHECK_STATUS(flox_engine_load_bars_i64ts(e, 1, ts, ok, inf, ok, ok, ok, 3), FLOX_E_BAD_PRICE);
  CHECK_MSG("high[0] is inf");
  CHECK_STATUS(flox_engine_load_bars_i64ts(e, 1, ts, ok, ok, lo, ok, ok, 3), FLOX_E_BAD_PRICE);
  CHECK_MSG("high[1] is 2, below low[1] = 3");
  int64_t dup[] = {T0, T0 + 60, T0 + 60}, back[] = {T0, T0 - 60, T0 + 60};
  CHECK_STATUS(flox_engine_load_bars_i64ts(e, 1, dup, ok, ok, ok, ok, ok, 3), FLOX_E_UNSORTED);
  CHECK_MSG("timestamps[2]");
  CHECK_STATUS(flox_engine_load_bars_i64ts(e, 1, back, ok, ok, ok, ok, ok, 3), FLOX_E_UNSORTED);
  CHECK_MSG("timestamps[1]");
  int64_t huge[] = {900000000000LL, 900000000060LL, 900000000120LL}; /* seconds beyond int64 ns */
  CHECK_STATUS(flox_engine_load_bars_i64ts(e, 1, huge, ok, ok, ok, ok, ok, 3), FLOX_E_INVALID_ARG);
  CHECK_MSG("timestamps[0]");
  double tsf[] = {1e9, NAN, 1e9 + 120};
  CHECK_STATUS(flox_engine_load_bars_f64ts(e, 1, tsf, ok, ok, ok, ok, ok, 3), FLOX_E_INVALID_ARG);
  CHECK_MSG("timestamps[1]");
  CHECK_STATUS(flox_engine_load_bars_i64ts(e, 1, ts, ok, ok, ok, ok, ok, 0), FLOX_E_INVALID_ARG);
  uint8_t rec[2 * 48] = {0};
  int64_t r0[6] = {bar_ns(0), 100, 100, 100, 100, 0}, r1[6] = {bar_ns(1), 100, 100, 100, 0, 0};
  memcpy(rec, r0, 48);
  memcpy(rec + 48, r1, 48);
  CHECK_STATUS(flox_engine_load_bars_packed(e, 1, rec, 2), FLOX_E_BAD_PRICE);
  CHECK_MSG("close[1]");
  r1[4] = 100;
  r1[0] = bar_ns(0);
  memcpy(rec + 48, r1, 48);
  CHECK_STATUS(flox_engine_load_bars_packed(e, 1, rec, 2), FLOX_E_UNSORTED);

  CHECK_EQ_INT(flox_engine_bar_count(e, 1), 5);
  CHECK_STATUS(run_sigs(e, s, 1, after, NULL, 0), FLOX_OK);
  CHECK(memcmp(before, after, sizeof before) == 0);
  flox_engine_destroy(e);
}

static void signal_errors(void) {
  flox_engine *e = new_engine(1000, 0, FLOX_LIMIT_CLOSE);
  double close[] = {10, 11, 12};
  load_closes(e, close, 3);
  double st[FLOX_STAT_COUNT];
  /* Before loading: NO_DATA for another symbol. */
  CHECK_STATUS(flox_engine_run(e, 7, (const uint8_t *)"", 0, st, 0, NULL, 0), FLOX_E_NO_DATA);
  CHECK_MSG("symbol 7");

  /* make_signals rejects bad columns, naming them. */
  int64_t ts[] = {bar_ns(0), bar_ns(1)};
  uint8_t sides[] = {0, 2}, types[] = {0, 1}, out[64];
  double qty[] = {1, 1}, px[] = {0, 5};
  CHECK_STATUS(flox_make_signals(ts, sides, qty, px, 1, types, 1, 2, out, 64), FLOX_E_BAD_SIDE);
  CHECK_MSG("sides[1] is 2");
  sides[1] = 1;
  types[1] = 3;
  CHECK_STATUS(flox_make_signals(ts, sides, qty, px, 1, types, 1, 2, out, 64), FLOX_E_BAD_ORDER_TYPE);
  CHECK_MSG("types[1] is 3");
  types[1] = 1;
  qty[0] = 0;
  CHECK_STATUS(flox_make_signals(ts, sides, qty, px, 1, types, 1, 2, out, 64), FLOX_E_BAD_QUANTITY);
  CHECK_MSG("quantities[0]");
  qty[0] = -1;
  CHECK_STATUS(flox_make_signals(ts, sides, qty, px, 1, types, 1, 2, out, 64), FLOX_E_BAD_QUANTITY);
  qty[0] = NAN;
  CHECK_STATUS(flox_make_signals(ts, sides, qty, px, 1, types, 1, 2, out, 64), FLOX_E_BAD_QUANTITY);
  qty[0] = 1;
  px[1] = 0;
  CHECK_STATUS(flox_make_signals(ts, sides, qty, px, 1, types, 1, 2, out, 64), FLOX_E_MISSING_PRICE);
  CHECK_MSG("prices[1]");
  CHECK_STATUS(flox_make_signals(ts, sides, qty, px, 0, types, 1, 2, out, 64), FLOX_E_MISSING_PRICE);
  CHECK_MSG("types[1] is 1 (limit)");
  px[1] = -3;
  CHECK_STATUS(flox_make_signals(ts, sides, qty, px, 1, types, 1, 2, out, 64), FLOX_E_BAD_PRICE);
  px[1] = 5;
  CHECK_STATUS(flox_make_signals(ts, sides, qty, px, 1, types, 1, 2, out, 63), FLOX_E_BUFFER_TOO_SMALL);
  CHECK_STATUS(flox_make_signals(ts, sides, qty, px, 1, types, 1, 2, out, 64), FLOX_OK);

  /* Packed records corrupted after packing are rejected by run, with the index. */
  CHECK_STATUS(flox_engine_run(e, 1, out, 2, st, 0, NULL, 0), FLOX_OK);
  sig keep[] = {{bar_ns(0), 0, 0, 1, 0}, {bar_ns(1), 1, 0, 1, 0}};
  double before[FLOX_STAT_COUNT], after[FLOX_STAT_COUNT];
  CHECK_STATUS(run_sigs(e, keep, 2, before, NULL, 0), FLOX_OK);
  int64_t trades_before = flox_engine_trade_count(e);
  uint8_t bad[64];
  memcpy(bad, out, 64);
  bad[32 + 24] = 2;
  CHECK_STATUS(flox_engine_run(e, 1, bad, 2, st, 0, NULL, 0), FLOX_E_BAD_SIDE);
  CHECK_MSG("side[1] is 2; must be 0 (buy) or 1 (sell)");
  memcpy(bad, out, 64);
  bad[25] = 9;
  CHECK_STATUS(flox_engine_run(e, 1, bad, 2, st, 0, NULL, 0), FLOX_E_BAD_ORDER_TYPE);
  CHECK_MSG("type[0] is 9");
  memcpy(bad, out, 64);
  memset(bad + 32 + 8, 0, 8);
  CHECK_STATUS(flox_engine_run(e, 1, bad, 2, st, 0, NULL, 0), FLOX_E_BAD_QUANTITY);
  CHECK_MSG("quantity[1]");
  memcpy(bad, out, 64);
  memset(bad + 32 + 16, 0, 8);
  CHECK_STATUS(flox_engine_run(e, 1, bad, 2, st, 0, NULL, 0), FLOX_E_MISSING_PRICE);
  CHECK_MSG("price[1]");
  int64_t big = INT64_MAX / 2 + 1;
  memcpy(bad, out, 64);
  memcpy(bad + 8, &big, 8);
  memcpy(bad + 40, &big, 8);
  CHECK_STATUS(flox_engine_run(e, 1, bad, 2, st, 0, NULL, 0), FLOX_E_BAD_QUANTITY);
  double eq[2];
  CHECK_STATUS(flox_engine_run(e, 1, out, 2, st, 1, eq, 2), FLOX_E_BUFFER_TOO_SMALL);
  CHECK_MSG("3 bars");
  /* None of the failures touched the last run's trades. */
  CHECK_EQ_INT(flox_engine_trade_count(e), trades_before);
  CHECK_STATUS(run_sigs(e, keep, 2, after, NULL, 0), FLOX_OK);
  CHECK(memcmp(before, after, sizeof before) == 0);
  flox_engine_destroy(e);
}

static void metric_errors(void) {
  double out[FLOX_METRIC_COUNT];
  double r[] = {0.1, NAN};
  CHECK_STATUS(flox_metrics_from_returns(r, 2, 252, out), FLOX_E_INVALID_ARG);
  CHECK_MSG("returns[1] is nan");
  CHECK_STATUS(flox_metrics_from_returns(r, 1, 0, out), FLOX_E_INVALID_ARG);
  CHECK_MSG("periodsPerYear");
  double eq[] = {0, 1};
  CHECK_STATUS(flox_metrics_drawdown(eq, 2, out), FLOX_E_INVALID_ARG);
  CHECK_MSG("equity[0]");
}

int main(void) {
  create_errors();
  load_errors_change_nothing();
  signal_errors();
  metric_errors();
  return check_report("test_engine_errors");
}
