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

/* Event kinds filled by flox_tape_reader_read_events. */
#define FLOX_TAPE_EVENT_TRADE 1
#define FLOX_TAPE_EVENT_BOOK_SNAPSHOT 2
#define FLOX_TAPE_EVENT_BOOK_DELTA 3

/* Reader statistics, in the order flox_tape_reader_stats fills them. Counts cover the events read
 * (or scanned) since open, after filters. */
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
  FLOX_TAPE_RSTAT_BYTES_READ = 11,    /* segment bytes consumed */
  FLOX_TAPE_RSTAT_COUNT = 12
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
 * Reads the rest of the tape without delivering it, so stats, symbols, segment info and damage
 * describe the whole tape (within filters). Rewind first for a full scan.
 * @param[in] progress optional (NULL): total = segments, done advances per segment; cancellable.
 * @return FLOX_OK, CANCELLED, NOMEM.
 */
FLOX_API int32_t flox_tape_reader_scan(flox_tape_reader *r, flox_progress *progress);
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
/** Number of damage reports so far (one per damaged or rejected segment). */
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
  FLOX_TAPE_DIFF_FIELD_COUNT = 8
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
/** Frees a diff result. NULL: no-op. */
FLOX_API void flox_tape_diff_destroy(flox_tape_diff *d);
/** Copies min(cap, FLOX_TAPE_DIFF_FIELD_COUNT) summary fields (enum flox_tape_diff_field). */
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

#ifdef __cplusplus
}
#endif

#endif /* FLOX_H */
