/* Writer -> reader round trips of every variant the writer produces (uncompressed and LZ4, indexed
 * or not, sorted or not, rotating), the seed's exact fixed-point example, books, filters, seek,
 * metadata.json, statistics after close, and bad paths. */
#include "check.h"
#include "flox.h"
#include "tape_format.h"
#include "tape_test_util.h"

#include <errno.h>
#include <stdint.h>

/* Deterministic pseudo-random trades; `unsorted` makes every 7th timestamp jump back. */
static void gen(int64_t n, int unsorted, int64_t *ts, uint32_t *sym, double *px, double *qty, uint8_t *side) {
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (int64_t i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    ts[i] = 1700000000000000000ll + i * 1000 - ((unsorted && i % 7 == 3) ? 5500 : 0) + (i % 5 == 0 ? 0 : 0);
    if (i % 11 == 5) ts[i] = ts[i - 1]; /* equal timestamps: stable order matters */
    sym[i] = (uint32_t)(1 + x % 3);
    px[i] = (double)(1000000 + (int64_t)(x % 100000)) / 100.0; /* two decimals */
    qty[i] = (double)(1 + (int64_t)((x >> 20) % 1000000)) / 1e6;
    side[i] = (uint8_t)((x >> 40) & 1);
  }
}

/* Stable order of indexes by ts (insertion sort over a nearly sorted array). */
static void stable_order(const int64_t *ts, int64_t n, int64_t *order) {
  for (int64_t i = 0; i < n; i++) {
    int64_t j = i;
    while (j > 0 && ts[order[j - 1]] > ts[i]) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = i;
  }
}

static void seed_example(void) {
  char *dir = make_temp_dir("seed");
  flox_tape_writer *w = NULL;
  CHECK_STATUS(flox_tape_writer_create(dir, 64 << 20, FLOX_TAPE_COMPRESSION_NONE, 0, 0, 0, &w), FLOX_OK);
  CHECK_STATUS(flox_tape_writer_trade(w, 1000000000, 1, 101.50, 0.5, 0), FLOX_OK);
  CHECK_STATUS(flox_tape_writer_trade(w, 1500000000, 1, 101.55, 0.3, 1), FLOX_OK);
  CHECK_STATUS(flox_tape_writer_trade(w, 2000000000, 1, 101.60, 1.2, 0), FLOX_OK);
  CHECK_STATUS(flox_tape_writer_close(w), FLOX_OK);
  int64_t ws[FLOX_TAPE_WSTAT_COUNT];
  CHECK_STATUS(flox_tape_writer_stats(w, ws, FLOX_TAPE_WSTAT_COUNT), FLOX_OK);
  CHECK_EQ_INT(ws[FLOX_TAPE_WSTAT_TRADES], 3);
  CHECK_EQ_INT(ws[FLOX_TAPE_WSTAT_BYTES], 3 * 60); /* after close, unlike FLOX */
  CHECK_EQ_INT(ws[FLOX_TAPE_WSTAT_SEGMENTS], 1);
  CHECK_STATUS(flox_tape_writer_trade(w, 3000000000, 1, 1, 1, 0), FLOX_E_STATE);
  flox_tape_writer_destroy(w);

  trades_t t;
  CHECK_STATUS(read_all_trades(dir, 0, &t), FLOX_OK);
  CHECK_EQ_INT(t.n, 3);
  if (t.n == 3) {
    CHECK(t.price[0] == 101.50 && t.price[1] == 101.55 && t.price[2] == 101.60); /* exact, not near */
    CHECK(t.qty[0] == 0.5 && t.qty[1] == 0.3 && t.qty[2] == 1.2);
    CHECK(t.side[0] == 0 && t.side[1] == 1 && t.side[2] == 0);
    CHECK_EQ_INT(t.ts[0], 1000000000);
    CHECK_EQ_INT(t.ts[2], 2000000000);
  }
  trades_free(&t);

  flox_tape_reader *r = NULL;
  CHECK_STATUS(flox_tape_reader_open(dir, 0, 0, 0, &r), FLOX_OK);
  CHECK_STATUS(flox_tape_reader_scan(r, 0, NULL, NULL), FLOX_OK);
  int64_t st[FLOX_TAPE_RSTAT_COUNT];
  CHECK_STATUS(flox_tape_reader_stats(r, st, FLOX_TAPE_RSTAT_COUNT), FLOX_OK);
  CHECK_EQ_INT(st[FLOX_TAPE_RSTAT_TRADES], 3);
  CHECK_EQ_INT(st[FLOX_TAPE_RSTAT_FIRST_TRADE_TS], 1000000000);
  CHECK_EQ_INT(st[FLOX_TAPE_RSTAT_LAST_TRADE_TS], 2000000000);
  CHECK_EQ_INT(st[FLOX_TAPE_RSTAT_DAMAGED], 0);
  uint32_t syms[4];
  int32_t ns = 0;
  CHECK_STATUS(flox_tape_reader_symbols(r, syms, 4, &ns), FLOX_OK);
  CHECK_EQ_INT(ns, 1);
  CHECK_EQ_INT(syms[0], 1);
  CHECK_EQ_INT(flox_tape_reader_segment_count(r), 1);
  int64_t info[FLOX_TAPE_SEG_FIELD_COUNT];
  char path[512];
  CHECK_STATUS(flox_tape_reader_segment_info(r, 0, info, FLOX_TAPE_SEG_FIELD_COUNT, path, sizeof path), FLOX_OK);
  CHECK_EQ_INT(info[FLOX_TAPE_SEG_HEADER_EVENTS], 3);
  CHECK_EQ_INT(info[FLOX_TAPE_SEG_EVENTS], 3);
  CHECK_EQ_INT(info[FLOX_TAPE_SEG_INDEXED], 1);
  CHECK_EQ_INT(info[FLOX_TAPE_SEG_SORTED], 1);
  CHECK_EQ_INT(info[FLOX_TAPE_SEG_HEADER_FIRST_TS], 1000000000);
  CHECK_EQ_INT(info[FLOX_TAPE_SEG_HEADER_LAST_TS], 2000000000);
  CHECK_EQ_INT(info[FLOX_TAPE_SEG_BYTES], 64 + 3 * 60 + 32 + 16);
  flox_tape_reader_destroy(r);
  rm_tree(dir);
  free(dir);
}

