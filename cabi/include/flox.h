/*
 * flox.h: the whole public ABI of libflox.
 *
 * Anything not declared in this file is not API. Every export carries FLOX_API; the library is built
 * with -fvisibility=hidden so nothing else leaks. Only fixed-width scalars, pointers to caller-owned
 * arrays and opaque handles cross the boundary (Bun cannot pass structs by value). Layouts that
 * callers read or write (packed bars, packed signals, stat vectors) are pinned by _Static_assert in
 * the sources and mirrored in lib/ffi/layout.ts.
 *
 * Conventions
 *  - Fallible functions return an int status (enum flox_status); FLOX_OK is 0. On failure the calling
 *    thread's message is available from flox_last_error() until that thread's next failing call.
 *  - Constructors are `int flox_x_create(..., flox_x **out)`; `flox_x_destroy(NULL)` is a no-op.
 *  - Unless a function says otherwise, C borrows caller arrays for the duration of the call only and
 *    keeps no pointer to them afterwards.
 *  - Prices and quantities are float64 at the boundary; timestamps are int64 nanoseconds since the
 *    epoch unless the parameter says it is normalised by magnitude (s/ms/us/ns).
 */
#ifndef FLOX_H
#define FLOX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(FLOX_BUILDING)
#define FLOX_API __attribute__((visibility("default")))
#else
#define FLOX_API
#endif

/* ---------------------------------------------------------------------------------------------
 * Versions
 * ------------------------------------------------------------------------------------------- */

#define FLOX_VERSION_MAJOR 0
#define FLOX_VERSION_MINOR 1
#define FLOX_VERSION_PATCH 0
#define FLOX_VERSION_NUMBER (FLOX_VERSION_MAJOR * 10000 + FLOX_VERSION_MINOR * 100 + FLOX_VERSION_PATCH)
/* Bumped on any change to a signature or a layout in this file. lib/ffi checks it after dlopen. */
#define FLOX_ABI_VERSION 1

/** Library version as MAJOR*10000 + MINOR*100 + PATCH. */
FLOX_API int32_t flox_version_number(void);
/** ABI version the library was built with; must equal FLOX_ABI_VERSION of the caller's header. */
FLOX_API int32_t flox_abi_version(void);

/* ---------------------------------------------------------------------------------------------
 * Status codes. Values are stable and never renumbered; new codes go before FLOX_STATUS_LAST.
 * lib/ffi/status.ts mirrors this list.
 * ------------------------------------------------------------------------------------------- */

enum flox_status {
  FLOX_OK = 0,
  FLOX_E_INVALID_ARG = 1,     /* an argument is out of its domain (null where required, bad option) */
  FLOX_E_LENGTH_MISMATCH = 2, /* arrays that must have equal lengths do not */
  FLOX_E_UNSORTED = 3,        /* timestamps not strictly increasing (or duplicated) */
  FLOX_E_BAD_PRICE = 4,       /* NaN, infinite or non-positive price */
  FLOX_E_BAD_QUANTITY = 5,    /* NaN, infinite, zero or negative quantity */
  FLOX_E_BAD_SIDE = 6,        /* side byte other than 0 (buy) or 1 (sell) */
  FLOX_E_BAD_ORDER_TYPE = 7,  /* order type byte not known */
  FLOX_E_MISSING_PRICE = 8,   /* a limit order without a positive price */
  FLOX_E_NO_DATA = 9,         /* an operation needs data that was never loaded (e.g. run before loadBars) */
  FLOX_E_CLOSED = 10,         /* the handle was closed (raised by the TypeScript layer) */
  FLOX_E_NOMEM = 11,          /* allocation failed */
  FLOX_E_IO = 12,             /* an operating-system I/O call failed; the message names path and errno */
  FLOX_E_FORMAT = 13,         /* input bytes do not follow the expected format (bad magic, CRC, ...) */
  FLOX_E_UNSUPPORTED = 14,    /* a format version or feature this build does not support */
  FLOX_E_NOT_FOUND = 15,      /* a file, directory, symbol or id does not exist */
  FLOX_E_FULL = 16,           /* a bounded buffer is full; retry after the consumer drains it */
  FLOX_E_CALLBACK = 17,       /* a JavaScript callback threw; the TypeScript layer rethrows it */
  FLOX_E_CANCELLED = 18,      /* the operation was cancelled through its progress handle */
  FLOX_E_STATE = 19,          /* the call is not valid in the object's current state */
  FLOX_E_PARSE = 20,          /* text input (CSV, numbers) could not be parsed; message has the line */
  FLOX_E_BUFFER_TOO_SMALL = 21, /* a caller-provided output buffer is too small */
  FLOX_E_INTERNAL = 22,       /* a bug in libflox; please report it */
  FLOX_STATUS_LAST = 23
};

