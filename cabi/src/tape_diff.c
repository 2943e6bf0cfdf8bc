/* tape_diff.c: trade-by-trade comparison of two tapes (FLOX's diffTapes, spec 5.3), streaming both
 * sides in chunks so memory stays bounded, and keeping the total mismatch count FLOX does not. */
#include "flox.h"

#include "error.h"
#include "progress.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK 65536

typedef struct {
  flox_tape_reader *r;
  int64_t *ts, *price, *qty;
  uint32_t *sym;
  uint8_t *side;
  int32_t n, at;
  int eof;
} side_buf;

struct flox_tape_diff {
  int64_t summary[FLOX_TAPE_DIFF_FIELD_COUNT];
  int64_t *rows;
  size_t rows_n, rows_cap;
  side_buf L, R;
  int64_t tolerance, index;
  int32_t max_mismatches;
  int finished;
};

static int32_t side_open(side_buf *s, const char *dir) {
  s->ts = malloc(CHUNK * sizeof *s->ts);
  s->price = malloc(CHUNK * sizeof *s->price);
  s->qty = malloc(CHUNK * sizeof *s->qty);
  s->sym = malloc(CHUNK * sizeof *s->sym);
  s->side = malloc(CHUNK);
  if (!s->ts || !s->price || !s->qty || !s->sym || !s->side) return flox_fail(FLOX_E_NOMEM, "out of memory");
  return flox_tape_reader_open(dir, 0, 0, FLOX_TAPE_OPEN_ALLOW_EMPTY, &s->r);
}

static void side_close(side_buf *s) {
  flox_tape_reader_destroy(s->r);
  free(s->ts);
  free(s->price);
  free(s->qty);
  free(s->sym);
  free(s->side);
}

/* Makes row `at` available: 1 yes, 0 at the end, negative status on error. */
static int side_fill(side_buf *s) {
  if (s->at < s->n) return 1;
  if (s->eof) return 0;
  int32_t rc = flox_tape_reader_read_trades_raw(s->r, s->ts, s->sym, s->price, s->qty, s->side, CHUNK, &s->n);
  if (rc != FLOX_OK) return -rc;
  s->at = 0;
  if (s->n == 0) {
    s->eof = 1;
    return 0;
  }
  return 1;
}

static int32_t record(flox_tape_diff *d, int64_t index, int kind, int fields, const side_buf *l, const side_buf *r,
                      int32_t max_mismatches) {
  d->summary[FLOX_TAPE_DIFF_MISMATCH_COUNT]++;
  if (d->summary[FLOX_TAPE_DIFF_FIRST_DIVERGENCE] < 0) d->summary[FLOX_TAPE_DIFF_FIRST_DIVERGENCE] = index;
  if (max_mismatches > 0 && d->rows_n >= (size_t)max_mismatches) return FLOX_OK;
  if (d->rows_n == d->rows_cap) {
    size_t ncap = d->rows_cap ? d->rows_cap * 2 : 16;
    int64_t *p = realloc(d->rows, ncap * FLOX_TAPE_DIFF_ROW_WIDTH * sizeof *p);
    if (!p) return flox_fail(FLOX_E_NOMEM, "out of memory");
    d->rows = p;
    d->rows_cap = ncap;
  }
  int64_t *row = d->rows + d->rows_n * FLOX_TAPE_DIFF_ROW_WIDTH;
  memset(row, 0, FLOX_TAPE_DIFF_ROW_WIDTH * sizeof *row);
  row[0] = index;
  row[1] = kind;
  row[2] = fields;
  const side_buf *sides[2] = {kind == FLOX_TAPE_MISMATCH_MISSING_LEFT ? NULL : l,
                              kind == FLOX_TAPE_MISMATCH_MISSING_RIGHT ? NULL : r};
  for (int k = 0; k < 2; k++) {
    int64_t *o = row + 3 + 6 * k;
    const side_buf *s = sides[k];
    if (!s) continue;
    o[0] = 1;
    o[1] = s->ts[s->at];
    o[2] = s->sym[s->at];
    o[3] = s->price[s->at];
    o[4] = s->qty[s->at];
    o[5] = s->side[s->at];
  }
  d->rows_n++;
  return FLOX_OK;
}

int32_t flox_tape_diff_open(const char *left, const char *right, int64_t ts_tolerance_ns, int32_t max_mismatches,
                            flox_tape_diff **out) {
  if (!out) return flox_fail(FLOX_E_INVALID_ARG, "out is NULL");
  *out = NULL;
  if (!left || !right) return flox_fail(FLOX_E_INVALID_ARG, "left or right is NULL");
  if (max_mismatches < 0) return flox_fail(FLOX_E_INVALID_ARG, "max_mismatches is %d; must be >= 0 (0 = all)", max_mismatches);
  flox_tape_diff *d = calloc(1, sizeof *d);
  if (!d) return flox_fail(FLOX_E_NOMEM, "out of memory");
  d->summary[FLOX_TAPE_DIFF_FIRST_DIVERGENCE] = -1;
  d->tolerance = ts_tolerance_ns;
  d->max_mismatches = max_mismatches;
  int32_t rc = side_open(&d->L, left);
  if (rc == FLOX_OK) rc = side_open(&d->R, right);
  if (rc != FLOX_OK) {
    flox_tape_diff_destroy(d);
    return rc;
  }
  *out = d;
  return FLOX_OK;
}

