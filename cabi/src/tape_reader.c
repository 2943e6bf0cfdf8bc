/* tape_reader.c: the public tape reader: segments in name order, one mapped at a time, events pulled
 * in batches into caller columns (no callbacks), filters, seek, scan statistics and damage reports. */
#include "flox.h"

#include "error.h"
#include "progress.h"
#include "tape_dir.h"
#include "tape_format.h"
#include "tape_segment.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
  int64_t bytes;
  int64_t events; /* most frames met in one pass */
  int parsed, valid, compressed, indexed, sorted, damaged;
  uint32_t hdr_events;
  int64_t hdr_first, hdr_last;
} seg_state;

#define SMALL_SYMS 4096

typedef struct {
  char *segment, *reason;
  int64_t bytes_skipped;
} damage_report;

struct flox_tape_reader {
  char *dir;
  tape_seg_list list;
  seg_state *segs;
  double pdiv, qdiv;

  int64_t from_ts, to_ts, seek_ts;
  uint32_t *filter_syms;
  size_t filter_n;

  size_t seg_i;   /* segment the cursor is on (or the next one to open) */
  int have_cursor;
  tape_cursor cur;
  void *map;
  size_t map_len;
  tape_scratch scratch;
  int have_pending; /* a frame returned by the cursor but not delivered (book did not fit) */
  tape_frame pending;

  damage_report *damage;
  size_t damage_n, damage_cap;

  int64_t st[FLOX_TAPE_RSTAT_COUNT];
  int have_trade, have_event;
  uint32_t *syms;
  size_t syms_n, syms_cap;
  uint32_t last_sym;
  int last_sym_valid;
  uint64_t small_syms[SMALL_SYMS / 64]; /* seen-bits for ids < SMALL_SYMS: no search per trade */

  /* dedupe: keys of the trades delivered at the current timestamp */
  int dedupe;
  int64_t dup_ts;
  int dup_valid;
  uint64_t (*dup_keys)[3];
  size_t dup_n, dup_cap;
};

/* Records a damage report of the current pass (reports are reset with the position). */
static int32_t add_damage(flox_tape_reader *r, size_t seg, const char *reason, int64_t skipped) {
  r->st[FLOX_TAPE_RSTAT_DAMAGED]++;
  r->st[FLOX_TAPE_RSTAT_BYTES_SKIPPED] += skipped;
  if (r->damage_n == r->damage_cap) {
    size_t ncap = r->damage_cap ? r->damage_cap * 2 : 8;
    damage_report *p = realloc(r->damage, ncap * sizeof *p);
    if (!p) return flox_fail(FLOX_E_NOMEM, "out of memory");
    r->damage = p;
    r->damage_cap = ncap;
  }
  damage_report *d = &r->damage[r->damage_n];
  d->segment = strdup(r->list.paths[seg]);
  d->reason = strdup(reason);
  d->bytes_skipped = skipped;
  if (!d->segment || !d->reason) {
    free(d->segment);
    free(d->reason);
    return flox_fail(FLOX_E_NOMEM, "out of memory");
  }
  r->damage_n++;
  return FLOX_OK;
}

static void unmap(flox_tape_reader *r) {
  if (r->map) munmap(r->map, r->map_len);
  r->map = NULL;
  r->map_len = 0;
  r->have_cursor = 0;
  r->have_pending = 0;
}

/* Finishes the current segment: folds its counts into the stats and records damage. */
static int32_t leave_segment(flox_tape_reader *r) {
  if (!r->have_cursor) return FLOX_OK;
  tape_cursor *c = &r->cur;
  seg_state *s = &r->segs[r->seg_i];
  if ((int64_t)c->frames > s->events) s->events = (int64_t)c->frames;
  r->st[FLOX_TAPE_RSTAT_OTHER_EVENTS] += (int64_t)c->other_events;
  r->st[FLOX_TAPE_RSTAT_UNKNOWN_FRAMES] += (int64_t)c->unknown_frames;
  r->st[FLOX_TAPE_RSTAT_BYTES_READ] += (int64_t)r->map_len;
  int32_t rc = FLOX_OK;
  if (c->damaged) {
    s->damaged = 1;
    rc = add_damage(r, r->seg_i, c->why, (int64_t)c->bytes_skipped);
  }
  unmap(r);
  r->seg_i++;
  return rc;
}

