/* tape_segment.c: segment header and frame checks, and the per-segment cursor: sorted segments
 * stream (frames, or LZ4 blocks one at a time); unsorted ones are collected, checked and stable-
 * sorted by timestamp before delivery, as FLOX's BinaryLogReader does. */
#include "tape_segment.h"

#include "crc32.h"
#include "error.h"
#include "flox.h"
#include "tape_lz4.h"

#include <stdlib.h>

int tape_seg_parse(tape_seg *s, const uint8_t *data, size_t size, char *why, size_t why_cap) {
  memset(s, 0, sizeof *s);
  s->data = data;
  s->size = size;
  if (size < TAPE_HEADER_SIZE) {
    snprintf(why, why_cap, "file of %zu bytes is shorter than the 64-byte segment header", size);
    return -1;
  }
  uint32_t magic = ld_u32(data + TAPE_H_MAGIC);
  if (magic != TAPE_MAGIC) {
    snprintf(why, why_cap, "not a .floxlog segment: bad magic 0x%08x", magic);
    return -1;
  }
  s->version = ld_u16(data + TAPE_H_VERSION);
  if (s->version != TAPE_VERSION) {
    snprintf(why, why_cap, "unsupported segment version %u (this reader reads version 1)", s->version);
    return -1;
  }
  s->flags = data[TAPE_H_FLAGS];
  s->compression = data[TAPE_H_COMPRESSION];
  s->hdr_first = ld_i64(data + TAPE_H_FIRST);
  s->hdr_last = ld_i64(data + TAPE_H_LAST);
  s->hdr_events = ld_u32(data + TAPE_H_EVENTS);
  s->index_offset = ld_u64(data + TAPE_H_INDEX_OFFSET);
  /* Either signal means compressed (older writers set only one); Encrypted and unknown bits are
   * ignored, as FLOX ignores them. */
  s->compressed = (s->flags & TAPE_FLAG_COMPRESSED) || s->compression != 0;
  s->sorted = (s->flags & TAPE_FLAG_SORTED) != 0;
  s->data_end = size;
  if ((s->flags & TAPE_FLAG_INDEX) && s->index_offset > 0) {
    /* The data ends at index_offset even when the trailer is bad (FLOX stops there too). */
    if (s->index_offset >= TAPE_HEADER_SIZE && s->index_offset <= size) s->data_end = (size_t)s->index_offset;
    if (tape_index_load(data, size, s->index_offset, TAPE_HEADER_SIZE, &s->index, s->index_problem,
                        sizeof s->index_problem) == 0)
      s->indexed = 1;
  }
  return 0;
}

int tape_frame_check(const uint8_t *buf, size_t pos, size_t end, tape_frame *f, char *why, size_t why_cap) {
  if (end - pos < TAPE_FRAME_HEADER) {
    snprintf(why, why_cap, "torn frame header at offset %zu (%zu bytes left)", pos, end - pos);
    return -1;
  }
  const uint8_t *h = buf + pos;
  uint32_t size = ld_u32(h);
  if (size > TAPE_FRAME_MAX_PAYLOAD) {
    snprintf(why, why_cap, "frame at offset %zu claims %u bytes, over the 10 MiB limit", pos, size);
    return -1;
  }
  if (size > end - pos - TAPE_FRAME_HEADER) {
    snprintf(why, why_cap, "torn frame at offset %zu: %u payload bytes claimed, %zu present", pos, size,
             end - pos - TAPE_FRAME_HEADER);
    return -1;
  }
  const uint8_t *p = h + TAPE_FRAME_HEADER;
  if (flox_crc32(p, size) != ld_u32(h + 4)) {
    snprintf(why, why_cap, "CRC mismatch in frame at offset %zu", pos);
    return -1;
  }
  uint8_t type = h[8];
  uint32_t need = 0;
  switch (type) {
    case TAPE_FRAME_TRADE: need = TAPE_TRADE_SIZE; break;
    case TAPE_FRAME_BOOK_SNAPSHOT:
    case TAPE_FRAME_BOOK_DELTA:
      need = TAPE_BOOK_HEADER;
      if (size >= TAPE_BOOK_HEADER)
        need += TAPE_BOOK_LEVEL * ((uint32_t)ld_u16(p + TAPE_B_BIDS) + ld_u16(p + TAPE_B_ASKS));
      break;
    case TAPE_FRAME_OPTION_QUOTE: need = TAPE_OPTION_QUOTE_SIZE; break;
    case TAPE_FRAME_POOL_STATE:
      need = TAPE_POOL_HEADER;
      if (size >= TAPE_POOL_HEADER) {
        uint64_t n = (uint64_t)TAPE_POOL_HEADER + ld_u32(p + 20);
        need = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
      }
      break;
    default: break; /* unknown: skipped by size */
  }
  if (size < need) {
    snprintf(why, why_cap, "frame at offset %zu (type %u) has %u payload bytes, needs %u", pos, type, size, need);
    return -1;
  }
  f->payload = p;
  f->size = size;
  f->type = type;
  f->ts = size >= 8 ? ld_i64(p) : 0;
  return 1;
}

