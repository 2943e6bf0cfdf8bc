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

/*
 * Layouts (little-endian, pinned by _Static_assert in cabi/src/bars.c and signals.c, mirrored in
 * lib/ffi/layout_engine.ts):
 *   packed bar, 48 bytes:    ts_ns i64 @0, open_raw i64 @8, high_raw @16, low_raw @24, close_raw @32,
 *                            volume_raw @40 (raw = round_half_away_from_zero(value * 1e8)).
 *   packed signal, 32 bytes: ts_ns i64 @0, qty_raw i64 @8, price_raw i64 @16, side u8 @24 (0 buy,
 *                            1 sell), type u8 @25 (0 market, 1 limit), 6 bytes of zero padding.
 * Records are read with unaligned loads, so a buffer may start at any byte offset.
 */
#define FLOX_BAR_RECORD_SIZE 48
#define FLOX_SIGNAL_RECORD_SIZE 32

#define FLOX_SIDE_BUY 0
#define FLOX_SIDE_SELL 1
#define FLOX_ORDER_MARKET 0
#define FLOX_ORDER_LIMIT 1

/* Limit-order fill models (spec/engine.md section 3.4). */
#define FLOX_LIMIT_CLOSE 0 /* buy fills when limit >= close, sell when limit <= close, at the close */
#define FLOX_LIMIT_TOUCH 1 /* buy fills when low <= limit at min(limit, open); sell mirrored */

/* Index of each value in the stats vector written by flox_engine_run / flox_engine_run_batch.
 * Counts are stored as doubles (exact up to 2^53). */
#define FLOX_STAT_NET_PNL 0
#define FLOX_STAT_RETURN_PCT 1
#define FLOX_STAT_REALIZED_PNL 2
#define FLOX_STAT_UNREALIZED_PNL 3
#define FLOX_STAT_TOTAL_FEES 4
#define FLOX_STAT_TOTAL_TRADES 5
#define FLOX_STAT_WINNING_TRADES 6
#define FLOX_STAT_LOSING_TRADES 7
#define FLOX_STAT_WIN_RATE 8
#define FLOX_STAT_GROSS_PROFIT 9
#define FLOX_STAT_GROSS_LOSS 10
#define FLOX_STAT_PROFIT_FACTOR 11
#define FLOX_STAT_MAX_DRAWDOWN 12
#define FLOX_STAT_MAX_DRAWDOWN_PCT 13
#define FLOX_STAT_SHARPE 14
#define FLOX_STAT_SORTINO 15
#define FLOX_STAT_CALMAR 16
#define FLOX_STAT_UNFILLED_ORDERS 17
#define FLOX_STAT_INITIAL_CAPITAL 18
#define FLOX_STAT_FINAL_EQUITY 19
#define FLOX_STAT_BARS 20
#define FLOX_STAT_PERIODS_PER_YEAR 21
#define FLOX_STAT_COUNT 22

/* Index of each value written by flox_metrics_from_returns. */
#define FLOX_METRIC_SHARPE 0
#define FLOX_METRIC_SORTINO 1
#define FLOX_METRIC_CALMAR 2
#define FLOX_METRIC_MAX_DRAWDOWN 3     /* of the equity compounded from 1 by the returns */
#define FLOX_METRIC_MAX_DRAWDOWN_PCT 4 /* percent, relative to the peak it fell from */
#define FLOX_METRIC_TOTAL_RETURN 5     /* E_n / E_0 - 1 */
#define FLOX_METRIC_ANNUAL_RETURN 6    /* (E_n / E_0)^(periodsPerYear / n) - 1; -1 when E_n <= 0 */
#define FLOX_METRIC_MEAN 7             /* mean of the returns */
#define FLOX_METRIC_STDEV 8            /* sample standard deviation (ddof = 1) */
#define FLOX_METRIC_DOWNSIDE_DEV 9     /* sqrt(mean(min(r, 0)^2)), not annualised */
#define FLOX_METRIC_COUNT 10

/** A batch backtest engine: bar series per symbol, fill rules, and the last single run's trades. */
typedef struct flox_engine flox_engine;

/**
 * Creates an engine.
 * @param[in] initial_capital  equity before the first bar, > 0 and finite.
 * @param[in] fee_rate         fraction of notional charged per fill, >= 0 and finite.
 * @param[in] periods_per_year annualisation factor for sharpe/sortino/calmar; 0 = automatic
 *                             (365.25 days / median bar interval of the series run against).
 * @param[in] limit_model      FLOX_LIMIT_CLOSE or FLOX_LIMIT_TOUCH.
 * @param[out] out             the new engine, freed by flox_engine_destroy.
 * @return FLOX_OK, FLOX_E_INVALID_ARG (message names the option), FLOX_E_NOMEM.
 */
FLOX_API int32_t flox_engine_create(double initial_capital, double fee_rate, double periods_per_year,
                                    int32_t limit_model, flox_engine **out);

/** Frees the engine and everything it holds. NULL is a no-op. No call on it may be running. */
FLOX_API void flox_engine_destroy(flox_engine *e);