/* Opens segment seg_i (skipping rejected ones, reporting them). Returns 1 with a cursor, 0 when
 * no segment is left, -1 on error. */
static int enter_segment(flox_tape_reader *r) {
  while (r->seg_i < r->list.count) {
    size_t i = r->seg_i;
    const char *path = r->list.paths[i];
    seg_state *s = &r->segs[i];
    char why[TAPE_WHY_CAP];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
      snprintf(why, sizeof why, "cannot open: %s", strerror(errno));
      if (fd >= 0) close(fd);
      s->parsed = 1;
      if (add_damage(r, i, why, 0) != FLOX_OK) return -1;
      r->seg_i++;
      continue;
    }
    size_t size = (size_t)st.st_size;
    void *map = NULL;
    if (size > 0) {
      map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (map == MAP_FAILED) map = NULL;
      else madvise(map, size, MADV_SEQUENTIAL);
    }
    close(fd);
    s->bytes = (int64_t)size;
    tape_seg seg;
    if ((size > 0 && !map) || tape_seg_parse(&seg, map ? map : (const uint8_t *)"", size, why, sizeof why) != 0) {
      if (size > 0 && !map) snprintf(why, sizeof why, "cannot map: %s", strerror(errno));
      if (map) munmap(map, size);
      s->parsed = 1;
      s->valid = 0;
      r->st[FLOX_TAPE_RSTAT_BYTES_READ] += (int64_t)size;
      if (add_damage(r, i, why, (int64_t)size) != 0) return -1;
      r->seg_i++;
      continue;
    }
    s->parsed = s->valid = 1;
    s->compressed = seg.compressed;
    s->indexed = seg.indexed;
    s->sorted = seg.sorted;
    s->hdr_events = seg.hdr_events;
    s->hdr_first = seg.hdr_first;
    s->hdr_last = seg.hdr_last;
    if (seg.index_problem[0]) {
      /* A bad index loses no data (we scan instead), but it is reported, with 0 bytes skipped. */
      char msg[TAPE_WHY_CAP + 20];
      snprintf(msg, sizeof msg, "index ignored: %s", seg.index_problem);
      if (add_damage(r, i, msg, 0) != FLOX_OK) {
        munmap(map, size);
        return -1;
      }
    }
    int64_t lower = r->seek_ts > r->from_ts ? r->seek_ts : r->from_ts;
    /* A closed sorted segment's header last ts is its maximum: skip it whole when below the range. */
    if (seg.sorted && seg.hdr_events > 0 && lower != INT64_MIN && seg.hdr_last < lower) {
      r->st[FLOX_TAPE_RSTAT_BYTES_READ] += (int64_t)size;
      munmap(map, size);
      r->seg_i++;
      continue;
    }
    r->map = map;
    r->map_len = size;
    if (tape_cursor_start(&r->cur, &seg, &r->scratch, lower, r->to_ts) != 0) {
      unmap(r);
      return -1;
    }
    r->have_cursor = 1;
    return 1;
  }
  return 0;
}

static int sym_allowed(const flox_tape_reader *r, uint32_t sym) {
  size_t lo = 0, hi = r->filter_n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (r->filter_syms[mid] < sym) lo = mid + 1;
    else hi = mid;
  }
  return lo < r->filter_n && r->filter_syms[lo] == sym;
}

static inline uint32_t frame_symbol(const tape_frame *f) {
  return ld_u32(f->payload + (f->type == TAPE_FRAME_TRADE ? TAPE_T_SYMBOL : TAPE_B_SYMBOL));
}

/* Dedupe (spec: an explicit option, FLOX has none): a trade whose (symbol, ts, price_raw, qty_raw)
 * equals one already delivered is dropped. Delivery is in ts order within a segment, so only the
 * trades of the current timestamp need remembering. Returns 1 for a duplicate, -1 out of memory. */
