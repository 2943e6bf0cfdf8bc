/* tape_sort.c: stable merge sort of frame references by timestamp (bottom-up, ping-pong buffers).
 * Recorded data is nearly sorted, so runs are merged with a fast path when they are already in
 * order; a fully sorted segment is detected up front and costs one comparison per frame. */
#include "tape_sort.h"

#include <string.h>

int tape_refs_sorted(const tape_ref *refs, size_t n) {
  for (size_t i = 1; i < n; i++)
    if (refs[i].ts < refs[i - 1].ts) return 0;
  return 1;
}

static void insertion_sort(tape_ref *a, size_t n) {
  for (size_t i = 1; i < n; i++) {
    tape_ref x = a[i];
    size_t j = i;
    while (j > 0 && a[j - 1].ts > x.ts) { /* strict: equal keys stay in order */
      a[j] = a[j - 1];
      j--;
    }
    a[j] = x;
  }
}

void tape_refs_stable_sort(tape_ref *refs, tape_ref *tmp, size_t n) {
  if (n < 2 || tape_refs_sorted(refs, n)) return;
  const size_t run = 32;
  for (size_t i = 0; i < n; i += run) insertion_sort(refs + i, (n - i < run) ? n - i : run);
  tape_ref *src = refs, *dst = tmp;
  for (size_t width = run; width < n; width *= 2) {
    for (size_t lo = 0; lo < n; lo += 2 * width) {
      size_t mid = lo + width < n ? lo + width : n;
      size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
      if (mid >= hi || src[mid - 1].ts <= src[mid].ts) { /* already in order: copy the pair of runs */
        memcpy(dst + lo, src + lo, (hi - lo) * sizeof *src);
        continue;
      }
      size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) dst[k++] = (src[j].ts < src[i].ts) ? src[j++] : src[i++];
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    tape_ref *t = src;
    src = dst;
    dst = t;
  }
  if (src != refs) memcpy(refs, src, n * sizeof *refs);
}