/**
 * Loads (or replaces) the bar series of one symbol from columns; the values are copied.
 * Timestamps are bar open times normalised per element by magnitude (|t| < 1e12 s, < 1e15 ms,
 * < 1e18 us, else ns) and must be strictly increasing after normalisation. Prices must be finite
 * and > 0, and high >= low. Volume is stored nowhere (the engine does not use it) and not checked.
 * The median bar interval (for the automatic periodsPerYear) is computed here, once.
 * @param[in] e       engine.
 * @param[in] symbol  symbol id the series is stored under (any int32; the TS default is 1).
 * @param[in] ts      n timestamps (s/ms/us/ns by magnitude).
 * @param[in] open, high, low, close, volume  n values each.
 * @param[in] n       number of bars, >= 1.
 * @return FLOX_OK; FLOX_E_INVALID_ARG (n < 1, NULL, timestamp beyond the int64 ns range);
 *         FLOX_E_UNSORTED (message names ts[i]); FLOX_E_BAD_PRICE (names the column and index);
 *         FLOX_E_STATE (a batch is running on this engine); FLOX_E_NOMEM. On failure the engine
 *         keeps what it held before.
 * Threading: not concurrently with any other call on the same engine.
 */
FLOX_API int32_t flox_engine_load_bars_i64ts(flox_engine *e, int32_t symbol, const int64_t *ts, const double *open,
                                             const double *high, const double *low, const double *close,
                                             const double *volume, int64_t n);

/**
 * As flox_engine_load_bars_i64ts with float64 timestamps: each is scaled by its magnitude
 * (s/ms/us/ns as above) and rounded like JavaScript's Math.round; non-finite values are
 * FLOX_E_INVALID_ARG.
 */
FLOX_API int32_t flox_engine_load_bars_f64ts(flox_engine *e, int32_t symbol, const double *ts, const double *open,
                                             const double *high, const double *low, const double *close,
                                             const double *volume, int64_t n);

/**
 * Loads (or replaces) a symbol's series from n packed 48-byte bar records (layout above). ts_ns is
 * taken as nanoseconds as is (not normalised); prices are raw / 1e8. Same checks and codes as
 * flox_engine_load_bars_i64ts; bad prices are reported as e.g. "close[3] is -1".
 */
FLOX_API int32_t flox_engine_load_bars_packed(flox_engine *e, int32_t symbol, const uint8_t *records, int64_t n);

/** Number of bars loaded for symbol, 0 when none (or e is NULL). */
FLOX_API int64_t flox_engine_bar_count(const flox_engine *e, int32_t symbol);

/**
 * Packs columns into n 32-byte signal records (layout above), validating them.
 * @param[in] ts        n timestamps, normalised by magnitude to ns (as for bars).
 * @param[in] sides     n side bytes (0 buy, 1 sell).
 * @param[in] qty       n quantities, finite and > 0; stored as round_half_away(q * 1e8), which must
 *                      be >= 1 and fit int64.
 * @param[in] prices    n limit prices, read only when has_prices != 0 (else every price is 0).
 * @param[in] has_prices 0 or 1.
 * @param[in] types     n order-type bytes, read only when has_types != 0 (else all market).
 * @param[in] has_types 0 or 1.
 * @param[in] n         number of signals, >= 0.
 * @param[out] out      32 * n bytes.
 * @param[in] out_len   size of out in bytes.
 * @return FLOX_OK; FLOX_E_BAD_SIDE, FLOX_E_BAD_ORDER_TYPE, FLOX_E_BAD_QUANTITY, FLOX_E_MISSING_PRICE
 *         (limit without a finite price > 0), FLOX_E_BAD_PRICE (a given price that is NaN/inf/<= 0 on
 *         a limit order), FLOX_E_INVALID_ARG (timestamp out of range), FLOX_E_BUFFER_TOO_SMALL.
 *         Messages name the column and index ("side[12] is 2; must be 0 (buy) or 1 (sell)").
 *         On failure out is left unwritten. Prices of market orders are stored but never used.
 */
FLOX_API int32_t flox_make_signals(const int64_t *ts, const uint8_t *sides, const double *qty, const double *prices,
                                   int32_t has_prices, const uint8_t *types, int32_t has_types, int64_t n,
                                   uint8_t *out, int64_t out_len);

/**
 * As flox_make_signals with float64 timestamps (scaled by magnitude and rounded as Math.round).
 */
FLOX_API int32_t flox_make_signals_f64ts(const double *ts, const uint8_t *sides, const double *qty,
                                         const double *prices, int32_t has_prices, const uint8_t *types,
                                         int32_t has_types, int64_t n, uint8_t *out, int64_t out_len);

/**
 * Runs one backtest of packed signals against the symbol's bars (spec/engine.md sections 3 and 4).
 * The signals are validated first (side, type, qty_raw > 0, limit price_raw > 0, total quantity
 * within int64) and read in place; they need not be sorted (a stable sort by ts is applied).
 * @param[in] e           engine.
 * @param[in] symbol      symbol whose bars to run against.
 * @param[in] signals     n_signals packed 32-byte records.
 * @param[in] n_signals   >= 0.
 * @param[out] stats_out  FLOX_STAT_COUNT doubles (indices FLOX_STAT_*).
 * @param[in] want_equity 0 or 1: write E_1..E_n into equity_out.
 * @param[out] equity_out bars doubles when want_equity (else not touched).
 * @param[in] equity_cap  capacity of equity_out in doubles.
 * @return FLOX_OK; FLOX_E_NO_DATA (no bars for symbol); FLOX_E_BAD_SIDE / BAD_ORDER_TYPE /
 *         BAD_QUANTITY / MISSING_PRICE (limit price 0) / BAD_PRICE (limit price < 0), with the record
 *         index ("side[12] is 2; ..."); FLOX_E_BUFFER_TOO_SMALL (equity_cap < bars);
 *         FLOX_E_INVALID_ARG; FLOX_E_NOMEM. On failure nothing is written and the previous
 *         run's trades are kept.
 * The run's trades (closing events) replace the engine's previous trade list, readable with
 * flox_engine_trade_count / flox_engine_copy_trades until the next successful run.
 * Threading: one single run at a time per engine; may overlap a running batch on the same engine.
 */
