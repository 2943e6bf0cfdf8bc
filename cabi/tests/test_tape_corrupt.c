/* Table tests of damaged tapes: bad headers, torn frames and blocks, CRC mismatches, bad LZ4 data,
 * wrong block counts and bad indexes. The reader must never crash or read out of bounds (ctest also
 * runs this under ASan/UBSan), must deliver what precedes the damage, and must report it. */
#include "check.h"
#include "crc32.h"
#include "flox.h"
#include "tape_format.h"
#include "tape_test_util.h"

typedef struct {
  int64_t trades, unknown;
  int32_t damage;
  char reason[300];
  int64_t skipped;
  int sorted_ok;
} outcome;

/* Writes `bytes` as the only segment of a fresh tape and reads it all back. */
static outcome read_bytes(const uint8_t *bytes, size_t len) {
  outcome o;
  memset(&o, 0, sizeof o);
  char *dir = make_temp_dir("corrupt");
  char p[600];
  snprintf(p, sizeof p, "%s/0000000000000000001.floxlog", dir);
  write_file(p, bytes, len);
  flox_tape_reader *r = NULL;
  if (flox_tape_reader_open(dir, 0, 0, 0, &r) != FLOX_OK) {
    rm_tree(dir);
    free(dir);
    o.damage = -1;
    return o;
  }
  int64_t ts[64];
  uint32_t sym[64];
  double px[64], q[64];
  uint8_t side[64];
  int32_t n;
  int64_t last = INT64_MIN;
  o.sorted_ok = 1;
  do {
    if (flox_tape_reader_read_trades(r, ts, sym, px, q, side, 64, &n) != FLOX_OK) break;
    for (int32_t i = 0; i < n; i++) {
      if (ts[i] < last) o.sorted_ok = 0;
      last = ts[i];
    }
    o.trades += n;
  } while (n > 0);
  int64_t st[FLOX_TAPE_RSTAT_COUNT];
  flox_tape_reader_stats(r, st, FLOX_TAPE_RSTAT_COUNT);
  o.unknown = st[FLOX_TAPE_RSTAT_UNKNOWN_FRAMES];
  o.damage = flox_tape_reader_damage_count(r);
  if (o.damage > 0) {
    char seg[600];
    flox_tape_reader_damage(r, 0, seg, sizeof seg, o.reason, sizeof o.reason, &o.skipped);
  }
  flox_tape_reader_destroy(r);
  rm_tree(dir);
  free(dir);
  return o;
}

/* A tape of n trades (ts 1000, 2000, ...) written by our writer; returns the one segment's bytes. */
static uint8_t *make_segment(int compression, int interval, int n, size_t *len) {
  char *dir = make_temp_dir("src");
  flox_tape_writer *w = NULL;
  flox_tape_writer_create(dir, 0, compression, interval, 0, FLOX_TAPE_WRITE_NO_METADATA, &w);
  for (int i = 0; i < n; i++) flox_tape_writer_trade(w, 1000 * (i + 1), 1 + i % 2, 100 + i, 1, i % 2);
  flox_tape_writer_destroy(w);
  char *segs[2];
  int k = list_segments(dir, segs, 2);
  uint8_t *b = k == 1 ? read_file(segs[0], len) : NULL;
  for (int i = 0; i < k; i++) free(segs[i]);
  rm_tree(dir);
  free(dir);
  return b;
}

static uint8_t *copy(const uint8_t *b, size_t len) {
  uint8_t *c = malloc(len + 64);
  memcpy(c, b, len);
  return c;
}

static void expect(const char *name, outcome o, int64_t trades, int32_t damage, const char *reason) {
  int ok = o.trades == trades && o.damage == damage && (!reason || strstr(o.reason, reason)) && o.sorted_ok;
  CHECK(ok);
  if (!ok)
    fprintf(stderr, "  case '%s': trades %lld (want %lld), damage %d (want %d), reason '%s' (want '%s')\n", name,
            (long long)o.trades, (long long)trades, o.damage, damage, o.reason, reason ? reason : "");
}

static void fix_crc(uint8_t *frame) { st_u32(frame + 4, flox_crc32(frame + 12, ld_u32(frame))); }

