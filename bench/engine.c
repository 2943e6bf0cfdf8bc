/* bench/engine.c: the engine's cost in C alone (no FFI), on the workload of issue 2:
 * 100,000 one-minute bars of a deterministic random walk, SMA(10)/SMA(30) cross signals.
 * Times: loadBars (columns and packed), one run, and a 1000-set batch (a permutation test: each
 * set is the SMA cross of a shuffled-returns path, run against the real bars) on 2 threads.
 * Prints the median of several repetitions and ns per bar-step.
 * Usage: build/bench_engine [bars=100000] [sets=1000] [threads=2] */
#define _POSIX_C_SOURCE 200809L
#include "flox.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* FLOX_BENCH_CLOCK=cpu measures CPU time of the process instead of wall time: on a shared, busy
 * machine that is what the engine itself cost (for the batch, divide by the threads used). */
static clockid_t bench_clock = CLOCK_MONOTONIC;
static double now_ms(void) {
  struct timespec t;
  clock_gettime(bench_clock, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double best_ms; /* minimum of the last median() input: less sensitive to a busy machine */
static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp_d);
  best_ms = v[0];
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static double urand(void) { /* xorshift64*, deterministic */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return (double)((rng_state * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

/* SMA(10)/SMA(30) cross on `px`. The seed's strategy (flip = 0): buy 1 when fast > slow while flat,
 * sell it when fast < slow while long. flip = 1: always in the market, reversing on each cross (the
 * first cross opens 1, later ones trade 2), the engine's worst case (no flat bars to skip).
 * Writes packed signals; returns the count. */
static int flip = 0;
static int64_t sma_cross(const double *px, const int64_t *ts_ns, int64_t n, uint8_t *out, int64_t cap) {
  static int64_t sts[200000];
  static uint8_t sides[200000];
  static double qty[200000];
  double f = 0, s = 0;
  int prev = 0;
  int64_t k = 0;
  for (int64_t i = 0; i < n; i++) {
    f += px[i];
    s += px[i];
    if (i >= 10) f -= px[i - 10];
    if (i >= 30) s -= px[i - 30];
    if (i < 29) continue;
    double fast = f / 10, slow = s / 30;
    int state = fast > slow ? 1 : fast < slow ? -1 : prev;
    if (!flip && state < 0 && prev == 0) continue; /* long-only starts with a buy */
    if (state != prev && k < cap) {
      sts[k] = ts_ns[i];
      sides[k] = state > 0 ? 0 : 1;
      qty[k] = prev == 0 || !flip ? 1 : 2;
      k++;
      prev = state;
    }
  }
  if (flox_make_signals(sts, sides, qty, qty, 0, sides, 0, k, out, cap * 32) != FLOX_OK) {
    fprintf(stderr, "make_signals: %s\n", flox_last_error());
    exit(1);
  }
  return k;
}

int main(int argc, char **argv) {
  int64_t n = argc > 1 ? atoll(argv[1]) : 100000;
  int sets = argc > 2 ? atoi(argv[2]) : 1000;
  int threads = argc > 3 ? atoi(argv[3]) : 2;
  flip = getenv("FLOX_BENCH_FLIP") != NULL && strcmp(getenv("FLOX_BENCH_FLIP"), "1") == 0;
  const char *clock_name = getenv("FLOX_BENCH_CLOCK");
  if (clock_name && strcmp(clock_name, "cpu") == 0) bench_clock = CLOCK_PROCESS_CPUTIME_ID;
  printf("clock: %s; strategy: %s\n", bench_clock == CLOCK_MONOTONIC ? "wall" : "process CPU time",
         flip ? "SMA cross, always in the market (FLOX_BENCH_FLIP=1)" : "SMA cross, long only (the seed's)");
  int64_t *ts = malloc(n * 8);
  double *o = malloc(n * 8), *h = malloc(n * 8), *l = malloc(n * 8), *c = malloc(n * 8), *v = malloc(n * 8);
  uint8_t *packed = malloc(n * 48);
  double px = 40000;
  for (int64_t i = 0; i < n; i++) {
    ts[i] = (1704067200LL + 60 * i) * 1000000000LL;
    o[i] = px;
    px *= exp((urand() - 0.5) * 0.004);
    c[i] = px;
    h[i] = fmax(o[i], c[i]) * (1 + urand() * 0.001);
    l[i] = fmin(o[i], c[i]) * (1 - urand() * 0.001);
    v[i] = 1 + urand() * 10;
    int64_t rec[6] = {ts[i], llround(o[i] * 1e8), llround(h[i] * 1e8), llround(l[i] * 1e8), llround(c[i] * 1e8),
                      llround(v[i] * 1e8)};
    memcpy(packed + 48 * i, rec, 48);
  }
  flox_engine *e = NULL;
  if (flox_engine_create(100000, 0.0001, 0, FLOX_LIMIT_CLOSE, &e) != FLOX_OK) return 1;

  enum { REPS = 21 };
  double t[REPS];
  for (int r = 0; r < REPS; r++) {
    double t0 = now_ms();
    if (flox_engine_load_bars_i64ts(e, 1, ts, o, h, l, c, v, n) != FLOX_OK) return 1;
    t[r] = now_ms() - t0;
  }
  double load_cols = median(t, REPS), load_cols_best = best_ms;
  for (int r = 0; r < REPS; r++) {
    double t0 = now_ms();
    if (flox_engine_load_bars_packed(e, 1, packed, n) != FLOX_OK) return 1;
    t[r] = now_ms() - t0;
  }
  double load_packed = median(t, REPS), load_packed_best = best_ms;

  /* The real strategy's signals. */
  int64_t cap = n;
  uint8_t *sig = malloc(cap * 32);
  int64_t m = sma_cross(c, ts, n, sig, cap);
  double stats[FLOX_STAT_COUNT];
  for (int r = 0; r < REPS; r++) {
    double t0 = now_ms();
    if (flox_engine_run(e, 1, sig, m, stats, 0, NULL, 0) != FLOX_OK) return 1;
    t[r] = now_ms() - t0;
  }
  double run_ms = median(t, REPS), run_best = best_ms;
  double net = stats[FLOX_STAT_NET_PNL], trades = stats[FLOX_STAT_TOTAL_TRADES], sharpe = stats[FLOX_STAT_SHARPE];
  /* One buy at the first bar: one 100k-bar hold stretch, the per-bar cost alone. */
  int64_t one = 1;
  double hold_ms, hold_best;
  {
    uint8_t s1[32];
    uint8_t side0 = 0;
    double q1 = 1;
    flox_make_signals(&ts[0], &side0, &q1, &q1, 0, &side0, 0, 1, s1, 32);
    for (int r = 0; r < REPS; r++) {
      double t0 = now_ms();
      flox_engine_run(e, 1, s1, one, stats, 0, NULL, 0);
      t[r] = now_ms() - t0;
    }
    hold_ms = median(t, REPS);
    hold_best = best_ms;
  }

  /* Permutation sets: shuffle log returns, rebuild a path, SMA-cross it. */
  uint8_t **bufs = malloc(sets * sizeof *bufs);
  uint64_t *addrs = malloc(sets * 8);
  int64_t *counts = malloc(sets * 8);
  double *rets = malloc(n * 8), *path = malloc(n * 8);
  int64_t total_signals = 0;
  for (int s = 0; s < sets; s++) {
    for (int64_t i = 1; i < n; i++) rets[i] = log(c[i] / c[i - 1]);
    if (s > 0)
      for (int64_t i = n - 1; i > 1; i--) { /* Fisher-Yates on rets[1..n-1] */
        int64_t j = 1 + (int64_t)(urand() * (double)i);
        double tmp = rets[i];
        rets[i] = rets[j];
        rets[j] = tmp;
      }
    path[0] = c[0];
    for (int64_t i = 1; i < n; i++) path[i] = path[i - 1] * exp(rets[i]);
    bufs[s] = malloc(cap * 32);
    counts[s] = sma_cross(path, ts, n, bufs[s], cap);
    addrs[s] = (uint64_t)(uintptr_t)bufs[s];
    total_signals += counts[s];
  }
  double *bstats = malloc((size_t)sets * FLOX_STAT_COUNT * 8);
  enum { BREPS = 7 };
  double bt[BREPS];
  for (int r = 0; r < BREPS; r++) {
    double t0 = now_ms();
    if (flox_engine_run_batch(e, 1, addrs, counts, sets, threads, bstats, NULL) != FLOX_OK) {
      fprintf(stderr, "batch: %s\n", flox_last_error());
      return 1;
    }
    bt[r] = now_ms() - t0;
  }
  double batch_ms = median(bt, BREPS), batch_best = best_ms;
  double p_ge = 0;
  for (int s = 0; s < sets; s++) p_ge += bstats[s * FLOX_STAT_COUNT + FLOX_STAT_NET_PNL] >= bstats[FLOX_STAT_NET_PNL];

  printf("bars %lld, signals %lld (real), %.0f per permuted set on average\n", (long long)n, (long long)m,
         (double)total_signals / sets);
  printf("real run: net %.2f, trades %.0f, sharpe %.4f; permutation p-value %.4f\n", net, trades, sharpe,
         p_ge / sets);
  printf("(median, min of the repetitions)\n");
  printf("load columns     %8.3f ms  min %8.3f  (%.2f ns/bar)\n", load_cols, load_cols_best, load_cols * 1e6 / n);
  printf("load packed      %8.3f ms  min %8.3f  (%.2f ns/bar)\n", load_packed, load_packed_best,
         load_packed * 1e6 / n);
  printf("single run       %8.3f ms  min %8.3f  (%.2f ns/bar-step)\n", run_ms, run_best, run_ms * 1e6 / n);
  printf("hold-only run    %8.3f ms  min %8.3f  (%.2f ns/bar-step; one buy at bar 0)\n", hold_ms, hold_best,
         hold_ms * 1e6 / n);
  printf("batch %4d x %d thr %8.3f ms  min %8.3f  (%.2f ns/bar-step; %.2f per thread)\n", sets, threads, batch_ms,
         batch_best, batch_ms * 1e6 / ((double)n * sets), batch_ms * 1e6 * threads / ((double)n * sets));
  flox_engine_destroy(e);
  return 0;
}