/** Static English text for a status code (never NULL; unknown codes get "unknown status"). */
FLOX_API const char *flox_strerror(int32_t status);
/**
 * Message of the last failing call on the calling thread, naming the argument and index where it
 * can; "" when none. Owned by the library, valid until the next failing call on this thread.
 */
FLOX_API const char *flox_last_error(void);
/** Status code of the last failing call on the calling thread (FLOX_OK when none). */
FLOX_API int32_t flox_last_status(void);

/* ---------------------------------------------------------------------------------------------
 * Progress: a library-owned counter that long calls (batch runs, tape reads) advance while they
 * work, so another thread can read it without touching caller memory. Also carries cancellation.
 * ------------------------------------------------------------------------------------------- */

typedef struct flox_progress flox_progress;

/** Creates a progress counter at 0 of 0. @param[out] out new handle, freed by flox_progress_destroy. */
FLOX_API int32_t flox_progress_create(flox_progress **out);
/** Frees the counter. NULL is a no-op. Must not be called while a call that uses it is running. */
FLOX_API void flox_progress_destroy(flox_progress *p);
/** Units done so far (atomic read; safe from any thread). */
FLOX_API int64_t flox_progress_done(const flox_progress *p);
/** Units in total, as set by the call doing the work (0 until it starts). */
FLOX_API int64_t flox_progress_total(const flox_progress *p);
/** Asks the call using this counter to stop early; it returns FLOX_E_CANCELLED. Any thread. */
FLOX_API void flox_progress_cancel(flox_progress *p);
/** Resets done, total and the cancel flag to 0 so the counter can be reused. */
FLOX_API void flox_progress_reset(flox_progress *p);

/* ---------------------------------------------------------------------------------------------
 * Batch backtest engine
 * (section owned by the engine; see spec/engine.md sections 1 to 5)
 * ------------------------------------------------------------------------------------------- */

/* @@ENGINE@@ */

/* ---------------------------------------------------------------------------------------------
 * Market-data tapes (.floxlog v1)
 * ------------------------------------------------------------------------------------------- */

/* @@TAPE@@ */

/* ---------------------------------------------------------------------------------------------
 * Event-driven strategies: indicators, simulated executor, runner ring buffer
 * ------------------------------------------------------------------------------------------- */

/* @@STRATEGY@@ */

/* ----- ring buffer (the live runner's threaded mode; owner: runner) ------------------------------
 *
 * A bounded multi-producer, single-consumer queue of market events in native memory, Disruptor
 * style: producers (the main thread, or Web Workers that dlopen the same library and receive the
 * ring's address as a bigint) claim consecutive slots with one CAS, write them and publish; one
 * consumer drains a batch of events into caller typed arrays in one call.
 *
 *  - Slots are 64 bytes; the capacity (in slots) is a power of two in
 *    [FLOX_RING_MIN_CAPACITY, FLOX_RING_MAX_CAPACITY]. A trade takes 1 slot. A book update takes
 *    1 + ceil(2 * (n_bids + n_asks) / 8) slots (its levels follow the header, 4 levels per slot), with
 *    at most FLOX_RING_MAX_LEVELS levels per side, and must fit the ring.
 *  - Guarantees: no accepted event is lost; events come out in the order their slots were claimed,
 *    so each producer's own order is kept; producers never block or spin inside the library: a full
 *    ring returns FLOX_E_FULL at once (nothing is published) and the caller decides how to wait.
 *  - Closing (flox_ring_close) makes every later publish return FLOX_E_CLOSED; events accepted
 *    before the close can still be drained. The close and the claims are ordered by the same atomic,
 *    so after a close the consumer drains until flox_ring_drain reports nothing more (out[2] == 0).
 *  - Lifetime: the creator destroys the ring, and only after every producer (including Workers)
 *    has stopped calling into it and no drain is running.
 */

#define FLOX_RING_MIN_CAPACITY 16u
#define FLOX_RING_MAX_CAPACITY (1u << 22) /* 256 MiB of slots */
#define FLOX_RING_MAX_LEVELS 4096u        /* per side, per book update */

/* Event kinds written to the `kinds` column by flox_ring_drain. */
enum flox_ring_event_kind { FLOX_RING_TRADE = 0, FLOX_RING_BOOK_SNAPSHOT = 1, FLOX_RING_BOOK_DELTA = 2 };

typedef struct flox_ring flox_ring;

/**
 * Creates an empty, open ring.
 * @param[in] capacity slots, a power of two in [FLOX_RING_MIN_CAPACITY, FLOX_RING_MAX_CAPACITY].
 * @param[out] out new handle, freed by flox_ring_destroy.
 * @return FLOX_OK, FLOX_E_INVALID_ARG (capacity), FLOX_E_NOMEM.
 */
