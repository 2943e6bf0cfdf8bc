/* test_event_feed.c: the read-ahead tape feed delivers exactly what the plain reader does (trades and
 * books, across many chunks), reports errors and damage, and can be destroyed while its thread is
 * mid-tape (ASan/UBSan run this too). */
#include "flox.h"
#include "check.h"

#include <stdint.h>
#include <unistd.h>

enum { CAP = 100, LEVELS = 131070, EVENTS = 2500 };

typedef struct {
  uint8_t kind[CAP], side[CAP];
  int64_t ts[CAP];
  uint32_t sym[CAP], start[CAP], nb[CAP], na[CAP];
  double price[CAP], qty[CAP];
  double lp[LEVELS], lq[LEVELS];
  int32_t counts[2];
} cols;

static cols a, b;

static void write_tape(const char *dir) {
  flox_tape_writer *w = NULL;
  CHECK_STATUS(flox_tape_writer_create(dir, 0, 0, 0, 0, FLOX_TAPE_WRITE_NO_METADATA, &w), FLOX_OK);
  const double bp[2] = {99.5, 99}, bq[2] = {1, 2}, ap[3] = {100.5, 101, 102}, aq[3] = {1, 1, 3};
  for (int i = 0; i < EVENTS; i++) {
    const int64_t ts = 1700000000000000000LL + (int64_t)i * 1000000;
    if (i % 7 == 3) CHECK_STATUS(flox_tape_writer_book(w, ts, 1 + (i % 2), bp, bq, 2, ap, aq, 3, i % 14 == 3), FLOX_OK);
    else CHECK_STATUS(flox_tape_writer_trade(w, ts, 1 + (i % 2), 100 + i * 0.01, 0.5, i % 2), FLOX_OK);
  }
  CHECK_STATUS(flox_tape_writer_close(w), FLOX_OK);
  flox_tape_writer_destroy(w);
}

static int read_direct(flox_tape_reader *r, cols *c) {
  CHECK_STATUS(flox_tape_reader_read_events(r, c->kind, c->ts, c->sym, c->price, c->qty, c->side, c->start, c->nb,
                                            c->na, CAP, c->lp, c->lq, LEVELS, c->counts),
               FLOX_OK);
  return c->counts[0];
}

static int32_t read_feed(flox_event_feed *f, cols *c) {
  return flox_event_feed_next(f, c->kind, c->ts, c->sym, c->price, c->qty, c->side, c->start, c->nb, c->na, CAP,
                              c->lp, c->lq, LEVELS, c->counts);
}

int main(void) {
  char dir[128];
  snprintf(dir, sizeof dir, "/tmp/flox_test_feed_%d", (int)getpid());
  write_tape(dir);

  flox_tape_reader *r = NULL;
  flox_event_feed *f = NULL;
  CHECK_STATUS(flox_tape_reader_open(dir, 0, 0, 0, &r), FLOX_OK);
  CHECK_STATUS(flox_event_feed_open(dir, CAP, &f), FLOX_OK);
  CHECK(flox_event_feed_level_cap(f) >= LEVELS);
  CHECK_EQ_INT(flox_event_feed_damage_count(f) == -1 || flox_event_feed_damage_count(f) == 0, 1);
  int total = 0, chunks = 0;
  for (;;) {
    const int n = read_direct(r, &a);
    CHECK_STATUS(read_feed(f, &b), FLOX_OK);
    CHECK_EQ_INT(b.counts[0], n);
    CHECK_EQ_INT(b.counts[1], a.counts[1]);
    if (n == 0) break;
    CHECK(memcmp(a.kind, b.kind, (size_t)n) == 0 && memcmp(a.ts, b.ts, (size_t)n * 8) == 0);
    CHECK(memcmp(a.price, b.price, (size_t)n * 8) == 0 && memcmp(a.sym, b.sym, (size_t)n * 4) == 0);
    CHECK(memcmp(a.lp, b.lp, (size_t)a.counts[1] * 8) == 0 && memcmp(a.nb, b.nb, (size_t)n * 4) == 0);
    total += n;
    chunks++;
  }
  CHECK_EQ_INT(total, EVENTS);
  CHECK(chunks >= EVENTS / CAP);
  CHECK_STATUS(read_feed(f, &b), FLOX_OK); /* after the end: still 0 */
  CHECK_EQ_INT(b.counts[0], 0);
  CHECK_EQ_INT(flox_event_feed_damage_count(f), 0);
  flox_event_feed_destroy(f);
  flox_tape_reader_destroy(r);

  /* Destroyed while the thread is reading ahead, and right after opening. */
  CHECK_STATUS(flox_event_feed_open(dir, CAP, &f), FLOX_OK);
  CHECK_STATUS(read_feed(f, &b), FLOX_OK);
  flox_event_feed_destroy(f);
  CHECK_STATUS(flox_event_feed_open(dir, 1, &f), FLOX_OK);
  flox_event_feed_destroy(f);
  flox_event_feed_destroy(NULL);

  /* Caps too small, bad arguments, missing directory. */
  CHECK_STATUS(flox_event_feed_open(dir, CAP * 2, &f), FLOX_OK);
  CHECK_STATUS(read_feed(f, &b), FLOX_E_BUFFER_TOO_SMALL);
  flox_event_feed_destroy(f);
  CHECK_STATUS(flox_event_feed_open(dir, 0, &f), FLOX_E_INVALID_ARG);
  f = (flox_event_feed *)1;
  CHECK_STATUS(flox_event_feed_open("/nonexistent/flox-tape", CAP, &f), FLOX_E_NOT_FOUND);
  CHECK(f == NULL);
  CHECK(strstr(flox_last_error(), "/nonexistent/flox-tape") != NULL);

  char cmd[256];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  CHECK(system(cmd) == 0);
  return check_report("test_event_feed");
}
