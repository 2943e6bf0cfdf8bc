/* event_feed.c: a tape reader that decodes ahead on its own thread, so a backtest's JavaScript event
 * loop and the tape decoding run at the same time (they take about as long per event as each
 * other). The thread fills a small ring of chunk buffers with flox_tape_reader_read_events; the
 * consumer copies the next ready chunk into its own columns. */
#include "flox.h"
#include "error.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FEED_BUFFERS 3
#define FEED_MIN_LEVELS 131070 /* the largest book a tape can hold: 2 x 65535 levels */

typedef struct {
  int32_t events, levels;
  uint8_t *kind, *side;
  int64_t *ts;
  uint32_t *symbol, *level_start, *bid_count, *ask_count;
  double *price, *qty, *level_price, *level_qty;
} feed_chunk;

struct flox_event_feed {
  flox_tape_reader *reader;
  pthread_t thread;
  int thread_started;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  feed_chunk chunks[FEED_BUFFERS];
  int32_t cap, level_cap;
  int head, tail, filled; /* ring of chunks: consumer takes head, producer fills tail */
  int done, stop;
  int32_t status;         /* the producer's failure, reported after the chunks before it */
  char message[1024];
};

static void chunk_free(feed_chunk *c) {
  free(c->kind), free(c->side), free(c->ts), free(c->symbol), free(c->level_start);
  free(c->bid_count), free(c->ask_count), free(c->price), free(c->qty), free(c->level_price), free(c->level_qty);
}

static int chunk_alloc(feed_chunk *c, int32_t cap, int32_t level_cap) {
  const size_t n = (size_t)cap, l = (size_t)level_cap;
  c->kind = malloc(n), c->side = malloc(n), c->ts = malloc(n * 8), c->symbol = malloc(n * 4);
  c->level_start = malloc(n * 4), c->bid_count = malloc(n * 4), c->ask_count = malloc(n * 4);
  c->price = malloc(n * 8), c->qty = malloc(n * 8), c->level_price = malloc(l * 8), c->level_qty = malloc(l * 8);
  return c->kind && c->side && c->ts && c->symbol && c->level_start && c->bid_count && c->ask_count && c->price &&
         c->qty && c->level_price && c->level_qty;
}

static void *producer(void *arg) {
  flox_event_feed *f = arg;
  pthread_mutex_lock(&f->mu);
  for (;;) {
    while (f->filled == FEED_BUFFERS && !f->stop) pthread_cond_wait(&f->cv, &f->mu);
    if (f->stop) break;
    feed_chunk *c = &f->chunks[f->tail];
    pthread_mutex_unlock(&f->mu);
    int32_t counts[2] = {0, 0};
    const int32_t s = flox_tape_reader_read_events(f->reader, c->kind, c->ts, c->symbol, c->price, c->qty, c->side,
                                                   c->level_start, c->bid_count, c->ask_count, f->cap, c->level_price,
                                                   c->level_qty, f->level_cap, counts);
    pthread_mutex_lock(&f->mu);
    if (s != FLOX_OK) {
      f->status = s;
      snprintf(f->message, sizeof f->message, "%s", flox_last_error()); /* this thread's message */
      f->done = 1;
    } else if (counts[0] == 0) {
      f->done = 1;
    } else {
      c->events = counts[0];
      c->levels = counts[1];
      f->tail = (f->tail + 1) % FEED_BUFFERS;
      f->filled++;
    }
    pthread_cond_broadcast(&f->cv);
    if (f->done) break;
  }
  pthread_mutex_unlock(&f->mu);
  return NULL;
}

void flox_event_feed_destroy(flox_event_feed *f) {
  if (f == NULL) return;
  if (f->thread_started) {
    pthread_mutex_lock(&f->mu);
    f->stop = 1;
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
    pthread_join(f->thread, NULL);
  }
  pthread_mutex_destroy(&f->mu);
  pthread_cond_destroy(&f->cv);
  for (int i = 0; i < FEED_BUFFERS; i++) chunk_free(&f->chunks[i]);
  flox_tape_reader_destroy(f->reader);
  free(f);
}

