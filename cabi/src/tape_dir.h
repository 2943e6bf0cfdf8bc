/* tape_dir.h: a tape is a directory. Segment discovery, directory creation and metadata.json
 * (spec/floxlog-v1.md sections 1.1 to 1.4) (internal). */
#ifndef FLOX_TAPE_DIR_H
#define FLOX_TAPE_DIR_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  char **paths; /* full paths "<dir>/<name>.floxlog", in lexicographic (= segment) order */
  size_t count;
} tape_seg_list;

/* Lists the top-level regular files of `dir` whose name ends in exactly ".floxlog", sorted.
 * Fails with NOT_FOUND (missing), INVALID_ARG (not a directory) or IO, naming the path. */
int32_t tape_dir_list(const char *dir, tape_seg_list *out);
void tape_seg_list_free(tape_seg_list *l);

/* mkdir -p; then requires a writable directory. Fails with IO / INVALID_ARG naming the path. */
int32_t tape_dir_prepare_output(const char *dir);

typedef struct {
  uint32_t id;
  char *name, *base, *quote;
  int32_t price_precision, qty_precision;
} tape_meta_symbol;

/* The string fields FLOX's RecordingMetadata carries, in its key order. */
enum {
  TAPE_META_RECORDING_ID,
  TAPE_META_DESCRIPTION,
  TAPE_META_EXCHANGE,
  TAPE_META_EXCHANGE_TYPE,
  TAPE_META_INSTRUMENT_TYPE,
  TAPE_META_CONNECTOR_VERSION,
  TAPE_META_HOSTNAME,
  TAPE_META_TIMEZONE,
  TAPE_META_FLOX_VERSION,
  TAPE_META_STRING_COUNT
};

typedef struct {
  char *strings[TAPE_META_STRING_COUNT];
  tape_meta_symbol *symbols;
  size_t symbol_count, symbol_cap;
  int has_trades, has_snapshots, has_deltas;
  int64_t total_trades, total_book_updates;
  int32_t book_depth;
  int64_t start_ns, end_ns;
} tape_meta;

/* Index of a string key ("exchange", "description", ...) or -1. */
int tape_meta_key(const char *key);
void tape_meta_free(tape_meta *m);
/* Writes <dir>/metadata.json through a temporary file and rename, so a reader never sees half. */
int32_t tape_meta_write(const char *dir, const tape_meta *m);

/* Reads price_scale / qty_scale from <dir>/metadata.json the way FLOX's loader does (key as a
 * substring, then the next run of digits). Leaves the outputs untouched when absent or 0. */
void tape_meta_read_scales(const char *dir, double *price_scale, double *qty_scale);

#endif
