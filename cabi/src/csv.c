/* csv.c: streaming reader of trade and bar CSV files into typed columns for the backtest runner.
 *
 * Formats, detected from the first line:
 *  - FLOX_CSV_TRADES: a header naming a timestamp column (timestamp, time, ts, ts_ns, transact_time,
 *    date, datetime), price, a quantity (qty, quantity, amount, size, volume) and optionally the
 *    aggressor (side: buy/sell/b/s, or is_buyer_maker: true/false/1/0, buyer maker = sell aggressor).
 *    Other columns are ignored. Without a side column every trade counts as a buy.
 *  - FLOX_CSV_BINANCE_TRADES: Binance public dumps without a header: trades
 *    (id,price,qty,quote_qty,time,is_buyer_maker[,is_best_match]) and aggTrades
 *    (agg_id,price,qty,first_id,last_id,time,is_buyer_maker[,is_best_match]).
 *  - FLOX_CSV_BARS: a header with a timestamp column and close (open/high/low ignored, volume
 *    optional, 0 when absent): each bar becomes one trade at its close, at the row's timestamp.
 *  - FLOX_CSV_BINANCE_KLINES: Binance klines without a header (12 columns): one trade at the close,
 *    at the bar's close time (column 7), qty = volume.
 * Timestamps: integers normalised by magnitude (s/ms/us/ns, spec section 1), decimals as seconds,
 * or ISO 8601 (YYYY-MM-DD[Thh:mm:ss[.fff]][Z|+hh:mm]); they must not go backwards.
 * Every row error names the file and the 1-based line: FLOX_E_PARSE (syntax), FLOX_E_BAD_PRICE,
 * FLOX_E_BAD_QUANTITY, FLOX_E_BAD_SIDE, FLOX_E_UNSORTED. */
#include "flox.h"
#include "error.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_COLS 64

enum { SIDE_NONE = 0, SIDE_TEXT = 1, SIDE_BUYER_MAKER = 2 };

struct flox_csv_reader {
  FILE *f;
  char *path;
  char *line;
  size_t line_cap;
  int64_t line_no;
  int32_t format;
  char delim;
  int ncols;
  int col_ts, col_price, col_qty, col_side, side_kind;
  int64_t prev_ts;
  int have_prev;
  int pending; /* headerless files: the first line read during detection is data still to deliver */
  int64_t pending_line_no;
  int eof;
  int64_t rows;
};

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t') s++;
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')) s[--n] = '\0';
  if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
    s[n - 1] = '\0';
    s++;
  }
  return s;
}

/* Splits `line` in place on `delim`; returns the number of fields (at most MAX_COLS + 1 to flag excess). */
static int split(char *line, char delim, char **fields) {
  int n = 0;
  char *p = line;
  for (;;) {
    char *end = strchr(p, delim);
    if (n <= MAX_COLS) fields[n] = p;
    n++;
    if (end == NULL) break;
    *end = '\0';
    p = end + 1;
  }
  for (int i = 0; i < n && i <= MAX_COLS; i++) fields[i] = trim(fields[i]);
  return n > MAX_COLS ? MAX_COLS + 1 : n;
}

static int is_blank(const char *s) {
  for (; *s; s++)
    if (!isspace((unsigned char)*s)) return 0;
  return 1;
}

