/* ring.c: the runner's market-event ring buffer (Disruptor style, multi-producer, single consumer).
 *
 * Layout. `cap` slots of 64 bytes (one cache line) plus a parallel array `published[cap]` of
 * sequence numbers. An event occupies consecutive sequences: a trade takes one slot; a book update
 * takes one header slot followed by continuation slots holding its levels as a stream of doubles
 * (bid prices, ask prices, bid quantities, ask quantities) that may wrap around the end of the array.
 *
 * Claiming. Producers reserve k sequences with a CAS on `claim`; the reservation succeeds only when
 * the k slots are free (claim + k - consumed <= cap), otherwise FLOX_E_FULL: a producer never waits
 * here. Bit 62 of `claim` is the closed flag, so closing and claiming are ordered by the same CAS and
 * the consumer knows the exact last sequence it must drain after a close.
 *
 * Publishing. The producer writes the slots, then stores the header's sequence into
 * published[header index] with release order. Only header slots are published: the consumer reads
 * the continuation slots after its acquire load of the header, and a continuation index keeps the
 * stale sequence of an older lap (always lower), so it can never look published by mistake.
 *
 * Consuming. One consumer at a time (guarded by `draining`) walks sequences from `consumed`,
 * stops at the first header not yet published (so events come out in claim order, which keeps each
 * producer's own order) and releases the slots with a release store of `consumed`.
 */
#include "flox.h"
#include "error.h"

#include <math.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define SLOT_BYTES 64
#define SLOT_DOUBLES (SLOT_BYTES / 8)
#define CLOSED_BIT ((int64_t)1 << 62)

enum { KIND_TRADE = FLOX_RING_TRADE, KIND_SNAPSHOT = FLOX_RING_BOOK_SNAPSHOT, KIND_DELTA = FLOX_RING_BOOK_DELTA };

/* One header slot. Continuation slots are reinterpreted as 8 doubles each. */
typedef struct {
  int64_t ts_ns;
  double price; /* trades only */
  double qty;   /* trades only */
  uint32_t symbol;
  uint32_t n_bids; /* books only */
  uint32_t n_asks; /* books only */
  uint32_t n_slots;
  uint8_t kind;
  uint8_t side; /* trades only: 0 buy, 1 sell */
  uint8_t pad[22];
} ring_header;

typedef union {
  ring_header h;
  double d[SLOT_DOUBLES];
} ring_slot;

_Static_assert(sizeof(ring_header) == SLOT_BYTES, "ring header must be one 64-byte slot");
_Static_assert(sizeof(ring_slot) == SLOT_BYTES, "ring slot must be 64 bytes");

struct flox_ring {
  /* Producers' line. */
  _Alignas(64) _Atomic int64_t claim; /* next free sequence | CLOSED_BIT */
  /* Consumer's line: read by producers to see free space. */
  _Alignas(64) _Atomic int64_t consumed; /* every sequence below is released */
  _Atomic int32_t draining;
  /* Counters (consumer-owned or updated on the slow path only). */
  _Alignas(64) _Atomic uint64_t full_rejections;
  _Atomic uint64_t events_drained; /* written by the consumer only; atomic so stats() may read it anywhere */
  /* Read-only after create. */
  _Alignas(64) uint32_t cap;
  uint32_t mask;
  ring_slot *slots;
  _Atomic int64_t *published;
};

