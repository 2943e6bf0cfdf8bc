/* The real FLOX tape (shared/fixtures/flox-sample/sample.floxlog: one LZ4 segment, not Sorted, the
 * old 1e6 scale, books with 200 levels), read through a directory as FLOX tooling requires. */
#include "check.h"
#include "flox.h"
#include "tape_test_util.h"

int main(void) {
  const char *src = getenv("FLOX_SOURCE_DIR");
  char fixture[1024];
  snprintf(fixture, sizeof fixture, "%s/../shared/fixtures/flox-sample/sample.floxlog", src ? src : ".");
  size_t len = 0;
  uint8_t *bytes = read_file(fixture, &len);
  if (!bytes) {
    printf("test_tape_flox_sample: SKIPPED: fixture not found at %s (CI clones shared/ beside the repo)\n", fixture);
    return 0;
  }
  char *dir = make_temp_dir("sample");
  char seg[700];
  snprintf(seg, sizeof seg, "%s/sample.floxlog", dir);
  write_file(seg, bytes, len);
  free(bytes);

  /* Given the file itself, the reader says a tape is a directory. */
  flox_tape_reader *r = NULL;
  CHECK_STATUS(flox_tape_reader_open(seg, 1e6, 1e6, 0, &r), FLOX_E_INVALID_ARG);

  CHECK_STATUS(flox_tape_reader_open(dir, 1e6, 1e6, 0, &r), FLOX_OK);
  CHECK_STATUS(flox_tape_reader_scan(r, 0, NULL, NULL), FLOX_OK);
  int64_t st[FLOX_TAPE_RSTAT_COUNT];
  flox_tape_reader_stats(r, st, FLOX_TAPE_RSTAT_COUNT);
  CHECK_EQ_INT(st[FLOX_TAPE_RSTAT_TRADES], 638);
  CHECK_EQ_INT(st[FLOX_TAPE_RSTAT_BOOK_UPDATES], 506);
  CHECK_EQ_INT(st[FLOX_TAPE_RSTAT_DAMAGED], 0);
  CHECK_EQ_INT(st[FLOX_TAPE_RSTAT_FIRST_TRADE_TS], 1765615823752000000);
  CHECK_EQ_INT(st[FLOX_TAPE_RSTAT_LAST_TRADE_TS], 1765615848153000000);
  uint32_t syms[8];
  int32_t ns = 0;
  flox_tape_reader_symbols(r, syms, 8, &ns);
  CHECK_EQ_INT(ns, 2);
  CHECK(syms[0] == 1 && syms[1] == 2);
  int64_t info[FLOX_TAPE_SEG_FIELD_COUNT];
  CHECK_STATUS(flox_tape_reader_segment_info(r, 0, info, FLOX_TAPE_SEG_FIELD_COUNT, NULL, 0), FLOX_OK);
  CHECK_EQ_INT(info[FLOX_TAPE_SEG_COMPRESSED], 1);
  CHECK_EQ_INT(info[FLOX_TAPE_SEG_SORTED], 0);
  CHECK_EQ_INT(info[FLOX_TAPE_SEG_INDEXED], 1);
  CHECK_EQ_INT(info[FLOX_TAPE_SEG_EVENTS], 1144);
  CHECK_EQ_INT(info[FLOX_TAPE_SEG_HEADER_EVENTS], 1144);

  /* Delivery is in timestamp order (the segment is unsorted on disk); prices at the 1e6 scale. */
  CHECK_STATUS(flox_tape_reader_rewind(r), FLOX_OK);
  uint8_t kind[2048], side[2048];
  int64_t ts[2048];
  uint32_t sym[2048], ls[2048], nb[2048], na[2048];
  double px[2048], qty[2048];
  static double lp[400 * 2048], lq[400 * 2048];
  int32_t cnt[2];
  int64_t total = 0, books200 = 0, unordered = 0, bad_book = 0, last = INT64_MIN;
  int64_t btc = 0;
  do {
    CHECK_STATUS(flox_tape_reader_read_events(r, kind, ts, sym, px, qty, side, ls, nb, na, 2048, lp, lq, 400 * 2048, cnt),
                 FLOX_OK);
    for (int32_t i = 0; i < cnt[0]; i++) {
      if (ts[i] < last) unordered++;
      last = ts[i];
      if (kind[i] == FLOX_TAPE_EVENT_TRADE && sym[i] == 1) {
        btc++;
        if (!(px[i] > 80000 && px[i] < 100000)) bad_book++; /* BTC in Dec 2025 at the 1e6 scale */
      }
      if (kind[i] != FLOX_TAPE_EVENT_TRADE) {
        if (nb[i] == 200 && na[i] == 200) books200++;
        /* a snapshot's best bid is below its best ask (deltas carry changed levels only) */
        if (kind[i] == FLOX_TAPE_EVENT_BOOK_SNAPSHOT && nb[i] && na[i] && !(lp[ls[i]] < lp[ls[i] + nb[i]])) bad_book++;
      }
    }
    total += cnt[0];
  } while (cnt[0] > 0);
  CHECK_EQ_INT(total, 1144);
  CHECK_EQ_INT(unordered, 0);
  CHECK_EQ_INT(bad_book, 0);
  CHECK(btc > 0);
  CHECK(books200 > 0);

  /* Seek through the (valid) index of this unsorted segment. */
  int64_t target = 1765615840000000000;
  CHECK_STATUS(flox_tape_reader_seek(r, target), FLOX_OK);
  int32_t n = 0;
  CHECK_STATUS(flox_tape_reader_read_trades(r, ts, sym, px, qty, side, 2048, &n), FLOX_OK);
  CHECK(n > 0 && n < 638);
  int64_t below = 0;
  for (int32_t i = 0; i < n; i++) below += ts[i] < target;
  CHECK_EQ_INT(below, 0);
  flox_tape_reader_destroy(r);

  /* Default scale (1e8, no metadata) reads the same raw values 100x smaller: the scale is the caller's. */
  CHECK_STATUS(flox_tape_reader_open(dir, 0, 0, 0, &r), FLOX_OK);
  CHECK_STATUS(flox_tape_reader_read_trades(r, ts, sym, px, qty, side, 1, &n), FLOX_OK);
  CHECK(n == 1 && px[0] < 100);
  flox_tape_reader_destroy(r);

  /* A tape diffed against itself is equal. */
  flox_tape_diff *d = NULL;
  CHECK_STATUS(flox_tape_diff_run(dir, dir, 0, 16, NULL, &d), FLOX_OK);
  int64_t s[FLOX_TAPE_DIFF_FIELD_COUNT];
  flox_tape_diff_summary(d, s, FLOX_TAPE_DIFF_FIELD_COUNT);
  CHECK_EQ_INT(s[FLOX_TAPE_DIFF_EQUAL], 1);
  CHECK_EQ_INT(s[FLOX_TAPE_DIFF_LEFT_COUNT], 638);
  flox_tape_diff_destroy(d);
  rm_tree(dir);
  free(dir);
  return check_report("test_tape_flox_sample");
}
