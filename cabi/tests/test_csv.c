/* test_csv.c: the CSV reader on valid layouts and a table of malformed files (file:line errors). */
#include "flox.h"
#include "check.h"

#include <stdint.h>
#include <unistd.h>

static char path[256];

static void write_file(const char *text) {
  snprintf(path, sizeof path, "/tmp/flox_test_csv_%d.csv", (int)getpid());
  FILE *f = fopen(path, "wb");
  fwrite(text, 1, strlen(text), f);
  fclose(f);
}

enum { CAP = 8 };
static int64_t ts[CAP];
static double price[CAP], qty[CAP];
static uint8_t side[CAP];

/* Opens and reads the whole file; returns the first failing status (or OK) and the rows read. */
static int32_t read_all(const char *text, int64_t *rows, int32_t *format) {
  write_file(text);
  flox_csv_reader *r = NULL;
  int32_t s = flox_csv_open(path, &r);
  *rows = 0;
  *format = flox_csv_format(r);
  while (s == FLOX_OK) {
    int64_t n = 0;
    s = flox_csv_read(r, ts, price, qty, side, CAP, &n);
    if (s != FLOX_OK || n == 0) break;
    *rows += n;
  }
  flox_csv_destroy(r);
  unlink(path);
  return s;
}

static void valid_layouts(void) {
  int64_t rows;
  int32_t fmt;
  CHECK_STATUS(read_all("timestamp,price,qty,side\n1700000000000,100.5,0.1,buy\n1700000000001,100.25,2,sell\n", &rows, &fmt), FLOX_OK);
  CHECK_EQ_INT(fmt, FLOX_CSV_TRADES);
  CHECK_EQ_INT(rows, 2);
  CHECK_EQ_INT(ts[0], 1700000000000000000LL);
  CHECK_EQ_INT(ts[1], 1700000000001000000LL);
  CHECK(price[1] == 100.25 && qty[1] == 2 && side[0] == 0 && side[1] == 1);

  CHECK_STATUS(read_all("\xEF\xBB\xBF" "1,42000.5,0.01,420.005,1704067200000,true,true\n", &rows, &fmt), FLOX_OK);
  CHECK_EQ_INT(fmt, FLOX_CSV_BINANCE_TRADES);
  CHECK_EQ_INT(rows, 1);
  CHECK(price[0] == 42000.5 && qty[0] == 0.01 && side[0] == 1);

  CHECK_STATUS(read_all("5,42000,1.5,10,12,1704067200000123,False\n", &rows, &fmt), FLOX_OK);
  CHECK_EQ_INT(fmt, FLOX_CSV_BINANCE_TRADES);
  CHECK_EQ_INT(ts[0], 1704067200000123000LL);
  CHECK(side[0] == 0);

  CHECK_STATUS(read_all("1704067200000,1,2,0.5,1.5,7,1704067259999,0,0,0,0,0\n", &rows, &fmt), FLOX_OK);
  CHECK_EQ_INT(fmt, FLOX_CSV_BINANCE_KLINES);
  CHECK_EQ_INT(ts[0], 1704067259999000000LL);
  CHECK(price[0] == 1.5 && qty[0] == 7);

  CHECK_STATUS(read_all("date,open,high,low,close\n2024-01-01,1,2,0.5,1.5\n2024-01-02T00:00:00+01:00,1,2,0.5,1.75\n", &rows, &fmt), FLOX_OK);
  CHECK_EQ_INT(fmt, FLOX_CSV_BARS);
  CHECK_EQ_INT(ts[0], 1704067200000000000LL);
  CHECK_EQ_INT(ts[1], 1704067200000000000LL + 23LL * 3600 * 1000000000LL);
  CHECK(qty[0] == 0 && price[1] == 1.75);

  /* More rows than one read holds: chunks continue where they stopped. */
  char big[4096] = "ts,price,amount\n";
  for (int i = 0; i < 20; i++) {
    char row[64];
    snprintf(row, sizeof row, "%d,%d.5,1\n", 1700000000 + i, 100 + i);
    strcat(big, row);
  }
  CHECK_STATUS(read_all(big, &rows, &fmt), FLOX_OK);
  CHECK_EQ_INT(rows, 20);
  CHECK(price[3] == 119.5); /* row 20 is the 4th of the last chunk (8 + 8 + 4) */
}