int32_t flox_ring_create(uint32_t capacity, flox_ring **out) {
  if (out == NULL) return flox_fail(FLOX_E_INVALID_ARG, "out is NULL");
  *out = NULL;
  if (capacity < FLOX_RING_MIN_CAPACITY || capacity > FLOX_RING_MAX_CAPACITY || (capacity & (capacity - 1)) != 0) {
    return flox_fail(FLOX_E_INVALID_ARG, "capacity is %u; it must be a power of two between %u and %u slots",
                     capacity, (unsigned)FLOX_RING_MIN_CAPACITY, (unsigned)FLOX_RING_MAX_CAPACITY);
  }
  flox_ring *r = aligned_alloc(64, sizeof *r);
  if (r == NULL) return flox_fail(FLOX_E_NOMEM, "ring of %u slots: out of memory", capacity);
  memset(r, 0, sizeof *r);
  r->slots = aligned_alloc(64, (size_t)capacity * SLOT_BYTES);
  r->published = malloc((size_t)capacity * sizeof *r->published);
  if (r->slots == NULL || r->published == NULL) {
    free(r->slots);
    free(r->published);
    free(r);
    return flox_fail(FLOX_E_NOMEM, "ring of %u slots: out of memory", capacity);
  }
  memset(r->slots, 0, (size_t)capacity * SLOT_BYTES);
  /* -1 never equals a sequence, so nothing looks published before it is. */
  for (uint32_t i = 0; i < capacity; i++) atomic_init(&r->published[i], -1);
  r->cap = capacity;
  r->mask = capacity - 1;
  atomic_init(&r->claim, 0);
  atomic_init(&r->consumed, 0);
  atomic_init(&r->draining, 0);
  atomic_init(&r->full_rejections, 0);
  atomic_init(&r->events_drained, 0);
  *out = r;
  return FLOX_OK;
}

void flox_ring_destroy(flox_ring *r) {
  if (r == NULL) return;
  free(r->slots);
  free(r->published);
  free(r);
}

uint32_t flox_ring_capacity(const flox_ring *r) { return r == NULL ? 0 : r->cap; }

/* Reserves k sequences; FLOX_OK with *first set, or FULL / CLOSED without reserving anything. */
static int32_t claim(flox_ring *r, uint32_t k, int64_t *first) {
  int64_t cur = atomic_load_explicit(&r->claim, memory_order_relaxed);
  for (;;) {
    if (cur & CLOSED_BIT) return flox_fail(FLOX_E_CLOSED, "the ring is closed (the runner was stopped)");
    int64_t consumed = atomic_load_explicit(&r->consumed, memory_order_acquire);
    if (cur + (int64_t)k - consumed > (int64_t)r->cap) {
      atomic_fetch_add_explicit(&r->full_rejections, 1, memory_order_relaxed);
      return flox_fail(FLOX_E_FULL, "the ring is full (%u slots in use of %u); retry after the consumer drains",
                       (unsigned)(cur - consumed), r->cap);
    }
    if (atomic_compare_exchange_weak_explicit(&r->claim, &cur, cur + (int64_t)k, memory_order_acq_rel,
                                              memory_order_relaxed)) {
      *first = cur;
      return FLOX_OK;
    }
  }
}

static inline int bad_price(double p) { return !(isfinite(p) && p > 0.0); }
static inline int bad_trade_qty(double q) { return !(isfinite(q) && q > 0.0); }
static inline int bad_level_qty(double q) { return !(isfinite(q) && q >= 0.0); }

static int32_t check_trade(const char *where, uint32_t i, double price, double qty, uint32_t side) {
  if (bad_price(price)) return flox_fail(FLOX_E_BAD_PRICE, "%s[%u]: price is %g; it must be finite and > 0", where, i, price);
  if (bad_trade_qty(qty)) return flox_fail(FLOX_E_BAD_QUANTITY, "%s[%u]: qty is %g; it must be finite and > 0", where, i, qty);
  if (side > 1) return flox_fail(FLOX_E_BAD_SIDE, "%s[%u]: side is %u; it must be 0 (buy) or 1 (sell)", where, i, side);
  return FLOX_OK;
}

static inline void write_trade(flox_ring *r, int64_t seq, uint32_t symbol, int64_t ts_ns, double price, double qty,
                               uint8_t side) {
  ring_header *h = &r->slots[seq & r->mask].h;
  h->ts_ns = ts_ns;
  h->price = price;
  h->qty = qty;
  h->symbol = symbol;
  h->n_bids = 0;
  h->n_asks = 0;
  h->n_slots = 1;
  h->kind = KIND_TRADE;
  h->side = side;
  atomic_store_explicit(&r->published[seq & r->mask], seq, memory_order_release);
}