int32_t flox_event_feed_open(const char *dir, int32_t chunk_events, flox_event_feed **out) {
  if (out == NULL) return flox_fail(FLOX_E_INVALID_ARG, "event_feed_open: out is NULL");
  *out = NULL;
  if (chunk_events < 1 || chunk_events > (1 << 24)) {
    return flox_fail(FLOX_E_INVALID_ARG, "event_feed_open: chunk_events is %d; must be 1..%d", chunk_events, 1 << 24);
  }
  flox_event_feed *f = calloc(1, sizeof *f);
  if (f == NULL) return flox_fail(FLOX_E_NOMEM, "event_feed_open: out of memory");
  pthread_mutex_init(&f->mu, NULL);
  pthread_cond_init(&f->cv, NULL);
  f->cap = chunk_events;
  f->level_cap = chunk_events * 4 > FEED_MIN_LEVELS ? chunk_events * 4 : FEED_MIN_LEVELS;
  const int32_t s = flox_tape_reader_open(dir, 0, 0, FLOX_TAPE_OPEN_ALLOW_EMPTY, &f->reader);
  if (s != FLOX_OK) {
    flox_event_feed_destroy(f);
    return s; /* the reader's message (names the path) stays the thread's last error */
  }
  for (int i = 0; i < FEED_BUFFERS; i++) {
    if (!chunk_alloc(&f->chunks[i], f->cap, f->level_cap)) {
      flox_event_feed_destroy(f);
      return flox_fail(FLOX_E_NOMEM, "event_feed_open: no memory for chunks of %d events", chunk_events);
    }
  }
  if (pthread_create(&f->thread, NULL, producer, f) != 0) {
    flox_event_feed_destroy(f);
    return flox_fail(FLOX_E_NOMEM, "event_feed_open: cannot start the reading thread");
  }
  f->thread_started = 1;
  *out = f;
  return FLOX_OK;
}

int32_t flox_event_feed_level_cap(const flox_event_feed *f) { return f == NULL ? 0 : f->level_cap; }

int32_t flox_event_feed_next(flox_event_feed *f, uint8_t *kind, int64_t *ts_ns, uint32_t *symbol_id, double *price,
                             double *qty, uint8_t *side, uint32_t *level_start, uint32_t *bid_count,
                             uint32_t *ask_count, int32_t event_cap, double *level_price, double *level_qty,
                             int32_t level_cap, int32_t *out_counts) {
  if (f == NULL || out_counts == NULL) return flox_fail(FLOX_E_INVALID_ARG, "event_feed_next: feed or out_counts is NULL");
  out_counts[0] = out_counts[1] = 0;
  if (event_cap < f->cap || level_cap < f->level_cap) {
    return flox_fail(FLOX_E_BUFFER_TOO_SMALL, "event_feed_next: room for %d events and %d levels; needs %d and %d",
                     event_cap, level_cap, f->cap, f->level_cap);
  }
  if (!kind || !ts_ns || !symbol_id || !price || !qty || !side || !level_start || !bid_count || !ask_count ||
      !level_price || !level_qty) {
    return flox_fail(FLOX_E_INVALID_ARG, "event_feed_next: an output column is NULL");
  }
  pthread_mutex_lock(&f->mu);
  while (f->filled == 0 && !f->done) pthread_cond_wait(&f->cv, &f->mu);
  if (f->filled == 0) {
    const int32_t status = f->status;
    pthread_mutex_unlock(&f->mu);
    if (status != FLOX_OK) return flox_fail(status, "%s", f->message);
    return FLOX_OK; /* end of the tape */
  }
  const feed_chunk *c = &f->chunks[f->head];
  pthread_mutex_unlock(&f->mu);
  /* The producer never touches the head chunk while it is counted as filled. */
  const size_t n = (size_t)c->events, l = (size_t)c->levels;
  memcpy(kind, c->kind, n), memcpy(side, c->side, n), memcpy(ts_ns, c->ts, n * 8);
  memcpy(symbol_id, c->symbol, n * 4), memcpy(level_start, c->level_start, n * 4);
  memcpy(bid_count, c->bid_count, n * 4), memcpy(ask_count, c->ask_count, n * 4);
  memcpy(price, c->price, n * 8), memcpy(qty, c->qty, n * 8);
  memcpy(level_price, c->level_price, l * 8), memcpy(level_qty, c->level_qty, l * 8);
  out_counts[0] = c->events;
  out_counts[1] = c->levels;
  pthread_mutex_lock(&f->mu);
  f->head = (f->head + 1) % FEED_BUFFERS;
  f->filled--;
  pthread_cond_broadcast(&f->cv);
  pthread_mutex_unlock(&f->mu);
  return FLOX_OK;
}

int32_t flox_event_feed_damage_count(flox_event_feed *f) {
  if (f == NULL) return 0;
  /* Only meaningful once the feed is at its end (the reader belongs to the thread until then). */
  pthread_mutex_lock(&f->mu);
  const int done = f->done && f->filled == 0;
  pthread_mutex_unlock(&f->mu);
  return done ? flox_tape_reader_damage_count(f->reader) : -1;
}