int32_t flox_tape_diff_step(flox_tape_diff *d, int64_t max_pairs, flox_progress *progress, int32_t *out_finished) {
  if (!d) return flox_fail(FLOX_E_INVALID_ARG, "diff is NULL");
  if (max_pairs < 0) return flox_fail(FLOX_E_INVALID_ARG, "max_pairs is %lld; must be >= 0 (0 = all)", (long long)max_pairs);
  if (out_finished) *out_finished = d->finished;
  side_buf *L = &d->L, *R = &d->R;
  int32_t rc = FLOX_OK;
  int64_t done = 0;
  while (!d->finished && (max_pairs == 0 || done < max_pairs)) {
    int64_t i = d->index;
    if ((i & 0xFFFF) == 0 && progress_cancelled(progress)) return flox_fail(FLOX_E_CANCELLED, "diff cancelled");
    int hl = side_fill(L), hr = side_fill(R);
    if (hl < 0 || hr < 0) return -(hl < 0 ? hl : hr);
    if (!hl && !hr) {
      d->finished = 1;
      break;
    }
    if (hl && hr) {
      int fields = 0;
      int64_t dt = L->ts[L->at] - R->ts[R->at];
      /* A negative tolerance fails every pair, as FLOX's |dt| <= T does. */
      if (d->tolerance < 0 || dt > d->tolerance || dt < -d->tolerance) fields |= FLOX_TAPE_FIELD_TS;
      if (L->sym[L->at] != R->sym[R->at]) fields |= FLOX_TAPE_FIELD_SYMBOL;
      if (L->price[L->at] != R->price[R->at]) fields |= FLOX_TAPE_FIELD_PRICE;
      if (L->qty[L->at] != R->qty[R->at]) fields |= FLOX_TAPE_FIELD_QTY;
      if (L->side[L->at] != R->side[R->at]) fields |= FLOX_TAPE_FIELD_SIDE;
      if (fields) rc = record(d, i, FLOX_TAPE_MISMATCH_FIELD, fields, L, R, d->max_mismatches);
      L->at++;
      R->at++;
    } else if (hl) {
      rc = record(d, i, FLOX_TAPE_MISMATCH_MISSING_RIGHT, 0, L, R, d->max_mismatches);
      L->at++;
    } else {
      rc = record(d, i, FLOX_TAPE_MISMATCH_MISSING_LEFT, 0, L, R, d->max_mismatches);
      R->at++;
    }
    if (rc != FLOX_OK) return rc;
    if (hl) d->summary[FLOX_TAPE_DIFF_LEFT_COUNT]++;
    if (hr) d->summary[FLOX_TAPE_DIFF_RIGHT_COUNT]++;
    d->index++;
    done++;
    if ((d->index & 0xFFFF) == 0) progress_add(progress, 0x10000);
  }
  if (out_finished) *out_finished = d->finished;
  return FLOX_OK;
}

int32_t flox_tape_diff_run(const char *left, const char *right, int64_t ts_tolerance_ns, int32_t max_mismatches,
                           flox_progress *progress, flox_tape_diff **out) {
  int32_t rc = flox_tape_diff_open(left, right, ts_tolerance_ns, max_mismatches, out);
  if (rc != FLOX_OK) return rc;
  rc = flox_tape_diff_step(*out, 0, progress, NULL);
  if (rc != FLOX_OK) {
    flox_tape_diff_destroy(*out);
    *out = NULL;
  }
  return rc;
}

void flox_tape_diff_destroy(flox_tape_diff *d) {
  if (!d) return;
  side_close(&d->L);
  side_close(&d->R);
  free(d->rows);
  free(d);
}

int32_t flox_tape_diff_summary(const flox_tape_diff *d, int64_t *out, int32_t cap) {
  if (!d || !out || cap < 0) return flox_fail(FLOX_E_INVALID_ARG, "diff or out is NULL, or cap < 0");
  int64_t v[FLOX_TAPE_DIFF_FIELD_COUNT];
  memcpy(v, d->summary, sizeof v);
  v[FLOX_TAPE_DIFF_EQUAL] = d->finished && d->summary[FLOX_TAPE_DIFF_MISMATCH_COUNT] == 0;
  v[FLOX_TAPE_DIFF_RECORDED] = (int64_t)d->rows_n;
  v[FLOX_TAPE_DIFF_LEFT_DAMAGED] = flox_tape_reader_damage_count(d->L.r);
  v[FLOX_TAPE_DIFF_RIGHT_DAMAGED] = flox_tape_reader_damage_count(d->R.r);
  v[FLOX_TAPE_DIFF_FINISHED] = d->finished;
  int64_t lst[FLOX_TAPE_RSTAT_COUNT], rst[FLOX_TAPE_RSTAT_COUNT];
  flox_tape_reader_stats(d->L.r, lst, FLOX_TAPE_RSTAT_COUNT);
  flox_tape_reader_stats(d->R.r, rst, FLOX_TAPE_RSTAT_COUNT);
  v[FLOX_TAPE_DIFF_BYTES_READ] = lst[FLOX_TAPE_RSTAT_BYTES_READ] + rst[FLOX_TAPE_RSTAT_BYTES_READ];
  memcpy(out, v, (size_t)(cap < FLOX_TAPE_DIFF_FIELD_COUNT ? cap : FLOX_TAPE_DIFF_FIELD_COUNT) * sizeof *out);
  return FLOX_OK;
}

int32_t flox_tape_diff_mismatches(const flox_tape_diff *d, int64_t *rows, int32_t row_cap, int32_t *out_rows) {
  if (!d || !out_rows || row_cap < 0 || (row_cap > 0 && !rows)) return flox_fail(FLOX_E_INVALID_ARG, "bad argument");
  size_t n = d->rows_n < (size_t)row_cap ? d->rows_n : (size_t)row_cap;
  if (n) memcpy(rows, d->rows, n * FLOX_TAPE_DIFF_ROW_WIDTH * sizeof *rows);
  *out_rows = (int32_t)n;
  return FLOX_OK;
}
