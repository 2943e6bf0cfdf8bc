/* progress.h: layout of flox_progress and helpers for the code that advances it (internal). */
#ifndef FLOX_PROGRESS_H
#define FLOX_PROGRESS_H

#include "flox.h"

#include <stdatomic.h>

struct flox_progress {
  _Atomic int64_t done;
  _Atomic int64_t total;
  _Atomic int cancelled;
};

static inline void progress_set_total(flox_progress *p, int64_t total) {
  if (p) atomic_store_explicit(&p->total, total, memory_order_relaxed);
}
static inline void progress_add(flox_progress *p, int64_t n) {
  if (p) atomic_fetch_add_explicit(&p->done, n, memory_order_relaxed);
}
static inline int progress_cancelled(const flox_progress *p) {
  return p ? atomic_load_explicit(&p->cancelled, memory_order_relaxed) : 0;
}

#endif
