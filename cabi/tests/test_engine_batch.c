/* test_engine_batch.c: a batch gives exactly the stats of sequential single runs, in input order,
 * on any thread count; bad sets and cancellation fail the whole call. */
#include "test_engine_support.h"

#include <stdlib.h>

#define NB 2000
#define NSETS 37
#define MAXSIG 300

static uint64_t rng = 88172645463325252ULL;
static double urand(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (double)(rng >> 11) / 9007199254740992.0;
}

int main(void) {
  static int64_t ts[NB];
  static double o[NB], h[NB], l[NB], c[NB], v[NB];
  double px = 100;
  for (int i = 0; i < NB; i++) {
    ts[i] = (T0 + 60 * i) * 1000; /* ms */
    o[i] = px;
    px *= 1 + (urand() - 0.5) * 0.01;
    c[i] = px;
    h[i] = (o[i] > c[i] ? o[i] : c[i]) * (1 + urand() * 0.002);
    l[i] = (o[i] < c[i] ? o[i] : c[i]) * (1 - urand() * 0.002);
    v[i] = 1;
  }
  static uint8_t sets[NSETS][MAXSIG * 32];
  uint64_t addrs[NSETS];
  int64_t counts[NSETS];
  for (int s = 0; s < NSETS; s++) {
    int n = s == 5 ? 0 : 1 + (int)(urand() * (MAXSIG - 1));
    int64_t sts[MAXSIG];
    uint8_t sides[MAXSIG], types[MAXSIG];
    double qty[MAXSIG], prices[MAXSIG];
    for (int k = 0; k < n; k++) {
      /* Some before the first bar, some after the last; unsorted in odd sets. */
      double at = (s % 2 ? urand() : (double)k / n) * (NB + 40) - 20;
      sts[k] = (T0 + (int64_t)(at * 60)) * 1000000000LL;
      sides[k] = urand() < 0.5;
      types[k] = urand() < 0.3;
      qty[k] = 0.01 + urand() * 3;
      prices[k] = 100 * (0.9 + urand() * 0.2);
    }
    CHECK_STATUS(flox_make_signals(sts, sides, qty, prices, 1, types, 1, n, sets[s], MAXSIG * 32), FLOX_OK);
    addrs[s] = (uint64_t)(uintptr_t)sets[s];
    counts[s] = n;
  }
  for (int model = 0; model < 2; model++) {
    flox_engine *e = new_engine(10000, 0.0004, model);
    CHECK_STATUS(flox_engine_load_bars_i64ts(e, 3, ts, o, h, l, c, v, NB), FLOX_OK);
    static double seq[NSETS][FLOX_STAT_COUNT];
    for (int s = 0; s < NSETS; s++) CHECK_STATUS(flox_engine_run(e, 3, sets[s], counts[s], seq[s], 0, NULL, 0), FLOX_OK);
    for (int threads = 0; threads <= 3; threads++) {
      static double bat[NSETS][FLOX_STAT_COUNT];
      memset(bat, 0xff, sizeof bat);
      flox_progress *p = NULL;
      CHECK_STATUS(flox_progress_create(&p), FLOX_OK);
      CHECK_STATUS(flox_engine_run_batch(e, 3, addrs, counts, NSETS, threads, &bat[0][0], p), FLOX_OK);
      CHECK_EQ_INT(flox_progress_done(p), NSETS);
      CHECK_EQ_INT(flox_progress_total(p), NSETS);
      CHECK(memcmp(seq, bat, sizeof bat) == 0);
      CHECK(strcmp(flox_engine_batch_message(e), "") == 0);
      flox_progress_destroy(p);
    }
    /* Sanity: the sets did trade and hit every path. */
    double trades = 0, unfilled = 0;
    for (int s = 0; s < NSETS; s++) {
      trades += seq[s][FLOX_STAT_TOTAL_TRADES];
      unfilled += seq[s][FLOX_STAT_UNFILLED_ORDERS];
    }
    CHECK(trades > 100);
    CHECK(unfilled > 10);

    /* A bad set fails the call before any run, naming the set and the record. */
    static double bat[NSETS][FLOX_STAT_COUNT];
    memset(bat, 0, sizeof bat);
    uint8_t saved = sets[7][32 * 0 + 24];
    sets[7][24] = 4;
    flox_progress *p = NULL;
    CHECK_STATUS(flox_progress_create(&p), FLOX_OK);
    CHECK_STATUS(flox_engine_run_batch(e, 3, addrs, counts, NSETS, 2, &bat[0][0], p), FLOX_E_BAD_SIDE);
    CHECK(strstr(flox_last_error(), "set 7: side[0] is 4") != NULL);
    CHECK(strstr(flox_engine_batch_message(e), "set 7: side[0] is 4") != NULL);
    CHECK_EQ_INT(flox_progress_done(p), 0);
    double zero[NSETS][FLOX_STAT_COUNT] = {{0}};
    CHECK(memcmp(bat, zero, sizeof bat) == 0);
    sets[7][24] = saved;
    /* Cancelled before it starts: CANCELLED, nothing done. */
    flox_progress_reset(p);
    flox_progress_cancel(p);
    CHECK_STATUS(flox_engine_run_batch(e, 3, addrs, counts, NSETS, 2, &bat[0][0], p), FLOX_E_CANCELLED);
    CHECK_EQ_INT(flox_progress_done(p), 0);
    flox_progress_destroy(p);
    /* Argument errors. */
    CHECK_STATUS(flox_engine_run_batch(e, 3, addrs, counts, NSETS, -1, &bat[0][0], NULL), FLOX_E_INVALID_ARG);
    CHECK_STATUS(flox_engine_run_batch(e, 4, addrs, counts, NSETS, 1, &bat[0][0], NULL), FLOX_E_NO_DATA);
    int64_t neg[1] = {-1};
    CHECK_STATUS(flox_engine_run_batch(e, 3, addrs, neg, 1, 1, &bat[0][0], NULL), FLOX_E_INVALID_ARG);
    CHECK(strstr(flox_last_error(), "set 0") != NULL);
    CHECK_STATUS(flox_engine_run_batch(e, 3, addrs, counts, 0, 1, &bat[0][0], NULL), FLOX_OK);
    /* Regular series find bars by arithmetic, irregular ones by searching ts: moving the last bar
     * 1 ns later makes the series irregular without changing any fill, so every stat must match. */
    static int64_t ts2[NB];
    memcpy(ts2, ts, sizeof ts);
    ts2[NB - 1] = ts[NB - 1] * 1000000 + 1; /* ms -> ns, plus 1 ns */
    for (int i = 0; i < NB - 1; i++) ts2[i] = ts[i] * 1000000;
    CHECK_STATUS(flox_engine_load_bars_i64ts(e, 9, ts2, o, h, l, c, v, NB), FLOX_OK);
    for (int s = 0; s < NSETS; s++) {
      double irregular[FLOX_STAT_COUNT];
      CHECK_STATUS(flox_engine_run(e, 9, sets[s], counts[s], irregular, 0, NULL, 0), FLOX_OK);
      CHECK(memcmp(irregular, seq[s], sizeof irregular) == 0);
    }
    flox_engine_destroy(e);
  }
  return check_report("test_engine_batch");
}