FLOX_API int32_t flox_engine_run(flox_engine *e, int32_t symbol, const uint8_t *signals, int64_t n_signals,
                                 double *stats_out, int32_t want_equity, double *equity_out, int64_t equity_cap);

/** Number of trades recorded by the last successful flox_engine_run on e (0 before any). */
FLOX_API int64_t flox_engine_trade_count(const flox_engine *e);

/**
 * Copies the last run's trades into columnar caller arrays, each of at least cap elements.
 * entry_ts/exit_ts: ns of the opening and closing bars; side: 0 long, 1 short (the closed position);
 * qty: closed quantity; entry_price: average entry; exit_price: fill price; pnl: net of fee;
 * fee: the trade's share of entry fees plus its share of the closing fill's fee.
 * @return FLOX_OK, FLOX_E_BUFFER_TOO_SMALL (cap < count; nothing written), FLOX_E_INVALID_ARG.
 */
FLOX_API int32_t flox_engine_copy_trades(const flox_engine *e, int64_t *entry_ts, int64_t *exit_ts, uint8_t *side,
                                         double *qty, double *entry_price, double *exit_price, double *pnl,
                                         double *fee, int64_t cap);

/**
 * Runs n_sets independent backtests against the same bars on a pool of native threads.
 * Signal sets are read in place from the caller's memory for the duration of the call: set i is
 * signal_counts[i] packed records at address signal_addresses[i]. Every set is validated before
 * any run starts; a bad set fails the call with "set 3: side[12] is 2; ...".
 * @param[in] threads    >= 0; 0 = all online cores; clamped to n_sets.
 * @param[out] stats_out n_sets * FLOX_STAT_COUNT doubles, set i at i * FLOX_STAT_COUNT (input order).
 * @param[in,out] progress optional (NULL): total is set to n_sets and done advances by one per
 *                       finished run; flox_progress_cancel from any thread stops the batch.
 * @return FLOX_OK; the codes of flox_engine_run (message prefixed "set i: "); FLOX_E_CANCELLED
 *         (stats_out partially written); FLOX_E_INVALID_ARG (threads < 0, NULL address, count < 0);
 *         FLOX_E_NOMEM. The message of a failure is also kept in the engine
 *         (flox_engine_batch_message), because a nonblocking caller may run this on another thread.
 * Threading: may run on any thread and overlap single runs on the same engine; loading bars on the
 * engine fails with FLOX_E_STATE while a batch runs, and the engine must not be destroyed.
 */
FLOX_API int32_t flox_engine_run_batch(flox_engine *e, int32_t symbol, const uint64_t *signal_addresses,
                                       const int64_t *signal_counts, int64_t n_sets, int32_t threads,
                                       double *stats_out, flox_progress *progress);

/**
 * Message of the last failed flox_engine_run_batch on e ("" when the last batch succeeded). Owned
 * by the engine; valid until the next batch on it.
 */
FLOX_API const char *flox_engine_batch_message(const flox_engine *e);

/**
 * Metrics of a plain returns array with the formulas the engine uses (spec/engine.md section 4);
 * equity is compounded from 1 by the returns (E_0 = 1).
 * @param[in] returns          n finite returns (simple, per period).
 * @param[in] n                >= 0 (n < 2 gives sharpe = sortino = 0).
 * @param[in] periods_per_year > 0 and finite.
 * @param[out] out             FLOX_METRIC_COUNT doubles (indices FLOX_METRIC_*).
 * @return FLOX_OK; FLOX_E_INVALID_ARG (non-finite return "returns[3] is NaN", bad periods_per_year).
 */
FLOX_API int32_t flox_metrics_from_returns(const double *returns, int64_t n, double periods_per_year, double *out);

/**
 * Maximum drawdown of an equity series: out[0] = max_i (peak_i - E_i) in currency, out[1] the same
 * relative to its peak in percent, with peak_i = max(E_0..E_i).
 * @return FLOX_OK; FLOX_E_INVALID_ARG (non-finite equity[i], or equity[0] <= 0).
 */
FLOX_API int32_t flox_metrics_drawdown(const double *equity, int64_t n, double *out);

/* ---------------------------------------------------------------------------------------------
 * Market-data tapes (.floxlog v1)
 * ------------------------------------------------------------------------------------------- */

/* @@TAPE@@ */
/*
 * A tape is a directory of .floxlog segments (spec/floxlog-v1.md). Prices and quantities are float64
 * here and fixed point x1e8 on disk (round half away from zero); reading divides raw values by the
 * tape's scale (1e8, metadata.json price_scale/qty_scale, or the caller's, e.g. 1e6 for FLOX tapes
 * from before 2025-12-23). Paths are NUL-terminated UTF-8. Errors name the path.
 */

typedef struct flox_tape_writer flox_tape_writer;
typedef struct flox_tape_reader flox_tape_reader;
typedef struct flox_tape_diff flox_tape_diff;

