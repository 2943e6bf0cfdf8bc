/* indicators.c: batch technical indicators over caller-owned float64 arrays.
 *
 * Each function runs exactly the same steps, in the same floating-point order, as the streaming
 * class of the same name in lib/indicators/, so a column computed here equals, value for value,
 * what the streaming class returns one update at a time. Outputs hold NaN during warm-up. Inputs
 * must be finite (FLOX_E_BAD_PRICE naming the array and index otherwise); outputs are written only
 * when the whole call succeeds (every input is checked before the first write). */
#include "flox.h"
#include "error.h"

#include <math.h>
#include <stdlib.h>

#define PERIOD_OK(p) ((p) >= 1)

static int32_t check_common(const char *op, const void *out, int64_t n, int32_t period, const char *pname) {
  if (n < 0) return flox_fail(FLOX_E_INVALID_ARG, "%s: length is %lld; must be >= 0", op, (long long)n);
  if (n > 0 && out == NULL) return flox_fail(FLOX_E_INVALID_ARG, "%s: output array is NULL", op);
  if (!PERIOD_OK(period)) return flox_fail(FLOX_E_INVALID_ARG, "%s: %s is %d; must be >= 1", op, pname, period);
  return FLOX_OK;
}

static int32_t check_finite(const char *op, const char *name, const double *x, int64_t n) {
  if (n > 0 && x == NULL) return flox_fail(FLOX_E_INVALID_ARG, "%s: %s is NULL", op, name);
  for (int64_t i = 0; i < n; i++) {
    if (!isfinite(x[i])) return flox_fail(FLOX_E_BAD_PRICE, "%s: %s[%lld] is %g; must be finite", op, name, (long long)i, x[i]);
  }
  return FLOX_OK;
}

static int32_t check_bars(const char *op, const double *high, const double *low, const double *close, int64_t n) {
  int32_t s;
  if ((s = check_finite(op, "high", high, n)) != FLOX_OK) return s;
  if ((s = check_finite(op, "low", low, n)) != FLOX_OK) return s;
  if ((s = check_finite(op, "close", close, n)) != FLOX_OK) return s;
  for (int64_t i = 0; i < n; i++) {
    if (high[i] < low[i]) {
      return flox_fail(FLOX_E_BAD_PRICE, "%s: high[%lld] (%g) is below low[%lld] (%g)", op, (long long)i, high[i],
                       (long long)i, low[i]);
    }
  }
  return FLOX_OK;
}

/* The SMA state machine shared by sma and stochastic's %D (mirror of lib/indicators/sma.ts). */
typedef struct {
  double *buf;
  int32_t n, pos;
  int64_t count;
  double sum;
} sma_state;

static double sma_step(sma_state *st, double x) {
  const int32_t n = st->n;
  if (st->count >= n) st->sum -= st->buf[st->pos];
  st->buf[st->pos] = x;
  st->sum += x;
  st->count++;
  if (++st->pos == n) {
    st->pos = 0;
    double s = 0;
    for (int32_t i = 0; i < n; i++) s += st->buf[i];
    st->sum = s;
  }
  return st->count >= n ? st->sum / n : NAN;
}

int32_t flox_ind_sma(const double *values, int64_t n, int32_t period, double *out) {
  const char *op = "indicators.sma";
  int32_t s;
  if ((s = check_common(op, out, n, period, "period")) != FLOX_OK) return s;
  if ((s = check_finite(op, "values", values, n)) != FLOX_OK) return s;
  sma_state st = {calloc((size_t)period, sizeof(double)), period, 0, 0, 0};
  if (st.buf == NULL) return flox_fail(FLOX_E_NOMEM, "%s: no memory for a window of %d", op, period);
  for (int64_t i = 0; i < n; i++) out[i] = sma_step(&st, values[i]);
  free(st.buf);
  return FLOX_OK;
}

/* EMA seeded with the SMA of the first `period` values (mirror of lib/indicators/ema.ts). */
typedef struct {
  int32_t n;
  int64_t count;
  double seed, value, alpha;
} ema_state;