void tape_scratch_free(tape_scratch *s) {
  free(s->block);
  free(s->decoded);
  free(s->refs);
  free(s->tmp);
  memset(s, 0, sizeof *s);
}

static int grow_bytes(uint8_t **buf, size_t *cap, size_t need) {
  if (*cap >= need) return 0;
  size_t ncap = *cap ? *cap : 65536;
  while (ncap < need) ncap *= 2;
  uint8_t *p = realloc(*buf, ncap);
  if (!p) return -1;
  *buf = p;
  *cap = ncap;
  return 0;
}

static int grow_refs(tape_ref **refs, size_t *cap, size_t need) {
  if (*cap >= need) return 0;
  size_t ncap = *cap ? *cap : 4096;
  while (ncap < need) ncap *= 2;
  tape_ref *p = realloc(*refs, ncap * sizeof *p);
  if (!p) return -1;
  *refs = p;
  *cap = ncap;
  return 0;
}

static void damage(tape_cursor *c, uint64_t skipped) {
  c->damaged = 1;
  c->bytes_skipped = skipped;
}

static inline int delivered_type(uint8_t t) { return t >= TAPE_FRAME_TRADE && t <= TAPE_FRAME_BOOK_DELTA; }

static inline void count_skipped_type(tape_cursor *c, uint8_t t) {
  if (t == TAPE_FRAME_OPTION_QUOTE || t == TAPE_FRAME_POOL_STATE) c->other_events++;
  else c->unknown_frames++;
}

/* Collects every valid frame of an unsorted segment as (ts, offset) refs and sorts them. */
static int build_ordered(tape_cursor *c) {
  const tape_seg *s = &c->seg;
  tape_scratch *x = c->scratch;
  size_t n = 0;
  if (!s->compressed) {
    c->base = s->data;
    size_t pos = TAPE_HEADER_SIZE;
    while (pos < s->data_end) {
      tape_frame f;
      if (tape_frame_check(s->data, pos, s->data_end, &f, c->why, sizeof c->why) < 0) {
        damage(c, s->data_end - pos);
        break;
      }
      c->frames++;
      if (delivered_type(f.type)) {
        if (grow_refs(&x->refs, &x->refs_cap, n + 1) != 0) return -1;
        x->refs[n].ts = f.ts;
        x->refs[n].off = pos;
        n++;
      } else count_skipped_type(c, f.type);
      pos += TAPE_FRAME_HEADER + f.size;
    }
  } else {
    /* Decode every block into one buffer; frames of a block must be exactly event_count whole frames. */
    size_t pos = TAPE_HEADER_SIZE, used = 0;
    while (pos < s->data_end) {
      tape_block b;
      if (tape_block_read(s->data, pos, s->data_end, s->compression, &x->block, &x->block_cap, &b, c->why,
                          sizeof c->why) < 0) {
        damage(c, s->data_end - pos);
        break;
      }
      if (grow_bytes(&x->decoded, &x->decoded_cap, used + b.original_size + 1) != 0) return -1;
      memcpy(x->decoded + used, b.frames, b.original_size);
      size_t bp = 0;
      uint32_t k = 0;
      int bad = 0;
      for (; k < b.event_count; k++) {
        tape_frame f;
        if (tape_frame_check(x->decoded + used, bp, b.original_size, &f, c->why, sizeof c->why) < 0) {
          char inner[TAPE_WHY_CAP];
          memcpy(inner, c->why, sizeof inner);
          snprintf(c->why, sizeof c->why, "block at offset %zu, frame %u: %.120s", pos, k, inner);
          bad = 1;
          break;
        }
        c->frames++;
        if (delivered_type(f.type)) {
          if (grow_refs(&x->refs, &x->refs_cap, n + 1) != 0) return -1;
          x->refs[n].ts = f.ts;
          x->refs[n].off = used + bp;
          n++;
        } else count_skipped_type(c, f.type);
        bp += TAPE_FRAME_HEADER + f.size;
      }
      used += b.original_size;
      if (bad) {
        damage(c, s->data_end - pos);
        break;
      }
      pos += TAPE_BLOCK_HEADER + b.compressed_size;
    }
    c->base = x->decoded;
  }
  if (n > 1 && !tape_refs_sorted(x->refs, n)) {
    if (grow_refs(&x->tmp, &x->tmp_cap, n) != 0) return -1;
    tape_refs_stable_sort(x->refs, x->tmp, n);
  }
  c->nrefs = n;
  return 0;
}