int32_t flox_ring_publish_trade(flox_ring *r, uint32_t symbol, int64_t ts_ns, double price, double qty, uint32_t side) {
  if (r == NULL) return flox_fail(FLOX_E_INVALID_ARG, "ring is NULL");
  int32_t s = check_trade("trade", 0, price, qty, side);
  if (s != FLOX_OK) return s;
  int64_t seq = 0;
  s = claim(r, 1, &seq);
  if (s != FLOX_OK) return s;
  write_trade(r, seq, symbol, ts_ns, price, qty, (uint8_t)side);
  return FLOX_OK;
}

int32_t flox_ring_publish_trades(flox_ring *r, uint32_t n, const uint32_t *symbols, const int64_t *ts_ns,
                                 const double *prices, const double *qtys, const uint8_t *sides,
                                 uint32_t *out_published) {
  if (out_published != NULL) *out_published = 0;
  if (r == NULL) return flox_fail(FLOX_E_INVALID_ARG, "ring is NULL");
  if (out_published == NULL) return flox_fail(FLOX_E_INVALID_ARG, "out_published is NULL");
  if (n == 0) return FLOX_OK;
  if (symbols == NULL || ts_ns == NULL || prices == NULL || qtys == NULL || sides == NULL) {
    return flox_fail(FLOX_E_INVALID_ARG, "a column is NULL with n = %u", n);
  }
  /* Validate everything first: a bad row publishes nothing. */
  for (uint32_t i = 0; i < n; i++) {
    int32_t s = check_trade("trades", i, prices[i], qtys[i], sides[i]);
    if (s != FLOX_OK) return s;
  }
  /* Claim the largest prefix that fits, in one CAS, so the batch stays contiguous. */
  int64_t cur = atomic_load_explicit(&r->claim, memory_order_relaxed), first;
  uint32_t k;
  for (;;) {
    if (cur & CLOSED_BIT) return flox_fail(FLOX_E_CLOSED, "the ring is closed (the runner was stopped)");
    int64_t free_slots = (int64_t)r->cap - (cur - atomic_load_explicit(&r->consumed, memory_order_acquire));
    if (free_slots <= 0) {
      atomic_fetch_add_explicit(&r->full_rejections, 1, memory_order_relaxed);
      return flox_fail(FLOX_E_FULL, "the ring is full (%u slots); none of %u trades published", r->cap, n);
    }
    k = free_slots < (int64_t)n ? (uint32_t)free_slots : n;
    if (atomic_compare_exchange_weak_explicit(&r->claim, &cur, cur + (int64_t)k, memory_order_acq_rel,
                                              memory_order_relaxed)) {
      first = cur;
      break;
    }
  }
  for (uint32_t i = 0; i < k; i++) write_trade(r, first + i, symbols[i], ts_ns[i], prices[i], qtys[i], sides[i]);
  *out_published = k;
  if (k < n) {
    atomic_fetch_add_explicit(&r->full_rejections, 1, memory_order_relaxed);
    return flox_fail(FLOX_E_FULL, "the ring is full: published %u of %u trades; retry with the rest", k, n);
  }
  return FLOX_OK;
}

static inline uint32_t book_slots(uint32_t n_bids, uint32_t n_asks) {
  uint32_t doubles = 2u * (n_bids + n_asks);
  return 1u + (doubles + SLOT_DOUBLES - 1) / SLOT_DOUBLES;
}

/* Writes n doubles into the level stream of the event whose header is at `seq`, from double offset
 * `at`; the stream starts at the slot after the header and wraps at the end of the array. */
static void stream_write(flox_ring *r, int64_t seq, uint32_t at, const double *src, uint32_t n) {
  double *base = (double *)r->slots;
  uint64_t total = (uint64_t)r->cap * SLOT_DOUBLES;
  uint64_t pos = ((uint64_t)((seq + 1) & r->mask)) * SLOT_DOUBLES + at;
  pos %= total;
  while (n > 0) {
    uint64_t run = total - pos < n ? total - pos : n;
    memcpy(base + pos, src, run * sizeof(double));
    src += run;
    n -= (uint32_t)run;
    pos = 0;
  }
}

static void stream_read(const flox_ring *r, int64_t seq, uint32_t at, double *dst, uint32_t n) {
  const double *base = (const double *)r->slots;
  uint64_t total = (uint64_t)r->cap * SLOT_DOUBLES;
  uint64_t pos = ((uint64_t)((seq + 1) & r->mask)) * SLOT_DOUBLES + at;
  pos %= total;
  while (n > 0) {
    uint64_t run = total - pos < n ? total - pos : n;
    memcpy(dst, base + pos, run * sizeof(double));
    dst += run;
    n -= (uint32_t)run;
    pos = 0;
  }
}

