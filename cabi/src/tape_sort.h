/* tape_sort.h: stable ordering of frames by exchange_ts_ns (internal). FLOX delivers an unsorted
 * segment, and sorts each compressed block, in stable timestamp order: equal timestamps keep file
 * order. */
#ifndef FLOX_TAPE_SORT_H
#define FLOX_TAPE_SORT_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  int64_t ts;   /* exchange_ts_ns, the first 8 payload bytes */
  uint64_t off; /* where the frame header starts in its buffer */
} tape_ref;

/* 1 when refs are non-decreasing by ts. */
int tape_refs_sorted(const tape_ref *refs, size_t n);

/* Stable sort by ts. `tmp` must hold n refs. Already-sorted input costs one pass. */
void tape_refs_stable_sort(tape_ref *refs, tape_ref *tmp, size_t n);

#endif
