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

/* Checks the frame whose header is at buf[pos] (data ending at `end`): size limit, bounds, CRC and
 * the minimum payload of its type. Returns 1 and fills *f, or -1 with why[]. Unknown types pass
 * (the caller skips them by size). */
int tape_frame_check(const uint8_t *buf, size_t pos, size_t end, tape_frame *f, char *why, size_t why_cap);

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

typedef struct {
  tape_seg seg;
  tape_scratch *scratch;
  int mode;
  int64_t stop_after_ts;    /* sorted delivery stops past this ts (the filter's upper bound) */
  /* stream raw: next frame at pos; stream blocks: next block at pos, frames of the current block */
  size_t pos;
  const uint8_t *bframes;
  size_t bpos, blen, bstart;
  uint32_t bleft;
  /* ordered: frames at base + refs[i].off */
  const uint8_t *base;
  size_t nrefs, ri;
  /* results */
  int done, damaged;
  char why[TAPE_WHY_CAP];
  uint64_t bytes_skipped;
  uint64_t frames;          /* valid frames met in this segment (all types) */
  uint64_t other_events, unknown_frames;
} tape_cursor;

/* Prepares delivery of a parsed segment. Unsorted segments are read whole here (decompressed if
 * needed), checked and stable-sorted; damage found on the way is recorded in the cursor and the
 * frames before it are kept. `seek_ts` (INT64_MIN for none) positions at the first event with
 * ts >= seek_ts where the segment allows a jump (index or sorted order); the caller still filters.
 * Returns 0, or -1 on out-of-memory (flox_fail called). */
int tape_cursor_start(tape_cursor *c, const tape_seg *seg, tape_scratch *scratch, int64_t seek_ts, int64_t stop_after_ts);

/* Next trade / book frame in delivery order: 1 with *f filled, 0 at the end of the segment (check
 * c->damaged). Option quotes, pool state and unknown types are counted and skipped. */
int tape_cursor_next(tape_cursor *c, tape_frame *f);

#endif
