/* tape_segment.h: one .floxlog segment in memory: header checks, frame checks, and the cursor that
 * yields its frames in delivery order (internal). Works on any byte range, so the reader maps files
 * and the fuzz target passes raw bytes through the same code. */
#ifndef FLOX_TAPE_SEGMENT_H
#define FLOX_TAPE_SEGMENT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tape_format.h"
#include "tape_index.h"
#include "tape_sort.h"

#define TAPE_WHY_CAP 200

typedef struct {
  const uint8_t *data;
  size_t size;
  uint8_t flags, compression;
  uint16_t version;
  uint32_t hdr_events;
  int64_t hdr_first, hdr_last;
  uint64_t index_offset;
  int compressed, sorted, indexed; /* indexed: HasIndex, offset > 0, and the trailer validated */
  size_t data_end;                 /* frames or blocks run [64, data_end) */
  tape_index_view index;
  char index_problem[TAPE_WHY_CAP]; /* why a flagged index was ignored ("" when fine or absent) */
} tape_seg;

/* Parses and checks the header. Returns 0, or -1 with why[] (short file, bad magic, version != 1):
 * such a segment is skipped and reported. */
int tape_seg_parse(tape_seg *s, const uint8_t *data, size_t size, char *why, size_t why_cap);

typedef struct {
  const uint8_t *payload;
  uint32_t size;
  uint8_t type;
  int64_t ts;
} tape_frame;

/* Checks up to `max` consecutive frames of buf starting at `pos` (data ending at `end`): header and
 * payload inside the data, size limit, CRC, and the minimum payload of known types. Writes the offsets
 * of the frames that pass to offs and returns how many; when it stops before `max` frames and before
 * `end`, *bad is set and why[] says what is wrong with the next frame. Unknown types pass (callers skip
 * them by size). */
size_t tape_frames_check(const uint8_t *buf, size_t pos, size_t end, size_t max, size_t *offs, int *bad, char *why,
                         size_t why_cap);

enum { TAPE_MODE_STREAM_RAW, TAPE_MODE_STREAM_BLOCKS, TAPE_MODE_ORDERED };

/* Buffers reused from one segment to the next (owned by the reader). */
typedef struct {
  uint8_t *block;
  size_t block_cap;
  uint8_t *decoded;
  size_t decoded_cap;
  tape_ref *refs, *tmp;
  size_t refs_cap, tmp_cap;
} tape_scratch;

void tape_scratch_free(tape_scratch *s);

#define TAPE_WINDOW 256

typedef struct {
  tape_seg seg;
  tape_scratch *scratch;
  int mode;
  int64_t stop_after_ts; /* delivery is in ts order, so it stops past this ts (the filter's upper bound) */
  /* frames ready for delivery: trade and book frames at wbase + win[wi..wn) */
  const uint8_t *wbase;
  size_t win[TAPE_WINDOW];
  size_t wi, wn;
  /* stream raw: next unchecked frame at pos; stream blocks: next block at pos, current block's frames */
  size_t pos;
  size_t bpos, blen, bstart;
  uint32_t bleft;
  int pending_bad; /* the frame after the window is bad: damage once the window is delivered */
  /* ordered: frames at base + refs[ri..nrefs) */
  const uint8_t *base;
  size_t nrefs, ri;
  /* results */
  int done, damaged;
  char why[TAPE_WHY_CAP];
  uint64_t bytes_skipped;
  uint64_t frames; /* valid frames met in this segment (all types) */
  uint64_t other_events, unknown_frames;
} tape_cursor;

/* Prepares delivery of a parsed segment. Unsorted segments are read whole here (decompressed if
 * needed), checked and stable-sorted; damage found on the way is recorded in the cursor and the
 * frames before it are kept. `seek_ts` (INT64_MIN for none) positions at the first event with
 * ts >= seek_ts where the segment allows a jump (index or sorted order); the caller still filters.
 * Returns 0, or -1 on out-of-memory (flox_fail called). */
int tape_cursor_start(tape_cursor *c, const tape_seg *seg, tape_scratch *scratch, int64_t seek_ts,
                      int64_t stop_after_ts);

/* Refills the delivery window; 0 when the segment is finished (check c->damaged). */
int tape_cursor_refill(tape_cursor *c);

/* Next trade / book frame in delivery order: 1 with *f filled, 0 at the end of the segment (check
 * c->damaged). Option quotes, pool state and unknown types are counted and skipped. Inline: this is
 * the per-event path of every read. */
static inline int tape_cursor_next(tape_cursor *c, tape_frame *f) {
  for (;;) {
    if (c->wi < c->wn) {
      const uint8_t *h = c->wbase + c->win[c->wi++];
      f->size = ld_u32(h);
      f->type = h[8];
      f->payload = h + TAPE_FRAME_HEADER;
      f->ts = ld_i64(f->payload);
      if (f->ts > c->stop_after_ts) {
        c->done = 1;
        c->wi = c->wn = 0;
        return 0;
      }
      return 1;
    }
    if (c->done || !tape_cursor_refill(c)) return 0;
  }
}

#endif