static int32_t check_levels(const char *side, const double *prices, const double *qtys, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    if (bad_price(prices[i])) {
      return flox_fail(FLOX_E_BAD_PRICE, "%sPrices[%u] is %g; it must be finite and > 0", side, i, prices[i]);
    }
    if (bad_level_qty(qtys[i])) {
      return flox_fail(FLOX_E_BAD_QUANTITY, "%sQtys[%u] is %g; it must be finite and >= 0", side, i, qtys[i]);
    }
  }
  return FLOX_OK;
}

int32_t flox_ring_publish_book(flox_ring *r, uint32_t symbol, int64_t ts_ns, uint32_t snapshot,
                               const double *bid_prices, const double *bid_qtys, uint32_t n_bids,
                               const double *ask_prices, const double *ask_qtys, uint32_t n_asks) {
  if (r == NULL) return flox_fail(FLOX_E_INVALID_ARG, "ring is NULL");
  if (snapshot > 1) return flox_fail(FLOX_E_INVALID_ARG, "snapshot is %u; it must be 0 (delta) or 1", snapshot);
  if (n_bids > FLOX_RING_MAX_LEVELS || n_asks > FLOX_RING_MAX_LEVELS) {
    return flox_fail(FLOX_E_INVALID_ARG, "book has %u bid and %u ask levels; at most %u per side", n_bids, n_asks,
                     (unsigned)FLOX_RING_MAX_LEVELS);
  }
  if ((n_bids > 0 && (bid_prices == NULL || bid_qtys == NULL)) ||
      (n_asks > 0 && (ask_prices == NULL || ask_qtys == NULL))) {
    return flox_fail(FLOX_E_INVALID_ARG, "a level array is NULL with a non-zero count");
  }
  int32_t s = check_levels("bid", bid_prices, bid_qtys, n_bids);
  if (s == FLOX_OK) s = check_levels("ask", ask_prices, ask_qtys, n_asks);
  if (s != FLOX_OK) return s;
  uint32_t k = book_slots(n_bids, n_asks);
  if (k > r->cap) {
    return flox_fail(FLOX_E_INVALID_ARG, "a book of %u+%u levels needs %u slots but the ring has %u", n_bids, n_asks,
                     k, r->cap);
  }
  int64_t seq = 0;
  s = claim(r, k, &seq);
  if (s != FLOX_OK) return s;
  uint32_t levels = n_bids + n_asks;
  stream_write(r, seq, 0, bid_prices, n_bids);
  stream_write(r, seq, n_bids, ask_prices, n_asks);
  stream_write(r, seq, levels, bid_qtys, n_bids);
  stream_write(r, seq, levels + n_bids, ask_qtys, n_asks);
  ring_header *h = &r->slots[seq & r->mask].h;
  h->ts_ns = ts_ns;
  h->price = 0.0;
  h->qty = 0.0;
  h->symbol = symbol;
  h->n_bids = n_bids;
  h->n_asks = n_asks;
  h->n_slots = k;
  h->kind = snapshot ? KIND_SNAPSHOT : KIND_DELTA;
  h->side = 0;
  atomic_store_explicit(&r->published[seq & r->mask], seq, memory_order_release);
  return FLOX_OK;
}

