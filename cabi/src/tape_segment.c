/* tape_segment.c: segment header and frame checks, and the per-segment cursor: sorted segments
 * stream (frames, or LZ4 blocks one at a time); unsorted ones are collected, checked and stable-
 * sorted by timestamp before delivery, as FLOX's BinaryLogReader does. */
#include "tape_segment.h"

#include "crc32.h"
#include "error.h"
#include "flox.h"
#include "tape_lz4.h"

#include <stddef.h>
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

/* Minimum payload of a frame type (0 for unknown types, which are skipped by size). */
static uint32_t min_payload(const uint8_t *p, uint32_t size, uint8_t type) {
  switch (type) {
    case TAPE_FRAME_TRADE: return TAPE_TRADE_SIZE;
    case TAPE_FRAME_BOOK_SNAPSHOT:
    case TAPE_FRAME_BOOK_DELTA:
      if (size < TAPE_BOOK_HEADER) return TAPE_BOOK_HEADER;
      return TAPE_BOOK_HEADER + TAPE_BOOK_LEVEL * ((uint32_t)ld_u16(p + TAPE_B_BIDS) + ld_u16(p + TAPE_B_ASKS));
    case TAPE_FRAME_OPTION_QUOTE: return TAPE_OPTION_QUOTE_SIZE;
    case TAPE_FRAME_POOL_STATE: {
      if (size < TAPE_POOL_HEADER) return TAPE_POOL_HEADER;
      uint64_t n = (uint64_t)TAPE_POOL_HEADER + ld_u32(p + 20);
      return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
    }
    default: return 0;
  }
}

