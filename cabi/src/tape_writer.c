/* tape_writer.c: the .floxlog v1 writer (spec/floxlog-v1.md section 3): lazily opened segments
 * named by wall-clock ns, a 64-byte header patched at close, CRC-32 frames, an index trailer,
 * rotation at max_segment_bytes, and LZ4 blocks that (unlike FLOX's) rotate too.
 *
 * Crash safety: uncompressed frames go to the file in whole 64 KiB buffers (a SIGKILL loses at most
 * the unflushed buffer and can tear one frame, which readers report); each LZ4 block is written
 * whole with one write(2) and the header at offset 0 is rewritten after it, so every complete block
 * is counted in the header even if the process dies before close. */
#include "flox.h"

#include "crc32.h"
#include "error.h"
#include "tape_dir.h"
#include "tape_format.h"
#include "tape_index.h"
#include "tape_lz4.h"
#include "tape_sort.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define OUT_BUFFER (64u << 10)

struct flox_tape_writer {
  pthread_mutex_t mu;
  char *dir;
  int64_t max_bytes;
  int compressed;
  uint16_t interval;
  uint8_t exchange_id;
  int create_index, write_meta, closed;
  tape_meta meta;
  int64_t last_name_ns;

  /* current segment; fd < 0 when none is open */
  int fd;
  char *seg_path;
  uint8_t header[TAPE_HEADER_SIZE];
  int64_t seg_bytes; /* file offset of the next frame or block: header + everything written or buffered */
  uint32_t seg_events;
  int64_t seg_first, seg_last, seg_max;
  int seg_sorted;
  tape_index_entry *index;
  size_t index_n, index_cap;

  /* uncompressed: frames waiting for write(2) */
  uint8_t *out;
  size_t out_len;

  /* compressed: the block being filled, in append order */
  uint8_t *blk;
  size_t blk_len, blk_cap;
  tape_ref *blk_refs, *blk_tmp;
  size_t blk_n, blk_refs_cap;
  uint8_t *sorted_blk, *cbuf;
  size_t sorted_cap, ccap;