/* Writes n trades (plus a book every 97 trades) with the given options and checks everything reads
 * back in stable timestamp order per segment, with the header flags the spec asks for. */
static void variant(int compression, int flags, int unsorted, int64_t max_bytes, int64_t n, int expect_multi) {
  char *dir = make_temp_dir("variant");
  int64_t *ts = malloc(n * 8), *order = malloc(n * 8);
  uint32_t *sym = malloc(n * 4);
  double *px = malloc(n * 8), *qty = malloc(n * 8);
  uint8_t *side = malloc(n);
  gen(n, unsorted, ts, sym, px, qty, side);
  flox_tape_writer *w = NULL;
  CHECK_STATUS(flox_tape_writer_create(dir, max_bytes, compression, 100, 7, flags, &w), FLOX_OK);
  int64_t books = 0;
  for (int64_t i = 0; i < n; i += 500) {
    int64_t k = n - i < 500 ? n - i : 500;
    CHECK_STATUS(flox_tape_writer_trades(w, ts + i, sym + i, px + i, qty + i, side + i, k), FLOX_OK);
    double bp[2] = {100.5, 100.25}, bq[2] = {1, 2}, ap[1] = {100.75}, aq[1] = {3};
    CHECK_STATUS(flox_tape_writer_book(w, ts[i + k - 1], 9, bp, bq, 2, ap, aq, 1, (i / 500) % 2 == 0), FLOX_OK);
    books++;
  }
  CHECK_STATUS(flox_tape_writer_close(w), FLOX_OK);
  int64_t ws[FLOX_TAPE_WSTAT_COUNT];
  flox_tape_writer_stats(w, ws, FLOX_TAPE_WSTAT_COUNT);
  CHECK_EQ_INT(ws[FLOX_TAPE_WSTAT_TRADES], n);
  CHECK_EQ_INT(ws[FLOX_TAPE_WSTAT_BOOK_UPDATES], books);
  CHECK_EQ_INT(ws[FLOX_TAPE_WSTAT_ERRORS], 0);
  flox_tape_writer_destroy(w);

  char *segs[256];
  int nseg = list_segments(dir, segs, 256);
  CHECK_EQ_INT(nseg, ws[FLOX_TAPE_WSTAT_SEGMENTS]);
  if (expect_multi) CHECK(nseg > 1);
  else CHECK_EQ_INT(nseg, 1);
  /* Header facts per segment, and the expected delivery: stable ts order within each segment. */
  int64_t at = 0, total_events = 0;
  trades_t t;
  CHECK_STATUS(read_all_trades(dir, 0, &t), FLOX_OK);
  CHECK_EQ_INT(t.n, n);
  CHECK_EQ_INT(t.damage, 0);
  for (int s = 0; s < nseg; s++) {
    size_t len = 0;
    uint8_t *b = read_file(segs[s], &len);
    CHECK(ld_u32(b) == TAPE_MAGIC);
    CHECK_EQ_INT(ld_u16(b + 4), 1);
    uint8_t f = b[6];
    CHECK_EQ_INT(b[7], 7);
    CHECK_EQ_INT(ld_u32(b + TAPE_H_SYMBOLS), 0);
    CHECK_EQ_INT(!!(f & TAPE_FLAG_COMPRESSED), compression);
    CHECK_EQ_INT(b[TAPE_H_COMPRESSION], compression);
    CHECK_EQ_INT(!!(f & TAPE_FLAG_INDEX), !(flags & FLOX_TAPE_WRITE_NO_INDEX));
    CHECK_EQ_INT(ld_u64(b + TAPE_H_INDEX_OFFSET) != 0, !(flags & FLOX_TAPE_WRITE_NO_INDEX));
    if (!unsorted) CHECK(f & TAPE_FLAG_SORTED);
    if (max_bytes > 0 && !(flags & FLOX_TAPE_WRITE_NO_INDEX)) {
      uint64_t io = ld_u64(b + TAPE_H_INDEX_OFFSET);
      CHECK((int64_t)io <= max_bytes || s == nseg - 1 || ld_u32(b + TAPE_H_EVENTS) <= 1000);
    }
    total_events += ld_u32(b + TAPE_H_EVENTS);
    free(b);
  }
  CHECK_EQ_INT(total_events, n + books);
  /* Which input rows landed in which segment follows input order, so the expected output is each
   * segment's slice stably sorted. Find slices by walking counts per segment from the reader. */
  flox_tape_reader *r = NULL;
  CHECK_STATUS(flox_tape_reader_open(dir, 0, 0, 0, &r), FLOX_OK);
  CHECK_STATUS(flox_tape_reader_scan(r, 0, NULL, NULL), FLOX_OK);
  int64_t start = 0, carry = 0;
  int mismatches = 0;
  for (int s = 0; s < nseg; s++) {
    int64_t info[FLOX_TAPE_SEG_FIELD_COUNT];
    flox_tape_reader_segment_info(r, s, info, FLOX_TAPE_SEG_FIELD_COUNT, NULL, 0);
    CHECK_EQ_INT(info[FLOX_TAPE_SEG_INDEXED], !(flags & FLOX_TAPE_WRITE_NO_INDEX));
    CHECK_EQ_INT(info[FLOX_TAPE_SEG_EVENTS], info[FLOX_TAPE_SEG_HEADER_EVENTS]);
    /* trades in this segment = events - books in it; count trades by consuming input in order */
    int64_t seg_events = info[FLOX_TAPE_SEG_EVENTS] - carry, seg_trades = 0, i = start;
    int64_t consumed = 0;
    while (consumed < seg_events && i < n) { /* books follow each 500-trade chunk */
      consumed++;
      seg_trades++;
      i++;
      if (i % 500 == 0 || i == n) consumed++; /* the book after the chunk */
    }
    carry = consumed - seg_events; /* 1 when the chunk's book went to the next segment */
    for (int64_t k = 0; k < seg_trades; k++) order[k] = k;
    stable_order(ts + start, seg_trades, order);
    for (int64_t k = 0; k < seg_trades && at < t.n; k++, at++) {
      int64_t src = start + order[k];
      if (t.ts[at] != ts[src] || t.sym[at] != sym[src] || t.price[at] != px[src] || t.qty[at] != qty[src] ||
          t.side[at] != side[src])
        mismatches++;
    }
    start += seg_trades;
  }
  CHECK_EQ_INT(mismatches, 0);
  CHECK_EQ_INT(at, n);
  flox_tape_reader_destroy(r);
  trades_free(&t);
  for (int s = 0; s < nseg; s++) free(segs[s]);
  free(ts); free(order); free(sym); free(px); free(qty); free(side);
  rm_tree(dir);
  free(dir);
}