static double ema_step(ema_state *st, double x) {
  const int64_t count = ++st->count;
  if (count > st->n) return st->value = st->value + st->alpha * (x - st->value);
  st->seed += x;
  return st->value = (count == st->n ? st->seed / st->n : NAN);
}

static ema_state ema_init(int32_t n) {
  ema_state st = {n, 0, 0, NAN, 2.0 / ((double)n + 1)};
  return st;
}

int32_t flox_ind_ema(const double *values, int64_t n, int32_t period, double *out) {
  const char *op = "indicators.ema";
  int32_t s;
  if ((s = check_common(op, out, n, period, "period")) != FLOX_OK) return s;
  if ((s = check_finite(op, "values", values, n)) != FLOX_OK) return s;
  ema_state st = ema_init(period);
  for (int64_t i = 0; i < n; i++) out[i] = ema_step(&st, values[i]);
  return FLOX_OK;
}

/* Wilder's RMA (mirror of lib/indicators/rma.ts). */
typedef struct {
  int32_t n;
  int64_t count;
  double seed, value;
} rma_state;

static double rma_step(rma_state *st, double x) {
  const int32_t n = st->n;
  const int64_t count = ++st->count;
  if (count > n) return st->value = (st->value * (n - 1) + x) / n;
  st->seed += x;
  return st->value = (count == n ? st->seed / n : NAN);
}

int32_t flox_ind_rma(const double *values, int64_t n, int32_t period, double *out) {
  const char *op = "indicators.rma";
  int32_t s;
  if ((s = check_common(op, out, n, period, "period")) != FLOX_OK) return s;
  if ((s = check_finite(op, "values", values, n)) != FLOX_OK) return s;
  rma_state st = {period, 0, 0, NAN};
  for (int64_t i = 0; i < n; i++) out[i] = rma_step(&st, values[i]);
  return FLOX_OK;
}

int32_t flox_ind_rsi(const double *values, int64_t n, int32_t period, double *out) {
  const char *op = "indicators.rsi";
  int32_t s;
  if ((s = check_common(op, out, n, period, "period")) != FLOX_OK) return s;
  if ((s = check_finite(op, "values", values, n)) != FLOX_OK) return s;
  const int32_t p = period;
  double prev = 0, gain = 0, loss = 0;
  for (int64_t i = 0; i < n; i++) {
    const int64_t changes = i;
    const double d = values[i] - prev;
    prev = values[i];
    out[i] = NAN;
    if (changes == 0) continue;
    const double g = d > 0 ? d : 0, l = d < 0 ? -d : 0;
    if (changes > p) {
      gain = (gain * (p - 1) + g) / p;
      loss = (loss * (p - 1) + l) / p;
    } else {
      gain += g;
      loss += l;
      if (changes < p) continue;
      gain /= p;
      loss /= p;
    }
    out[i] = loss == 0 ? 100 : gain == 0 ? 0 : 100 - 100 / (1 + gain / loss);
  }
  return FLOX_OK;
}

int32_t flox_ind_atr(const double *high, const double *low, const double *close, int64_t n, int32_t period,
                     double *out) {
  const char *op = "indicators.atr";
  int32_t s;
  if ((s = check_common(op, out, n, period, "period")) != FLOX_OK) return s;
  if ((s = check_bars(op, high, low, close, n)) != FLOX_OK) return s;
  rma_state st = {period, 0, 0, NAN};
  double prev_close = 0;
  for (int64_t i = 0; i < n; i++) {
    double tr = high[i] - low[i];
    if (i > 0) {
      const double a = fabs(high[i] - prev_close), b = fabs(low[i] - prev_close);
      if (a > tr) tr = a;
      if (b > tr) tr = b;
    }
    prev_close = close[i];
    out[i] = rma_step(&st, tr);
  }
  return FLOX_OK;
}