static int is_duplicate(flox_tape_reader *r, const tape_frame *f) {
  if (f->type != TAPE_FRAME_TRADE) return 0;
  uint64_t key[3] = {ld_u32(f->payload + TAPE_T_SYMBOL), ld_u64(f->payload + TAPE_T_PRICE),
                     ld_u64(f->payload + TAPE_T_QTY)};
  if (!r->dup_valid || f->ts != r->dup_ts) {
    r->dup_valid = 1;
    r->dup_ts = f->ts;
    r->dup_n = 0;
  }
  for (size_t i = 0; i < r->dup_n; i++)
    if (r->dup_keys[i][0] == key[0] && r->dup_keys[i][1] == key[1] && r->dup_keys[i][2] == key[2]) return 1;
  if (r->dup_n == r->dup_cap) {
    size_t ncap = r->dup_cap ? r->dup_cap * 2 : 16;
    uint64_t (*p)[3] = realloc(r->dup_keys, ncap * sizeof *p);
    if (!p) return flox_fail(FLOX_E_NOMEM, "out of memory"), -1;
    r->dup_keys = p;
    r->dup_cap = ncap;
  }
  memcpy(r->dup_keys[r->dup_n++], key, sizeof key);
  return 0;
}

/* Next delivered frame across segments, after filters. 1, 0 at the end, -1 on error. */
static int next_frame(flox_tape_reader *r, tape_frame *f) {
  if (r->have_pending) {
    r->have_pending = 0;
    *f = r->pending;
    return 1;
  }
  int64_t lower = r->seek_ts > r->from_ts ? r->seek_ts : r->from_ts;
  for (;;) {
    if (!r->have_cursor) {
      int e = enter_segment(r);
      if (e <= 0) return e;
    }
    while (tape_cursor_next(&r->cur, f)) {
      if (f->ts < lower) continue;
      if (r->filter_n && !sym_allowed(r, frame_symbol(f))) continue;
      if (r->dedupe) {
        int d = is_duplicate(r, f);
        if (d < 0) return -1;
        if (d) {
          r->st[FLOX_TAPE_RSTAT_DUPLICATES]++;
          continue;
        }
      }
      return 1;
    }
    if (leave_segment(r) != FLOX_OK) return -1;
  }
}

static int32_t note_symbol(flox_tape_reader *r, uint32_t sym) {
  r->last_sym = sym;
  r->last_sym_valid = 1;
  if (sym < SMALL_SYMS) {
    uint64_t bit = 1ull << (sym & 63);
    if (r->small_syms[sym >> 6] & bit) return FLOX_OK;
    r->small_syms[sym >> 6] |= bit;
  }
  size_t lo = 0, hi = r->syms_n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (r->syms[mid] < sym) lo = mid + 1;
    else hi = mid;
  }
  if (lo < r->syms_n && r->syms[lo] == sym) return FLOX_OK;
  if (r->syms_n == r->syms_cap) {
    size_t ncap = r->syms_cap ? r->syms_cap * 2 : 16;
    uint32_t *p = realloc(r->syms, ncap * sizeof *p);
    if (!p) return flox_fail(FLOX_E_NOMEM, "out of memory");
    r->syms = p;
    r->syms_cap = ncap;
  }
  memmove(r->syms + lo + 1, r->syms + lo, (r->syms_n - lo) * sizeof *r->syms);
  r->syms[lo] = sym;
  r->syms_n++;
  return FLOX_OK;
}

static inline int32_t count_event(flox_tape_reader *r, const tape_frame *f) {
  if (!r->have_event) {
    r->have_event = 1;
    r->st[FLOX_TAPE_RSTAT_FIRST_EVENT_TS] = f->ts;
  }
  r->st[FLOX_TAPE_RSTAT_LAST_EVENT_TS] = f->ts;
  if (f->type == TAPE_FRAME_TRADE) {
    r->st[FLOX_TAPE_RSTAT_TRADES]++;
    if (!r->have_trade) {
      r->have_trade = 1;
      r->st[FLOX_TAPE_RSTAT_FIRST_TRADE_TS] = f->ts;
    }
    r->st[FLOX_TAPE_RSTAT_LAST_TRADE_TS] = f->ts;
    uint32_t sym = ld_u32(f->payload + TAPE_T_SYMBOL);
    if (!r->last_sym_valid || sym != r->last_sym) return note_symbol(r, sym);
  } else {
    r->st[FLOX_TAPE_RSTAT_BOOK_UPDATES]++;
  }
  return FLOX_OK;
}