static void books_and_events(int compression) {
  char *dir = make_temp_dir("books");
  flox_tape_writer *w = NULL;
  CHECK_STATUS(flox_tape_writer_create(dir, 0, compression, 0, 0, 0, &w), FLOX_OK);
  double bp[3] = {99.5, 99.25, 99.0}, bq[3] = {1.5, 2.0, 0.0}, ap[2] = {100.0, 100.5}, aq[2] = {0.125, 3.0};
  CHECK_STATUS(flox_tape_writer_book(w, 10, 4, bp, bq, 3, ap, aq, 2, 1), FLOX_OK);
  CHECK_STATUS(flox_tape_writer_trade(w, 11, 4, 99.75, 0.01, 1), FLOX_OK);
  CHECK_STATUS(flox_tape_writer_book(w, 12, 4, NULL, NULL, 0, ap, aq, 1, 0), FLOX_OK);
  double nan = NAN;
  CHECK_STATUS(flox_tape_writer_book(w, 13, 4, &nan, bq, 1, NULL, NULL, 0, 1), FLOX_E_BAD_PRICE);
  CHECK(strstr(flox_last_error(), "bid_price[0]") != NULL);
  CHECK_STATUS(flox_tape_writer_close(w), FLOX_OK);
  flox_tape_writer_destroy(w);

  flox_tape_reader *r = NULL;
  CHECK_STATUS(flox_tape_reader_open(dir, 0, 0, 0, &r), FLOX_OK);
  uint8_t kind[8], side[8];
  int64_t ts[8];
  uint32_t sym[8], ls[8], nb[8], na[8];
  double px[8], qty[8], lp[16], lq[16];
  int32_t cnt[2];
  /* level_cap 4 is too small for the first book (5 levels): a clear error, nothing consumed */
  CHECK_STATUS(flox_tape_reader_read_events(r, kind, ts, sym, px, qty, side, ls, nb, na, 8, lp, lq, 4, cnt),
               FLOX_E_BUFFER_TOO_SMALL);
  CHECK_STATUS(flox_tape_reader_read_events(r, kind, ts, sym, px, qty, side, ls, nb, na, 8, lp, lq, 16, cnt), FLOX_OK);
  CHECK_EQ_INT(cnt[0], 3);
  CHECK_EQ_INT(cnt[1], 6);
  CHECK_EQ_INT(kind[0], FLOX_TAPE_EVENT_BOOK_SNAPSHOT);
  CHECK_EQ_INT(kind[1], FLOX_TAPE_EVENT_TRADE);
  CHECK_EQ_INT(kind[2], FLOX_TAPE_EVENT_BOOK_DELTA);
  CHECK_EQ_INT(nb[0], 3);
  CHECK_EQ_INT(na[0], 2);
  CHECK(lp[0] == 99.5 && lp[2] == 99.0 && lq[2] == 0.0 && lp[3] == 100.0 && lq[3] == 0.125 && lp[4] == 100.5);
  CHECK(px[1] == 99.75 && qty[1] == 0.01 && side[1] == 1);
  CHECK_EQ_INT(ls[2], 5);
  CHECK_EQ_INT(nb[2], 0);
  CHECK_EQ_INT(na[2], 1);
  CHECK(lp[5] == 100.0);
  /* header type byte 0/1 with frame type 2/3 (spec 2.5) */
  flox_tape_reader_destroy(r);
  char *segs[4];
  int nseg = list_segments(dir, segs, 4);
  CHECK_EQ_INT(nseg, 1);
  if (!compression && nseg == 1) {
    size_t len;
    uint8_t *b = read_file(segs[0], &len);
    CHECK_EQ_INT(b[64 + 8], 2);        /* frame type snapshot */
    CHECK_EQ_INT(b[64 + 12 + 32], 0);  /* header type 0 */
    CHECK_EQ_INT(b[64 + 9], 1);        /* rec_version */
    free(b);
  }
  for (int i = 0; i < nseg; i++) free(segs[i]);
  rm_tree(dir);
  free(dir);
}