/* Writer compression (flox_tape_writer_create). */
#define FLOX_TAPE_COMPRESSION_NONE 0
#define FLOX_TAPE_COMPRESSION_LZ4 1
/* Writer flags (flox_tape_writer_create). */
#define FLOX_TAPE_WRITE_NO_INDEX 0x1    /* no index trailer (FLOX's create_index = false) */
#define FLOX_TAPE_WRITE_NO_METADATA 0x2 /* no metadata.json at close (like FLOX's DataWriter) */

/* Writer statistics, in the order flox_tape_writer_stats fills them. */
enum flox_tape_writer_stat {
  FLOX_TAPE_WSTAT_TRADES = 0,       /* trade frames accepted */
  FLOX_TAPE_WSTAT_BOOK_UPDATES = 1, /* book snapshot + delta frames accepted */
  FLOX_TAPE_WSTAT_BYTES = 2,        /* FLOX's bytes_written: sum of 12 + payload (uncompressed) or
                                       16 + compressed size (LZ4); headers and indexes excluded */
  FLOX_TAPE_WSTAT_SEGMENTS = 3,     /* segment files created */
  FLOX_TAPE_WSTAT_ERRORS = 4,       /* failed writes (I/O, compression) */
  FLOX_TAPE_WSTAT_EVENTS = 5,       /* all frames accepted */
  FLOX_TAPE_WSTAT_BLOCKS = 6,       /* LZ4 blocks written */
  FLOX_TAPE_WSTAT_UNCOMPRESSED_BYTES = 7, /* LZ4 mode: frame bytes before compression */
  FLOX_TAPE_WSTAT_COMPRESSED_BYTES = 8,   /* LZ4 mode: compressed payload bytes */
  FLOX_TAPE_WSTAT_COUNT = 9
};

/**
 * Creates a tape writer on directory `dir` (created with its parents if missing; must be writable).
 * Segments are created lazily, named <wall-clock ns>.floxlog, and rotated before a frame (or an LZ4
 * block) would take the segment past max_segment_bytes; a segment always takes at least one.
 * @param[in] dir output directory.
 * @param[in] max_segment_bytes rotation size in bytes (0 = 256 MiB; the TS layer passes MiB x 1048576).
 * @param[in] compression FLOX_TAPE_COMPRESSION_NONE or _LZ4 (blocks of index_interval frames).
 * @param[in] index_interval frames per index entry / per LZ4 block, 1..65535 (0 = 1000).
 * @param[in] exchange_id written to the segment header and every record, 0..255.
 * @param[in] flags FLOX_TAPE_WRITE_* bits.
 * @param[out] out the writer; free with flox_tape_writer_destroy.
 * @return FLOX_OK; INVALID_ARG (bad option, dir is a file or under one), IO (cannot create / not writable).
 * Threading: all writer calls are serialised by an internal mutex.
 */
FLOX_API int32_t flox_tape_writer_create(const char *dir, int64_t max_segment_bytes, int32_t compression,
                                         int32_t index_interval, int32_t exchange_id, int32_t flags,
                                         flox_tape_writer **out);
/** Closes the writer if still open (errors are then only counted in the stats) and frees it. NULL: no-op. */
FLOX_API void flox_tape_writer_destroy(flox_tape_writer *w);
/**
 * Sets a metadata.json string field: "exchange", "description", "recording_id", "exchange_type",
 * "instrument_type", "connector_version", "hostname", "timezone" or "flox_version".
 * @return FLOX_OK; INVALID_ARG (unknown key), STATE (closed), NOMEM.
 */
FLOX_API int32_t flox_tape_writer_set_metadata(flox_tape_writer *w, const char *key, const char *value);
/**
 * Adds (or replaces) a symbols[] entry of metadata.json: id, name, base/quote asset (may be ""), precisions.
 * @return FLOX_OK; INVALID_ARG (empty name or one containing [ ] { } " \), STATE (closed), NOMEM.
 */
FLOX_API int32_t flox_tape_writer_add_symbol(flox_tape_writer *w, uint32_t symbol_id, const char *name,
                                             const char *base_asset, const char *quote_asset, int32_t price_precision,
                                             int32_t qty_precision);
/**
 * Records one trade (trade_id, recv_ts and instrument 0, as FLOX's recorder hook).
 * @param[in] side 0 buy, 1 sell.
 * @return FLOX_OK; BAD_PRICE / BAD_QUANTITY (NaN, infinite, or beyond int64 at x1e8), BAD_SIDE,
 *         STATE (closed), IO (counted in FLOX_TAPE_WSTAT_ERRORS), NOMEM.
 */
FLOX_API int32_t flox_tape_writer_trade(flox_tape_writer *w, int64_t ts_ns, uint32_t symbol_id, double price,
                                        double qty, int32_t side);
/**
 * Records `count` trades from columns in one call. Every row is validated before anything is written,
 * so a bad row (its index is in the message) writes nothing.
 * @return as flox_tape_writer_trade; INVALID_ARG for count < 0 or a NULL column when count > 0.
 */
FLOX_API int32_t flox_tape_writer_trades(flox_tape_writer *w, const int64_t *ts_ns, const uint32_t *symbol_id,
                                         const double *price, const double *qty, const uint8_t *side, int64_t count);
/**
 * Records `count` trades whose price and quantity are already fixed point (written as given, side as an
 * opaque byte): for copying tapes and writing other scales exactly.
 * @return FLOX_OK; INVALID_ARG, STATE, IO, NOMEM.
 */
