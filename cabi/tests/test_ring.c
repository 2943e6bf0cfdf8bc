/* test_ring.c: the runner's MPSC ring: validation, wrap-around of book levels, FULL and CLOSED,
 * and several pthread producers racing one consumer with every event accounted for, in order. */
#include "flox.h"
#include "check.h"

#include <pthread.h>
#include <sched.h>
#include <stdint.h>

#define BATCH 256
#define LEVELS_CAP 4096

typedef struct {
  uint8_t kinds[BATCH], sides[BATCH];
  uint32_t symbols[BATCH], n_bids[BATCH], n_asks[BATCH];
  int64_t ts[BATCH];
  double prices[BATCH], qtys[BATCH];
  double lp[LEVELS_CAP], lq[LEVELS_CAP];
  uint32_t out[3];
} batch;

static int32_t drain(flox_ring *r, batch *b, uint32_t max) {
  return flox_ring_drain(r, max, b->kinds, b->sides, b->symbols, b->ts, b->prices, b->qtys, b->n_bids, b->n_asks,
                         b->lp, b->lq, LEVELS_CAP, b->out);
}

static void test_create_and_validation(void) {
  flox_ring *r = NULL;
  CHECK_STATUS(flox_ring_create(100, &r), FLOX_E_INVALID_ARG);
  CHECK(r == NULL);
  CHECK_STATUS(flox_ring_create(8, &r), FLOX_E_INVALID_ARG);
  CHECK_STATUS(flox_ring_create(FLOX_RING_MAX_CAPACITY * 2u, &r), FLOX_E_INVALID_ARG);
  CHECK_STATUS(flox_ring_create(16, NULL), FLOX_E_INVALID_ARG);
  CHECK_STATUS(flox_ring_create(16, &r), FLOX_OK);
  CHECK_EQ_INT(flox_ring_capacity(r), 16);
  CHECK_STATUS(flox_ring_publish_trade(r, 1, 1, NAN, 1.0, 0), FLOX_E_BAD_PRICE);
  CHECK_STATUS(flox_ring_publish_trade(r, 1, 1, -1.0, 1.0, 0), FLOX_E_BAD_PRICE);
  CHECK_STATUS(flox_ring_publish_trade(r, 1, 1, 1.0, 0.0, 0), FLOX_E_BAD_QUANTITY);
  CHECK_STATUS(flox_ring_publish_trade(r, 1, 1, 1.0, INFINITY, 0), FLOX_E_BAD_QUANTITY);
  CHECK_STATUS(flox_ring_publish_trade(r, 1, 1, 1.0, 1.0, 2), FLOX_E_BAD_SIDE);
  double p[2] = {1.0, NAN}, q[2] = {1.0, 1.0};
  CHECK_STATUS(flox_ring_publish_book(r, 1, 1, 1, p, q, 2, p, q, 0), FLOX_E_BAD_PRICE);
  CHECK(strstr(flox_last_error(), "bidPrices[1]") != NULL);
  CHECK_STATUS(flox_ring_publish_book(r, 1, 1, 2, p, q, 1, p, q, 0), FLOX_E_INVALID_ARG);
  CHECK_STATUS(flox_ring_publish_book(r, 1, 1, 1, p, q, FLOX_RING_MAX_LEVELS + 1, p, q, 0), FLOX_E_INVALID_ARG);
  /* 32 + 32 levels need 1 + 16 slots: more than the ring holds. */
  double big[32];
  for (int i = 0; i < 32; i++) big[i] = 100.0 + i;
  CHECK_STATUS(flox_ring_publish_book(r, 1, 1, 1, big, big, 32, big, big, 32), FLOX_E_INVALID_ARG);
  CHECK(strstr(flox_last_error(), "needs 17 slots") != NULL);
  /* A bad row in a batch publishes nothing. */
  uint32_t syms[3] = {1, 1, 1}, published = 99;
  int64_t ts[3] = {1, 2, 3};
  double prices[3] = {1.0, 2.0, 3.0}, qtys[3] = {1.0, -1.0, 1.0};
  uint8_t sides[3] = {0, 1, 0};
  CHECK_STATUS(flox_ring_publish_trades(r, 3, syms, ts, prices, qtys, sides, &published), FLOX_E_BAD_QUANTITY);
  CHECK(strstr(flox_last_error(), "trades[1]") != NULL);
  CHECK_EQ_INT(published, 0);
  uint64_t stats[4];
  CHECK_STATUS(flox_ring_stats(r, stats), FLOX_OK);
  CHECK_EQ_INT(stats[0], 0);
  flox_ring_destroy(r);
  flox_ring_destroy(NULL);
}

