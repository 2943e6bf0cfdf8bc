/* fuzz_tape_reader.c: libFuzzer target for the segment reader (header, index, frames, LZ4 blocks,
 * ordered and streaming delivery, seek). Built by scripts/fuzz.sh with ASan + UBSan.
 *
 * Input: one mode byte, then the bytes of one segment file.
 *   bit 0: force a valid magic and version (so mutations explore past the header)
 *   bit 1: clear the Sorted flag (exercise the buffered, sorted path)
 *   bit 2: seek to the timestamp in the first 8 segment bytes after the header
 *   bit 3: recompute the CRCs of uncompressed frames (so mutations reach the record checks)
 * Every frame the cursor yields is read through its type's fields, so out-of-bounds reads trip ASan. */
#include "crc32.h"
#include "tape_format.h"
#include "tape_segment.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void repair_crcs(uint8_t *b, size_t n) {
  size_t pos = TAPE_HEADER_SIZE;
  while (pos + TAPE_FRAME_HEADER <= n) {
    uint32_t size = ld_u32(b + pos);
    if (size > n - pos - TAPE_FRAME_HEADER) break;
    st_u32(b + pos + 4, flox_crc32(b + pos + TAPE_FRAME_HEADER, size));
    pos += TAPE_FRAME_HEADER + size;
  }
}

static volatile uint64_t sink;

static void touch(const tape_frame *f) {
  /* Read what a consumer reads: the checked minimum of each type, and book levels. */
  uint64_t acc = (uint64_t)f->ts;
  if (f->type == TAPE_FRAME_TRADE) {
    acc += ld_u64(f->payload + TAPE_T_PRICE) + ld_u64(f->payload + TAPE_T_QTY) + ld_u32(f->payload + TAPE_T_SYMBOL) +
           f->payload[TAPE_T_SIDE];
  } else {
    uint32_t levels = (uint32_t)ld_u16(f->payload + TAPE_B_BIDS) + ld_u16(f->payload + TAPE_B_ASKS);
    acc += ld_u32(f->payload + TAPE_B_SYMBOL);
    for (uint32_t i = 0; i < levels; i++) acc += ld_u64(f->payload + TAPE_BOOK_HEADER + 16 * (size_t)i + 8);
  }
  sink += acc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  uint8_t mode = data[0];
  size_t n = size - 1;
  uint8_t *b = malloc(n ? n : 1); /* exact size, so ASan catches a read one past the end */
  if (!b) return 0;
  memcpy(b, data + 1, n);
  if ((mode & 1) && n >= TAPE_HEADER_SIZE) {
    st_u32(b, TAPE_MAGIC);
    st_u16(b + 4, TAPE_VERSION);
  }
  if ((mode & 2) && n > TAPE_H_FLAGS) b[TAPE_H_FLAGS] &= (uint8_t)~TAPE_FLAG_SORTED;
  if (mode & 8) repair_crcs(b, n);
  int64_t seek = INT64_MIN;
  if ((mode & 4) && n >= TAPE_HEADER_SIZE + 8) seek = ld_i64(b + TAPE_HEADER_SIZE);

  tape_seg seg;
  char why[TAPE_WHY_CAP];
  if (tape_seg_parse(&seg, b, n, why, sizeof why) == 0) {
    tape_scratch scratch;
    memset(&scratch, 0, sizeof scratch);
    tape_cursor c;
    if (tape_cursor_start(&c, &seg, &scratch, seek, INT64_MAX) == 0) {
      tape_frame f;
      while (tape_cursor_next(&c, &f)) touch(&f);
      sink += c.frames + c.bytes_skipped + (uint64_t)strlen(c.why);
    }
    if (seg.indexed) sink += tape_index_seek(&seg.index, seek, TAPE_HEADER_SIZE);
    tape_scratch_free(&scratch);
  }
  free(b);
  return 0;
}