static void filters_and_seek(int compression, int unsorted) {
  char *dir = make_temp_dir("seek");
  int64_t n = 20000;
  int64_t *ts = malloc(n * 8);
  uint32_t *sym = malloc(n * 4);
  double *px = malloc(n * 8), *qty = malloc(n * 8);
  uint8_t *side = malloc(n);
  gen(n, unsorted, ts, sym, px, qty, side);
  flox_tape_writer *w = NULL;
  CHECK_STATUS(flox_tape_writer_create(dir, 300000, compression, 0, 0, 0, &w), FLOX_OK);
  CHECK_STATUS(flox_tape_writer_trades(w, ts, sym, px, qty, side, n), FLOX_OK);
  CHECK_STATUS(flox_tape_writer_close(w), FLOX_OK);
  flox_tape_writer_destroy(w);
  flox_tape_reader *r = NULL;
  CHECK_STATUS(flox_tape_reader_open(dir, 0, 0, 0, &r), FLOX_OK);
  int64_t targets[4] = {ts[0] - 1, ts[n / 3], ts[n - 1], ts[n - 1] + 100000};
  for (int k = 0; k < 4; k++) {
    int64_t target = targets[k], expect = 0;
    for (int64_t i = 0; i < n; i++) expect += ts[i] >= target;
    CHECK_STATUS(flox_tape_reader_seek(r, target), FLOX_OK);
    int64_t got = 0, below = 0;
    int64_t bt[1024];
    uint32_t bs[1024];
    double bp[1024], bq[1024];
    uint8_t bside[1024];
    int32_t c;
    do {
      CHECK_STATUS(flox_tape_reader_read_trades(r, bt, bs, bp, bq, bside, 1024, &c), FLOX_OK);
      for (int32_t i = 0; i < c; i++) below += bt[i] < target;
      got += c;
    } while (c > 0);
    CHECK_EQ_INT(got, expect);
    CHECK_EQ_INT(below, 0);
  }
  /* symbol and range filter */
  uint32_t want[1] = {2};
  int64_t lo = ts[n / 4], hi = ts[n / 2];
  CHECK_STATUS(flox_tape_reader_set_filter(r, lo, hi, want, 1), FLOX_OK);
  int64_t expect = 0;
  for (int64_t i = 0; i < n; i++) expect += sym[i] == 2 && ts[i] >= lo && ts[i] <= hi;
  CHECK_STATUS(flox_tape_reader_scan(r, 0, NULL, NULL), FLOX_OK);
  int64_t st[FLOX_TAPE_RSTAT_COUNT];
  flox_tape_reader_stats(r, st, FLOX_TAPE_RSTAT_COUNT);
  CHECK_EQ_INT(st[FLOX_TAPE_RSTAT_TRADES], expect);
  CHECK_STATUS(flox_tape_reader_set_filter(r, 5, 4, NULL, 0), FLOX_E_INVALID_ARG);
  flox_tape_reader_destroy(r);
  free(ts); free(sym); free(px); free(qty); free(side);
  rm_tree(dir);
  free(dir);
}

