/* tape_index.c: encode, validate and search the per-segment index trailer. */
#include "tape_index.h"

#include "crc32.h"
#include "tape_format.h"

#include <stdio.h>

void tape_index_encode(uint8_t *dst, const tape_index_entry *entries, uint32_t n, uint16_t interval) {
  uint8_t *e = dst + TAPE_INDEX_HEADER;
  for (uint32_t i = 0; i < n; i++) {
    st_i64(e + 16 * (size_t)i, entries[i].ts);
    st_u64(e + 16 * (size_t)i + 8, entries[i].offset);
  }
  memset(dst, 0, TAPE_INDEX_HEADER);
  st_u32(dst, TAPE_INDEX_MAGIC);
  st_u16(dst + 4, TAPE_INDEX_VERSION);
  st_u16(dst + 6, interval);
  st_u32(dst + 8, n);
  st_u32(dst + 12, flox_crc32(e, 16 * (size_t)n));
  st_i64(dst + 16, n ? entries[0].ts : 0);
  st_i64(dst + 24, n ? entries[n - 1].ts : 0);
}

int tape_index_load(const uint8_t *seg, size_t seg_size, uint64_t index_offset, uint64_t data_begin,
                    tape_index_view *out, char *why, size_t why_cap) {
  if (index_offset < data_begin || index_offset > seg_size || seg_size - index_offset < TAPE_INDEX_HEADER) {
    snprintf(why, why_cap, "index offset %llu is outside the file (%zu bytes)", (unsigned long long)index_offset,
             seg_size);
    return -1;
  }
  const uint8_t *h = seg + index_offset;
  if (ld_u32(h) != TAPE_INDEX_MAGIC) {
    snprintf(why, why_cap, "bad index magic 0x%08x at offset %llu", ld_u32(h), (unsigned long long)index_offset);
    return -1;
  }
  if (ld_u16(h + 4) != TAPE_INDEX_VERSION) {
    snprintf(why, why_cap, "unsupported index version %u", ld_u16(h + 4));
    return -1;
  }
  uint32_t n = ld_u32(h + 8);
  size_t room = (seg_size - index_offset - TAPE_INDEX_HEADER) / TAPE_INDEX_ENTRY;
  if (n == 0 || n > room) {
    snprintf(why, why_cap, "index claims %u entries, room for %zu", n, room);
    return -1;
  }
  const uint8_t *e = h + TAPE_INDEX_HEADER;
  if (flox_crc32(e, (size_t)n * TAPE_INDEX_ENTRY) != ld_u32(h + 12)) {
    snprintf(why, why_cap, "index CRC mismatch");
    return -1;
  }
  int64_t prev_ts = 0;
  uint64_t prev_off = 0;
  for (uint32_t i = 0; i < n; i++) {
    int64_t ts = ld_i64(e + 16 * (size_t)i);
    uint64_t off = ld_u64(e + 16 * (size_t)i + 8);
    if (off < data_begin || off >= index_offset || (i > 0 && (off <= prev_off || ts < prev_ts))) {
      snprintf(why, why_cap, "index entry %u (ts %lld, offset %llu) is out of order or outside the data", i,
               (long long)ts, (unsigned long long)off);
      return -1;
    }
    prev_ts = ts;
    prev_off = off;
  }
  out->entries = e;
  out->count = n;
  out->interval = ld_u16(h + 6);
  return 0;
}

uint64_t tape_index_seek(const tape_index_view *ix, int64_t target, uint64_t data_begin) {
  /* Strictly below the target: equal timestamps may straddle an entry, and an entry with ts ==
   * target could have events of that ts just before it. */
  uint32_t lo = 0, hi = ix->count; /* first entry with ts >= target */
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (ld_i64(ix->entries + 16 * (size_t)mid) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo == 0 ? data_begin : ld_u64(ix->entries + 16 * (size_t)(lo - 1) + 8);
}