int tape_cursor_start(tape_cursor *c, const tape_seg *seg, tape_scratch *scratch, int64_t seek_ts, int64_t stop_after_ts) {
  memset(c, 0, sizeof *c);
  c->seg = *seg;
  c->scratch = scratch;
  c->stop_after_ts = stop_after_ts;
  if (!seg->sorted) {
    c->mode = TAPE_MODE_ORDERED;
    if (build_ordered(c) != 0) return flox_fail(FLOX_E_NOMEM, "out of memory sorting a segment"), -1;
    if (seek_ts != INT64_MIN) { /* first ref with ts >= seek_ts */
      size_t lo = 0, hi = c->nrefs;
      while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (scratch->refs[mid].ts < seek_ts) lo = mid + 1;
        else hi = mid;
      }
      c->ri = lo;
    }
    return 0;
  }
  c->mode = seg->compressed ? TAPE_MODE_STREAM_BLOCKS : TAPE_MODE_STREAM_RAW;
  c->pos = TAPE_HEADER_SIZE;
  if (seek_ts != INT64_MIN && seg->indexed) c->pos = (size_t)tape_index_seek(&seg->index, seek_ts, TAPE_HEADER_SIZE);
  return 0;
}

static int next_raw(tape_cursor *c, tape_frame *f) {
  const tape_seg *s = &c->seg;
  while (c->pos < s->data_end) {
    if (tape_frame_check(s->data, c->pos, s->data_end, f, c->why, sizeof c->why) < 0) {
      damage(c, s->data_end - c->pos);
      c->done = 1;
      return 0;
    }
    c->pos += TAPE_FRAME_HEADER + f->size;
    c->frames++;
    if (delivered_type(f->type)) return 1;
    count_skipped_type(c, f->type);
  }
  c->done = 1;
  return 0;
}

static int next_block_frame(tape_cursor *c, tape_frame *f) {
  const tape_seg *s = &c->seg;
  for (;;) {
    while (c->bleft > 0) {
      if (tape_frame_check(c->bframes, c->bpos, c->blen, f, c->why, sizeof c->why) < 0) {
        char inner[TAPE_WHY_CAP];
        memcpy(inner, c->why, sizeof inner);
        snprintf(c->why, sizeof c->why, "block at offset %zu: %.170s", c->bstart, inner);
        damage(c, s->data_end - c->bstart);
        c->done = 1;
        return 0;
      }
      c->bpos += TAPE_FRAME_HEADER + f->size;
      c->bleft--;
      c->frames++;
      if (delivered_type(f->type)) return 1;
      count_skipped_type(c, f->type);
    }
    if (c->pos >= s->data_end) break;
    tape_block b;
    if (tape_block_read(s->data, c->pos, s->data_end, s->compression, &c->scratch->block,
                        &c->scratch->block_cap, &b, c->why, sizeof c->why) < 0) {
      damage(c, s->data_end - c->pos);
      c->done = 1;
      return 0;
    }
    c->bframes = b.frames;
    c->blen = b.original_size;
    c->bpos = 0;
    c->bleft = b.event_count;
    c->bstart = c->pos;
    c->pos += TAPE_BLOCK_HEADER + b.compressed_size;
  }
  c->done = 1;
  return 0;
}

int tape_cursor_next(tape_cursor *c, tape_frame *f) {
  if (c->done) return 0;
  int got;
  switch (c->mode) {
    case TAPE_MODE_STREAM_RAW: got = next_raw(c, f); break;
    case TAPE_MODE_STREAM_BLOCKS: got = next_block_frame(c, f); break;
    default: {
      if (c->ri >= c->nrefs) {
        c->done = 1;
        return 0;
      }
      const uint8_t *h = c->base + c->scratch->refs[c->ri++].off;
      f->size = ld_u32(h);
      f->type = h[8];
      f->payload = h + TAPE_FRAME_HEADER;
      f->ts = ld_i64(f->payload);
      got = 1;
    }
  }
  /* In delivery order timestamps never decrease, so nothing after the upper bound can match. */
  if (got && f->ts > c->stop_after_ts) {
    c->done = 1;
    return 0;
  }
  return got;
}