static void metadata_file(void) {
  char *dir = make_temp_dir("meta");
  flox_tape_writer *w = NULL;
  CHECK_STATUS(flox_tape_writer_create(dir, 0, 0, 0, 0, 0, &w), FLOX_OK);
  CHECK_STATUS(flox_tape_writer_set_metadata(w, "exchange", "bybit"), FLOX_OK);
  CHECK_STATUS(flox_tape_writer_set_metadata(w, "nope", "x"), FLOX_E_INVALID_ARG);
  CHECK_STATUS(flox_tape_writer_add_symbol(w, 1, "BTCUSDT", "BTC", "USDT", 2, 8), FLOX_OK);
  CHECK_STATUS(flox_tape_writer_add_symbol(w, 2, "bad]name", "", "", 8, 8), FLOX_E_INVALID_ARG);
  CHECK_STATUS(flox_tape_writer_close(w), FLOX_OK);
  flox_tape_writer_destroy(w);
  char p[600];
  snprintf(p, sizeof p, "%s/metadata.json", dir);
  size_t len = 0;
  uint8_t *b = read_file(p, &len);
  CHECK(b != NULL);
  if (b) {
    b = realloc(b, len + 1);
    b[len] = 0;
    const char *s = (const char *)b;
    CHECK(strstr(s, "\"exchange\": \"bybit\"") != NULL);
    CHECK(strstr(s, "\"symbol_id\": 1") != NULL);
    CHECK(strstr(s, "\"name\": \"BTCUSDT\"") != NULL);
    CHECK(strstr(s, "\"price_scale\": 100000000") != NULL);
    CHECK(strstr(s, "\"total_trades\": 0") != NULL);
    /* key order as FLOX writes it */
    CHECK(strstr(s, "recording_id") < strstr(s, "exchange") && strstr(s, "symbols") < strstr(s, "has_trades"));
    free(b);
  }
  /* No events: no segment file (FLOX creates segments lazily), but metadata.json exists. */
  char *segs[2];
  CHECK_EQ_INT(list_segments(dir, segs, 2), 0);
  rm_tree(dir);
  free(dir);
}