/* Exact powers of ten as doubles (all representable up to 1e22). */
static const double POW10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Plain decimals ("30000.12", "-0.5") without strtod: with at most 2^53 as the digits' integer and
 * at most 22 fraction digits, m / 10^k is one correctly rounded division of two exact doubles, so
 * the result is exactly what strtod returns (Clinger's fast path). Anything else returns 0 and
 * goes to strtod. */
static int parse_decimal_fast(const char *s, double *out) {
  const char *p = s;
  const int neg = *p == '-';
  if (*p == '-' || *p == '+') p++;
  uint64_t m = 0;
  int frac = 0, dot = 0, digits = 0;
  for (;; p++) {
    const unsigned d = (unsigned)(*p - '0');
    if (d < 10) {
      if (m >= (UINT64_C(1) << 53) / 10) return 0;
      m = m * 10 + d;
      digits++;
      frac += dot;
    } else if (*p == '.' && !dot) {
      dot = 1;
    } else {
      break;
    }
  }
  if (*p != '\0' || digits == 0 || frac > 22) return 0;
  const double v = frac ? (double)m / POW10[frac] : (double)m;
  *out = neg ? -v : v;
  return 1;
}

static int parse_double(const char *s, double *out) {
  if (*s == '\0') return 0;
  if (parse_decimal_fast(s, out)) return 1;
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (*end != '\0' || errno == ERANGE) return 0;
  *out = v;
  return 1;
}

static int all_digits(const char *s) {
  if (*s == '-' || *s == '+') s++;
  if (*s == '\0') return 0;
  for (; *s; s++)
    if (!isdigit((unsigned char)*s)) return 0;
  return 1;
}

static int scale_by_magnitude(int64_t t, int64_t *out) {
  const int64_t a = t < 0 ? -t : t;
  int64_t scale = 1;
  if (a < 1000000000000LL) scale = 1000000000LL;
  else if (a < 1000000000000000LL) scale = 1000000LL;
  else if (a < 1000000000000000000LL) scale = 1000LL;
  return !__builtin_mul_overflow(t, scale, out);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static int digits(const char **p, int count, int64_t *out) {
  int64_t v = 0;
  for (int i = 0; i < count; i++) {
    if (!isdigit((unsigned char)(*p)[i])) return 0;
    v = v * 10 + ((*p)[i] - '0');
  }
  *p += count;
  *out = v;
  return 1;
}

static int parse_iso(const char *s, int64_t *out) {
  int64_t y, mo, d, h = 0, mi = 0, sec = 0, frac = 0, offset = 0;
  const char *p = s;
  if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' || !digits(&p, 2, &d)) return 0;
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return 0;
  if (*p == 'T' || *p == ' ') {
    p++;
    if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi)) return 0;
    if (*p == ':') {
      p++;
      if (!digits(&p, 2, &sec)) return 0;
      if (*p == '.') {
        p++;
        int n = 0;
        while (isdigit((unsigned char)*p)) {
          if (n < 9) frac = frac * 10 + (*p - '0'), n++;
          p++;
        }
        if (n == 0) return 0;
        while (n < 9) frac *= 10, n++;
      }
    }
    if (h > 23 || mi > 59 || sec > 60) return 0;
    if (*p == 'Z') p++;
    else if (*p == '+' || *p == '-') {
      const int sign = *p++ == '-' ? -1 : 1;
      int64_t oh, om = 0;
      if (!digits(&p, 2, &oh)) return 0;
      if (*p == ':') p++;
      if (isdigit((unsigned char)*p) && !digits(&p, 2, &om)) return 0;
      offset = sign * (oh * 3600 + om * 60);
    }
  }
  if (*p != '\0') return 0;
  const int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
  *out = secs * 1000000000LL + frac;
  return 1;
}

static int parse_ts(const char *s, int64_t *out) {
  if (all_digits(s)) {
    const char *p = s;
    const int neg = *p == '-';
    if (*p == '-' || *p == '+') p++;
    int64_t v = 0;
    for (; *p; p++) {
      if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, *p - '0', &v)) return 0;
    }
    return scale_by_magnitude(neg ? -v : v, out);
  }
  if (strchr(s, '-') != NULL && strlen(s) >= 10 && isdigit((unsigned char)s[0]) && s[4] == '-') return parse_iso(s, out);
  double v;
  if (!parse_double(s, &v) || !isfinite(v)) return 0;
  /* A decimal number: scaled by the same magnitude rule, rounded to the ns. */
  const double a = fabs(v);
  const double scale = a < 1e12 ? 1e9 : a < 1e15 ? 1e6 : a < 1e18 ? 1e3 : 1;
  const double ns = round(v * scale);
  if (!(fabs(ns) < 9.2e18)) return 0;
  *out = (int64_t)ns;
  return 1;
}

static int parse_bool(const char *s, int *out) {
  if (!strcasecmp(s, "true") || !strcmp(s, "1") || !strcasecmp(s, "t")) return *out = 1, 1;
  if (!strcasecmp(s, "false") || !strcmp(s, "0") || !strcasecmp(s, "f")) return *out = 0, 1;
  return 0;
}