/* The decimal fast path must give exactly what strtod gives. */
static void decimals_match_strtod(void) {
  static const char *values[] = {"30000.12", "0.1", "0.3", "1.", "42000.00000001", "9007199254740993",
                                 "123456789.123456789", "1e-3", "2.5E2", "0.0000000000000000000001", "100",
                                 "7.0000000000000000000000001", "65535.99999999", "000123.4500"};
  const size_t nv = sizeof values / sizeof values[0];
  for (size_t from = 0; from < nv; from += CAP) { /* one file per chunk: read_all keeps the last chunk */
    char text[2048] = "timestamp,price,qty\n";
    const size_t to = from + CAP < nv ? from + CAP : nv;
    for (size_t i = from; i < to; i++) {
      char row[128];
      snprintf(row, sizeof row, "%zu,%s,%s\n", i + 1, values[i], values[i]);
      strcat(text, row);
    }
    int64_t rows;
    int32_t fmt;
    CHECK_STATUS(read_all(text, &rows, &fmt), FLOX_OK);
    CHECK_EQ_INT(rows, (int64_t)(to - from));
    for (size_t i = from; i < to; i++) {
      const double expect = strtod(values[i], NULL);
      check_count++;
      if (price[i - from] != expect || qty[i - from] != expect) {
        fprintf(stderr, "%s parsed as %.17g, strtod gives %.17g\n", values[i], price[i - from], expect);
        check_failures++;
      }
    }
  }
}