static void bad_paths(void) {
  flox_tape_reader *r = NULL;
  CHECK_STATUS(flox_tape_reader_open("/nonexistent/flox/tape", 0, 0, 0, &r), FLOX_E_NOT_FOUND);
  CHECK(strstr(flox_last_error(), "/nonexistent/flox/tape") != NULL);
  char *dir = make_temp_dir("bad");
  CHECK_STATUS(flox_tape_reader_open(dir, 0, 0, 0, &r), FLOX_E_NOT_FOUND); /* empty */
  CHECK(strstr(flox_last_error(), "no .floxlog segments") != NULL);
  CHECK_STATUS(flox_tape_reader_open(dir, 0, 0, FLOX_TAPE_OPEN_ALLOW_EMPTY, &r), FLOX_OK);
  flox_tape_reader_destroy(r);
  char file[600];
  snprintf(file, sizeof file, "%s/plain.floxlog", dir);
  write_file(file, (const uint8_t *)"FLOX", 4);
  CHECK_STATUS(flox_tape_reader_open(file, 0, 0, 0, &r), FLOX_E_INVALID_ARG);
  CHECK(strstr(flox_last_error(), "is a file, not a tape directory") != NULL);
  flox_tape_writer *w = NULL;
  char under[700];
  snprintf(under, sizeof under, "%s/sub", file);
  CHECK_STATUS(flox_tape_writer_create(under, 0, 0, 0, 0, 0, &w), FLOX_E_INVALID_ARG);
  CHECK(w == NULL);
  CHECK_STATUS(flox_tape_writer_create(file, 0, 0, 0, 0, 0, &w), FLOX_E_INVALID_ARG);
  CHECK_STATUS(flox_tape_writer_create(dir, -1, 0, 0, 0, 0, &w), FLOX_E_INVALID_ARG);
  CHECK_STATUS(flox_tape_writer_create(dir, 0, 2, 0, 0, 0, &w), FLOX_E_INVALID_ARG);
  /* the 4-byte file is reported as a rejected segment, not skipped silently */
  CHECK_STATUS(flox_tape_reader_open(dir, 0, 0, 0, &r), FLOX_OK);
  CHECK_STATUS(flox_tape_reader_scan(r, 0, NULL, NULL), FLOX_OK);
  CHECK_EQ_INT(flox_tape_reader_damage_count(r), 1);
  char seg[600], why[300];
  int64_t skipped = 0;
  CHECK_STATUS(flox_tape_reader_damage(r, 0, seg, sizeof seg, why, sizeof why, &skipped), FLOX_OK);
  CHECK(strstr(why, "shorter than the 64-byte") != NULL);
  CHECK_EQ_INT(skipped, 4);
  flox_tape_reader_destroy(r);
  /* bad values are rejected before anything is written */
  CHECK_STATUS(flox_tape_writer_create(dir, 0, 0, 0, 0, FLOX_TAPE_WRITE_NO_METADATA, &w), FLOX_OK);
  int64_t t2[2] = {1, 2};
  uint32_t s2[2] = {1, 1};
  double p2[2] = {1.0, INFINITY}, q2[2] = {1, 1};
  uint8_t side2[2] = {0, 0};
  CHECK_STATUS(flox_tape_writer_trades(w, t2, s2, p2, q2, side2, 2), FLOX_E_BAD_PRICE);
  CHECK(strstr(flox_last_error(), "price[1]") != NULL);
  side2[1] = 3;
  p2[1] = 2;
  CHECK_STATUS(flox_tape_writer_trades(w, t2, s2, p2, q2, side2, 2), FLOX_E_BAD_SIDE);
  CHECK_STATUS(flox_tape_writer_trade(w, 1, 1, 1e12, 1, 0), FLOX_E_BAD_PRICE); /* 1e20 raw overflows int64 */
  CHECK_STATUS(flox_tape_writer_close(w), FLOX_OK);
  int64_t ws[FLOX_TAPE_WSTAT_COUNT];
  flox_tape_writer_stats(w, ws, FLOX_TAPE_WSTAT_COUNT);
  CHECK_EQ_INT(ws[FLOX_TAPE_WSTAT_TRADES], 0);
  CHECK_EQ_INT(ws[FLOX_TAPE_WSTAT_SEGMENTS], 0);
  flox_tape_writer_destroy(w);
  flox_tape_writer_destroy(NULL);
  flox_tape_reader_destroy(NULL);
  rm_tree(dir);
  free(dir);
}