static int name_in(const char *name, const char *const *list) {
  for (; *list; list++)
    if (!strcasecmp(name, *list)) return 1;
  return 0;
}

static const char *const TS_NAMES[] = {"timestamp", "time", "ts", "ts_ns", "transact_time", "date", "datetime",
                                       "open_time", "t", NULL};
static const char *const QTY_NAMES[] = {"qty", "quantity", "amount", "size", "base_qty", NULL};

/* Reads the next line into r->line; 0 at end of file, -1 on error. */
static int next_line(flox_csv_reader *r) {
  errno = 0;
  ssize_t n = getline(&r->line, &r->line_cap, r->f);
  if (n < 0) {
    if (ferror(r->f)) return -1;
    return 0;
  }
  r->line_no++;
  if (memchr(r->line, '\0', (size_t)n) != NULL) return -2; /* binary data: not a text file */
  return 1;
}

static int32_t fail_line(flox_csv_reader *r, int32_t status, int64_t line, const char *fmt, const char *a,
                         const char *b) {
  char msg[512];
  snprintf(msg, sizeof msg, fmt, a, b);
  return flox_fail(status, "%s:%lld: %s", r->path, (long long)line, msg);
}

static int32_t detect(flox_csv_reader *r) {
  int got;
  do {
    got = next_line(r);
    if (got == -2) return flox_fail(FLOX_E_FORMAT, "%s:%lld: contains NUL bytes; not a CSV file", r->path, (long long)r->line_no);
    if (got < 0) return flox_fail(FLOX_E_IO, "%s: read failed: %s", r->path, strerror(errno));
    if (got == 0) return flox_fail(FLOX_E_NO_DATA, "%s: the file is empty", r->path);
  } while (is_blank(r->line));
  if ((unsigned char)r->line[0] == 0xEF && (unsigned char)r->line[1] == 0xBB && (unsigned char)r->line[2] == 0xBF) {
    memmove(r->line, r->line + 3, strlen(r->line + 3) + 1); /* UTF-8 byte order mark */
  }
  char *text = r->line;
  r->delim = strchr(text, ',') ? ',' : strchr(text, '\t') ? '\t' : strchr(text, ';') ? ';' : ',';
  char copy_buf[4096];
  const size_t len = strlen(text);
  char *copy = len < sizeof copy_buf ? copy_buf : malloc(len + 1);
  if (copy == NULL) return flox_fail(FLOX_E_NOMEM, "%s: no memory for the first line", r->path);
  memcpy(copy, text, len + 1);
  char *f[MAX_COLS + 1];
  const int n = split(copy, r->delim, f);
  int32_t status = FLOX_OK;
  double probe;
  if (n > MAX_COLS) {
    status = fail_line(r, FLOX_E_FORMAT, r->line_no, "more than 64 columns%s%s", "", "");
  } else if (parse_double(f[0], &probe)) {
    /* No header: one of Binance's layouts, told apart by column count and where the booleans are. */
    int b;
    r->ncols = n;
    r->pending = 1;
    r->pending_line_no = r->line_no;
    if (n == 12) {
      r->format = FLOX_CSV_BINANCE_KLINES;
      r->col_ts = 6, r->col_price = 4, r->col_qty = 5, r->side_kind = SIDE_NONE;
    } else if ((n == 6 || n == 7) && parse_bool(f[5], &b) && !parse_double(f[5], &probe)) {
      r->format = FLOX_CSV_BINANCE_TRADES; /* id,price,qty,quote_qty,time,is_buyer_maker[,is_best_match] */
      r->col_ts = 4, r->col_price = 1, r->col_qty = 2, r->col_side = 5, r->side_kind = SIDE_BUYER_MAKER;
    } else if ((n == 7 || n == 8) && parse_bool(f[6], &b) && !parse_double(f[6], &probe)) {
      r->format = FLOX_CSV_BINANCE_TRADES; /* agg_id,price,qty,first_id,last_id,time,is_buyer_maker[,best] */
      r->col_ts = 5, r->col_price = 1, r->col_qty = 2, r->col_side = 6, r->side_kind = SIDE_BUYER_MAKER;
    } else {
      status = fail_line(r, FLOX_E_FORMAT, r->line_no,
                         "no header and not a Binance trades, aggTrades or klines layout (%s columns)%s",
                         n == 6 || n == 7 || n == 8 ? "boolean column missing in" : "unexpected number of", "");
    }
  } else {
    r->ncols = n;
    r->col_ts = r->col_price = r->col_qty = r->col_side = -1;
    int col_close = -1, col_volume = -1;
    r->side_kind = SIDE_NONE;
    for (int i = 0; i < n; i++) {
      const char *name = f[i];
      if (r->col_ts < 0 && name_in(name, TS_NAMES)) r->col_ts = i;
      else if (!strcasecmp(name, "price")) r->col_price = i;
      else if (r->col_qty < 0 && name_in(name, QTY_NAMES)) r->col_qty = i;
      else if (!strcasecmp(name, "side")) r->col_side = i, r->side_kind = SIDE_TEXT;
      else if (!strcasecmp(name, "is_buyer_maker") || !strcasecmp(name, "isBuyerMaker")) {
        r->col_side = i, r->side_kind = SIDE_BUYER_MAKER;
      } else if (!strcasecmp(name, "close")) col_close = i;
      else if (!strcasecmp(name, "volume")) col_volume = i;
    }
    if (r->col_price < 0 && col_close >= 0) {
      r->format = FLOX_CSV_BARS;
      r->col_price = col_close;
      r->col_qty = col_volume >= 0 ? col_volume : r->col_qty;
      r->col_side = -1, r->side_kind = SIDE_NONE;
    } else {
      r->format = FLOX_CSV_TRADES;
      if (r->col_qty < 0) r->col_qty = col_volume;
    }
    if (r->col_ts < 0) {
      status = fail_line(r, FLOX_E_FORMAT, r->line_no, "header has no timestamp column (timestamp, time, ts, ...)%s%s", "", "");
    } else if (r->col_price < 0) {
      status = fail_line(r, FLOX_E_FORMAT, r->line_no, "header has neither a price nor a close column%s%s", "", "");
    } else if (r->format == FLOX_CSV_TRADES && r->col_qty < 0) {
      status = fail_line(r, FLOX_E_FORMAT, r->line_no, "header has no quantity column (qty, quantity, amount, size)%s%s", "", "");
    }
  }
  if (copy != copy_buf) free(copy);
  return status;
}