static void test_full_close_and_books_across_the_end(void) {
  flox_ring *r = NULL;
  static batch b;
  CHECK_STATUS(flox_ring_create(16, &r), FLOX_OK);
  /* Move the cursor near the end so the next book's levels wrap around. */
  for (int i = 0; i < 13; i++) CHECK_STATUS(flox_ring_publish_trade(r, 7, i, 10.0 + i, 1.0, (uint32_t)(i & 1)), FLOX_OK);
  CHECK_STATUS(drain(r, &b, BATCH), FLOX_OK);
  CHECK_EQ_INT(b.out[0], 13);
  CHECK_EQ_INT(b.out[2], 0);
  CHECK_EQ_INT(b.sides[3], 1);
  CHECK_NEAR(b.prices[12], 22.0, 0);
  /* 5 bids + 3 asks = 16 doubles = 2 continuation slots + header: sequences 13, 14, 15 (no wrap);
   * then 6 + 6 levels = 24 doubles = 3 slots + header at 16..19 (index 0..3). Use a book that wraps:
   * first a trade at 16, then a book at 17..20 is contiguous too; so instead publish one trade and a
   * 12-level book at 14 whose levels span indices 15, 0, 1. */
  CHECK_STATUS(flox_ring_publish_trade(r, 7, 100, 5.0, 2.0, 0), FLOX_OK); /* seq 13 */
  double bp[6] = {99, 98, 97, 96, 95, 94}, bq[6] = {1, 2, 3, 4, 5, 0};
  double ap[6] = {101, 102, 103, 104, 105, 106}, aq[6] = {6, 7, 8, 9, 10, 11};
  CHECK_STATUS(flox_ring_publish_book(r, 8, 101, 1, bp, bq, 6, ap, aq, 6), FLOX_OK); /* seq 14..17 */
  CHECK_STATUS(flox_ring_publish_book(r, 9, 102, 0, bp, bq, 1, ap, aq, 0), FLOX_OK);  /* seq 18..19 */
  /* 7 slots in use: 9 free. A 9-slot book (16 levels each side = 64 doubles = 8 slots) fits, a
   * trade after it does not. */
  double many[16];
  for (int i = 0; i < 16; i++) many[i] = 1.0 + i;
  CHECK_STATUS(flox_ring_publish_book(r, 10, 103, 1, many, many, 16, many, many, 16), FLOX_OK);
  CHECK_STATUS(flox_ring_publish_trade(r, 7, 104, 5.0, 2.0, 0), FLOX_E_FULL);
  uint64_t stats[4];
  flox_ring_stats(r, stats);
  CHECK_EQ_INT(stats[0], 16);
  CHECK_EQ_INT(stats[2], 1);
  /* Levels that do not fit the caller's area: nothing drained, BUFFER_TOO_SMALL only when the first
   * event does not fit. */
  CHECK_STATUS(flox_ring_drain(r, BATCH, b.kinds, b.sides, b.symbols, b.ts, b.prices, b.qtys, b.n_bids, b.n_asks,
                               b.lp, b.lq, 5, b.out),
               FLOX_OK);
  CHECK_EQ_INT(b.out[0], 1); /* the trade; the 12-level book needs more than 5 */
  CHECK_EQ_INT(b.out[2], 1);
  CHECK_STATUS(flox_ring_drain(r, BATCH, b.kinds, b.sides, b.symbols, b.ts, b.prices, b.qtys, b.n_bids, b.n_asks,
                               b.lp, b.lq, 5, b.out),
               FLOX_E_BUFFER_TOO_SMALL);
  CHECK_EQ_INT(b.out[0], 0);
  flox_ring_close(r);
  CHECK_STATUS(flox_ring_publish_trade(r, 7, 105, 5.0, 2.0, 0), FLOX_E_CLOSED);
  CHECK_STATUS(drain(r, &b, BATCH), FLOX_OK);
  CHECK_EQ_INT(b.out[0], 3);
  CHECK_EQ_INT(b.out[1], 12 + 1 + 32);
  CHECK_EQ_INT(b.out[2], 0);
  CHECK_EQ_INT(b.kinds[0], FLOX_RING_BOOK_SNAPSHOT);
  CHECK_EQ_INT(b.kinds[1], FLOX_RING_BOOK_DELTA);
  CHECK_EQ_INT(b.symbols[0], 8);
  CHECK_EQ_INT(b.n_bids[0], 6);
  CHECK_EQ_INT(b.n_asks[0], 6);
  for (int i = 0; i < 6; i++) {
    CHECK_NEAR(b.lp[i], bp[i], 0);
    CHECK_NEAR(b.lq[i], bq[i], 0);
    CHECK_NEAR(b.lp[6 + i], ap[i], 0);
    CHECK_NEAR(b.lq[6 + i], aq[i], 0);
  }
  CHECK_NEAR(b.lp[12], 99, 0);
  CHECK_NEAR(b.lq[12], 1, 0);
  CHECK_EQ_INT(b.ts[2], 103);
  for (int i = 0; i < 16; i++) {
    CHECK_NEAR(b.lp[13 + i], many[i], 0);
    CHECK_NEAR(b.lq[13 + 16 + i], many[i], 0);
  }
  flox_ring_stats(r, stats);
  CHECK_EQ_INT(stats[0], 0);
  CHECK_EQ_INT(stats[1], 13 + 4);
  CHECK_EQ_INT(stats[3], 1);
  flox_ring_reopen(r);
  CHECK_STATUS(flox_ring_publish_trade(r, 7, 106, 5.0, 2.0, 0), FLOX_OK);
  /* A partial batch: 15 free slots, 20 rows. */
  uint32_t syms[20], published = 0;
  int64_t ts[20];
  double px[20], qty[20];
  uint8_t sd[20];
  for (int i = 0; i < 20; i++) syms[i] = 3, ts[i] = 200 + i, px[i] = 1.0 + i, qty[i] = 1.0, sd[i] = 0;
  CHECK_STATUS(flox_ring_publish_trades(r, 20, syms, ts, px, qty, sd, &published), FLOX_E_FULL);
  CHECK_EQ_INT(published, 15);
  CHECK_STATUS(drain(r, &b, BATCH), FLOX_OK);
  CHECK_EQ_INT(b.out[0], 16);
  CHECK_EQ_INT(b.ts[15], 214);
  CHECK_STATUS(flox_ring_publish_trades(r, 5, syms + 15, ts + 15, px + 15, qty + 15, sd + 15, &published), FLOX_OK);
  CHECK_EQ_INT(published, 5);
  flox_ring_destroy(r);
}