static void diff_cases(void) {
  char *a = make_temp_dir("diffa"), *b = make_temp_dir("diffb"), *c = make_temp_dir("diffc");
  int64_t n = 1000;
  int64_t *ts = malloc(n * 8);
  uint32_t *sym = malloc(n * 4);
  double *px = malloc(n * 8), *qty = malloc(n * 8);
  uint8_t *side = malloc(n);
  gen(n, 0, ts, sym, px, qty, side);
  flox_tape_writer *w;
  flox_tape_writer_create(a, 0, 0, 0, 0, 0, &w);
  flox_tape_writer_trades(w, ts, sym, px, qty, side, n);
  flox_tape_writer_destroy(w);
  flox_tape_writer_create(b, 0, FLOX_TAPE_COMPRESSION_LZ4, 0, 0, 0, &w); /* same trades, other encoding */
  flox_tape_writer_trades(w, ts, sym, px, qty, side, n);
  flox_tape_writer_destroy(w);
  /* c: ts shifted by 3 ns at 10, price changed at 20, side at 30..39, and 5 trades fewer */
  ts[10] += 3;
  px[20] += 0.01;
  for (int i = 30; i < 40; i++) side[i] ^= 1;
  flox_tape_writer_create(c, 0, 0, 0, 0, 0, &w);
  flox_tape_writer_trades(w, ts, sym, px, qty, side, n - 5);
  flox_tape_writer_destroy(w);

  flox_tape_diff *d = NULL;
  int64_t s[FLOX_TAPE_DIFF_FIELD_COUNT];
  CHECK_STATUS(flox_tape_diff_run(a, b, 0, 16, NULL, &d), FLOX_OK);
  flox_tape_diff_summary(d, s, FLOX_TAPE_DIFF_FIELD_COUNT);
  CHECK_EQ_INT(s[FLOX_TAPE_DIFF_EQUAL], 1);
  CHECK_EQ_INT(s[FLOX_TAPE_DIFF_FIRST_DIVERGENCE], -1);
  CHECK_EQ_INT(s[FLOX_TAPE_DIFF_LEFT_COUNT], n);
  CHECK_EQ_INT(s[FLOX_TAPE_DIFF_RIGHT_COUNT], n);
  flox_tape_diff_destroy(d);

  CHECK_STATUS(flox_tape_diff_run(a, c, 0, 4, NULL, &d), FLOX_OK);
  flox_tape_diff_summary(d, s, FLOX_TAPE_DIFF_FIELD_COUNT);
  CHECK_EQ_INT(s[FLOX_TAPE_DIFF_EQUAL], 0);
  CHECK_EQ_INT(s[FLOX_TAPE_DIFF_FIRST_DIVERGENCE], 10);
  CHECK_EQ_INT(s[FLOX_TAPE_DIFF_MISMATCH_COUNT], 1 + 1 + 10 + 5);
  CHECK_EQ_INT(s[FLOX_TAPE_DIFF_RECORDED], 4);
  CHECK_EQ_INT(s[FLOX_TAPE_DIFF_RIGHT_COUNT], n - 5);
  int64_t rows[4 * FLOX_TAPE_DIFF_ROW_WIDTH];
  int32_t nr = 0;
  CHECK_STATUS(flox_tape_diff_mismatches(d, rows, 4, &nr), FLOX_OK);
  CHECK_EQ_INT(nr, 4);
  CHECK_EQ_INT(rows[0], 10);
  CHECK_EQ_INT(rows[1], FLOX_TAPE_MISMATCH_FIELD);
  CHECK_EQ_INT(rows[2], FLOX_TAPE_FIELD_TS);
  CHECK_EQ_INT(rows[10] - rows[4], 3);                       /* right ts - left ts */
  CHECK_EQ_INT(rows[FLOX_TAPE_DIFF_ROW_WIDTH + 2], FLOX_TAPE_FIELD_PRICE);
  CHECK_EQ_INT(rows[FLOX_TAPE_DIFF_ROW_WIDTH + 12] - rows[FLOX_TAPE_DIFF_ROW_WIDTH + 6], 1000000); /* 0.01 */
  CHECK_EQ_INT(rows[2 * FLOX_TAPE_DIFF_ROW_WIDTH + 2], FLOX_TAPE_FIELD_SIDE);
  flox_tape_diff_destroy(d);

  /* tolerance 3 ns hides the ts change; unlimited rows records all; the tail is missing_right */
  CHECK_STATUS(flox_tape_diff_run(a, c, 3, 0, NULL, &d), FLOX_OK);
  flox_tape_diff_summary(d, s, FLOX_TAPE_DIFF_FIELD_COUNT);
  CHECK_EQ_INT(s[FLOX_TAPE_DIFF_FIRST_DIVERGENCE], 20);
  CHECK_EQ_INT(s[FLOX_TAPE_DIFF_MISMATCH_COUNT], 1 + 10 + 5);
  CHECK_EQ_INT(s[FLOX_TAPE_DIFF_RECORDED], 16);
  int64_t all[16 * FLOX_TAPE_DIFF_ROW_WIDTH];
  flox_tape_diff_mismatches(d, all, 16, &nr);
  CHECK_EQ_INT(all[15 * FLOX_TAPE_DIFF_ROW_WIDTH + 1], FLOX_TAPE_MISMATCH_MISSING_RIGHT);
  CHECK_EQ_INT(all[15 * FLOX_TAPE_DIFF_ROW_WIDTH + 9], 0); /* right absent */
  CHECK_EQ_INT(all[15 * FLOX_TAPE_DIFF_ROW_WIDTH], n - 1);
  flox_tape_diff_destroy(d);
  /* reversed: missing_left */
  CHECK_STATUS(flox_tape_diff_run(c, a, 3, 0, NULL, &d), FLOX_OK);
  flox_tape_diff_mismatches(d, all, 16, &nr);
  CHECK_EQ_INT(all[15 * FLOX_TAPE_DIFF_ROW_WIDTH + 1], FLOX_TAPE_MISMATCH_MISSING_LEFT);
  flox_tape_diff_destroy(d);
  /* negative tolerance: every pair differs (FLOX) */
  CHECK_STATUS(flox_tape_diff_run(a, b, -1, 1, NULL, &d), FLOX_OK);
  flox_tape_diff_summary(d, s, FLOX_TAPE_DIFF_FIELD_COUNT);
  CHECK_EQ_INT(s[FLOX_TAPE_DIFF_MISMATCH_COUNT], n);
  CHECK_EQ_INT(s[FLOX_TAPE_DIFF_FIRST_DIVERGENCE], 0);
  flox_tape_diff_destroy(d);
  /* in steps: the same result, and progress bytes reach both tapes' sizes */
  CHECK_STATUS(flox_tape_diff_open(a, c, 3, 0, &d), FLOX_OK);
  int32_t fin = 0, steps = 0;
  while (!fin && steps < 1000) {
    CHECK_STATUS(flox_tape_diff_step(d, 64, NULL, &fin), FLOX_OK);
    steps++;
  }
  CHECK_EQ_INT(steps, (n + 63) / 64 + (n % 64 == 0));
  int64_t s2[FLOX_TAPE_DIFF_FIELD_COUNT];
  flox_tape_diff_summary(d, s2, FLOX_TAPE_DIFF_FIELD_COUNT);
  CHECK_EQ_INT(s2[FLOX_TAPE_DIFF_FINISHED], 1);
  CHECK_EQ_INT(s2[FLOX_TAPE_DIFF_MISMATCH_COUNT], 1 + 10 + 5);
  CHECK_EQ_INT(s2[FLOX_TAPE_DIFF_FIRST_DIVERGENCE], 20);
  CHECK(s2[FLOX_TAPE_DIFF_BYTES_READ] > 2 * (n - 5) * 60);
  flox_tape_diff_destroy(d);
  /* scan in steps */
  flox_tape_reader *r = NULL;
  CHECK_STATUS(flox_tape_reader_open(a, 0, 0, 0, &r), FLOX_OK);
  fin = 0;
  steps = 0;
  int64_t st[FLOX_TAPE_RSTAT_COUNT], last_bytes = 0;
  while (!fin && steps < 1000) {
    CHECK_STATUS(flox_tape_reader_scan(r, 100, NULL, &fin), FLOX_OK);
    flox_tape_reader_stats(r, st, FLOX_TAPE_RSTAT_COUNT);
    CHECK(st[FLOX_TAPE_RSTAT_BYTES_READ] >= last_bytes);
    last_bytes = st[FLOX_TAPE_RSTAT_BYTES_READ];
    steps++;
  }
  CHECK_EQ_INT(st[FLOX_TAPE_RSTAT_TRADES], n);
  CHECK_EQ_INT(st[FLOX_TAPE_RSTAT_BYTES_READ], 64 + n * 60 + 32 + 16 * ((n + 999) / 1000));
  CHECK_STATUS(flox_tape_reader_scan(r, -1, NULL, NULL), FLOX_E_INVALID_ARG);
  flox_tape_reader_destroy(r);
  CHECK_STATUS(flox_tape_diff_run(a, "/nonexistent/flox", 0, 0, NULL, &d), FLOX_E_NOT_FOUND);
  CHECK(d == NULL);
  flox_tape_diff_destroy(NULL);
  free(ts); free(sym); free(px); free(qty); free(side);
  rm_tree(a); rm_tree(b); rm_tree(c);
  free(a); free(b); free(c);
}