FLOX_API int32_t flox_tape_writer_trades_raw(flox_tape_writer *w, const int64_t *ts_ns, const uint32_t *symbol_id,
                                             const int64_t *price_raw, const int64_t *qty_raw, const uint8_t *side,
                                             int64_t count);
/**
 * Records a book update: frame type 2 with header type 0 (snapshot) or frame 3 with header type 1
 * (delta: qty 0 removes a level). Levels are written bids first, then asks, in the order given.
 * Level arrays may be NULL only when their count is 0.
 * @return FLOX_OK; INVALID_ARG (count outside 0..65535), BAD_PRICE / BAD_QUANTITY naming the level,
 *         STATE, IO, NOMEM.
 */
FLOX_API int32_t flox_tape_writer_book(flox_tape_writer *w, int64_t ts_ns, uint32_t symbol_id,
                                       const double *bid_price, const double *bid_qty, int32_t bid_count,
                                       const double *ask_price, const double *ask_qty, int32_t ask_count,
                                       int32_t is_snapshot);
/** Writes buffered frames (uncompressed) or the partial block (LZ4) to the file. @return FLOX_OK, STATE, IO. */
FLOX_API int32_t flox_tape_writer_flush(flox_tape_writer *w);
/**
 * Finishes the segment (index trailer, header with counts, flags and index offset) and writes
 * metadata.json (through a temporary file and rename) unless FLOX_TAPE_WRITE_NO_METADATA. Idempotent;
 * later writes fail with STATE. The handle stays valid for flox_tape_writer_stats until destroyed.
 * @return FLOX_OK or IO (the first failure).
 */
FLOX_API int32_t flox_tape_writer_close(flox_tape_writer *w);
/**
 * Copies min(cap, FLOX_TAPE_WSTAT_COUNT) statistics (enum flox_tape_writer_stat order) into out.
 * Valid before and after close. @return FLOX_OK or INVALID_ARG.
 */
FLOX_API int32_t flox_tape_writer_stats(const flox_tape_writer *w, int64_t *out, int32_t cap);

/* Reader open flags. */
#define FLOX_TAPE_OPEN_ALLOW_EMPTY 0x1 /* a directory without segments opens (as an empty tape) */
#define FLOX_TAPE_OPEN_DEDUPE 0x2      /* drop trades repeating (symbol, ts, price_raw, qty_raw) of one
                                          already delivered at the same ts (FLOX has no dedup) */

/* Event kinds filled by flox_tape_reader_read_events. */
#define FLOX_TAPE_EVENT_TRADE 1
#define FLOX_TAPE_EVENT_BOOK_SNAPSHOT 2
#define FLOX_TAPE_EVENT_BOOK_DELTA 3

/* Reader statistics, in the order flox_tape_reader_stats fills them. Counts cover the events read
 * (or scanned) in the current pass (since open, rewind, seek or set_filter), after filters. */
enum flox_tape_reader_stat {
  FLOX_TAPE_RSTAT_TRADES = 0,
  FLOX_TAPE_RSTAT_BOOK_UPDATES = 1,
  FLOX_TAPE_RSTAT_OTHER_EVENTS = 2,   /* option quotes and pool state (read, not delivered) */
  FLOX_TAPE_RSTAT_UNKNOWN_FRAMES = 3, /* frame types outside 1..5, skipped by their size */
  FLOX_TAPE_RSTAT_FIRST_TRADE_TS = 4, /* ts of the first / last trade in delivery order (0 if none) */
  FLOX_TAPE_RSTAT_LAST_TRADE_TS = 5,
  FLOX_TAPE_RSTAT_FIRST_EVENT_TS = 6, /* same over trades and books */
  FLOX_TAPE_RSTAT_LAST_EVENT_TS = 7,
  FLOX_TAPE_RSTAT_SEGMENTS = 8,       /* *.floxlog files found */
  FLOX_TAPE_RSTAT_DAMAGED = 9,        /* damage reports (flox_tape_reader_damage) */
  FLOX_TAPE_RSTAT_BYTES_SKIPPED = 10, /* bytes not read because of damage */
  FLOX_TAPE_RSTAT_BYTES_READ = 11,    /* progress: bytes of the segment files passed (whole files, skipped
                                         and damaged ones included) plus the position in the current one */
  FLOX_TAPE_RSTAT_DUPLICATES = 12,    /* trades dropped by FLOX_TAPE_OPEN_DEDUPE */
  FLOX_TAPE_RSTAT_COUNT = 13
};

/* Per-segment facts, in the order flox_tape_reader_segment_info fills them. */
enum flox_tape_segment_field {
  FLOX_TAPE_SEG_BYTES = 0,        /* file size */
  FLOX_TAPE_SEG_EVENTS = 1,       /* frames read from it so far (all of them after a scan) */
  FLOX_TAPE_SEG_COMPRESSED = 2,   /* 1 when the Compressed flag or compression byte is set */
  FLOX_TAPE_SEG_INDEXED = 3,      /* 1 when HasIndex is set and the index validated */
  FLOX_TAPE_SEG_SORTED = 4,       /* 1 when the Sorted flag is set */
  FLOX_TAPE_SEG_HEADER_EVENTS = 5,/* header event_count (0 for a segment killed before close) */
  FLOX_TAPE_SEG_HEADER_FIRST_TS = 6,
  FLOX_TAPE_SEG_HEADER_LAST_TS = 7,
  FLOX_TAPE_SEG_VALID = 8,        /* 0 when the header was rejected (short, bad magic, version) */
  FLOX_TAPE_SEG_DAMAGED = 9,      /* 1 when reading stopped early in this segment */
  FLOX_TAPE_SEG_FIELD_COUNT = 10
};