static void uncompressed_cases(void) {
  size_t len = 0;
  uint8_t *base = make_segment(0, 3, 10, &len);
  CHECK(base != NULL && len == 64 + 10 * 60 + 32 + 4 * 16);
  if (!base) return;
  const size_t F = 60; /* trade frame bytes */
  uint8_t *b;
  expect("intact", read_bytes(base, len), 10, 0, NULL);
  expect("short header", read_bytes(base, 30), 0, 1, "shorter than the 64-byte");
  expect("empty file", read_bytes(base, 0), 0, 1, "shorter than the 64-byte");
  b = copy(base, len); b[0] = 'X';
  expect("bad magic", read_bytes(b, len), 0, 1, "bad magic"); free(b);
  b = copy(base, len); st_u16(b + 4, 2);
  expect("version 2", read_bytes(b, len), 0, 1, "unsupported segment version 2"); free(b);
  /* torn tail of a segment killed mid-write: placeholder header, no index, partial last frame */
  b = copy(base, len); memset(b + 6, 0, 58); b[0] = 'F'; memcpy(b, base, 6);
  outcome o = read_bytes(b, 64 + 6 * F + 20);
  expect("torn tail", o, 6, 1, "torn frame");
  CHECK_EQ_INT(o.skipped, 20);
  free(b);
  b = copy(base, len); b[64 + 4 * F + 12 + 16] ^= 0x40; /* price byte of frame 4 */
  expect("crc mismatch (sorted)", read_bytes(b, len), 4, 1, "CRC mismatch in frame at offset 304");
  b[6] &= (uint8_t)~TAPE_FLAG_SORTED;
  expect("crc mismatch (unsorted)", read_bytes(b, len), 4, 1, "CRC mismatch"); free(b);
  b = copy(base, len); st_u32(b + 64 + 2 * F, 0xFFFFFFFFu);
  expect("oversized frame", read_bytes(b, len), 2, 1, "over the 10 MiB limit"); free(b);
  b = copy(base, len); st_u32(b + 64 + 2 * F, 4000);
  expect("frame past end", read_bytes(b, len), 2, 1, "torn frame"); free(b);
  b = copy(base, len); b[64 + 2 * F + 8] = 9; /* unknown type: skipped by size, CRC still checked */
  o = read_bytes(b, len);
  expect("unknown type", o, 9, 0, NULL);
  CHECK_EQ_INT(o.unknown, 1);
  b[64 + 3 * F + 8] = 0;
  expect("type 0", read_bytes(b, len), 8, 0, NULL); free(b);
  b = copy(base, len); st_u32(b + 64 + 5 * F, 40); fix_crc(b + 64 + 5 * F); /* short trade, then garbage */
  expect("short trade payload", read_bytes(b, len), 5, 1, "needs 48"); free(b);
  b = copy(base, len); b[64 + 1 * F + 8] = 2; /* a "book" whose level counts exceed its 48 bytes */
  st_u16(b + 64 + F + 12 + 28, 100); fix_crc(b + 64 + F);
  expect("book levels past payload", read_bytes(b, len), 1, 1, "needs"); free(b);
  size_t io = (size_t)ld_u64(base + TAPE_H_INDEX_OFFSET);
  b = copy(base, len); b[io + 32 + 3] ^= 1;
  o = read_bytes(b, len);
  expect("index crc", o, 10, 1, "index ignored: index CRC mismatch");
  CHECK_EQ_INT(o.skipped, 0); free(b);
  b = copy(base, len); b[io] = 'Z';
  expect("index magic", read_bytes(b, len), 10, 1, "index ignored: bad index magic"); free(b);
  b = copy(base, len); st_u32(b + io + 8, 1000000);
  expect("index count", read_bytes(b, len), 10, 1, "index ignored"); free(b);
  b = copy(base, len); st_u64(b + TAPE_H_INDEX_OFFSET, len + 100);
  o = read_bytes(b, len); /* data runs to EOF; the trailer then reads as an oversized frame */
  CHECK_EQ_INT(o.trades, 10);
  CHECK(o.damage >= 1); free(b);
  b = copy(base, len); st_u64(b + TAPE_H_INDEX_OFFSET, 10);
  o = read_bytes(b, len);
  CHECK_EQ_INT(o.trades, 10);
  CHECK(o.damage >= 1); free(b);
  /* unsorted flag cleared: delivered in timestamp order anyway; swap two frames' ts */
  b = copy(base, len); b[6] &= (uint8_t)~TAPE_FLAG_SORTED;
  st_i64(b + 64 + 12, 5500); fix_crc(b + 64);
  o = read_bytes(b, len);
  expect("unsorted reorders", o, 10, 0, NULL); free(b);
  free(base);
}