/* No dedup by default (FLOX has none); FLOX_TAPE_OPEN_DEDUPE drops exact repeats at the same ts. */
static void dedupe(void) {
  char *dir = make_temp_dir("dedupe");
  flox_tape_writer *w = NULL;
  flox_tape_writer_create(dir, 0, 0, 0, 0, 0, &w);
  flox_tape_writer_trade(w, 10, 1, 100, 1, 0);
  flox_tape_writer_trade(w, 10, 1, 100, 1, 1);  /* same key (side is not part of it): dropped */
  flox_tape_writer_trade(w, 10, 1, 100, 2, 0);  /* other qty: kept */
  flox_tape_writer_trade(w, 10, 2, 100, 1, 0);  /* other symbol: kept */
  flox_tape_writer_trade(w, 11, 1, 100, 1, 0);  /* other ts: kept */
  flox_tape_writer_trade(w, 10, 1, 100, 1, 0);  /* earlier ts, unsorted: sorted into the ts-10 group, dropped */
  flox_tape_writer_destroy(w);
  trades_t t;
  read_all_trades(dir, 0, &t);
  CHECK_EQ_INT(t.n, 6);
  trades_free(&t);
  flox_tape_reader *r = NULL;
  CHECK_STATUS(flox_tape_reader_open(dir, 0, 0, FLOX_TAPE_OPEN_DEDUPE, &r), FLOX_OK);
  CHECK_STATUS(flox_tape_reader_scan(r, 0, NULL, NULL), FLOX_OK);
  int64_t st[FLOX_TAPE_RSTAT_COUNT];
  flox_tape_reader_stats(r, st, FLOX_TAPE_RSTAT_COUNT);
  CHECK_EQ_INT(st[FLOX_TAPE_RSTAT_TRADES], 4);
  CHECK_EQ_INT(st[FLOX_TAPE_RSTAT_DUPLICATES], 2);
  flox_tape_reader_destroy(r);
  rm_tree(dir);
  free(dir);
}

int main(void) {
  seed_example();
  dedupe();
  for (int comp = 0; comp <= 1; comp++)
    for (int noindex = 0; noindex <= 1; noindex++)
      for (int unsorted = 0; unsorted <= 1; unsorted++) {
        variant(comp, noindex ? FLOX_TAPE_WRITE_NO_INDEX : 0, unsorted, 0, 12345, 0);
        variant(comp, noindex ? FLOX_TAPE_WRITE_NO_INDEX : 0, unsorted, comp ? 40000 : 100000, 12345, 1);
      }
  books_and_events(0);
  books_and_events(1);
  filters_and_seek(0, 0);
  filters_and_seek(0, 1);
  filters_and_seek(1, 0);
  filters_and_seek(1, 1);
  metadata_file();
  bad_paths();
  diff_cases();
  return check_report("test_tape_roundtrip");
}
