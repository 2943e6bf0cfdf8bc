/* progress.c: library-owned progress counters readable from any thread while a long call runs. */
#include "progress.h"
#include "error.h"

#include <stdlib.h>

int32_t flox_progress_create(flox_progress **out) {
  if (out == NULL) return flox_fail(FLOX_E_INVALID_ARG, "flox_progress_create: out is NULL");
  flox_progress *p = calloc(1, sizeof *p);
  if (p == NULL) return flox_fail(FLOX_E_NOMEM, "flox_progress_create: out of memory");
  *out = p;
  return FLOX_OK;
}

void flox_progress_destroy(flox_progress *p) { free(p); }

int64_t flox_progress_done(const flox_progress *p) {
  return p ? atomic_load_explicit(&p->done, memory_order_relaxed) : 0;
}

int64_t flox_progress_total(const flox_progress *p) {
  return p ? atomic_load_explicit(&p->total, memory_order_relaxed) : 0;
}

void flox_progress_cancel(flox_progress *p) {
  if (p) atomic_store_explicit(&p->cancelled, 1, memory_order_relaxed);
}

void flox_progress_reset(flox_progress *p) {
  if (p == NULL) return;
  atomic_store(&p->done, 0);
  atomic_store(&p->total, 0);
  atomic_store(&p->cancelled, 0);
}