/* Offsets of the blocks of an LZ4 segment. */
static int block_offsets(const uint8_t *b, size_t end, size_t *offs, int cap) {
  size_t pos = 64;
  int n = 0;
  while (pos + 16 <= end && n < cap && ld_u32(b + pos) == TAPE_BLOCK_MAGIC) {
    offs[n++] = pos;
    pos += 16 + ld_u32(b + pos + 4);
  }
  return n;
}

static void compressed_cases(void) {
  size_t len = 0;
  uint8_t *base = make_segment(1, 10, 30, &len);
  CHECK(base != NULL);
  if (!base) return;
  size_t io = (size_t)ld_u64(base + TAPE_H_INDEX_OFFSET);
  size_t off[8];
  int nb = block_offsets(base, io, off, 8);
  CHECK_EQ_INT(nb, 3);
  CHECK_EQ_INT(base[6], TAPE_FLAG_COMPRESSED | TAPE_FLAG_INDEX | TAPE_FLAG_SORTED); /* 0x0B, as FLOX */
  if (nb != 3) return;
  uint8_t *b;
  outcome o;
  expect("lz4 intact", read_bytes(base, len), 30, 0, NULL);
  b = copy(base, len); b[off[1]] = 'X';
  expect("bad block magic", read_bytes(b, len), 10, 1, "bad block magic"); free(b);
  /* killed mid-block: header current up to block 2 (as the writer keeps it), file cut inside block 3 */
  b = copy(base, len); b[6] = TAPE_FLAG_COMPRESSED; st_u64(b + TAPE_H_INDEX_OFFSET, 0);
  o = read_bytes(b, off[2] + 16 + 5);
  expect("torn block", o, 20, 1, "torn block");
  b[6] = TAPE_FLAG_COMPRESSED | TAPE_FLAG_SORTED;
  expect("torn block header", read_bytes(b, off[2] + 7), 20, 1, "torn block header"); free(b);
  b = copy(base, len);
  for (size_t i = off[1] + 16; i < off[1] + 16 + ld_u32(b + off[1] + 4); i += 3) b[i] ^= 0x5A;
  o = read_bytes(b, len);
  CHECK(o.trades >= 10 && o.trades < 20);
  CHECK_EQ_INT(o.damage, 1);
  free(b);
  b = copy(base, len); st_u16(b + off[0] + 12, 11); /* claims more frames than it holds */
  expect("count too high", read_bytes(b, len), 10, 1, "torn frame header"); free(b);
  b = copy(base, len); st_u16(b + off[0] + 12, 9); /* fewer: the extra frame is ignored, as FLOX */
  expect("count too low", read_bytes(b, len), 29, 0, NULL); free(b);
  b = copy(base, len); st_u32(b + off[1] + 8, 200u << 20);
  expect("block over limit", read_bytes(b, len), 10, 1, "over the 100 MiB limit"); free(b);
  b = copy(base, len); st_u32(b + off[1] + 8, ld_u32(b + off[1] + 8) + 1);
  expect("inexact original size", read_bytes(b, len), 10, 1, "does not decompress"); free(b);
  b = copy(base, len); st_u32(b + off[1] + 4, 0xFFFFFF);
  expect("block past end", read_bytes(b, len), 10, 1, "torn block"); free(b);
  b = copy(base, len); b[TAPE_H_COMPRESSION] = 7;
  expect("unknown compression", read_bytes(b, len), 0, 1, "unknown compression 7"); free(b);
  /* Compressed flag but compression byte 0: FLOX's "stored" reading; our LZ4 blocks then fail size */
  b = copy(base, len); b[TAPE_H_COMPRESSION] = 0;
  expect("stored mismatch", read_bytes(b, len), 0, 1, "stored block"); free(b);
  /* crashed before the first header rewrite: header counts 0, no flags but compression byte 1 */
  b = copy(base, len); b[6] = 0; memset(b + 16, 0, 20); st_u64(b + TAPE_H_INDEX_OFFSET, 0);
  o = read_bytes(b, io);
  expect("recovered compressed", o, 30, 0, NULL); free(b);
  b = copy(base, len); b[io + 40] ^= 1;
  expect("lz4 index crc", read_bytes(b, len), 30, 1, "index ignored"); free(b);
  free(base);
}