static void reset_position(flox_tape_reader *r) {
  unmap(r);
  r->seg_i = 0;
  int64_t keep_segments = r->st[FLOX_TAPE_RSTAT_SEGMENTS];
  memset(r->st, 0, sizeof r->st);
  r->st[FLOX_TAPE_RSTAT_SEGMENTS] = keep_segments;
  r->have_trade = r->have_event = 0;
  r->syms_n = 0;
  r->last_sym_valid = 0;
  memset(r->small_syms, 0, sizeof r->small_syms);
  r->dup_valid = 0;
  r->dup_n = 0;
  for (size_t i = 0; i < r->damage_n; i++) {
    free(r->damage[i].segment);
    free(r->damage[i].reason);
  }
  r->damage_n = 0;
}

int32_t flox_tape_reader_open(const char *dir, double price_scale, double qty_scale, int32_t flags,
                              flox_tape_reader **out) {
  if (!out) return flox_fail(FLOX_E_INVALID_ARG, "out is NULL");
  *out = NULL;
  if (!dir || !*dir) return flox_fail(FLOX_E_INVALID_ARG, "dir is empty");
  if (!(price_scale >= 0) || !(qty_scale >= 0) || price_scale > 1e18 || qty_scale > 1e18)
    return flox_fail(FLOX_E_INVALID_ARG, "scales %g / %g; must be > 0 (or 0 for the tape's own)", price_scale, qty_scale);
  if (flags & ~(FLOX_TAPE_OPEN_ALLOW_EMPTY | FLOX_TAPE_OPEN_DEDUPE)) return flox_fail(FLOX_E_INVALID_ARG, "flags 0x%x has unknown bits", (unsigned)flags);
  tape_seg_list list;
  int32_t rc = tape_dir_list(dir, &list);
  if (rc != FLOX_OK) return rc;
  if (list.count == 0 && !(flags & FLOX_TAPE_OPEN_ALLOW_EMPTY))
    return flox_fail(FLOX_E_NOT_FOUND, "tape directory '%s' has no .floxlog segments", dir);
  flox_tape_reader *r = calloc(1, sizeof *r);
  seg_state *segs = calloc(list.count ? list.count : 1, sizeof *segs);
  char *d = strdup(dir);
  if (!r || !segs || !d) {
    free(r);
    free(segs);
    free(d);
    tape_seg_list_free(&list);
    return flox_fail(FLOX_E_NOMEM, "out of memory");
  }
  r->dir = d;
  r->list = list;
  r->segs = segs;
  double ps = TAPE_DEFAULT_SCALE, qs = TAPE_DEFAULT_SCALE;
  tape_meta_read_scales(dir, &ps, &qs);
  r->pdiv = price_scale > 0 ? price_scale : ps;
  r->qdiv = qty_scale > 0 ? qty_scale : qs;
  r->from_ts = INT64_MIN;
  r->to_ts = INT64_MAX;
  r->seek_ts = INT64_MIN;
  r->st[FLOX_TAPE_RSTAT_SEGMENTS] = (int64_t)list.count;
  r->dedupe = (flags & FLOX_TAPE_OPEN_DEDUPE) != 0;
  *out = r;
  return FLOX_OK;
}

