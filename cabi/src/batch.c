/* batch.c: many independent runs against one bar series on a pool of native threads. Phase 1
 * validates every set (in parallel), phase 2 runs them; each thread reuses one scratch for all its
 * runs, so no allocation happens per run. Results land in input order. */
#include "engine_internal.h"
#include "error.h"
#include "progress.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct batch_job {
  const flox_engine *e;
  const bar_series *s;
  const uint64_t *addrs;
  const int64_t *counts;
  int64_t n_sets, max_count;
  double *stats;
  flox_progress *progress;
  uint8_t *sorted;  /* per set, from phase 1 */
  uint8_t *invalid; /* per set, from phase 1 */
  _Atomic int64_t next_validate, validated, next_run, runs_done;
  _Atomic int any_invalid, cancelled;
} batch_job;

static const uint8_t *set_records(const batch_job *j, int64_t i) { return (const uint8_t *)(uintptr_t)j->addrs[i]; }

static void *batch_worker(void *arg) {
  batch_job *j = arg;
  int64_t i;
  while ((i = atomic_fetch_add(&j->next_validate, 1)) < j->n_sets) {
    int sorted = 1;
    if (signals_validate(set_records(j, i), j->counts[i], "", &sorted) != FLOX_OK) {
      j->invalid[i] = 1;
      atomic_store(&j->any_invalid, 1);
    }
    j->sorted[i] = (uint8_t)sorted;
    atomic_fetch_add(&j->validated, 1);
  }
  run_scratch sc = {0};
  int have_scratch = scratch_reserve(&sc, j->max_count) == FLOX_OK;
  /* Wait until every set is validated (by any thread): no run starts before a bad set is known.
   * Counting sets rather than threads keeps this correct however many threads could be started. */
  while (atomic_load(&j->validated) < j->n_sets) sched_yield();
  if (!have_scratch || atomic_load(&j->any_invalid)) {
    scratch_free(&sc);
    return NULL;
  }
  while ((i = atomic_fetch_add(&j->next_run, 1)) < j->n_sets) {
    if (progress_cancelled(j->progress)) {
      atomic_store(&j->cancelled, 1);
      break;
    }
    engine_run_core(j->e, j->s, set_records(j, i), j->counts[i], j->sorted[i], &sc, j->stats + i * FLOX_STAT_COUNT,
                    NULL, NULL);
    atomic_fetch_add(&j->runs_done, 1);
    progress_add(j->progress, 1);
  }
  scratch_free(&sc);
  return NULL;
}

static int32_t batch_fail(flox_engine *e, int32_t status) {
  snprintf(e->batch_message, sizeof e->batch_message, "%s", flox_last_error());
  return status;
}

static int32_t run_batch(flox_engine *e, int32_t symbol, const uint64_t *addrs, const int64_t *counts, int64_t n_sets,
                         int32_t threads, double *stats_out, flox_progress *progress) {
  if (n_sets < 0) return flox_fail(FLOX_E_INVALID_ARG, "set count is %lld; must be >= 0", (long long)n_sets);
  if (threads < 0) return flox_fail(FLOX_E_INVALID_ARG, "threads is %d; must be >= 0 (0 = all cores)", threads);
  if (n_sets > 0 && (addrs == NULL || counts == NULL || stats_out == NULL))
    return flox_fail(FLOX_E_INVALID_ARG, "addresses, counts and stats_out must not be NULL");
  const bar_series *s = engine_find_series(e, symbol);
  if (s == NULL) return flox_fail(FLOX_E_NO_DATA, "no bars loaded for symbol %d; call loadBars first", symbol);
  int64_t max_count = 0;
  for (int64_t i = 0; i < n_sets; i++) {
    if (counts[i] < 0)
      return flox_fail(FLOX_E_INVALID_ARG, "set %lld: signal count is %lld; must be >= 0", (long long)i,
                       (long long)counts[i]);
    if (counts[i] > 0 && addrs[i] == 0) return flox_fail(FLOX_E_INVALID_ARG, "set %lld: address is 0", (long long)i);
    if (counts[i] > max_count) max_count = counts[i];
  }
  progress_set_total(progress, n_sets);
  if (n_sets == 0) return FLOX_OK;
  if (threads == 0) {
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    threads = cores > 0 ? (int32_t)cores : 1;
  }
  if (threads > n_sets) threads = (int32_t)n_sets;
  if (threads > 256) threads = 256;

  batch_job j = {.e = e, .s = s, .addrs = addrs, .counts = counts, .n_sets = n_sets, .max_count = max_count,
                 .stats = stats_out, .progress = progress};
  j.sorted = calloc((size_t)n_sets * 2, 1);
  if (j.sorted == NULL) return flox_fail(FLOX_E_NOMEM, "out of memory for %lld sets", (long long)n_sets);
  j.invalid = j.sorted + n_sets;
  pthread_t tids[256];
  int32_t started = 0;
  for (int32_t t = 1; t < threads; t++) { /* the calling thread is worker 0 */
    if (pthread_create(&tids[started], NULL, batch_worker, &j) != 0) break; /* fewer threads still finish */
    started++;
  }
  batch_worker(&j);
  for (int32_t t = 0; t < started; t++) pthread_join(tids[t], NULL);

  int32_t status = FLOX_OK;
  if (atomic_load(&j.any_invalid)) {
    for (int64_t i = 0; i < n_sets; i++) {
      if (j.invalid[i]) {
        char prefix[48];
        snprintf(prefix, sizeof prefix, "set %lld: ", (long long)i);
        int sorted;
        status = signals_validate(set_records(&j, i), counts[i], prefix, &sorted); /* again, for the message */
        break;
      }
    }
  } else if (atomic_load(&j.cancelled)) {
    status = flox_fail(FLOX_E_CANCELLED, "cancelled after %lld of %lld runs", (long long)flox_progress_done(progress),
                       (long long)n_sets);
  } else if (atomic_load(&j.runs_done) < n_sets) {
    status = flox_fail(FLOX_E_NOMEM, "out of memory for the scratch of a batch of %lld sets", (long long)n_sets);
  }
  free(j.sorted);
  return status;
}

int32_t flox_engine_run_batch(flox_engine *e, int32_t symbol, const uint64_t *signal_addresses,
                              const int64_t *signal_counts, int64_t n_sets, int32_t threads, double *stats_out,
                              flox_progress *progress) {
  if (e == NULL) return flox_fail(FLOX_E_INVALID_ARG, "engine is NULL");
  atomic_fetch_add(&e->batches_running, 1);
  e->batch_message[0] = '\0';
  int32_t st = run_batch(e, symbol, signal_addresses, signal_counts, n_sets, threads, stats_out, progress);
  if (st != FLOX_OK) batch_fail(e, st);
  atomic_fetch_sub(&e->batches_running, 1);
  return st;
}

const char *flox_engine_batch_message(const flox_engine *e) { return e ? e->batch_message : ""; }