/* A "stored" segment (Compressed flag, compression byte 0, csize == osize) as FLOX can read it. */
static void stored_blocks(void) {
  size_t len = 0;
  uint8_t *raw = make_segment(0, 1000, 5, &len);
  if (!raw) return;
  size_t frames = 5 * 60;
  uint8_t *b = calloc(1, 64 + 16 + frames);
  memcpy(b, raw, 64);
  b[6] = TAPE_FLAG_COMPRESSED;
  b[TAPE_H_COMPRESSION] = 0;
  st_u64(b + TAPE_H_INDEX_OFFSET, 0);
  st_u32(b + 64, TAPE_BLOCK_MAGIC);
  st_u32(b + 68, (uint32_t)frames);
  st_u32(b + 72, (uint32_t)frames);
  st_u16(b + 76, 5);
  memcpy(b + 80, raw + 64, frames);
  expect("stored block", read_bytes(b, 80 + frames), 5, 0, NULL);
  free(b);
  free(raw);
}

/* Damage in one segment ends that segment only; the next one is still read. */
static void damage_is_per_segment(void) {
  char *dir = make_temp_dir("twoseg");
  flox_tape_writer *w = NULL;
  flox_tape_writer_create(dir, 64 + 60 * 5, 0, 0, 0, FLOX_TAPE_WRITE_NO_METADATA, &w);
  for (int i = 0; i < 10; i++) flox_tape_writer_trade(w, 1000 * (i + 1), 1, 100, 1, 0);
  flox_tape_writer_destroy(w);
  char *segs[4];
  int n = list_segments(dir, segs, 4);
  CHECK_EQ_INT(n, 2);
  if (n == 2) {
    size_t len;
    uint8_t *b = read_file(segs[0], &len);
    b[64 + 60 * 2 + 20] ^= 1;
    write_file(segs[0], b, len);
    free(b);
    trades_t t;
    CHECK_STATUS(read_all_trades(dir, 0, &t), FLOX_OK);
    CHECK_EQ_INT(t.n, 2 + 5);
    CHECK_EQ_INT(t.damage, 1);
    trades_free(&t);
  }
  for (int i = 0; i < n; i++) free(segs[i]);
  rm_tree(dir);
  free(dir);
}

/* The accelerated CRC (PCLMULQDQ where available) agrees with the portable tables at every length. */
static void crc_paths_agree(void) {
  uint8_t buf[600];
  uint64_t x = 88172645463325252ull;
  for (size_t i = 0; i < sizeof buf; i++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    buf[i] = (uint8_t)x;
  }
  int mismatches = 0;
  for (size_t len = 0; len <= 300; len++) {
    for (size_t off = 0; off < 3; off++) {
      flox_crc32_test_force_table(0);
      uint32_t fast = flox_crc32(buf + off, len);
      const uint8_t *ps[4] = {buf + off, buf + off + 1, buf + off + 2, buf + off + 3};
      uint32_t fast4[4];
      flox_crc32_x4(ps, len, fast4);
      flox_crc32_test_force_table(1);
      uint32_t slow = flox_crc32(buf + off, len);
      uint32_t slow4[4];
      flox_crc32_x4(ps, len, slow4);
      if (fast != slow || memcmp(fast4, slow4, sizeof fast4) != 0 || fast4[0] != fast) mismatches++;
    }
  }
  flox_crc32_test_force_table(0);
  CHECK_EQ_INT(mismatches, 0);
}

int main(void) {
  CHECK_EQ_INT(flox_crc32("123456789", 9), 0xCBF43926u);
  CHECK_EQ_INT(flox_crc32("hello", 5), 0x3610A686u);
  CHECK_EQ_INT(flox_crc32("0123456789abcdefghijklmnopqrstuvwxyz", 36), 0xFDB5537Du);
  crc_paths_agree();
  uncompressed_cases();
  compressed_cases();
  stored_blocks();
  damage_is_per_segment();
  return check_report("test_tape_corrupt");
}