FLOX_API int32_t flox_ring_create(uint32_t capacity, flox_ring **out);
/** Frees the ring. NULL is a no-op. No producer or consumer may be inside or call it afterwards. */
FLOX_API void flox_ring_destroy(flox_ring *r);
/** Capacity in slots (0 for NULL). Any thread. */
FLOX_API uint32_t flox_ring_capacity(const flox_ring *r);
/**
 * Publishes one trade. Any thread, concurrently with other producers and the consumer.
 * @param[in] side 0 buy (aggressor bought), 1 sell.
 * @return FLOX_OK; FLOX_E_BAD_PRICE / FLOX_E_BAD_QUANTITY (price, qty must be finite and > 0),
 *         FLOX_E_BAD_SIDE; FLOX_E_FULL (no free slot; nothing published); FLOX_E_CLOSED.
 */
FLOX_API int32_t flox_ring_publish_trade(flox_ring *r, uint32_t symbol, int64_t ts_ns, double price, double qty,
                                         uint32_t side);
/**
 * Publishes up to n trades from columns, in order, as one contiguous claim (one CAS). Every row is
 * validated before anything is published. When the ring has room for only k < n, the first k are
 * published and FLOX_E_FULL is returned; retry with the rest.
 * @param[in] symbols, ts_ns, prices, qtys, sides columns of n rows (sides: 0 buy, 1 sell).
 * @param[out] out_published number of rows published (also set on failure).
 * @return FLOX_OK; FLOX_E_BAD_PRICE / FLOX_E_BAD_QUANTITY / FLOX_E_BAD_SIDE naming the row (nothing
 *         published); FLOX_E_FULL (partial, see out_published); FLOX_E_CLOSED; FLOX_E_INVALID_ARG.
 */
FLOX_API int32_t flox_ring_publish_trades(flox_ring *r, uint32_t n, const uint32_t *symbols, const int64_t *ts_ns,
                                          const double *prices, const double *qtys, const uint8_t *sides,
                                          uint32_t *out_published);
/**
 * Publishes one book update (levels copied into the ring). Any thread.
 * @param[in] snapshot 1 for a full snapshot, 0 for a delta (qty 0 removes a level).
 * @param[in] bid_prices, bid_qtys n_bids levels; ask_prices, ask_qtys n_asks levels (arrays may be
 *            anything when their count is 0). Prices finite and > 0, quantities finite and >= 0.
 * @return FLOX_OK; FLOX_E_BAD_PRICE / FLOX_E_BAD_QUANTITY naming the side and level;
 *         FLOX_E_INVALID_ARG (more than FLOX_RING_MAX_LEVELS per side, or larger than the ring);
 *         FLOX_E_FULL; FLOX_E_CLOSED.
 */
FLOX_API int32_t flox_ring_publish_book(flox_ring *r, uint32_t symbol, int64_t ts_ns, uint32_t snapshot,
                                        const double *bid_prices, const double *bid_qtys, uint32_t n_bids,
                                        const double *ask_prices, const double *ask_qtys, uint32_t n_asks);
/**
 * Drains up to max_events published events, oldest first, into caller columns (row i = event i):
 * kinds (enum flox_ring_event_kind), sides (trades: 0 buy, 1 sell), symbols, ts_ns, prices and qtys
 * (trades; 0 for books), n_bids and n_asks (books; 0 for trades). The levels of the drained books
 * are appended to level_prices/level_qtys (bids best first, then asks, per book) up to levels_cap.
 * Stops early at an event claimed but not yet published, or at a book whose levels do not fit.
 * Single consumer: call from one thread at a time.
 * @param[out] out out[0] events drained, out[1] levels written, out[2] 1 when more events are
 *             claimed (published or being written) after the last drained one, else 0.
 * @return FLOX_OK (possibly 0 events); FLOX_E_BUFFER_TOO_SMALL (the first book does not fit in
 *         levels_cap; nothing drained); FLOX_E_STATE (another drain is running);
 *         FLOX_E_INVALID_ARG.
 */
FLOX_API int32_t flox_ring_drain(flox_ring *r, uint32_t max_events, uint8_t *kinds, uint8_t *sides,
                                 uint32_t *symbols, int64_t *ts_ns, double *prices, double *qtys, uint32_t *n_bids,
                                 uint32_t *n_asks, double *level_prices, double *level_qtys, uint32_t levels_cap,
                                 uint32_t *out);
/** Closes the ring to producers (they get FLOX_E_CLOSED); queued events stay drainable. Any thread. */
FLOX_API int32_t flox_ring_close(flox_ring *r);
/** Reopens a closed ring so producers may publish again. Any thread. */
FLOX_API int32_t flox_ring_reopen(flox_ring *r);
/**
 * Counters, any thread: out[0] slots claimed and not yet drained, out[1] events drained so far,
 * out[2] publishes refused with FLOX_E_FULL, out[3] 1 when closed.
 * @return FLOX_OK, FLOX_E_INVALID_ARG.
 */
FLOX_API int32_t flox_ring_stats(const flox_ring *r, uint64_t *out);

#ifdef __cplusplus
}
#endif

#endif /* FLOX_H */
