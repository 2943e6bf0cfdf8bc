/* tape_index.h: the segment index trailer (spec section 2.10) (internal). */
#ifndef FLOX_TAPE_INDEX_H
#define FLOX_TAPE_INDEX_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  int64_t ts;
  uint64_t offset;
} tape_index_entry;

/* Bytes of a trailer with n entries. */
static inline size_t tape_index_size(size_t n) { return 32 + 16 * n; }

/* Encodes the trailer (header, then entries; CRC over the entries) into dst. first/last ts are the
 * first and last entry's, as FLOX's writer stores them. */
void tape_index_encode(uint8_t *dst, const tape_index_entry *entries, uint32_t n, uint16_t interval);

typedef struct {
  const uint8_t *entries; /* points into the segment bytes; entries are unaligned */
  uint32_t count;
  uint16_t interval;
} tape_index_view;

/* Validates the trailer at index_offset of a segment whose data runs [data_begin, index_offset):
 * magic, version 1, count > 0, exact length to end of file, CRC, entries sorted by ts and pointing
 * inside the data with increasing offsets. Returns 0, or -1 with the reason in why[]. */
int tape_index_load(const uint8_t *seg, size_t seg_size, uint64_t index_offset, uint64_t data_begin,
                    tape_index_view *out, char *why, size_t why_cap);

/* Offset of the last entry whose ts < target (strictly, so no event with ts >= target lies before
 * it), or data_begin when none qualifies. Only meaningful for a Sorted segment. */
uint64_t tape_index_seek(const tape_index_view *ix, int64_t target, uint64_t data_begin);

#endif