/**
 * Opens the tape in directory `dir` for reading: lists its top-level *.floxlog files in name order;
 * segment contents are read lazily, one segment mapped at a time, so memory stays bounded by the
 * largest unsorted segment (sorted segments stream). Unsorted segments are delivered in stable
 * timestamp order; unknown frame types are skipped by size; a torn tail, CRC mismatch or bad block
 * ends that segment and is reported by flox_tape_reader_damage, never silently.
 * @param[in] price_scale, qty_scale divisors from raw to float64; 0 = metadata.json's, else 1e8.
 * @param[in] flags FLOX_TAPE_OPEN_* bits.
 * @param[out] out the reader; free with flox_tape_reader_destroy.
 * @return FLOX_OK; NOT_FOUND (missing directory, or no segments without ALLOW_EMPTY), INVALID_ARG
 *         (a file, not a directory; bad scale), IO, NOMEM.
 * Threading: one thread at a time per reader.
 */
FLOX_API int32_t flox_tape_reader_open(const char *dir, double price_scale, double qty_scale, int32_t flags,
                                       flox_tape_reader **out);
/** Frees the reader and unmaps its segment. NULL: no-op. */
FLOX_API void flox_tape_reader_destroy(flox_tape_reader *r);
/**
 * Restricts delivery to events with from_ts <= ts <= to_ts and (when symbol_count > 0) to the given
 * symbol ids, then rewinds to the start. Pass INT64_MIN / INT64_MAX for an open range.
 * @return FLOX_OK; INVALID_ARG (from_ts > to_ts, symbol_count < 0), NOMEM.
 */
FLOX_API int32_t flox_tape_reader_set_filter(flox_tape_reader *r, int64_t from_ts, int64_t to_ts,
                                             const uint32_t *symbols, int32_t symbol_count);
/** Restarts reading at the first segment; keeps filters; drops any seek. @return FLOX_OK or INVALID_ARG. */
FLOX_API int32_t flox_tape_reader_rewind(flox_tape_reader *r);
/**
 * Repositions so that reading continues, from the first segment, with the events whose ts >= ts_ns
 * (in tape order; earlier events are skipped). Sorted segments skip by header range and jump through
 * their index (to the last entry strictly before ts_ns); unsorted ones by binary search after sorting.
 * @return FLOX_OK or INVALID_ARG.
 */
FLOX_API int32_t flox_tape_reader_seek(flox_tape_reader *r, int64_t ts_ns);
/**
 * Reads up to `cap` trades (books and other events are skipped) into caller columns.
 * @param[out] out_count number of rows written (0 at the end of the tape).
 * @return FLOX_OK; INVALID_ARG (NULL column, cap < 0), NOMEM. Damage is not an error.
 */
FLOX_API int32_t flox_tape_reader_read_trades(flox_tape_reader *r, int64_t *ts_ns, uint32_t *symbol_id,
                                              double *price, double *qty, uint8_t *side, int32_t cap,
                                              int32_t *out_count);
/** As flox_tape_reader_read_trades, with raw fixed-point price and quantity. */
FLOX_API int32_t flox_tape_reader_read_trades_raw(flox_tape_reader *r, int64_t *ts_ns, uint32_t *symbol_id,
                                                  int64_t *price_raw, int64_t *qty_raw, uint8_t *side, int32_t cap,
                                                  int32_t *out_count);
/**
 * Reads up to event_cap trades and book updates in tape order. Per event: kind (FLOX_TAPE_EVENT_*),
 * ts, symbol; trades fill price, qty, side (book rows get 0); books fill level_start (index of their
 * first level in level_price/level_qty), bid_count and ask_count (levels are bids then asks; trades get
 * 0). Stops early when the next book's levels do not fit in level_cap.
 * @param[out] out_counts [0] events written, [1] levels written.
 * @return FLOX_OK; BUFFER_TOO_SMALL (a single book has more levels than level_cap; message gives the
 *         count), INVALID_ARG, NOMEM.
 */
FLOX_API int32_t flox_tape_reader_read_events(flox_tape_reader *r, uint8_t *kind, int64_t *ts_ns,
                                              uint32_t *symbol_id, double *price, double *qty, uint8_t *side,
                                              uint32_t *level_start, uint32_t *bid_count, uint32_t *ask_count,
                                              int32_t event_cap, double *level_price, double *level_qty,
                                              int32_t level_cap, int32_t *out_counts);
/**
 * Reads on without delivering, counting, so stats, symbols, segment info and damage describe the
 * whole tape (within filters) once it finishes. Rewind first for a full scan.
 * @param[in] max_events stop after this many events (0 = to the end), so a caller can report
 *            progress between calls.
 * @param[in] progress optional (NULL): total = segments, done advances per segment; cancellable.
 * @param[out] out_finished optional (NULL): 1 when the end of the tape was reached.
 * @return FLOX_OK, INVALID_ARG, CANCELLED, NOMEM.
 */