size_t tape_frames_check(const uint8_t *buf, size_t pos, size_t end, size_t max, size_t *offs, int *bad, char *why,
                         size_t why_cap) {
  *bad = 0;
  size_t n = 0, p = pos;
  /* 1. Structure: headers and payloads inside the data. A later stage that finds an earlier problem
   *    overwrites the reason, so why[] always describes the first bad frame. */
  while (n < max && p < end) {
    if (end - p < TAPE_FRAME_HEADER) {
      snprintf(why, why_cap, "torn frame header at offset %zu (%zu bytes left)", p, end - p);
      *bad = 1;
      break;
    }
    /* Each header's position depends on the previous size, so the walk stalls on memory unless the
     * next lines are already on their way (the hardware prefetcher stops at page boundaries). */
    if (end - p > 4096) __builtin_prefetch(buf + p + 4096);
    uint32_t size = ld_u32(buf + p);
    if (size > TAPE_FRAME_MAX_PAYLOAD) {
      snprintf(why, why_cap, "frame at offset %zu claims %u bytes, over the 10 MiB limit", p, size);
      *bad = 1;
      break;
    }
    if (size > end - p - TAPE_FRAME_HEADER) {
      snprintf(why, why_cap, "torn frame at offset %zu: %u payload bytes claimed, %zu present", p, size,
               end - p - TAPE_FRAME_HEADER);
      *bad = 1;
      break;
    }
    offs[n++] = p;
    p += TAPE_FRAME_HEADER + size;
  }
  /* 2. CRCs, four equal-sized frames at a time when possible. */
  for (size_t k = 0; k < n;) {
    const uint8_t *h = buf + offs[k];
    uint32_t size = ld_u32(h);
    if (k + 4 <= n && ld_u32(buf + offs[k + 1]) == size && ld_u32(buf + offs[k + 2]) == size &&
        ld_u32(buf + offs[k + 3]) == size) {
      const uint8_t *ps[4] = {h + TAPE_FRAME_HEADER, buf + offs[k + 1] + TAPE_FRAME_HEADER,
                              buf + offs[k + 2] + TAPE_FRAME_HEADER, buf + offs[k + 3] + TAPE_FRAME_HEADER};
      uint32_t got[4];
      flox_crc32_x4(ps, size, got);
      size_t j = 0;
      while (j < 4 && got[j] == ld_u32(buf + offs[k + j] + 4)) j++;
      if (j < 4) {
        snprintf(why, why_cap, "CRC mismatch in frame at offset %zu", offs[k + j]);
        *bad = 1;
        n = k + j;
        break;
      }
      k += 4;
    } else {
      if (flox_crc32(h + TAPE_FRAME_HEADER, size) != ld_u32(h + 4)) {
        snprintf(why, why_cap, "CRC mismatch in frame at offset %zu", offs[k]);
        *bad = 1;
        n = k;
        break;
      }
      k++;
    }
  }
  /* 3. Minimum payload per type. */
  for (size_t k = 0; k < n; k++) {
    const uint8_t *h = buf + offs[k];
    uint32_t size = ld_u32(h);
    uint32_t need = min_payload(h + TAPE_FRAME_HEADER, size, h[8]);
    if (size < need) {
      snprintf(why, why_cap, "frame at offset %zu (type %u) has %u payload bytes, needs %u", offs[k], h[8], size, need);
      *bad = 1;
      n = k;
      break;
    }
  }
  return n;
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

static inline int delivered_type(uint8_t t) { return t >= TAPE_FRAME_TRADE && t <= TAPE_FRAME_BOOK_DELTA; }

static inline void count_skipped_type(tape_cursor *c, uint8_t t) {
  if (t == TAPE_FRAME_OPTION_QUOTE || t == TAPE_FRAME_POOL_STATE) c->other_events++;
  else c->unknown_frames++;
}

/* Checks the frames of buf[pos..end) in runs of the window size; calls back per good frame. Returns
 * the position after the last good frame; *bad when a bad frame stopped it (why[] filled). */
static size_t check_all(tape_cursor *c, const uint8_t *buf, size_t pos, size_t end, size_t limit, int *bad,
                        int (*each)(tape_cursor *, const uint8_t *, size_t, void *), void *ctx, int *oom) {
  size_t offs[TAPE_WINDOW];
  size_t seen = 0;
  *bad = 0;
  while (pos < end && seen < limit) {
    size_t want = limit - seen < TAPE_WINDOW ? limit - seen : TAPE_WINDOW;
    size_t n = tape_frames_check(buf, pos, end, want, offs, bad, c->why, sizeof c->why);
    for (size_t k = 0; k < n; k++) {
      if (each(c, buf, offs[k], ctx) != 0) {
        *oom = 1;
        return pos;
      }
    }
    seen += n;
    if (n > 0) pos = offs[n - 1] + TAPE_FRAME_HEADER + ld_u32(buf + offs[n - 1]);
    if (n < want) {
      if (!*bad && pos < end) { /* a CRC mismatch stopped the run */
        snprintf(c->why, sizeof c->why, "CRC mismatch in frame at offset %zu", pos);
        *bad = 1;
      }
      if (*bad) break;
    }
  }
  return pos;
}

typedef struct {
  size_t n;
  size_t base_off; /* added to buffer offsets (decoded blocks are appended into one buffer) */
} collect_ctx;

static int collect_ref(tape_cursor *c, const uint8_t *buf, size_t off, void *vctx) {
  collect_ctx *ctx = vctx;
  c->frames++;
  uint8_t type = buf[off + 8];
  if (!delivered_type(type)) {
    count_skipped_type(c, type);
    return 0;
  }
  tape_scratch *x = c->scratch;
  if (grow_refs(&x->refs, &x->refs_cap, ctx->n + 1) != 0) return -1;
  x->refs[ctx->n].ts = ld_i64(buf + off + TAPE_FRAME_HEADER);
  x->refs[ctx->n].off = ctx->base_off + off;
  ctx->n++;
  return 0;
}

/* Collects every valid frame of an unsorted segment as (ts, offset) refs and sorts them. */
static int build_ordered(tape_cursor *c) {
  const tape_seg *s = &c->seg;
  tape_scratch *x = c->scratch;
  collect_ctx ctx = {0, 0};
  int bad = 0, oom = 0;
  if (!s->compressed) {
    c->base = s->data;
    size_t pos = check_all(c, s->data, TAPE_HEADER_SIZE, s->data_end, SIZE_MAX, &bad, collect_ref, &ctx, &oom);
    if (oom) return -1;
    if (bad) {
      c->damaged = 1;
      c->bytes_skipped = s->data_end - pos;
    }
  } else {
    /* Decode every block into one buffer; a block must hold exactly event_count whole frames. */
    size_t pos = TAPE_HEADER_SIZE, used = 0;
    while (pos < s->data_end) {
      tape_block b;
      if (tape_block_read(s->data, pos, s->data_end, s->compression, &x->block, &x->block_cap, &b, c->why,
                          sizeof c->why) < 0) {
        c->damaged = 1;
        c->bytes_skipped = s->data_end - pos;
        break;
      }
      if (grow_bytes(&x->decoded, &x->decoded_cap, used + b.original_size + 1) != 0) return -1;
      memcpy(x->decoded + used, b.frames, b.original_size);
      ctx.base_off = used;
      size_t before = c->frames;
      size_t end = check_all(c, x->decoded + used, 0, b.original_size, b.event_count, &bad, collect_ref, &ctx, &oom);
      if (oom) return -1;
      used += b.original_size;
      if (bad || c->frames - before < b.event_count) {
        char inner[TAPE_WHY_CAP];
        if (bad) memcpy(inner, c->why, sizeof inner);
        else snprintf(inner, sizeof inner, "torn frame header at offset %zu (0 bytes left)", end);
        snprintf(c->why, sizeof c->why, "block at offset %zu, frame %zu: %.120s", pos, (size_t)(c->frames - before), inner);
        c->damaged = 1;
        c->bytes_skipped = s->data_end - pos;
        break;
      }
      pos += TAPE_BLOCK_HEADER + b.compressed_size;
    }
    c->base = x->decoded;
  }
  size_t n = ctx.n;
  if (n > 1 && !tape_refs_sorted(x->refs, n)) {
    if (grow_refs(&x->tmp, &x->tmp_cap, n) != 0) return -1;
    tape_refs_stable_sort(x->refs, x->tmp, n);
  }
  c->nrefs = n;
  return 0;
}

int tape_cursor_start(tape_cursor *c, const tape_seg *seg, tape_scratch *scratch, int64_t seek_ts,
                      int64_t stop_after_ts) {
  memset(c, 0, offsetof(tape_cursor, win));
  c->wi = c->wn = 0;
  c->pos = c->bpos = c->blen = c->bstart = 0;
  c->bleft = 0;
  c->pending_bad = 0;
  c->base = NULL;
  c->nrefs = c->ri = 0;
  c->done = c->damaged = 0;
  c->why[0] = '\0';
  c->bytes_skipped = c->frames = c->other_events = c->unknown_frames = 0;
  c->seg = *seg;
  c->scratch = scratch;
  c->stop_after_ts = stop_after_ts;
  if (!seg->sorted) {
    c->mode = TAPE_MODE_ORDERED;
    if (build_ordered(c) != 0) return flox_fail(FLOX_E_NOMEM, "out of memory sorting a segment"), -1;
    c->wbase = c->base;
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
  c->wbase = seg->data;
  return 0;
}

/* Fills the window from checked frames at buf[pos..end), at most `limit` frames; returns frames consumed. */
static size_t fill_window(tape_cursor *c, const uint8_t *buf, size_t *pos, size_t end, size_t limit) {
  size_t offs[TAPE_WINDOW];
  int bad = 0;
  size_t want = limit < TAPE_WINDOW ? limit : TAPE_WINDOW;
  size_t n = tape_frames_check(buf, *pos, end, want, offs, &bad, c->why, sizeof c->why);
  c->wbase = buf;
  c->wi = c->wn = 0;
  for (size_t k = 0; k < n; k++) {
    uint8_t type = buf[offs[k] + 8];
    if (delivered_type(type)) c->win[c->wn++] = offs[k];
    else count_skipped_type(c, type);
  }
  c->frames += n;
  if (n > 0) *pos = offs[n - 1] + TAPE_FRAME_HEADER + ld_u32(buf + offs[n - 1]);
  if (n < want && *pos < end) {
    if (!bad) snprintf(c->why, sizeof c->why, "CRC mismatch in frame at offset %zu", *pos);
    c->pending_bad = 1;
  }
  return n;
}

int tape_cursor_refill(tape_cursor *c) {
  const tape_seg *s = &c->seg;
  c->wi = c->wn = 0;
  for (;;) {
    if (c->done) return 0;
    if (c->pending_bad) {
      c->damaged = 1;
      c->done = 1;
      c->bytes_skipped = c->mode == TAPE_MODE_STREAM_RAW ? s->data_end - c->pos : s->data_end - c->bstart;
      if (c->mode == TAPE_MODE_STREAM_BLOCKS) {
        char inner[TAPE_WHY_CAP];
        memcpy(inner, c->why, sizeof inner);
        snprintf(c->why, sizeof c->why, "block at offset %zu: %.170s", c->bstart, inner);
      }
      return 0;
    }
    switch (c->mode) {
      case TAPE_MODE_ORDERED: {
        size_t k = 0;
        while (k < TAPE_WINDOW && c->ri < c->nrefs) c->win[k++] = c->scratch->refs[c->ri++].off;
        c->wbase = c->base;
        c->wn = k;
        if (k == 0) c->done = 1;
        return k > 0;
      }
      case TAPE_MODE_STREAM_RAW:
        if (c->pos >= s->data_end) {
          c->done = 1;
          return 0;
        }
        fill_window(c, s->data, &c->pos, s->data_end, SIZE_MAX);
        if (c->wn > 0) return 1;
        break;
      default: /* blocks */
        if (c->bleft > 0) {
          size_t n = fill_window(c, c->scratch->block, &c->bpos, c->blen, c->bleft);
          c->bleft -= (uint32_t)n;
          if (n == 0 && !c->pending_bad) { /* fewer frames than event_count: a shortfall ends the segment */
            snprintf(c->why, sizeof c->why, "torn frame header at offset %zu (0 bytes left)", c->bpos);
            c->pending_bad = 1;
          }
          if (c->wn > 0) return 1;
          break;
        }
        if (c->pos >= s->data_end) {
          c->done = 1;
          return 0;
        }
        tape_block b;
        if (tape_block_read(s->data, c->pos, s->data_end, s->compression, &c->scratch->block, &c->scratch->block_cap,
                            &b, c->why, sizeof c->why) < 0) {
          c->damaged = 1;
          c->done = 1;
          c->bytes_skipped = s->data_end - c->pos;
          return 0;
        }
        c->blen = b.original_size;
        c->bpos = 0;
        c->bleft = b.event_count;
        c->bstart = c->pos;
        c->pos += TAPE_BLOCK_HEADER + b.compressed_size;
        break;
    }
  }
}