void flox_tape_reader_destroy(flox_tape_reader *r) {
  if (!r) return;
  reset_position(r);
  tape_scratch_free(&r->scratch);
  tape_seg_list_free(&r->list);
  free(r->segs);
  free(r->damage);
  free(r->filter_syms);
  free(r->syms);
  free(r->dup_keys);
  free(r->dir);
  free(r);
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

int32_t flox_tape_reader_set_filter(flox_tape_reader *r, int64_t from_ts, int64_t to_ts, const uint32_t *symbols,
                                    int32_t symbol_count) {
  if (!r) return flox_fail(FLOX_E_INVALID_ARG, "reader is NULL");
  if (from_ts > to_ts) return flox_fail(FLOX_E_INVALID_ARG, "from_ts %lld is after to_ts %lld", (long long)from_ts, (long long)to_ts);
  if (symbol_count < 0 || (symbol_count > 0 && !symbols))
    return flox_fail(FLOX_E_INVALID_ARG, "symbol_count is %d with symbols %s", symbol_count, symbols ? "set" : "NULL");
  uint32_t *copy = NULL;
  if (symbol_count > 0) {
    copy = malloc((size_t)symbol_count * sizeof *copy);
    if (!copy) return flox_fail(FLOX_E_NOMEM, "out of memory");
    memcpy(copy, symbols, (size_t)symbol_count * sizeof *copy);
    qsort(copy, (size_t)symbol_count, sizeof *copy, cmp_u32);
  }
  free(r->filter_syms);
  r->filter_syms = copy;
  r->filter_n = (size_t)symbol_count;
  r->from_ts = from_ts;
  r->to_ts = to_ts;
  r->seek_ts = INT64_MIN;
  reset_position(r);
  return FLOX_OK;
}

int32_t flox_tape_reader_rewind(flox_tape_reader *r) {
  if (!r) return flox_fail(FLOX_E_INVALID_ARG, "reader is NULL");
  r->seek_ts = INT64_MIN;
  reset_position(r);
  return FLOX_OK;
}

int32_t flox_tape_reader_seek(flox_tape_reader *r, int64_t ts_ns) {
  if (!r) return flox_fail(FLOX_E_INVALID_ARG, "reader is NULL");
  reset_position(r);
  r->seek_ts = ts_ns;
  return FLOX_OK;
}

static int32_t read_trades_impl(flox_tape_reader *r, int64_t *ts, uint32_t *sym, double *price, double *qty,
                                int64_t *price_raw, int64_t *qty_raw, uint8_t *side, int32_t cap, int32_t *out_count) {
  if (!r || !out_count) return flox_fail(FLOX_E_INVALID_ARG, "reader or out_count is NULL");
  *out_count = 0;
  if (cap < 0) return flox_fail(FLOX_E_INVALID_ARG, "cap is %d", cap);
  if (cap > 0 && (!ts || !sym || !side || (price_raw ? !qty_raw : (!price || !qty))))
    return flox_fail(FLOX_E_INVALID_ARG, "a column is NULL");
  int32_t n = 0;
  const double pdiv = r->pdiv, qdiv = r->qdiv;
  const int64_t lower = r->seek_ts > r->from_ts ? r->seek_ts : r->from_ts;
  tape_frame f;
  while (n < cap) {
    /* Fast path: frames already checked in the cursor's window, decoded straight into the columns. */
    if (r->have_cursor && !r->have_pending && r->filter_n == 0 && !r->dedupe && r->have_event &&
        r->cur.wi < r->cur.wn) {
      tape_cursor *c = &r->cur;
      const uint8_t *wb = c->wbase;
      const int64_t stop = c->stop_after_ts;
      size_t wi = c->wi;
      const size_t wn = c->wn;
      int64_t trades = 0, books = 0, last_ts = 0;
      int any = 0;
      while (wi < wn && n < cap) {
        const uint8_t *h = wb + c->win[wi++];
        const uint8_t *p = h + TAPE_FRAME_HEADER;
        const int64_t t = ld_i64(p);
        if (t > stop) {
          c->done = 1;
          wi = c->wn = 0;
          break;
        }
        if (t < lower) continue;
        any = 1;
        last_ts = t;
        if (h[8] != TAPE_FRAME_TRADE) {
          books++;
          continue;
        }
        const uint32_t sy = ld_u32(p + TAPE_T_SYMBOL);
        if ((sy != r->last_sym || !r->last_sym_valid) &&
            !(sy < SMALL_SYMS && (r->small_syms[sy >> 6] & (1ull << (sy & 63))))) {
          int32_t rc = note_symbol(r, sy);
          if (rc != FLOX_OK) return rc;
        }
        if (!r->have_trade) {
          r->have_trade = 1;
          r->st[FLOX_TAPE_RSTAT_FIRST_TRADE_TS] = t;
        }
        r->st[FLOX_TAPE_RSTAT_LAST_TRADE_TS] = t;
        trades++;
        ts[n] = t;
        sym[n] = sy;
        if (price_raw) {
          price_raw[n] = ld_i64(p + TAPE_T_PRICE);
          qty_raw[n] = ld_i64(p + TAPE_T_QTY);
        } else {
          price[n] = tape_from_fixed(ld_i64(p + TAPE_T_PRICE), pdiv);
          qty[n] = tape_from_fixed(ld_i64(p + TAPE_T_QTY), qdiv);
        }
        side[n] = p[TAPE_T_SIDE];
        n++;
      }
      if (c->wn) c->wi = wi;
      r->st[FLOX_TAPE_RSTAT_TRADES] += trades;
      r->st[FLOX_TAPE_RSTAT_BOOK_UPDATES] += books;
      if (any) r->st[FLOX_TAPE_RSTAT_LAST_EVENT_TS] = last_ts;
      continue;
    }
    int got = next_frame(r, &f);
    if (got < 0) return flox_last_status();
    if (got == 0) break;
    int32_t rc = count_event(r, &f);
    if (rc != FLOX_OK) return rc;
    if (f.type != TAPE_FRAME_TRADE) continue;
    const uint8_t *p = f.payload;
    ts[n] = f.ts;
    sym[n] = ld_u32(p + TAPE_T_SYMBOL);
    if (price_raw) {
      price_raw[n] = ld_i64(p + TAPE_T_PRICE);
      qty_raw[n] = ld_i64(p + TAPE_T_QTY);
    } else {
      price[n] = tape_from_fixed(ld_i64(p + TAPE_T_PRICE), pdiv);
      qty[n] = tape_from_fixed(ld_i64(p + TAPE_T_QTY), qdiv);
    }
    side[n] = p[TAPE_T_SIDE];
    n++;
  }
  *out_count = n;
  return FLOX_OK;
}

int32_t flox_tape_reader_read_trades(flox_tape_reader *r, int64_t *ts_ns, uint32_t *symbol_id, double *price,
                                     double *qty, uint8_t *side, int32_t cap, int32_t *out_count) {
  return read_trades_impl(r, ts_ns, symbol_id, price, qty, NULL, NULL, side, cap, out_count);
}

int32_t flox_tape_reader_read_trades_raw(flox_tape_reader *r, int64_t *ts_ns, uint32_t *symbol_id, int64_t *price_raw,
                                         int64_t *qty_raw, uint8_t *side, int32_t cap, int32_t *out_count) {
  if (cap > 0 && (!price_raw || !qty_raw)) return flox_fail(FLOX_E_INVALID_ARG, "a column is NULL");
  return read_trades_impl(r, ts_ns, symbol_id, NULL, NULL, price_raw, qty_raw, side, cap, out_count);
}

int32_t flox_tape_reader_read_events(flox_tape_reader *r, uint8_t *kind, int64_t *ts_ns, uint32_t *symbol_id,
                                     double *price, double *qty, uint8_t *side, uint32_t *level_start,
                                     uint32_t *bid_count, uint32_t *ask_count, int32_t event_cap, double *level_price,
                                     double *level_qty, int32_t level_cap, int32_t *out_counts) {
  if (!r || !out_counts) return flox_fail(FLOX_E_INVALID_ARG, "reader or out_counts is NULL");
  out_counts[0] = out_counts[1] = 0;
  if (event_cap < 0 || level_cap < 0) return flox_fail(FLOX_E_INVALID_ARG, "event_cap %d / level_cap %d", event_cap, level_cap);
  if (event_cap > 0 && (!kind || !ts_ns || !symbol_id || !price || !qty || !side || !level_start || !bid_count || !ask_count))
    return flox_fail(FLOX_E_INVALID_ARG, "an event column is NULL");
  if (level_cap > 0 && (!level_price || !level_qty)) return flox_fail(FLOX_E_INVALID_ARG, "a level column is NULL");
  int32_t n = 0, lv = 0;
  tape_frame f;
  while (n < event_cap) {
    int got = next_frame(r, &f);
    if (got < 0) return flox_last_status();
    if (got == 0) break;
    const uint8_t *p = f.payload;
    if (f.type == TAPE_FRAME_TRADE) {
      kind[n] = FLOX_TAPE_EVENT_TRADE;
      symbol_id[n] = ld_u32(p + TAPE_T_SYMBOL);
      price[n] = tape_from_fixed(ld_i64(p + TAPE_T_PRICE), r->pdiv);
      qty[n] = tape_from_fixed(ld_i64(p + TAPE_T_QTY), r->qdiv);
      side[n] = p[TAPE_T_SIDE];
      level_start[n] = (uint32_t)lv;
      bid_count[n] = ask_count[n] = 0;
    } else {
      uint32_t nb = ld_u16(p + TAPE_B_BIDS), na = ld_u16(p + TAPE_B_ASKS);
      if ((int64_t)lv + nb + na > level_cap) {
        r->have_pending = 1; /* deliver it first next time */
        r->pending = f;
        if (n == 0)
          return flox_fail(FLOX_E_BUFFER_TOO_SMALL, "a book update at ts %lld has %u levels; level_cap is %d",
                           (long long)f.ts, nb + na, level_cap);
        break;
      }
      kind[n] = f.type == TAPE_FRAME_BOOK_SNAPSHOT ? FLOX_TAPE_EVENT_BOOK_SNAPSHOT : FLOX_TAPE_EVENT_BOOK_DELTA;
      symbol_id[n] = ld_u32(p + TAPE_B_SYMBOL);
      price[n] = qty[n] = 0;
      side[n] = 0;
      level_start[n] = (uint32_t)lv;
      bid_count[n] = nb;
      ask_count[n] = na;
      const uint8_t *l = p + TAPE_BOOK_HEADER;
      for (uint32_t k = 0; k < nb + na; k++, l += TAPE_BOOK_LEVEL, lv++) {
        level_price[lv] = tape_from_fixed(ld_i64(l), r->pdiv);
        level_qty[lv] = tape_from_fixed(ld_i64(l + 8), r->qdiv);
      }
    }
    ts_ns[n] = f.ts;
    int32_t rc = count_event(r, &f);
    if (rc != FLOX_OK) return rc;
    n++;
  }
  out_counts[0] = n;
  out_counts[1] = lv;
  return FLOX_OK;
}

int32_t flox_tape_reader_scan(flox_tape_reader *r, int64_t max_events, flox_progress *progress,
                              int32_t *out_finished) {
  if (!r) return flox_fail(FLOX_E_INVALID_ARG, "reader is NULL");
  if (max_events < 0) return flox_fail(FLOX_E_INVALID_ARG, "max_events is %lld; must be >= 0 (0 = all)", (long long)max_events);
  if (out_finished) *out_finished = 0;
  progress_set_total(progress, (int64_t)r->list.count);
  size_t last_seg = r->seg_i;
  int64_t seen = 0;
  tape_frame f;
  for (;;) {
    if (max_events > 0 && seen >= max_events) return FLOX_OK;
    seen++;
    if (progress_cancelled(progress)) return flox_fail(FLOX_E_CANCELLED, "scan of '%s' cancelled", r->dir);
    int got = next_frame(r, &f);
    if (got < 0) return flox_last_status();
    if (r->seg_i != last_seg) {
      progress_add(progress, (int64_t)(r->seg_i - last_seg));
      last_seg = r->seg_i;
    }
    if (got == 0) break;
    int32_t rc = count_event(r, &f);
    if (rc != FLOX_OK) return rc;
  }
  if (out_finished) *out_finished = 1;
  return FLOX_OK;
}

int32_t flox_tape_reader_stats(const flox_tape_reader *r, int64_t *out, int32_t cap) {
  if (!r || !out || cap < 0) return flox_fail(FLOX_E_INVALID_ARG, "reader or out is NULL, or cap < 0");
  int64_t st[FLOX_TAPE_RSTAT_COUNT];
  memcpy(st, r->st, sizeof st);
  if (r->have_cursor) { /* include the segment in progress */
    st[FLOX_TAPE_RSTAT_OTHER_EVENTS] += (int64_t)r->cur.other_events;
    st[FLOX_TAPE_RSTAT_UNKNOWN_FRAMES] += (int64_t)r->cur.unknown_frames;
    const tape_cursor *c = &r->cur;
    size_t at = c->mode == TAPE_MODE_ORDERED ? (c->nrefs ? (size_t)((double)r->map_len * (double)c->ri / (double)c->nrefs) : r->map_len)
                                             : c->pos;
    st[FLOX_TAPE_RSTAT_BYTES_READ] += (int64_t)(at < r->map_len ? at : r->map_len);
  }
  int32_t n = cap < FLOX_TAPE_RSTAT_COUNT ? cap : FLOX_TAPE_RSTAT_COUNT;
  memcpy(out, st, (size_t)n * sizeof *out);
  return FLOX_OK;
}

int32_t flox_tape_reader_symbols(const flox_tape_reader *r, uint32_t *out, int32_t cap, int32_t *out_count) {
  if (!r || !out_count || cap < 0 || (cap > 0 && !out)) return flox_fail(FLOX_E_INVALID_ARG, "bad argument");
  size_t n = r->syms_n < (size_t)cap ? r->syms_n : (size_t)cap;
  if (n) memcpy(out, r->syms, n * sizeof *out);
  *out_count = (int32_t)r->syms_n;
  return FLOX_OK;
}

int32_t flox_tape_reader_segment_count(const flox_tape_reader *r) { return r ? (int32_t)r->list.count : 0; }

static int32_t copy_string(char *dst, int32_t cap, const char *src) {
  if (!dst || cap <= 0) return src[0] ? FLOX_E_BUFFER_TOO_SMALL : FLOX_OK;
  size_t n = strlen(src);
  if (n < (size_t)cap) {
    memcpy(dst, src, n + 1);
    return FLOX_OK;
  }
  memcpy(dst, src, (size_t)cap - 1);
  dst[cap - 1] = '\0';
  return FLOX_E_BUFFER_TOO_SMALL;
}

int32_t flox_tape_reader_segment_info(const flox_tape_reader *r, int32_t i, int64_t *out, int32_t cap, char *path,
                                      int32_t path_cap) {
  if (!r || i < 0 || (size_t)i >= r->list.count)
    return flox_fail(FLOX_E_INVALID_ARG, "segment %d is out of range (%zu segments)", i, r ? r->list.count : 0);
  const seg_state *s = &r->segs[i];
  int64_t v[FLOX_TAPE_SEG_FIELD_COUNT] = {0};
  v[FLOX_TAPE_SEG_BYTES] = s->bytes;
  v[FLOX_TAPE_SEG_EVENTS] = s->events;
  if (r->have_cursor && r->seg_i == (size_t)i && (int64_t)r->cur.frames > s->events) v[FLOX_TAPE_SEG_EVENTS] = (int64_t)r->cur.frames;
  v[FLOX_TAPE_SEG_COMPRESSED] = s->compressed;
  v[FLOX_TAPE_SEG_INDEXED] = s->indexed;
  v[FLOX_TAPE_SEG_SORTED] = s->sorted;
  v[FLOX_TAPE_SEG_HEADER_EVENTS] = s->hdr_events;
  v[FLOX_TAPE_SEG_HEADER_FIRST_TS] = s->hdr_first;
  v[FLOX_TAPE_SEG_HEADER_LAST_TS] = s->hdr_last;
  v[FLOX_TAPE_SEG_VALID] = s->valid;
  v[FLOX_TAPE_SEG_DAMAGED] = s->damaged;
  if (out && cap > 0) memcpy(out, v, (size_t)(cap < FLOX_TAPE_SEG_FIELD_COUNT ? cap : FLOX_TAPE_SEG_FIELD_COUNT) * sizeof *out);
  if (path && path_cap > 0 && copy_string(path, path_cap, r->list.paths[i]) != FLOX_OK)
    return flox_fail(FLOX_E_BUFFER_TOO_SMALL, "path of segment %d needs %zu bytes", i, strlen(r->list.paths[i]) + 1);
  return FLOX_OK;
}

int32_t flox_tape_reader_damage_count(const flox_tape_reader *r) { return r ? (int32_t)r->damage_n : 0; }

int32_t flox_tape_reader_damage(const flox_tape_reader *r, int32_t i, char *segment, int32_t segment_cap, char *reason,
                                int32_t reason_cap, int64_t *bytes_skipped) {
  if (!r || i < 0 || (size_t)i >= r->damage_n)
    return flox_fail(FLOX_E_INVALID_ARG, "damage report %d is out of range (%zu reports)", i, r ? r->damage_n : 0);
  const damage_report *d = &r->damage[i];
  if (bytes_skipped) *bytes_skipped = d->bytes_skipped;
  int32_t a = copy_string(segment, segment_cap, d->segment), b = copy_string(reason, reason_cap, d->reason);
  if (a != FLOX_OK || b != FLOX_OK) return flox_fail(FLOX_E_BUFFER_TOO_SMALL, "damage report %d does not fit the buffers", i);
  return FLOX_OK;
}