/* Producers encode (producer, n) in (symbol, ts); trades alternate with small books. */
#define PRODUCERS 4
#define PER_PRODUCER 200000

typedef struct {
  flox_ring *ring;
  uint32_t id;
  uint64_t full_retries;
} producer_arg;

static void *producer(void *p) {
  producer_arg *a = p;
  double bp[3] = {99, 98, 97}, bq[3] = {1, 2, 3};
  for (int64_t n = 0; n < PER_PRODUCER; n++) {
    int32_t s;
    for (;;) {
      if (n % 64 == 63) {
        bq[0] = (double)n;
        s = flox_ring_publish_book(a->ring, a->id, n, 1, bp, bq, 3, bp, bq, (uint32_t)(n % 3));
      } else {
        s = flox_ring_publish_trade(a->ring, a->id, n, 1.0 + (double)n, 1.0, (uint32_t)(n & 1));
      }
      if (s != FLOX_E_FULL) break;
      a->full_retries++;
      sched_yield();
    }
    if (s != FLOX_OK) {
      fprintf(stderr, "producer %u: status %d at %lld: %s\n", a->id, s, (long long)n, flox_last_error());
      return (void *)1;
    }
  }
  return NULL;
}

static void test_producers_race_one_consumer(uint32_t capacity) {
  flox_ring *r = NULL;
  static batch b;
  CHECK_STATUS(flox_ring_create(capacity, &r), FLOX_OK);
  pthread_t threads[PRODUCERS];
  producer_arg args[PRODUCERS];
  for (uint32_t i = 0; i < PRODUCERS; i++) {
    args[i] = (producer_arg){r, i + 1, 0};
    pthread_create(&threads[i], NULL, producer, &args[i]);
  }
  int64_t next[PRODUCERS + 1] = {0};
  uint64_t total = 0, bad_order = 0, bad_payload = 0;
  while (total < (uint64_t)PRODUCERS * PER_PRODUCER) {
    if (drain(r, &b, BATCH) != FLOX_OK) {
      CHECK(0);
      break;
    }
    uint32_t lv = 0;
    for (uint32_t i = 0; i < b.out[0]; i++) {
      uint32_t id = b.symbols[i];
      if (id < 1 || id > PRODUCERS || b.ts[i] != next[id]) {
        bad_order++;
      } else {
        int64_t n = b.ts[i];
        next[id]++;
        if (n % 64 == 63) {
          if (b.kinds[i] != FLOX_RING_BOOK_SNAPSHOT || b.n_bids[i] != 3 || b.n_asks[i] != (uint32_t)(n % 3) ||
              b.lq[lv] != (double)n || b.lp[lv + 2] != 97)
            bad_payload++;
        } else if (b.kinds[i] != FLOX_RING_TRADE || b.prices[i] != 1.0 + (double)n || b.sides[i] != (n & 1)) {
          bad_payload++;
        }
      }
      lv += b.n_bids[i] + b.n_asks[i];
    }
    total += b.out[0];
    if (b.out[0] == 0) sched_yield();
  }
  void *ret;
  for (int i = 0; i < PRODUCERS; i++) {
    pthread_join(threads[i], &ret);
    CHECK(ret == NULL);
  }
  CHECK_STATUS(drain(r, &b, BATCH), FLOX_OK);
  CHECK_EQ_INT(b.out[0], 0);
  CHECK_EQ_INT(total, (uint64_t)PRODUCERS * PER_PRODUCER);
  CHECK_EQ_INT(bad_order, 0);
  CHECK_EQ_INT(bad_payload, 0);
  for (int i = 1; i <= PRODUCERS; i++) CHECK_EQ_INT(next[i], PER_PRODUCER);
  uint64_t fulls = 0;
  for (int i = 0; i < PRODUCERS; i++) fulls += args[i].full_retries;
  uint64_t stats[4];
  flox_ring_stats(r, stats);
  CHECK_EQ_INT(stats[1], total);
  CHECK_EQ_INT(stats[2], fulls);
  printf("capacity %u: %llu events, %llu FULL retries\n", capacity, (unsigned long long)total,
         (unsigned long long)fulls);
  flox_ring_destroy(r);
}

int main(void) {
  test_create_and_validation();
  test_full_close_and_books_across_the_end();
  test_producers_race_one_consumer(16);    /* constant back-pressure */
  test_producers_race_one_consumer(65536); /* mostly free-running */
  return check_report("test_ring");
}