int32_t flox_ind_macd(const double *values, int64_t n, int32_t fast, int32_t slow, int32_t signal, double *macd_out,
                      double *signal_out, double *histogram_out) {
  const char *op = "indicators.macd";
  int32_t s;
  if ((s = check_common(op, macd_out, n, fast, "fast")) != FLOX_OK) return s;
  if ((s = check_common(op, signal_out, n, slow, "slow")) != FLOX_OK) return s;
  if ((s = check_common(op, histogram_out, n, signal, "signal")) != FLOX_OK) return s;
  if (fast >= slow) return flox_fail(FLOX_E_INVALID_ARG, "%s: fast (%d) must be below slow (%d)", op, fast, slow);
  if ((s = check_finite(op, "values", values, n)) != FLOX_OK) return s;
  ema_state f = ema_init(fast), sl = ema_init(slow), sg = ema_init(signal);
  for (int64_t i = 0; i < n; i++) {
    const double fv = ema_step(&f, values[i]);
    const double sv = ema_step(&sl, values[i]);
    macd_out[i] = signal_out[i] = histogram_out[i] = NAN;
    if (sl.count < slow) continue;
    const double m = fv - sv;
    macd_out[i] = m;
    const double sig = ema_step(&sg, m);
    if (sg.count < signal) continue;
    signal_out[i] = sig;
    histogram_out[i] = m - sig;
  }
  return FLOX_OK;
}

int32_t flox_ind_bollinger(const double *values, int64_t n, int32_t period, double k, double *upper, double *middle,
                           double *lower) {
  const char *op = "indicators.bollinger";
  int32_t s;
  if ((s = check_common(op, upper, n, period, "period")) != FLOX_OK) return s;
  if (n > 0 && (middle == NULL || lower == NULL)) return flox_fail(FLOX_E_INVALID_ARG, "%s: output array is NULL", op);
  if (!(isfinite(k) && k >= 0)) return flox_fail(FLOX_E_INVALID_ARG, "%s: k is %g; must be finite and >= 0", op, k);
  if ((s = check_finite(op, "values", values, n)) != FLOX_OK) return s;
  double *buf = calloc((size_t)period, sizeof(double));
  if (buf == NULL) return flox_fail(FLOX_E_NOMEM, "%s: no memory for a window of %d", op, period);
  const int32_t p = period;
  int32_t pos = 0;
  int64_t count = 0;
  double mean = 0, m2 = 0;
  for (int64_t i = 0; i < n; i++) {
    const double x = values[i];
    if (count < p) {
      count++;
      const double d = x - mean;
      mean += d / (double)count;
      m2 += d * (x - mean);
    } else {
      const double old = buf[pos];
      const double old_mean = mean;
      mean += (x - old) / p;
      m2 += (x - old) * (x - mean + old - old_mean);
    }
    buf[pos] = x;
    if (++pos == p) {
      pos = 0;
      double sum = 0;
      for (int32_t j = 0; j < p; j++) sum += buf[j];
      const double mu = sum / p;
      double acc = 0;
      for (int32_t j = 0; j < p; j++) acc += (buf[j] - mu) * (buf[j] - mu);
      mean = mu;
      m2 = acc;
    }
    if (count < p) {
      upper[i] = middle[i] = lower[i] = NAN;
      continue;
    }
    const double sd = sqrt((m2 > 0 ? m2 : 0) / p);
    middle[i] = mean;
    upper[i] = mean + k * sd;
    lower[i] = mean - k * sd;
  }
  free(buf);
  return FLOX_OK;
}