int32_t flox_csv_open(const char *path, flox_csv_reader **out) {
  if (out == NULL) return flox_fail(FLOX_E_INVALID_ARG, "csv_open: out is NULL");
  *out = NULL;
  if (path == NULL || *path == '\0') return flox_fail(FLOX_E_INVALID_ARG, "csv_open: path is empty");
  flox_csv_reader *r = calloc(1, sizeof *r);
  if (r == NULL) return flox_fail(FLOX_E_NOMEM, "csv_open: out of memory");
  r->path = strdup(path);
  if (r->path == NULL) {
    free(r);
    return flox_fail(FLOX_E_NOMEM, "csv_open: out of memory");
  }
  r->col_side = -1;
  r->f = fopen(path, "rb");
  if (r->f == NULL) {
    const int e = errno;
    const int32_t status = e == ENOENT ? FLOX_E_NOT_FOUND : FLOX_E_IO;
    flox_fail(status, "%s: cannot open: %s", path, strerror(e));
    flox_csv_destroy(r);
    return status;
  }
  const int32_t status = detect(r);
  if (status != FLOX_OK) {
    flox_csv_destroy(r);
    return status;
  }
  *out = r;
  return FLOX_OK;
}

void flox_csv_destroy(flox_csv_reader *r) {
  if (r == NULL) return;
  if (r->f) fclose(r->f);
  free(r->line);
  free(r->path);
  free(r);
}

int32_t flox_csv_format(const flox_csv_reader *r) { return r == NULL ? 0 : r->format; }