FLOX_API int32_t flox_tape_reader_scan(flox_tape_reader *r, int64_t max_events, flox_progress *progress,
                                       int32_t *out_finished);
/** Copies min(cap, FLOX_TAPE_RSTAT_COUNT) statistics (enum flox_tape_reader_stat). @return FLOX_OK / INVALID_ARG. */
FLOX_API int32_t flox_tape_reader_stats(const flox_tape_reader *r, int64_t *out, int32_t cap);
/**
 * Distinct trade symbol ids delivered so far, ascending.
 * @param[out] out_count how many exist (may exceed cap; then only cap are written).
 */
FLOX_API int32_t flox_tape_reader_symbols(const flox_tape_reader *r, uint32_t *out, int32_t cap, int32_t *out_count);
/** Number of *.floxlog segment files in the tape. */
FLOX_API int32_t flox_tape_reader_segment_count(const flox_tape_reader *r);
/**
 * Facts about segment i (enum flox_tape_segment_field) and its path (NUL-terminated, truncated to path_cap).
 * @return FLOX_OK; INVALID_ARG (i out of range); BUFFER_TOO_SMALL if the path did not fit.
 */
FLOX_API int32_t flox_tape_reader_segment_info(const flox_tape_reader *r, int32_t i, int64_t *out, int32_t cap,
                                               char *path, int32_t path_cap);
/** Number of damage reports of the current pass (rewind, seek and set_filter start a new pass). */
FLOX_API int32_t flox_tape_reader_damage_count(const flox_tape_reader *r);
/**
 * Damage report i: the segment path, the reason (e.g. "CRC mismatch in frame at offset 4660"), and the
 * bytes of that segment left unread. Strings are NUL-terminated and truncated to their caps.
 * @return FLOX_OK; INVALID_ARG (i out of range); BUFFER_TOO_SMALL if a string did not fit.
 */
FLOX_API int32_t flox_tape_reader_damage(const flox_tape_reader *r, int32_t i, char *segment, int32_t segment_cap,
                                         char *reason, int32_t reason_cap, int64_t *bytes_skipped);

/* Diff summary fields, in the order flox_tape_diff_summary fills them. */
enum flox_tape_diff_field {
  FLOX_TAPE_DIFF_EQUAL = 0,            /* 1 when equal */
  FLOX_TAPE_DIFF_FIRST_DIVERGENCE = 1, /* index of the first mismatch, -1 when equal */
  FLOX_TAPE_DIFF_MISMATCH_COUNT = 2,   /* all mismatches, including unmatched tail rows */
  FLOX_TAPE_DIFF_LEFT_COUNT = 3,
  FLOX_TAPE_DIFF_RIGHT_COUNT = 4,
  FLOX_TAPE_DIFF_RECORDED = 5,         /* mismatch rows kept (<= max_mismatches) */
  FLOX_TAPE_DIFF_LEFT_DAMAGED = 6,     /* damage reports while reading each side */
  FLOX_TAPE_DIFF_RIGHT_DAMAGED = 7,
  FLOX_TAPE_DIFF_BYTES_READ = 8,       /* progress: FLOX_TAPE_RSTAT_BYTES_READ of both sides */
  FLOX_TAPE_DIFF_FINISHED = 9,         /* 1 once both tapes are exhausted (EQUAL is final then) */
  FLOX_TAPE_DIFF_FIELD_COUNT = 10
};
/* Mismatch kinds and differing-field bits in a mismatch row. */
#define FLOX_TAPE_MISMATCH_FIELD 0
#define FLOX_TAPE_MISMATCH_MISSING_LEFT 1  /* the right tape has a trade the left lacks */
#define FLOX_TAPE_MISMATCH_MISSING_RIGHT 2
#define FLOX_TAPE_FIELD_TS 0x1
#define FLOX_TAPE_FIELD_SYMBOL 0x2
#define FLOX_TAPE_FIELD_PRICE 0x4
#define FLOX_TAPE_FIELD_QTY 0x8
#define FLOX_TAPE_FIELD_SIDE 0x10
/* A mismatch row: index, kind, field bits, left present, left ts, symbol, price_raw, qty_raw, side,
 * right present, right ts, symbol, price_raw, qty_raw, side. */
#define FLOX_TAPE_DIFF_ROW_WIDTH 15

/**
 * Compares the trades of two tapes in delivery order on ts (within ts_tolerance_ns; negative makes
 * every pair differ, as FLOX), symbol, price_raw, qty_raw and side, streaming both (bounded memory).
 * Trades past the shorter tape count as missing_left / missing_right mismatches.
 * @param[in] max_mismatches rows to keep (0 = all); the total is always counted.
 * @param[in] progress optional (NULL): counts left trades compared; cancellable.
 * @param[out] out the result; free with flox_tape_diff_destroy.
 * @return FLOX_OK (equal or not); errors of flox_tape_reader_open naming the path (empty tapes are
 *         allowed); CANCELLED; NOMEM.
 */
FLOX_API int32_t flox_tape_diff_run(const char *left, const char *right, int64_t ts_tolerance_ns,
                                    int32_t max_mismatches, flox_progress *progress, flox_tape_diff **out);
/**
 * Opens both tapes for a diff done in steps (flox_tape_diff_step), so a caller can report progress;
 * flox_tape_diff_run is open plus one step to the end. Arguments and errors as flox_tape_diff_run.
 */