int32_t flox_ind_stochastic(const double *high, const double *low, const double *close, int64_t n, int32_t k_period,
                            int32_t d_period, double *k_out, double *d_out) {
  const char *op = "indicators.stochastic";
  int32_t s;
  if ((s = check_common(op, k_out, n, k_period, "kPeriod")) != FLOX_OK) return s;
  if ((s = check_common(op, d_out, n, d_period, "dPeriod")) != FLOX_OK) return s;
  if ((s = check_bars(op, high, low, close, n)) != FLOX_OK) return s;
  const int32_t kp = k_period;
  /* One allocation: the %D window and the two monotonic queues (index, value). */
  double *mem = calloc((size_t)d_period + 4 * (size_t)kp, sizeof(double));
  if (mem == NULL) return flox_fail(FLOX_E_NOMEM, "%s: no memory for windows of %d and %d", op, k_period, d_period);
  sma_state dst = {mem, d_period, 0, 0, 0};
  double *hi_idx = mem + d_period, *hi_val = hi_idx + kp, *lo_idx = hi_val + kp, *lo_val = lo_idx + kp;
  int32_t hi_head = 0, hi_len = 0, lo_head = 0, lo_len = 0;
  for (int64_t i = 0; i < n; i++) {
    const double h = high[i], l = low[i], c = close[i];
    const double fi = (double)i;
    int32_t len = hi_len, head = hi_head;
    while (len > 0 && hi_val[(head + len - 1) % kp] <= h) len--;
    if (len > 0 && hi_idx[head] <= fi - kp) head = (head + 1) % kp, len--;
    hi_idx[(head + len) % kp] = fi;
    hi_val[(head + len) % kp] = h;
    hi_len = len + 1;
    hi_head = head;
    len = lo_len, head = lo_head;
    while (len > 0 && lo_val[(head + len - 1) % kp] >= l) len--;
    if (len > 0 && lo_idx[head] <= fi - kp) head = (head + 1) % kp, len--;
    lo_idx[(head + len) % kp] = fi;
    lo_val[(head + len) % kp] = l;
    lo_len = len + 1;
    lo_head = head;
    k_out[i] = d_out[i] = NAN;
    if (i + 1 < kp) continue;
    const double hh = hi_val[hi_head], ll = lo_val[lo_head];
    const double kv = hh == ll ? 50 : 100 * (c - ll) / (hh - ll);
    k_out[i] = kv;
    d_out[i] = sma_step(&dst, kv);
  }
  free(mem);
  return FLOX_OK;
}

int32_t flox_ind_vwap(const double *price, const double *qty, int64_t n, int32_t period, double *out) {
  const char *op = "indicators.vwap";
  int32_t s;
  if ((s = check_common(op, out, n, period, "period")) != FLOX_OK) return s;
  if ((s = check_finite(op, "price", price, n)) != FLOX_OK) return s;
  if (n > 0 && qty == NULL) return flox_fail(FLOX_E_INVALID_ARG, "%s: qty is NULL", op);
  for (int64_t i = 0; i < n; i++) {
    if (!(qty[i] >= 0 && qty[i] < INFINITY)) {
      return flox_fail(FLOX_E_BAD_QUANTITY, "%s: qty[%lld] is %g; must be finite and >= 0", op, (long long)i, qty[i]);
    }
  }
  double *mem = calloc(2 * (size_t)period, sizeof(double));
  if (mem == NULL) return flox_fail(FLOX_E_NOMEM, "%s: no memory for a window of %d", op, period);
  double *pvb = mem, *vb = mem + period;
  const int32_t p = period;
  int32_t pos = 0;
  int64_t count = 0;
  double sum_pv = 0, sum_v = 0;
  for (int64_t i = 0; i < n; i++) {
    if (count >= p) {
      sum_pv -= pvb[pos];
      sum_v -= vb[pos];
    }
    const double pv = price[i] * qty[i];
    pvb[pos] = pv;
    vb[pos] = qty[i];
    sum_pv += pv;
    sum_v += qty[i];
    count++;
    if (++pos == p) {
      pos = 0;
      double a = 0, b = 0;
      for (int32_t j = 0; j < p; j++) a += pvb[j], b += vb[j];
      sum_pv = a;
      sum_v = b;
    }
    out[i] = count < p ? NAN : sum_v > 0 ? sum_pv / sum_v : NAN;
  }
  free(mem);
  return FLOX_OK;
}