  int64_t st[FLOX_TAPE_WSTAT_COUNT];
};

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int write_all(int fd, const void *buf, size_t n) {
  const uint8_t *p = buf;
  while (n > 0) {
    ssize_t k = write(fd, p, n);
    if (k < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += k;
    n -= (size_t)k;
  }
  return 0;
}

static int pwrite_all(int fd, const void *buf, size_t n, off_t at) {
  const uint8_t *p = buf;
  while (n > 0) {
    ssize_t k = pwrite(fd, p, n, at);
    if (k < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += k;
    n -= (size_t)k;
    at += k;
  }
  return 0;
}

static int32_t io_fail(flox_tape_writer *w, const char *what) {
  w->st[FLOX_TAPE_WSTAT_ERRORS]++;
  return flox_fail(FLOX_E_IO, "%s '%s': %s", what, w->seg_path ? w->seg_path : w->dir, strerror(errno));
}

static int32_t open_segment(flox_tape_writer *w) {
  size_t n = strlen(w->dir);
  free(w->seg_path);
  w->seg_path = malloc(n + 40);
  if (!w->seg_path) return flox_fail(FLOX_E_NOMEM, "out of memory");
  /* Names must sort chronologically and never collide: bump past the previous name (and any file
   * already there, since O_EXCL never truncates an existing segment). */
  int64_t ns = now_ns();
  if (ns <= w->last_name_ns) ns = w->last_name_ns + 1;
  for (int attempt = 0;; attempt++, ns++) {
    snprintf(w->seg_path, n + 40, "%s%s%019" PRId64 ".floxlog", w->dir, (n && w->dir[n - 1] == '/') ? "" : "/", ns);
    w->fd = open(w->seg_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (w->fd >= 0) break;
    if (errno != EEXIST || attempt > 1000) return io_fail(w, "cannot create segment");
  }
  w->last_name_ns = ns;
  memset(w->header, 0, sizeof w->header);
  st_u32(w->header + TAPE_H_MAGIC, TAPE_MAGIC);
  st_u16(w->header + TAPE_H_VERSION, TAPE_VERSION);
  w->header[TAPE_H_EXCHANGE] = w->exchange_id;
  st_i64(w->header + TAPE_H_CREATED, now_ns());
  if (w->compressed) {
    w->header[TAPE_H_FLAGS] = TAPE_FLAG_COMPRESSED;
    w->header[TAPE_H_COMPRESSION] = 1;
  }
  if (write_all(w->fd, w->header, TAPE_HEADER_SIZE) != 0) {
    int32_t rc = io_fail(w, "cannot write segment header");
    close(w->fd);
    unlink(w->seg_path);
    w->fd = -1;
    return rc;
  }
  w->seg_bytes = TAPE_HEADER_SIZE;
  w->seg_events = 0;
  w->seg_first = w->seg_last = 0;
  w->seg_max = INT64_MIN;
  w->seg_sorted = 1;
  w->index_n = 0;
  w->st[FLOX_TAPE_WSTAT_SEGMENTS]++;
  return FLOX_OK;
}

static int32_t flush_out(flox_tape_writer *w) {
  if (w->out_len == 0) return FLOX_OK;
  size_t n = w->out_len;
  w->out_len = 0;
  if (write_all(w->fd, w->out, n) != 0) return io_fail(w, "cannot write frames to");
  return FLOX_OK;
}

static int32_t add_index(flox_tape_writer *w, int64_t ts, int64_t offset) {
  if (!w->create_index) return FLOX_OK;
  if (w->index_n == w->index_cap) {
    size_t ncap = w->index_cap ? w->index_cap * 2 : 64;
    tape_index_entry *p = realloc(w->index, ncap * sizeof *p);
    if (!p) return flox_fail(FLOX_E_NOMEM, "out of memory for the segment index");
    w->index = p;
    w->index_cap = ncap;
  }
  w->index[w->index_n].ts = ts;
  w->index[w->index_n].offset = (uint64_t)offset;
  w->index_n++;
  return FLOX_OK;
}

/* Header fields follow writer order (spec 2.2): first = first non-zero ts written, last = last. */
static inline void note_event(flox_tape_writer *w, int64_t ts) {
  if (w->seg_first == 0) w->seg_first = ts;
  w->seg_last = ts;
  w->seg_events++;
  if (ts < w->seg_max) w->seg_sorted = 0;
  else w->seg_max = ts;
}

static void fill_header_counts(flox_tape_writer *w) {
  st_i64(w->header + TAPE_H_FIRST, w->seg_first);
  st_i64(w->header + TAPE_H_LAST, w->seg_last);
  st_u32(w->header + TAPE_H_EVENTS, w->seg_events);
}

/* Writes the index trailer, patches the header and closes the file. Pending frames or a pending
 * block must have been written already. */
static int32_t finish_segment(flox_tape_writer *w) {
  if (w->fd < 0) return FLOX_OK;
  int32_t rc = FLOX_OK;
  if (w->create_index && w->index_n > 0) {
    size_t sz = tape_index_size(w->index_n);
    uint8_t *buf = malloc(sz);
    if (!buf) rc = flox_fail(FLOX_E_NOMEM, "out of memory for the segment index");
    else {
      tape_index_encode(buf, w->index, (uint32_t)w->index_n, w->interval);
      if (write_all(w->fd, buf, sz) != 0) rc = io_fail(w, "cannot write the index of");
      else {
        st_u64(w->header + TAPE_H_INDEX_OFFSET, (uint64_t)w->seg_bytes);
        w->header[TAPE_H_FLAGS] |= TAPE_FLAG_INDEX;
      }
      free(buf);
    }
  }
  /* Sorted only when true (the compatibility checklist); we also set it on uncompressed segments,
   * which FLOX's writer never does, so readers can stream them without buffering. */
  if (w->seg_sorted) w->header[TAPE_H_FLAGS] |= TAPE_FLAG_SORTED;
  fill_header_counts(w);
  if (pwrite_all(w->fd, w->header, TAPE_HEADER_SIZE, 0) != 0 && rc == FLOX_OK) rc = io_fail(w, "cannot patch the header of");
  if (close(w->fd) != 0 && rc == FLOX_OK) rc = io_fail(w, "cannot close");
  w->fd = -1;
  return rc;
}

static int32_t flush_block(flox_tape_writer *w);

static int32_t close_segment(flox_tape_writer *w) {
  if (w->fd < 0 && !(w->compressed && w->blk_n > 0)) return FLOX_OK;
  int32_t rc = w->compressed ? flush_block(w) : flush_out(w);
  int32_t rc2 = finish_segment(w);
  return rc != FLOX_OK ? rc : rc2;
}

/* ---- uncompressed frames ---- */

/* Room for one frame of `size` payload bytes at the end of the output buffer, after rotation and
 * indexing. Returns NULL with the status in *rc on failure. */
static uint8_t *begin_frame(flox_tape_writer *w, uint32_t size, int64_t ts, int32_t *rc) {
  size_t need = TAPE_FRAME_HEADER + size;
  if (w->fd >= 0 && w->seg_events > 0 && w->seg_bytes + (int64_t)need > w->max_bytes) {
    if ((*rc = close_segment(w)) != FLOX_OK) return NULL;
  }
  if (w->fd < 0 && (*rc = open_segment(w)) != FLOX_OK) return NULL;
  if (w->seg_events % w->interval == 0 && (*rc = add_index(w, ts, w->seg_bytes)) != FLOX_OK) return NULL;
  if (w->out_len + need > OUT_BUFFER && (*rc = flush_out(w)) != FLOX_OK) return NULL;
  if (need > OUT_BUFFER) { /* a big book: give it its own buffer through the block scratch */
    if (need > w->blk_cap) {
      uint8_t *p = realloc(w->blk, need);
      if (!p) { *rc = flox_fail(FLOX_E_NOMEM, "out of memory for a %zu-byte frame", need); return NULL; }
      w->blk = p;
      w->blk_cap = need;
    }
    return w->blk;
  }
  return w->out + w->out_len;
}

static int32_t end_frame(flox_tape_writer *w, uint8_t *f, uint8_t type, uint32_t size, int64_t ts) {
  st_u32(f, size);
  st_u32(f + 4, flox_crc32(f + TAPE_FRAME_HEADER, size));
  f[8] = type;
  f[9] = 1; /* rec_version */
  st_u16(f + 10, 0);
  size_t need = TAPE_FRAME_HEADER + size;
  w->seg_bytes += (int64_t)need;
  note_event(w, ts);
  w->st[FLOX_TAPE_WSTAT_BYTES] += (int64_t)need;
  w->st[FLOX_TAPE_WSTAT_EVENTS]++;
  if (f == w->out + w->out_len) {
    w->out_len += need;
    return FLOX_OK;
  }
  if (write_all(w->fd, f, need) != 0) return io_fail(w, "cannot write frames to");
  return FLOX_OK;
}

/* ---- compressed blocks ---- */

static int grow(uint8_t **buf, size_t *cap, size_t need) {
  if (*cap >= need) return 0;
  size_t ncap = *cap ? *cap : 65536;
  while (ncap < need) ncap *= 2;
  uint8_t *p = realloc(*buf, ncap);
  if (!p) return -1;
  *buf = p;
  *cap = ncap;
  return 0;
}

static uint8_t *begin_block_frame(flox_tape_writer *w, uint32_t size, int32_t *rc) {
  size_t need = TAPE_FRAME_HEADER + size;
  if (grow(&w->blk, &w->blk_cap, w->blk_len + need) != 0) {
    *rc = flox_fail(FLOX_E_NOMEM, "out of memory for the LZ4 block");
    return NULL;
  }
  if (w->blk_n == w->blk_refs_cap) {
    size_t ncap = w->blk_refs_cap ? w->blk_refs_cap * 2 : 1024;
    tape_ref *a = realloc(w->blk_refs, ncap * sizeof *a), *b = a ? realloc(w->blk_tmp, ncap * sizeof *b) : NULL;
    if (a) w->blk_refs = a;
    if (!a || !b) {
      *rc = flox_fail(FLOX_E_NOMEM, "out of memory for the LZ4 block");
      return NULL;
    }
    w->blk_tmp = b;
    w->blk_refs_cap = ncap;
  }
  return w->blk + w->blk_len;
}

static int32_t end_block_frame(flox_tape_writer *w, uint8_t *f, uint8_t type, uint32_t size, int64_t ts) {
  st_u32(f, size);
  st_u32(f + 4, flox_crc32(f + TAPE_FRAME_HEADER, size));
  f[8] = type;
  f[9] = 1;
  st_u16(f + 10, 0);
  w->blk_refs[w->blk_n].ts = ts;
  w->blk_refs[w->blk_n].off = w->blk_len;
  w->blk_n++;
  w->blk_len += TAPE_FRAME_HEADER + size;
  w->st[FLOX_TAPE_WSTAT_EVENTS]++;
  w->st[FLOX_TAPE_WSTAT_UNCOMPRESSED_BYTES] += TAPE_FRAME_HEADER + size;
  /* A block flushes at `interval` frames (FLOX) or before it could pass the block size limit. */
  if (w->blk_n >= w->interval || w->blk_len > TAPE_BLOCK_MAX - TAPE_FRAME_MAX_PAYLOAD) return flush_block(w);
  return FLOX_OK;
}

static int32_t flush_block(flox_tape_writer *w) {
  if (w->blk_n == 0) return FLOX_OK;
  size_t n = w->blk_n;
  /* Header fields and the index entry follow append order, as FLOX's do. */
  int64_t first_appended = w->blk_refs[0].ts;
  int64_t first_nonzero = 0;
  for (size_t i = 0; i < n && first_nonzero == 0; i++) first_nonzero = w->blk_refs[i].ts;
  int64_t last_appended = w->blk_refs[n - 1].ts;
  const uint8_t *frames = w->blk;
  if (!tape_refs_sorted(w->blk_refs, n)) {
    tape_refs_stable_sort(w->blk_refs, w->blk_tmp, n);
    if (grow(&w->sorted_blk, &w->sorted_cap, w->blk_len) != 0)
      return flox_fail(FLOX_E_NOMEM, "out of memory sorting the LZ4 block");
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
      const uint8_t *fr = w->blk + w->blk_refs[i].off;
      size_t len = TAPE_FRAME_HEADER + ld_u32(fr);
      memcpy(w->sorted_blk + at, fr, len);
      at += len;
    }
    frames = w->sorted_blk;
  }
  int64_t block_min = w->blk_refs[0].ts, block_max = w->blk_refs[n - 1].ts;
  size_t csize = tape_lz4_compress(frames, w->blk_len, &w->cbuf, &w->ccap);
  if (csize == 0) {
    w->st[FLOX_TAPE_WSTAT_ERRORS]++;
    return flox_last_status();
  }
  /* Rotation: a block never straddles segments; a segment holds at least one block. */
  if (w->fd >= 0 && w->seg_events > 0 && w->seg_bytes + TAPE_BLOCK_HEADER + (int64_t)csize > w->max_bytes) {
    int32_t rc = finish_segment(w);
    if (rc != FLOX_OK) return rc;
  }
  if (w->fd < 0) {
    int32_t rc = open_segment(w);
    if (rc != FLOX_OK) return rc;
  }
  uint8_t bh[TAPE_BLOCK_HEADER];
  st_u32(bh, TAPE_BLOCK_MAGIC);
  st_u32(bh + 4, (uint32_t)csize);
  st_u32(bh + 8, (uint32_t)w->blk_len);
  st_u16(bh + 12, (uint16_t)n);
  st_u16(bh + 14, 0);
  /* Header and payload in one buffer so the block reaches the file with one write(2). */
  if (grow(&w->cbuf, &w->ccap, csize + TAPE_BLOCK_HEADER) != 0) return flox_fail(FLOX_E_NOMEM, "out of memory");
  memmove(w->cbuf + TAPE_BLOCK_HEADER, w->cbuf, csize);
  memcpy(w->cbuf, bh, TAPE_BLOCK_HEADER);
  int64_t block_offset = w->seg_bytes;
  if (write_all(w->fd, w->cbuf, csize + TAPE_BLOCK_HEADER) != 0) return io_fail(w, "cannot write a block to");
  int32_t rc = add_index(w, first_appended, block_offset);
  w->seg_bytes += TAPE_BLOCK_HEADER + (int64_t)csize;
  if (w->seg_first == 0) w->seg_first = first_nonzero;
  w->seg_last = last_appended;
  w->seg_events += (uint32_t)n;
  if (block_min < w->seg_max) w->seg_sorted = 0;
  if (block_max > w->seg_max) w->seg_max = block_max;
  w->st[FLOX_TAPE_WSTAT_BYTES] += TAPE_BLOCK_HEADER + (int64_t)csize;
  w->st[FLOX_TAPE_WSTAT_COMPRESSED_BYTES] += (int64_t)csize;
  w->st[FLOX_TAPE_WSTAT_BLOCKS]++;
  w->blk_n = 0;
  w->blk_len = 0;
  /* Keep the on-disk header current after every complete block (FLOX does the same). */
  fill_header_counts(w);
  if (pwrite_all(w->fd, w->header, TAPE_HEADER_SIZE, 0) != 0) return io_fail(w, "cannot update the header of");
  return rc;
}

/* ---- dispatch ---- */

static uint8_t *begin_any(flox_tape_writer *w, uint32_t size, int64_t ts, int32_t *rc) {
  return w->compressed ? begin_block_frame(w, size, rc) : begin_frame(w, size, ts, rc);
}

static int32_t end_any(flox_tape_writer *w, uint8_t *f, uint8_t type, uint32_t size, int64_t ts) {
  return w->compressed ? end_block_frame(w, f, type, size, ts) : end_frame(w, f, type, size, ts);
}

static inline void fill_trade(uint8_t *p, int64_t ts, uint32_t symbol, int64_t price_raw, int64_t qty_raw,
                              uint8_t side, uint8_t exchange_id) {
  st_i64(p + TAPE_T_TS, ts);
  st_i64(p + TAPE_T_RECV, 0);
  st_i64(p + TAPE_T_PRICE, price_raw);
  st_i64(p + TAPE_T_QTY, qty_raw);
  st_u64(p + TAPE_T_ID, 0);
  st_u32(p + TAPE_T_SYMBOL, symbol);
  p[TAPE_T_SIDE] = side;
  p[TAPE_T_INSTRUMENT] = 0;
  st_u16(p + TAPE_T_EXCHANGE, exchange_id);
}

static int32_t put_trade(flox_tape_writer *w, int64_t ts, uint32_t symbol, int64_t price_raw, int64_t qty_raw,
                         uint8_t side) {
  int32_t rc = FLOX_OK;
  uint8_t *f = begin_any(w, TAPE_TRADE_SIZE, ts, &rc);
  if (!f) return rc;
  fill_trade(f + TAPE_FRAME_HEADER, ts, symbol, price_raw, qty_raw, side, w->exchange_id);
  rc = end_any(w, f, TAPE_FRAME_TRADE, TAPE_TRADE_SIZE, ts);
  /* An LZ4 frame is in its block even when that block's flush failed (it is retried). */
  if (rc == FLOX_OK || w->compressed) w->st[FLOX_TAPE_WSTAT_TRADES]++;
  return rc;
}

static int32_t check_open(const flox_tape_writer *w, const char *op) {
  if (!w) return flox_fail(FLOX_E_INVALID_ARG, "%s: writer is NULL", op);
  if (w->closed) return flox_fail(FLOX_E_STATE, "%s: the tape writer for '%s' is closed", op, w->dir);
  return FLOX_OK;
}

/* ---- public API ---- */

int32_t flox_tape_writer_create(const char *dir, int64_t max_segment_bytes, int32_t compression,
                                int32_t index_interval, int32_t exchange_id, int32_t flags, flox_tape_writer **out) {
  if (!out) return flox_fail(FLOX_E_INVALID_ARG, "out is NULL");
  *out = NULL;
  if (!dir || !*dir) return flox_fail(FLOX_E_INVALID_ARG, "dir is empty");
  if (max_segment_bytes < 0)
    return flox_fail(FLOX_E_INVALID_ARG, "max_segment_bytes is %lld; must be > 0 (0 = 256 MiB)",
                     (long long)max_segment_bytes);
  if (compression != FLOX_TAPE_COMPRESSION_NONE && compression != FLOX_TAPE_COMPRESSION_LZ4)
    return flox_fail(FLOX_E_INVALID_ARG, "compression is %d; must be 0 (none) or 1 (lz4)", compression);
  if (index_interval < 0 || index_interval > TAPE_BLOCK_MAX_EVENTS)
    return flox_fail(FLOX_E_INVALID_ARG, "index_interval is %d; must be 1..65535 (0 = 1000)", index_interval);
  if (exchange_id < 0 || exchange_id > 255)
    return flox_fail(FLOX_E_INVALID_ARG, "exchange_id is %d; must be 0..255", exchange_id);
  if (flags & ~(FLOX_TAPE_WRITE_NO_INDEX | FLOX_TAPE_WRITE_NO_METADATA))
    return flox_fail(FLOX_E_INVALID_ARG, "flags 0x%x has unknown bits", (unsigned)flags);
  int32_t rc = tape_dir_prepare_output(dir);
  if (rc != FLOX_OK) return rc;
  flox_tape_writer *w = calloc(1, sizeof *w);
  if (!w) return flox_fail(FLOX_E_NOMEM, "out of memory");
  w->dir = strdup(dir);
  w->out = malloc(OUT_BUFFER);
  if (!w->dir || !w->out) {
    free(w->dir);
    free(w->out);
    free(w);
    return flox_fail(FLOX_E_NOMEM, "out of memory");
  }
  pthread_mutex_init(&w->mu, NULL);
  w->max_bytes = max_segment_bytes ? max_segment_bytes : (int64_t)256 << 20;
  w->compressed = compression == FLOX_TAPE_COMPRESSION_LZ4;
  w->interval = (uint16_t)(index_interval ? index_interval : TAPE_DEFAULT_INDEX_INTERVAL);
  w->exchange_id = (uint8_t)exchange_id;
  w->create_index = !(flags & FLOX_TAPE_WRITE_NO_INDEX);
  w->write_meta = !(flags & FLOX_TAPE_WRITE_NO_METADATA);
  w->fd = -1;
  w->meta.start_ns = now_ns();
  *out = w;
  return FLOX_OK;
}

static char *dup_or_empty(const char *s) { return strdup(s ? s : ""); }

int32_t flox_tape_writer_set_metadata(flox_tape_writer *w, const char *key, const char *value) {
  int32_t rc = check_open(w, "flox_tape_writer_set_metadata");
  if (rc != FLOX_OK) return rc;
  if (!key) return flox_fail(FLOX_E_INVALID_ARG, "key is NULL");
  int k = tape_meta_key(key);
  if (k < 0)
    return flox_fail(FLOX_E_INVALID_ARG,
                     "metadata key '%s' is not known (recording_id, description, exchange, exchange_type, "
                     "instrument_type, connector_version, hostname, timezone, flox_version)",
                     key);
  char *v = dup_or_empty(value);
  if (!v) return flox_fail(FLOX_E_NOMEM, "out of memory");
  pthread_mutex_lock(&w->mu);
  free(w->meta.strings[k]);
  w->meta.strings[k] = v;
  pthread_mutex_unlock(&w->mu);
  return FLOX_OK;
}

int32_t flox_tape_writer_add_symbol(flox_tape_writer *w, uint32_t symbol_id, const char *name, const char *base_asset,
                                    const char *quote_asset, int32_t price_precision, int32_t qty_precision) {
  int32_t rc = check_open(w, "flox_tape_writer_add_symbol");
  if (rc != FLOX_OK) return rc;
  if (!name || !*name) return flox_fail(FLOX_E_INVALID_ARG, "symbol %u: name is empty", symbol_id);
  /* FLOX's metadata loader splits symbols on the first ']' and '}' it meets. */
  if (strpbrk(name, "[]{}\"\\"))
    return flox_fail(FLOX_E_INVALID_ARG, "symbol %u: name '%s' contains [ ] { } \" or \\, which FLOX's loader cannot read",
                     symbol_id, name);
  pthread_mutex_lock(&w->mu);
  tape_meta *m = &w->meta;
  tape_meta_symbol *y = NULL;
  for (size_t i = 0; i < m->symbol_count; i++)
    if (m->symbols[i].id == symbol_id) y = &m->symbols[i];
  if (!y) {
    if (m->symbol_count == m->symbol_cap) {
      size_t ncap = m->symbol_cap ? m->symbol_cap * 2 : 8;
      tape_meta_symbol *p = realloc(m->symbols, ncap * sizeof *p);
      if (!p) {
        pthread_mutex_unlock(&w->mu);
        return flox_fail(FLOX_E_NOMEM, "out of memory");
      }
      m->symbols = p;
      m->symbol_cap = ncap;
    }
    y = &m->symbols[m->symbol_count++];
    memset(y, 0, sizeof *y);
    y->id = symbol_id;
  }
  free(y->name);
  free(y->base);
  free(y->quote);
  y->name = dup_or_empty(name);
  y->base = dup_or_empty(base_asset);
  y->quote = dup_or_empty(quote_asset);
  y->price_precision = price_precision;
  y->qty_precision = qty_precision;
  pthread_mutex_unlock(&w->mu);
  return (y->name && y->base && y->quote) ? FLOX_OK : flox_fail(FLOX_E_NOMEM, "out of memory");
}

static int32_t validate_trade(int64_t i, double price, double qty, int32_t side) {
  if (!tape_fixed_ok(price, TAPE_DEFAULT_SCALE))
    return flox_fail(FLOX_E_BAD_PRICE, "price[%lld] is %g; must be finite and fit fixed point x1e8", (long long)i, price);
  if (!tape_fixed_ok(qty, TAPE_DEFAULT_SCALE))
    return flox_fail(FLOX_E_BAD_QUANTITY, "qty[%lld] is %g; must be finite and fit fixed point x1e8", (long long)i, qty);
  if (side != 0 && side != 1) return flox_fail(FLOX_E_BAD_SIDE, "side[%lld] is %d; must be 0 (buy) or 1 (sell)", (long long)i, side);
  return FLOX_OK;
}

int32_t flox_tape_writer_trade(flox_tape_writer *w, int64_t ts_ns, uint32_t symbol_id, double price, double qty,
                               int32_t side) {
  int32_t rc = check_open(w, "flox_tape_writer_trade");
  if (rc != FLOX_OK) return rc;
  if ((rc = validate_trade(0, price, qty, side)) != FLOX_OK) return rc;
  pthread_mutex_lock(&w->mu);
  rc = put_trade(w, ts_ns, symbol_id, tape_to_fixed(price, TAPE_DEFAULT_SCALE), tape_to_fixed(qty, TAPE_DEFAULT_SCALE),
                 (uint8_t)side);
  pthread_mutex_unlock(&w->mu);
  return rc;
}

int32_t flox_tape_writer_trades(flox_tape_writer *w, const int64_t *ts_ns, const uint32_t *symbol_id,
                                const double *price, const double *qty, const uint8_t *side, int64_t count) {
  int32_t rc = check_open(w, "flox_tape_writer_trades");
  if (rc != FLOX_OK) return rc;
  if (count < 0) return flox_fail(FLOX_E_INVALID_ARG, "count is %lld", (long long)count);
  if (count == 0) return FLOX_OK;
  if (!ts_ns || !symbol_id || !price || !qty || !side) return flox_fail(FLOX_E_INVALID_ARG, "a column is NULL");
  /* Validate everything first: a bad row writes nothing. One cheap pass, the message only on failure. */
  for (int64_t i = 0; i < count; i++) {
    if (!(tape_fixed_ok(price[i], TAPE_DEFAULT_SCALE) & tape_fixed_ok(qty[i], TAPE_DEFAULT_SCALE) & (side[i] <= 1))) {
      if ((rc = validate_trade(i, price[i], qty[i], side[i])) != FLOX_OK) return rc;
    }
  }
  pthread_mutex_lock(&w->mu);
  int64_t i = 0;
  while (i < count && rc == FLOX_OK) {
    /* Fast path (uncompressed, segment open, no rotation, index entry or buffer flush due): frames go
     * straight into the output buffer. Anything else takes put_trade for one row. */
    if (!w->compressed && w->fd >= 0) {
      const size_t need = TAPE_FRAME_HEADER + TAPE_TRADE_SIZE;
      int64_t room = (int64_t)((OUT_BUFFER - w->out_len) / need);
      int64_t seg_room = (w->max_bytes - w->seg_bytes) / (int64_t)need;
      int64_t to_index = w->interval - (int64_t)(w->seg_events % w->interval);
      if (w->seg_events % w->interval == 0) to_index = 0;
      int64_t k = count - i;
      if (room < k) k = room;
      if (seg_room < k) k = seg_room;
      if (to_index < k) k = to_index;
      if (k > 0) {
        uint8_t *f = w->out + w->out_len;
        int64_t max_ts = w->seg_max;
        int sorted = w->seg_sorted;
        uint8_t *const first = f;
        for (int64_t j = 0; j < k; j++, f += need) {
          const int64_t t = ts_ns[i + j];
          fill_trade(f + TAPE_FRAME_HEADER, t, symbol_id[i + j], tape_to_fixed(price[i + j], TAPE_DEFAULT_SCALE),
                     tape_to_fixed(qty[i + j], TAPE_DEFAULT_SCALE), side[i + j], w->exchange_id);
          st_u32(f, TAPE_TRADE_SIZE);
          f[8] = TAPE_FRAME_TRADE;
          f[9] = 1;
          st_u16(f + 10, 0);
          if (w->seg_first == 0) w->seg_first = t;
          if (t < max_ts) sorted = 0;
          else max_ts = t;
        }
        /* CRCs four frames at a time: independent chains overlap in the CPU. */
        int64_t j = 0;
        for (f = first; j + 4 <= k; j += 4, f += 4 * need) {
          const uint8_t *ps[4] = {f + TAPE_FRAME_HEADER, f + need + TAPE_FRAME_HEADER, f + 2 * need + TAPE_FRAME_HEADER,
                                  f + 3 * need + TAPE_FRAME_HEADER};
          uint32_t c4[4];
          flox_crc32_x4(ps, TAPE_TRADE_SIZE, c4);
          for (int q = 0; q < 4; q++) st_u32(f + q * need + 4, c4[q]);
        }
        for (; j < k; j++, f += need) st_u32(f + 4, flox_crc32(f + TAPE_FRAME_HEADER, TAPE_TRADE_SIZE));
        w->seg_max = max_ts;
        w->seg_sorted = sorted;
        w->seg_last = ts_ns[i + k - 1];
        w->seg_events += (uint32_t)k;
        w->seg_bytes += k * (int64_t)need;
        w->out_len += (size_t)k * need;
        w->st[FLOX_TAPE_WSTAT_BYTES] += k * (int64_t)need;
        w->st[FLOX_TAPE_WSTAT_EVENTS] += k;
        w->st[FLOX_TAPE_WSTAT_TRADES] += k;
        i += k;
        continue;
      }
    }
    rc = put_trade(w, ts_ns[i], symbol_id[i], tape_to_fixed(price[i], TAPE_DEFAULT_SCALE),
                   tape_to_fixed(qty[i], TAPE_DEFAULT_SCALE), side[i]);
    i++;
  }
  pthread_mutex_unlock(&w->mu);
  return rc;
}

int32_t flox_tape_writer_trades_raw(flox_tape_writer *w, const int64_t *ts_ns, const uint32_t *symbol_id,
                                    const int64_t *price_raw, const int64_t *qty_raw, const uint8_t *side,
                                    int64_t count) {
  int32_t rc = check_open(w, "flox_tape_writer_trades_raw");
  if (rc != FLOX_OK) return rc;
  if (count < 0) return flox_fail(FLOX_E_INVALID_ARG, "count is %lld", (long long)count);
  if (count == 0) return FLOX_OK;
  if (!ts_ns || !symbol_id || !price_raw || !qty_raw || !side) return flox_fail(FLOX_E_INVALID_ARG, "a column is NULL");
  pthread_mutex_lock(&w->mu);
  for (int64_t i = 0; i < count && rc == FLOX_OK; i++) rc = put_trade(w, ts_ns[i], symbol_id[i], price_raw[i], qty_raw[i], side[i]);
  pthread_mutex_unlock(&w->mu);
  return rc;
}

int32_t flox_tape_writer_book(flox_tape_writer *w, int64_t ts_ns, uint32_t symbol_id, const double *bid_price,
                              const double *bid_qty, int32_t bid_count, const double *ask_price, const double *ask_qty,
                              int32_t ask_count, int32_t is_snapshot) {
  int32_t rc = check_open(w, "flox_tape_writer_book");
  if (rc != FLOX_OK) return rc;
  if (bid_count < 0 || bid_count > 65535 || ask_count < 0 || ask_count > 65535)
    return flox_fail(FLOX_E_INVALID_ARG, "bid_count %d / ask_count %d; each must be 0..65535", bid_count, ask_count);
  if ((bid_count && (!bid_price || !bid_qty)) || (ask_count && (!ask_price || !ask_qty)))
    return flox_fail(FLOX_E_INVALID_ARG, "a level array is NULL");
  for (int32_t i = 0; i < bid_count; i++) {
    if (!tape_fixed_ok(bid_price[i], TAPE_DEFAULT_SCALE))
      return flox_fail(FLOX_E_BAD_PRICE, "bid_price[%d] is %g; must be finite and fit fixed point x1e8", i, bid_price[i]);
    if (!tape_fixed_ok(bid_qty[i], TAPE_DEFAULT_SCALE))
      return flox_fail(FLOX_E_BAD_QUANTITY, "bid_qty[%d] is %g; must be finite and fit fixed point x1e8", i, bid_qty[i]);
  }
  for (int32_t i = 0; i < ask_count; i++) {
    if (!tape_fixed_ok(ask_price[i], TAPE_DEFAULT_SCALE))
      return flox_fail(FLOX_E_BAD_PRICE, "ask_price[%d] is %g; must be finite and fit fixed point x1e8", i, ask_price[i]);
    if (!tape_fixed_ok(ask_qty[i], TAPE_DEFAULT_SCALE))
      return flox_fail(FLOX_E_BAD_QUANTITY, "ask_qty[%d] is %g; must be finite and fit fixed point x1e8", i, ask_qty[i]);
  }
  uint32_t size = TAPE_BOOK_HEADER + TAPE_BOOK_LEVEL * (uint32_t)(bid_count + ask_count);
  pthread_mutex_lock(&w->mu);
  uint8_t *f = begin_any(w, size, ts_ns, &rc);
  if (f) {
    uint8_t *p = f + TAPE_FRAME_HEADER;
    memset(p, 0, TAPE_BOOK_HEADER);
    st_i64(p + TAPE_B_TS, ts_ns);
    st_u32(p + TAPE_B_SYMBOL, symbol_id);
    st_u16(p + TAPE_B_BIDS, (uint16_t)bid_count);
    st_u16(p + TAPE_B_ASKS, (uint16_t)ask_count);
    p[TAPE_B_TYPE] = is_snapshot ? 0 : 1; /* header 0/1 with frame 2/3, as every FLOX writer */
    st_u16(p + TAPE_B_EXCHANGE, w->exchange_id);
    uint8_t *l = p + TAPE_BOOK_HEADER;
    for (int32_t i = 0; i < bid_count; i++, l += TAPE_BOOK_LEVEL) {
      st_i64(l, tape_to_fixed(bid_price[i], TAPE_DEFAULT_SCALE));
      st_i64(l + 8, tape_to_fixed(bid_qty[i], TAPE_DEFAULT_SCALE));
    }
    for (int32_t i = 0; i < ask_count; i++, l += TAPE_BOOK_LEVEL) {
      st_i64(l, tape_to_fixed(ask_price[i], TAPE_DEFAULT_SCALE));
      st_i64(l + 8, tape_to_fixed(ask_qty[i], TAPE_DEFAULT_SCALE));
    }
    rc = end_any(w, f, is_snapshot ? TAPE_FRAME_BOOK_SNAPSHOT : TAPE_FRAME_BOOK_DELTA, size, ts_ns);
    if (rc == FLOX_OK || w->compressed) w->st[FLOX_TAPE_WSTAT_BOOK_UPDATES]++;
    if (is_snapshot) w->meta.has_snapshots = 1;
    else w->meta.has_deltas = 1;
    if (bid_count > w->meta.book_depth) w->meta.book_depth = bid_count;
    if (ask_count > w->meta.book_depth) w->meta.book_depth = ask_count;
  }
  pthread_mutex_unlock(&w->mu);
  return rc;
}

int32_t flox_tape_writer_flush(flox_tape_writer *w) {
  int32_t rc = check_open(w, "flox_tape_writer_flush");
  if (rc != FLOX_OK) return rc;
  pthread_mutex_lock(&w->mu);
  if (w->compressed) rc = flush_block(w);
  else if (w->fd >= 0) rc = flush_out(w);
  pthread_mutex_unlock(&w->mu);
  return rc;
}

int32_t flox_tape_writer_close(flox_tape_writer *w) {
  if (!w) return flox_fail(FLOX_E_INVALID_ARG, "writer is NULL");
  pthread_mutex_lock(&w->mu);
  if (w->closed) {
    pthread_mutex_unlock(&w->mu);
    return FLOX_OK;
  }
  w->closed = 1;
  int32_t rc = FLOX_OK;
  if (w->compressed && w->blk_n > 0) rc = flush_block(w);
  int32_t rc2 = close_segment(w);
  if (rc == FLOX_OK) rc = rc2;
  if (w->write_meta) {
    w->meta.has_trades = w->st[FLOX_TAPE_WSTAT_TRADES] > 0;
    w->meta.total_trades = w->st[FLOX_TAPE_WSTAT_TRADES];
    w->meta.total_book_updates = w->st[FLOX_TAPE_WSTAT_BOOK_UPDATES];
    w->meta.end_ns = now_ns();
    int32_t rc3 = tape_meta_write(w->dir, &w->meta);
    if (rc3 != FLOX_OK) w->st[FLOX_TAPE_WSTAT_ERRORS]++;
    if (rc == FLOX_OK) rc = rc3;
  }
  pthread_mutex_unlock(&w->mu);
  return rc;
}

int32_t flox_tape_writer_stats(const flox_tape_writer *w, int64_t *out, int32_t cap) {
  if (!w || !out) return flox_fail(FLOX_E_INVALID_ARG, "writer or out is NULL");
  if (cap < 0) return flox_fail(FLOX_E_INVALID_ARG, "cap is %d", cap);
  int32_t n = cap < FLOX_TAPE_WSTAT_COUNT ? cap : FLOX_TAPE_WSTAT_COUNT;
  pthread_mutex_lock((pthread_mutex_t *)&w->mu);
  memcpy(out, w->st, (size_t)n * sizeof *out);
  pthread_mutex_unlock((pthread_mutex_t *)&w->mu);
  return FLOX_OK;
}

void flox_tape_writer_destroy(flox_tape_writer *w) {
  if (!w) return;
  flox_tape_writer_close(w);
  pthread_mutex_destroy(&w->mu);
  tape_meta_free(&w->meta);
  free(w->dir);
  free(w->seg_path);
  free(w->index);
  free(w->out);
  free(w->blk);
  free(w->blk_refs);
  free(w->blk_tmp);
  free(w->sorted_blk);
  free(w->cbuf);
  free(w);
}