/* Parses r->line (line number `line`) into row i of the outputs. */
static int32_t parse_row(flox_csv_reader *r, int64_t line, int64_t *ts, double *price, double *qty, uint8_t *side) {
  char *f[MAX_COLS + 1];
  const int n = split(r->line, r->delim, f);
  if (n != r->ncols) {
    char a[32], b[32];
    snprintf(a, sizeof a, "%d", n);
    snprintf(b, sizeof b, "%d", r->ncols);
    return fail_line(r, FLOX_E_PARSE, line, "has %s fields; expected %s", a, b);
  }
  int64_t t;
  if (!parse_ts(f[r->col_ts], &t)) return fail_line(r, FLOX_E_PARSE, line, "timestamp '%s' is not a time%s", f[r->col_ts], "");
  double p;
  if (!parse_double(f[r->col_price], &p)) return fail_line(r, FLOX_E_PARSE, line, "price '%s' is not a number%s", f[r->col_price], "");
  if (!(p > 0 && p < INFINITY)) return fail_line(r, FLOX_E_BAD_PRICE, line, "price '%s' must be finite and > 0%s", f[r->col_price], "");
  double q = 0;
  if (r->col_qty >= 0) {
    if (!parse_double(f[r->col_qty], &q)) return fail_line(r, FLOX_E_PARSE, line, "quantity '%s' is not a number%s", f[r->col_qty], "");
    if (!(q >= 0 && q < INFINITY)) return fail_line(r, FLOX_E_BAD_QUANTITY, line, "quantity '%s' must be finite and >= 0%s", f[r->col_qty], "");
  }
  uint8_t s = 0;
  if (r->side_kind == SIDE_TEXT) {
    const char *v = f[r->col_side];
    if (!strcasecmp(v, "buy") || !strcasecmp(v, "b") || !strcasecmp(v, "bid")) s = 0;
    else if (!strcasecmp(v, "sell") || !strcasecmp(v, "s") || !strcasecmp(v, "ask")) s = 1;
    else return fail_line(r, FLOX_E_BAD_SIDE, line, "side '%s' is not buy or sell%s", v, "");
  } else if (r->side_kind == SIDE_BUYER_MAKER) {
    int maker;
    if (!parse_bool(f[r->col_side], &maker)) {
      return fail_line(r, FLOX_E_PARSE, line, "is_buyer_maker '%s' is not true or false%s", f[r->col_side], "");
    }
    s = maker ? 1 : 0; /* the buyer resting means the seller took liquidity */
  }
  if (r->have_prev && t < r->prev_ts) {
    return fail_line(r, FLOX_E_UNSORTED, line, "timestamp '%s' is earlier than the previous row's%s", f[r->col_ts], "");
  }
  r->prev_ts = t;
  r->have_prev = 1;
  *ts = t, *price = p, *qty = q, *side = s;
  return FLOX_OK;
}

int32_t flox_csv_read(flox_csv_reader *r, int64_t *ts_ns, double *price, double *qty, uint8_t *side, int64_t cap,
                      int64_t *count) {
  if (r == NULL || count == NULL) return flox_fail(FLOX_E_INVALID_ARG, "csv_read: reader or count is NULL");
  *count = 0;
  if (cap <= 0) return flox_fail(FLOX_E_INVALID_ARG, "csv_read: cap is %lld; must be > 0", (long long)cap);
  if (ts_ns == NULL || price == NULL || qty == NULL || side == NULL) {
    return flox_fail(FLOX_E_INVALID_ARG, "csv_read: an output column is NULL");
  }
  int64_t n = 0;
  while (n < cap && !r->eof) {
    int64_t line;
    if (r->pending) {
      r->pending = 0;
      line = r->pending_line_no;
    } else {
      const int got = next_line(r);
      if (got == -2) return flox_fail(FLOX_E_FORMAT, "%s:%lld: contains NUL bytes; not a CSV file", r->path, (long long)r->line_no);
      if (got < 0) return flox_fail(FLOX_E_IO, "%s: read failed: %s", r->path, strerror(errno));
      if (got == 0) {
        r->eof = 1;
        break;
      }
      line = r->line_no;
    }
    if (is_blank(r->line)) continue;
    const int32_t s = parse_row(r, line, &ts_ns[n], &price[n], &qty[n], &side[n]);
    if (s != FLOX_OK) return s;
    n++;
  }
  r->rows += n;
  *count = n;
  return FLOX_OK;
}