int32_t flox_ring_drain(flox_ring *r, uint32_t max_events, uint8_t *kinds, uint8_t *sides, uint32_t *symbols,
                        int64_t *ts_ns, double *prices, double *qtys, uint32_t *n_bids, uint32_t *n_asks,
                        double *level_prices, double *level_qtys, uint32_t levels_cap, uint32_t *out) {
  if (r == NULL) return flox_fail(FLOX_E_INVALID_ARG, "ring is NULL");
  if (out == NULL) return flox_fail(FLOX_E_INVALID_ARG, "out is NULL");
  out[0] = out[1] = out[2] = 0;
  if (max_events > 0 && (kinds == NULL || sides == NULL || symbols == NULL || ts_ns == NULL || prices == NULL ||
                         qtys == NULL || n_bids == NULL || n_asks == NULL)) {
    return flox_fail(FLOX_E_INVALID_ARG, "an event column is NULL with max_events = %u", max_events);
  }
  if (levels_cap > 0 && (level_prices == NULL || level_qtys == NULL)) {
    return flox_fail(FLOX_E_INVALID_ARG, "a level array is NULL with levels_cap = %u", levels_cap);
  }
  int32_t expected = 0;
  if (!atomic_compare_exchange_strong_explicit(&r->draining, &expected, 1, memory_order_acquire,
                                               memory_order_relaxed)) {
    return flox_fail(FLOX_E_STATE, "another thread is draining this ring; it has a single consumer");
  }
  int64_t seq = atomic_load_explicit(&r->consumed, memory_order_relaxed);
  uint32_t n = 0, levels_used = 0;
  int32_t status = FLOX_OK;
  while (n < max_events) {
    uint32_t idx = (uint32_t)(seq & r->mask);
    if (atomic_load_explicit(&r->published[idx], memory_order_acquire) != seq) break;
    const ring_header *h = &r->slots[idx].h;
    uint32_t levels = h->n_bids + h->n_asks;
    if (levels > levels_cap - levels_used) {
      if (n == 0) {
        status = flox_fail(FLOX_E_BUFFER_TOO_SMALL, "the next book has %u levels but levels_cap is %u", levels,
                           levels_cap);
      }
      break;
    }
    kinds[n] = h->kind;
    sides[n] = h->side;
    symbols[n] = h->symbol;
    ts_ns[n] = h->ts_ns;
    prices[n] = h->price;
    qtys[n] = h->qty;
    n_bids[n] = h->n_bids;
    n_asks[n] = h->n_asks;
    if (levels > 0) {
      stream_read(r, seq, 0, level_prices + levels_used, levels);
      stream_read(r, seq, levels, level_qtys + levels_used, levels);
      levels_used += levels;
    }
    seq += h->n_slots;
    n++;
  }
  atomic_store_explicit(&r->consumed, seq, memory_order_release);
  atomic_store_explicit(&r->events_drained, atomic_load_explicit(&r->events_drained, memory_order_relaxed) + n,
                        memory_order_relaxed);
  int64_t claimed = atomic_load_explicit(&r->claim, memory_order_acquire) & ~CLOSED_BIT;
  atomic_store_explicit(&r->draining, 0, memory_order_release);
  out[0] = n;
  out[1] = levels_used;
  out[2] = claimed > seq ? 1u : 0u;
  return status;
}

int32_t flox_ring_close(flox_ring *r) {
  if (r == NULL) return flox_fail(FLOX_E_INVALID_ARG, "ring is NULL");
  atomic_fetch_or_explicit(&r->claim, CLOSED_BIT, memory_order_acq_rel);
  return FLOX_OK;
}

int32_t flox_ring_reopen(flox_ring *r) {
  if (r == NULL) return flox_fail(FLOX_E_INVALID_ARG, "ring is NULL");
  atomic_fetch_and_explicit(&r->claim, ~CLOSED_BIT, memory_order_acq_rel);
  return FLOX_OK;
}

int32_t flox_ring_stats(const flox_ring *r, uint64_t *out) {
  if (r == NULL) return flox_fail(FLOX_E_INVALID_ARG, "ring is NULL");
  if (out == NULL) return flox_fail(FLOX_E_INVALID_ARG, "out is NULL");
  flox_ring *m = (flox_ring *)r; /* atomics loads need a non-const object in C11 */
  int64_t claim_word = atomic_load_explicit(&m->claim, memory_order_acquire);
  int64_t consumed = atomic_load_explicit(&m->consumed, memory_order_acquire);
  out[0] = (uint64_t)((claim_word & ~CLOSED_BIT) - consumed);
  out[1] = atomic_load_explicit(&m->events_drained, memory_order_relaxed);
  out[2] = atomic_load_explicit(&m->full_rejections, memory_order_relaxed);
  out[3] = (claim_word & CLOSED_BIT) ? 1u : 0u;
  return FLOX_OK;
}