FLOX_API int32_t flox_tape_diff_open(const char *left, const char *right, int64_t ts_tolerance_ns,
                                     int32_t max_mismatches, flox_tape_diff **out);
/**
 * Compares up to max_pairs more rows (0 = to the end).
 * @param[out] out_finished optional (NULL): 1 when both tapes are exhausted.
 * @return FLOX_OK; INVALID_ARG; CANCELLED; NOMEM.
 */
FLOX_API int32_t flox_tape_diff_step(flox_tape_diff *d, int64_t max_pairs, flox_progress *progress,
                                     int32_t *out_finished);
/** Frees a diff result. NULL: no-op. */
FLOX_API void flox_tape_diff_destroy(flox_tape_diff *d);
/** Copies min(cap, FLOX_TAPE_DIFF_FIELD_COUNT) summary fields (enum flox_tape_diff_field); valid between steps. */
FLOX_API int32_t flox_tape_diff_summary(const flox_tape_diff *d, int64_t *out, int32_t cap);
/**
 * Copies up to row_cap recorded mismatch rows (FLOX_TAPE_DIFF_ROW_WIDTH int64 each) into rows.
 * @param[out] out_rows rows written.
 */
FLOX_API int32_t flox_tape_diff_mismatches(const flox_tape_diff *d, int64_t *rows, int32_t row_cap,
                                           int32_t *out_rows);

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

/* Flags of flox_bt_prepare. */
#define FLOX_BT_KINDS 1      /* kinds[] says which rows are trades (tape kinds: 1 trade, 2 snapshot, 3 delta) */
#define FLOX_BT_TAPE_ORDER 2 /* events stay in the given order even when a timestamp goes back (recorded
                              * arrival order): the clock then holds at the latest time seen */

/**
 * Prepares a chunk of events for the backtest loop: normalises each ts[i] by magnitude (s/ms/us/ns,
 * spec section 1) into ts_out[i]; checks it is not before the previous event (prev_ts for i = 0;
 * pass INT64_MIN for none) unless FLOX_BT_TAPE_ORDER; checks price[i] finite > 0 and qty[i] finite
 * >= 0 for trades (every row, or the rows kinds[i] == 1 with FLOX_BT_KINDS; kinds must be a valid
 * pointer either way, for Bun); writes the clock t_out[i] = (double)(max(prev_ts, ts_out[0..i]) - base).
 * *clock_out gets the clock at the end of the chunk (the prev_ts of the next one).
 * first_index is added to i in error messages.
 * @return FLOX_OK, FLOX_E_UNSORTED, FLOX_E_BAD_PRICE, FLOX_E_BAD_QUANTITY, FLOX_E_INVALID_ARG; on
 *         failure nothing is written. ts_out may be ts (in place). Thread-safe.
 */
FLOX_API int32_t flox_bt_prepare(const int64_t *ts, const double *price, const double *qty, const uint8_t *kinds,
                                 int32_t flags, int64_t n, int64_t first_index, int64_t base, int64_t prev_ts,
                                 int64_t *ts_out, double *t_out, int64_t *clock_out);

/*
 * Event feed: a tape reader that decodes ahead on a thread of its own (a ring of 3 chunks), so the
 * backtest loop in JavaScript and the tape decoding overlap. Events come in tape order, exactly as
 * flox_tape_reader_read_events delivers them (price and quantity scales from metadata.json).
 */
typedef struct flox_event_feed flox_event_feed;

/**
 * Opens the tape in `dir` (an empty directory is an empty tape) and starts its reading thread.
 * @param[in] chunk_events events per chunk, 1..2^24. @param[out] out freed by flox_event_feed_destroy.
 * @return FLOX_OK; the errors of flox_tape_reader_open (NOT_FOUND, INVALID_ARG, IO, naming the path);
 *         FLOX_E_NOMEM.
 */
FLOX_API int32_t flox_event_feed_open(const char *dir, int32_t chunk_events, flox_event_feed **out);
/** Stops the reading thread and frees everything. NULL is a no-op. Not concurrently with next. */
FLOX_API void flox_event_feed_destroy(flox_event_feed *f);
/** Levels a chunk may carry: the level_cap flox_event_feed_next needs (0 for NULL). */
FLOX_API int32_t flox_event_feed_level_cap(const flox_event_feed *f);
/**
 * Copies the next decoded chunk into caller columns (layout of flox_tape_reader_read_events; caps
 * must be at least chunk_events and flox_event_feed_level_cap), waiting for the thread if needed.
 * out_counts[0] events (0 at the end of the tape), out_counts[1] levels.
 * @return FLOX_OK; FLOX_E_BUFFER_TOO_SMALL (caps); the reader's error with its message once the
 *         chunks read before it were delivered; FLOX_E_INVALID_ARG. One consumer thread at a time.
 */
FLOX_API int32_t flox_event_feed_next(flox_event_feed *f, uint8_t *kind, int64_t *ts_ns, uint32_t *symbol_id,
                                      double *price, double *qty, uint8_t *side, uint32_t *level_start,
                                      uint32_t *bid_count, uint32_t *ask_count, int32_t event_cap,
                                      double *level_price, double *level_qty, int32_t level_cap,
                                      int32_t *out_counts);
/**
 * Damage reports of the tape (torn tails, CRC mismatches: flox_tape_reader_damage_count) once the
 * feed has delivered its end; -1 before that.
 */
FLOX_API int32_t flox_event_feed_damage_count(flox_event_feed *f);

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