static void malformed_table(void) {
  static const struct {
    const char *text;
    int32_t status;
    const char *message;
  } cases[] = {
      {"timestamp,price,qty\n1700000000000,100,1\n1700000000001,abc,1\n", FLOX_E_PARSE, ":3: price 'abc' is not a number"},
      {"timestamp,price,qty\n1,1,1\n\n2,1\n", FLOX_E_PARSE, ":4: has 2 fields; expected 3"},
      {"timestamp,price,qty\n1,nan,1\n", FLOX_E_BAD_PRICE, ":2: price 'nan'"},
      {"timestamp,price,qty\n1,0,1\n", FLOX_E_BAD_PRICE, ":2: price '0'"},
      {"timestamp,price,qty\n1,1,inf\n", FLOX_E_BAD_QUANTITY, ":2: quantity 'inf'"},
      {"timestamp,price,qty,side\n1,1,1,x\n", FLOX_E_BAD_SIDE, ":2: side 'x'"},
      {"timestamp,price,qty,is_buyer_maker\n1,1,1,maybe\n", FLOX_E_PARSE, ":2: is_buyer_maker 'maybe'"},
      {"timestamp,price,qty\n5,1,1\n4,1,1\n", FLOX_E_UNSORTED, ":3: timestamp '4'"},
      {"timestamp,price,qty\n2024-13-01,1,1\n", FLOX_E_PARSE, ":2: timestamp '2024-13-01'"},
      {"timestamp,price,qty\n99999999999999999999999,1,1\n", FLOX_E_PARSE, ":2: timestamp"},
      {"timestamp,price,qty\n1,1e999,1\n", FLOX_E_PARSE, ":2: price '1e999'"},
      {"timestamp,price,qty\n1,,1\n", FLOX_E_PARSE, ":2: price '' is not a number"},
      {"price,qty\n1,1\n", FLOX_E_FORMAT, ":1: header has no timestamp column"},
      {"time,close_price\n1,1\n", FLOX_E_FORMAT, ":1: header has neither a price nor a close column"},
      {"time,price\n1,1\n", FLOX_E_FORMAT, ":1: header has no quantity column"},
      {"1,2,3\n", FLOX_E_FORMAT, ":1: no header"},
      {"1,42000,0.01,420,1704067200000,yes,true\n", FLOX_E_PARSE, ":1: timestamp 'yes'"}, /* read as aggTrades */
      {"", FLOX_E_NO_DATA, "the file is empty"},
      {"\n\n  \n", FLOX_E_NO_DATA, "the file is empty"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int64_t rows;
    int32_t fmt;
    const int32_t s = read_all(cases[i].text, &rows, &fmt);
    CHECK_EQ_INT(s, cases[i].status);
    const char *msg = flox_last_error();
    if (strstr(msg, cases[i].message) == NULL || strstr(msg, path) == NULL) {
      fprintf(stderr, "case %zu: message \"%s\" lacks \"%s\" or the path\n", i, msg, cases[i].message);
      check_failures++;
    }
  }
}

static void binary_and_missing(void) {
  snprintf(path, sizeof path, "/tmp/flox_test_csv_bin_%d.csv", (int)getpid());
  FILE *f = fopen(path, "wb");
  const char bytes[] = "timestamp,price,qty\n1,1\0\0,1\n";
  fwrite(bytes, 1, sizeof bytes - 1, f);
  fclose(f);
  flox_csv_reader *r = NULL;
  CHECK_STATUS(flox_csv_open(path, &r), FLOX_OK);
  int64_t n = -1;
  CHECK_STATUS(flox_csv_read(r, ts, price, qty, side, CAP, &n), FLOX_E_FORMAT);
  CHECK(strstr(flox_last_error(), ":2: contains NUL bytes") != NULL);
  flox_csv_destroy(r);
  unlink(path);
  r = (flox_csv_reader *)1;
  CHECK_STATUS(flox_csv_open("/nonexistent/flox.csv", &r), FLOX_E_NOT_FOUND);
  CHECK(r == NULL);
  CHECK_STATUS(flox_csv_open("", &r), FLOX_E_INVALID_ARG);
  CHECK_STATUS(flox_csv_open(NULL, &r), FLOX_E_INVALID_ARG);
  flox_csv_destroy(NULL);
}

static void bt_prepare(void) {
  const int64_t t[3] = {1700000000000LL, 1700000000500LL, 1700000001000LL};
  const double p[3] = {1, 2, 3}, q[3] = {1, 0, 1};
  int64_t out[3];
  double off[3];
  int64_t clock = 0;
  const int64_t base = 1700000000000000000LL;
  CHECK_STATUS(flox_bt_prepare(t, p, q, NULL, 0, 3, 0, base, INT64_MIN, out, off, &clock), FLOX_OK);
  CHECK_EQ_INT(out[1], 1700000000500000000LL);
  CHECK(off[2] == 1e9);
  CHECK_STATUS(flox_bt_prepare(t, p, q, NULL, 0, 3, 10, base, 1800000000000000000LL, out, off, &clock), FLOX_E_UNSORTED);
  CHECK(strstr(flox_last_error(), "tsNs[10]") != NULL);
  const double bad[3] = {1, 2, -3};
  CHECK_STATUS(flox_bt_prepare(t, bad, q, NULL, 0, 3, 0, base, INT64_MIN, out, off, &clock), FLOX_E_BAD_PRICE);
  CHECK(strstr(flox_last_error(), "price[2]") != NULL);
  const uint8_t kinds[3] = {1, 1, 2}; /* the bad row is a book update: not checked as a trade */
  CHECK_STATUS(flox_bt_prepare(t, bad, q, kinds, FLOX_BT_KINDS, 3, 0, base, INT64_MIN, out, off, &clock), FLOX_OK);
  /* Tape order: a late event keeps its own timestamp, the clock holds. */
  const int64_t late[3] = {1700000001000LL, 1700000000500LL, 1700000002000LL};
  CHECK_STATUS(flox_bt_prepare(late, p, q, kinds, 0, 3, 0, base, INT64_MIN, out, off, &clock), FLOX_E_UNSORTED);
  CHECK_STATUS(flox_bt_prepare(late, p, q, kinds, FLOX_BT_TAPE_ORDER, 3, 0, base, INT64_MIN, out, off, &clock), FLOX_OK);
  CHECK_EQ_INT(out[1], 1700000000500000000LL);
  CHECK(off[0] == 1e9 && off[1] == 1e9 && off[2] == 2e9);
  CHECK_EQ_INT(clock, 1700000002000000000LL);
}

static void indicators_basic(void) {
  const double x[5] = {2, 4, 6, 8, 12};
  double out[5];
  CHECK_STATUS(flox_ind_sma(x, 5, 3, out), FLOX_OK);
  CHECK(isnan(out[1]) && out[2] == 4 && out[3] == 6);
  CHECK_STATUS(flox_ind_ema(x, 5, 3, out), FLOX_OK);
  CHECK(out[4] == 9);
  CHECK_STATUS(flox_ind_sma(x, 5, 0, out), FLOX_E_INVALID_ARG);
  CHECK_STATUS(flox_ind_sma(NULL, 0, 3, NULL), FLOX_OK);
  const double h[3] = {10, 11, 12}, l[3] = {8, 9, 9.5}, c[3] = {9, 10, 11.5};
  CHECK_STATUS(flox_ind_atr(h, l, c, 3, 2, out), FLOX_OK);
  CHECK(out[1] == 2 && out[2] == 2.25);
  double k[3], d[3];
  CHECK_STATUS(flox_ind_stochastic(h, l, c, 3, 2, 2, k, d), FLOX_OK);
  CHECK(isnan(k[0]) && k[1] == 100.0 * (10 - 8) / (11 - 8));
  double big_x[1000], u[1000], m[1000], lo[1000];
  for (int i = 0; i < 1000; i++) big_x[i] = 100 + (i * 37 % 11);
  CHECK_STATUS(flox_ind_bollinger(big_x, 1000, 20, 2, u, m, lo), FLOX_OK);
  CHECK(u[999] >= m[999] && m[999] >= lo[999]);
  CHECK_STATUS(flox_ind_macd(big_x, 1000, 12, 26, 9, u, m, lo), FLOX_OK);
  CHECK(isnan(m[32]) && !isnan(m[33]));
  CHECK_STATUS(flox_ind_vwap(big_x, big_x, 1000, 50, u), FLOX_OK);
}

int main(void) {
  valid_layouts();
  decimals_match_strtod();
  malformed_table();
  binary_and_missing();
  bt_prepare();
  indicators_basic();
  return check_report("test_csv");
}
