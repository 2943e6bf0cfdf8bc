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

/*
 * Batch indicators. Each runs the same steps, in the same floating-point order, as the streaming
 * class of the same name in lib/indicators/ (values are identical). Common contract:
 *  - Inputs: n >= 0 finite float64 values (FLOX_E_BAD_PRICE naming the array and index otherwise);
 *    periods >= 1 (FLOX_E_INVALID_ARG). With n == 0 the pointers may be NULL.
 *  - Outputs: caller-owned arrays of n float64, NaN during warm-up. Nothing is written when the
 *    call fails (inputs are checked first). Inputs and outputs may not overlap.
 *  - FLOX_E_NOMEM when the window cannot be allocated. Thread-safe: no shared state.
 */

/** Simple moving average; out[i] is NaN for i < period - 1. Running sum re-summed every period values. */
FLOX_API int32_t flox_ind_sma(const double *values, int64_t n, int32_t period, double *out);
/** EMA, alpha = 2/(period+1), seeded with the SMA of the first period values; NaN for i < period - 1. */
FLOX_API int32_t flox_ind_ema(const double *values, int64_t n, int32_t period, double *out);
/** Wilder's RMA: seeded with the SMA of the first period values, then (rma*(period-1)+x)/period. */
FLOX_API int32_t flox_ind_rma(const double *values, int64_t n, int32_t period, double *out);
/** Wilder's RSI in [0, 100]; NaN for i < period (needs period changes). 100 when the average loss is 0. */
FLOX_API int32_t flox_ind_rsi(const double *values, int64_t n, int32_t period, double *out);
/**
 * Wilder's ATR: RMA of the true range (high-low on the first bar); NaN for i < period - 1.
 * FLOX_E_BAD_PRICE also when high[i] < low[i].
 */
FLOX_API int32_t flox_ind_atr(const double *high, const double *low, const double *close, int64_t n, int32_t period,
                              double *out);
/**
 * MACD: macd_out = EMA(fast) - EMA(slow) from i = slow-1; signal_out = EMA(signal) of the macd line
 * and histogram_out = macd - signal from i = slow+signal-2. FLOX_E_INVALID_ARG unless fast < slow.
 */
FLOX_API int32_t flox_ind_macd(const double *values, int64_t n, int32_t fast, int32_t slow, int32_t signal,
                               double *macd_out, double *signal_out, double *histogram_out);
/** Bollinger bands: window mean +- k * population std of the last period values (k finite, >= 0). */
FLOX_API int32_t flox_ind_bollinger(const double *values, int64_t n, int32_t period, double k, double *upper,
                                    double *middle, double *lower);
/**
 * Stochastic: k_out = 100*(close-LL)/(HH-LL) over k_period bars (50 when HH == LL) from i = k_period-1;
 * d_out = SMA(d_period) of %K from i = k_period+d_period-2. FLOX_E_BAD_PRICE also when high < low.
 */
FLOX_API int32_t flox_ind_stochastic(const double *high, const double *low, const double *close, int64_t n,
                                     int32_t k_period, int32_t d_period, double *k_out, double *d_out);
/**
 * Rolling VWAP of the last period (price, qty) pairs: sum(price*qty)/sum(qty), NaN when that volume
 * is 0 and during warm-up. FLOX_E_BAD_QUANTITY unless every qty is finite and >= 0.
 */
FLOX_API int32_t flox_ind_vwap(const double *price, const double *qty, int64_t n, int32_t period, double *out);

/*
 * Event-driven backtests (BacktestRunner, lib/backtest_runner.ts). The per-event loop runs in
 * TypeScript; C prepares columns in chunks (one call per chunk, never per event).
 */

/**
 * Prepares a chunk of trades for the backtest loop: normalises each ts[i] by magnitude (s/ms/us/ns,
 * spec section 1) into ts_out[i], checks it is not before the previous event (prev_ts for i = 0;
 * pass INT64_MIN for none), checks price[i] finite > 0 and qty[i] finite >= 0, and writes
 * t_out[i] = (double)(ts_out[i] - base). first_index is added to i in error messages.
 * @return FLOX_OK, FLOX_E_UNSORTED, FLOX_E_BAD_PRICE, FLOX_E_BAD_QUANTITY, FLOX_E_INVALID_ARG; on
 *         failure nothing is written. ts_out may be ts (in place). Thread-safe.
 */
FLOX_API int32_t flox_bt_prepare(const int64_t *ts, const double *price, const double *qty, int64_t n,
                                 int64_t first_index, int64_t base, int64_t prev_ts, int64_t *ts_out, double *t_out);

/* CSV formats reported by flox_csv_format (detected from the first line; see cabi/src/csv.c). */
#define FLOX_CSV_TRADES 1          /* header with timestamp, price, qty/amount, [side | is_buyer_maker] */
#define FLOX_CSV_BINANCE_TRADES 2  /* Binance trades / aggTrades dump without a header */
#define FLOX_CSV_BARS 3            /* header with timestamp and close (OHLCV): one trade per bar at the close */
#define FLOX_CSV_BINANCE_KLINES 4  /* Binance klines without a header: one trade per bar at close, close time */

typedef struct flox_csv_reader flox_csv_reader;

/**
 * Opens a CSV file of trades or bars and detects its format from the first non-blank line.
 * @param[in] path NUL-terminated path. @param[out] out new reader, freed by flox_csv_destroy.
 * @return FLOX_OK, FLOX_E_NOT_FOUND, FLOX_E_IO (path and errno text), FLOX_E_NO_DATA (empty file),
 *         FLOX_E_FORMAT (unknown layout or header without the needed columns; names path and line).
 */
FLOX_API int32_t flox_csv_open(const char *path, flox_csv_reader **out);
/** Closes the file and frees the reader. NULL is a no-op. */
FLOX_API void flox_csv_destroy(flox_csv_reader *r);
/** The detected format (FLOX_CSV_*), 0 for NULL. */
FLOX_API int32_t flox_csv_format(const flox_csv_reader *r);
/**
 * Reads up to cap rows into caller-owned columns: ts_ns (normalised to ns), price, qty (0 for bars
 * without volume), side (0 buy aggressor, 1 sell). *count gets the rows written; 0 at end of file.
 * @return FLOX_OK, or for a bad row FLOX_E_PARSE / FLOX_E_BAD_PRICE / FLOX_E_BAD_QUANTITY /
 *         FLOX_E_BAD_SIDE / FLOX_E_UNSORTED with "path:line: what" (1-based line numbers); FLOX_E_IO.
 *         After an error the reader should be destroyed. One thread at a time per reader.
 */
FLOX_API int32_t flox_csv_read(flox_csv_reader *r, int64_t *ts_ns, double *price, double *qty, uint8_t *side,
                               int64_t cap, int64_t *count);

#ifdef __cplusplus
}
#endif

#endif /* FLOX_H */
