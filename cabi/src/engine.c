/* engine.c: the engine object and one backtest run (spec/engine.md section 3): per bar, retry
 * resting limits, submit due signals, mark to market; plus the trade list of the last run. */
#include "engine_internal.h"
#include "error.h"
#include "metrics.h"

#include <math.h>
#include <stdlib.h>

int32_t flox_engine_create(double initial_capital, double fee_rate, double periods_per_year, int32_t limit_model,
                           flox_engine **out) {
  if (out == NULL) return flox_fail(FLOX_E_INVALID_ARG, "out is NULL");
  if (!(initial_capital > 0.0 && isfinite(initial_capital)))
    return flox_fail(FLOX_E_INVALID_ARG, "initialCapital is %g; must be finite and > 0", initial_capital);
  if (!(fee_rate >= 0.0 && isfinite(fee_rate)))
    return flox_fail(FLOX_E_INVALID_ARG, "feeRate is %g; must be finite and >= 0", fee_rate);
  if (!(periods_per_year >= 0.0 && isfinite(periods_per_year)))
    return flox_fail(FLOX_E_INVALID_ARG, "periodsPerYear is %g; must be finite and > 0 (0 = automatic)",
                     periods_per_year);
  if (limit_model != FLOX_LIMIT_CLOSE && limit_model != FLOX_LIMIT_TOUCH)
    return flox_fail(FLOX_E_INVALID_ARG, "limit model is %d; must be 0 (close) or 1 (touch)", limit_model);
  flox_engine *e = calloc(1, sizeof *e);
  if (e == NULL) return flox_fail(FLOX_E_NOMEM, "out of memory for an engine");
  e->initial_capital = initial_capital;
  e->fee_rate = fee_rate;
  e->periods_per_year = periods_per_year;
  e->limit_model = limit_model;
  *out = e;
  return FLOX_OK;
}

static void trades_free(trade_list *t) {
  free(t->entry_ts);
  *t = (trade_list){0};
}

void flox_engine_destroy(flox_engine *e) {
  if (e == NULL) return;
  engine_free_series(e);
  scratch_free(&e->scratch);
  trades_free(&e->trades);
  free(e);
}

void scratch_free(run_scratch *s) {
  free(s->order);
  *s = (run_scratch){0};
}

int32_t scratch_reserve(run_scratch *s, int64_t n) {
  if (n <= s->cap) return FLOX_OK;
  int64_t cap = n < 64 ? 64 : n;
  /* One block: order, order_tmp, rest_units (int64), rest_limit (double), rest_side (bytes). */
  char *block = malloc((size_t)cap * (8 * 4 + 1));
  if (block == NULL) return flox_fail(FLOX_E_NOMEM, "out of memory for %lld signals of scratch", (long long)n);
  free(s->order);
  s->cap = cap;
  s->order = (int64_t *)block;
  s->order_tmp = s->order + cap;
  s->rest_units = s->order_tmp + cap;
  s->rest_limit = (double *)(s->rest_units + cap);
  s->rest_side = (uint8_t *)(s->rest_limit + cap);
  return FLOX_OK;
}

static int32_t trades_reserve(trade_list *t, int64_t n) {
  if (n <= t->cap) return FLOX_OK;
  int64_t cap = n < 64 ? 64 : n;
  char *block = malloc((size_t)cap * (8 * 8 + 1));
  if (block == NULL) return flox_fail(FLOX_E_NOMEM, "out of memory for %lld trades", (long long)n);
  trade_list nt = {.count = t->count, .cap = cap};
  nt.entry_ts = (int64_t *)block;
  nt.exit_ts = nt.entry_ts + cap;
  nt.qty = (double *)(nt.exit_ts + cap);
  nt.entry_price = nt.qty + cap;
  nt.exit_price = nt.entry_price + cap;
  nt.pnl = nt.exit_price + cap;
  nt.fee = nt.pnl + cap;
  nt.side = (uint8_t *)(nt.fee + cap);
  if (t->count > 0) {
    memcpy(nt.entry_ts, t->entry_ts, (size_t)t->count * 8);
    memcpy(nt.exit_ts, t->exit_ts, (size_t)t->count * 8);
    memcpy(nt.qty, t->qty, (size_t)t->count * 8);
    memcpy(nt.entry_price, t->entry_price, (size_t)t->count * 8);
    memcpy(nt.exit_price, t->exit_price, (size_t)t->count * 8);
    memcpy(nt.pnl, t->pnl, (size_t)t->count * 8);
    memcpy(nt.fee, t->fee, (size_t)t->count * 8);
    memcpy(nt.side, t->side, (size_t)t->count);
  }
  free(t->entry_ts);
  *t = nt;
  return FLOX_OK;
}

/* State of one run. Position is an exact count of 1e-8 units; money is float64. */
typedef struct run_state {
  double cash, fee_rate;
  int64_t pos;      /* signed units of 1e-8 */
  double avg_entry; /* average entry price of the open position, 0 when flat */
  double fee_pool;  /* entry fees not yet charged to a trade */
  int64_t entry_ts; /* bar ts where the open position was opened (from flat or by a flip) */
  double realized, fees, gross_profit, gross_loss;
  int64_t trades, wins, losses;
  trade_list *out; /* NULL: do not record rows */
} run_state;

static void record_trade(run_state *st, int dir, double c, double exit_price, double pnl, double fee, int64_t ts) {
  st->trades++;
  if (pnl > 0.0) {
    st->wins++;
    st->gross_profit += pnl;
  } else if (pnl < 0.0) {
    st->losses++;
    st->gross_loss -= pnl;
  }
  trade_list *t = st->out;
  if (t != NULL) {
    int64_t k = t->count++; /* capacity reserved: at most one trade per signal */
    t->entry_ts[k] = st->entry_ts;
    t->exit_ts[k] = ts;
    t->side[k] = dir > 0 ? 0 : 1;
    t->qty[k] = c;
    t->entry_price[k] = st->avg_entry;
    t->exit_price[k] = exit_price;
    t->pnl[k] = pnl;
    t->fee[k] = fee;
  }
}

/* One fill of `units` (> 0) on `side` at price p in the bar with timestamp ts (spec 3.6-3.8). */
static void fill(run_state *st, uint8_t side, int64_t units, double p, int64_t ts) {
  double q = (double)units / 1e8;
  double notional = q * p;
  double fee = notional * st->fee_rate;
  int dir = side == FLOX_SIDE_BUY ? 1 : -1;
  if (dir > 0) st->cash -= notional + fee;
  else st->cash += notional - fee;
  st->fees += fee;
  if (st->pos == 0 || (st->pos > 0) == (dir > 0)) { /* open or add */
    double held = (double)(st->pos < 0 ? -st->pos : st->pos) / 1e8;
    if (st->pos == 0) st->entry_ts = ts;
    st->avg_entry = (st->avg_entry * held + p * q) / (held + q);
    st->fee_pool += fee;
    st->pos += dir * units;
    return;
  }
  /* Reduce, close, or flip. */
  int64_t held_units = st->pos < 0 ? -st->pos : st->pos;
  int64_t close_units = units < held_units ? units : held_units;
  double held = (double)held_units / 1e8;
  double c = (double)close_units / 1e8;
  int pos_dir = st->pos > 0 ? 1 : -1;
  double pool_share = st->fee_pool * c / held;
  double trade_fee = pool_share + fee * c / q;
  st->fee_pool -= pool_share;
  double gross = (p - st->avg_entry) * c * pos_dir;
  st->realized += gross;
  record_trade(st, pos_dir, c, p, gross - trade_fee, trade_fee, ts);
  st->pos += dir * close_units;
  if (st->pos == 0) {
    st->fee_pool = 0.0;
    st->avg_entry = 0.0;
  }
  int64_t rest = units - close_units;
  if (rest > 0) { /* flip: the remainder opens at p */
    st->pos = dir * rest;
    st->avg_entry = p;
    st->fee_pool = fee * (q - c) / q;
    st->entry_ts = ts;
  }
}

/* Tries a limit order against bar i; returns 1 and fills when it crosses (spec 3.4). */
static inline int try_limit(run_state *st, const bar_series *s, int model, int64_t i, uint8_t side, int64_t units,
                            double limit) {
  double px;
  if (model == FLOX_LIMIT_CLOSE) {
    double c = s->close[i];
    if (side == FLOX_SIDE_BUY ? !(limit >= c) : !(limit <= c)) return 0;
    px = c;
  } else if (side == FLOX_SIDE_BUY) {
    if (!(s->low[i] <= limit)) return 0;
    px = limit < s->open[i] ? limit : s->open[i];
  } else {
    if (!(s->high[i] >= limit)) return 0;
    px = limit > s->open[i] ? limit : s->open[i];
  }
  fill(st, side, units, px, s->ts[i]);
  return 1;
}

/* First index in [from, n) with ts[index] >= t. Regular series (every interval equal) answer by
 * arithmetic, without touching ts. Otherwise stretches between signals are usually short, so first
 * count in blocks of 8 without branching (ts is sorted, so the count of values < t in a block is
 * the offset of the answer), then gallop and bisect for long ones. */
static inline int64_t first_bar_at_or_after(const bar_series *s, int64_t from, int64_t t) {
  const int64_t *ts = s->ts;
  const int64_t n = s->n;
  if (s->regular_dt > 0) {
    if (t <= ts[0]) return from;
    if (t > ts[n - 1]) return n;
    uint64_t diff = (uint64_t)t - (uint64_t)ts[0], dt = (uint64_t)s->regular_dt;
    int64_t idx = (int64_t)(diff / dt + (diff % dt != 0));
    return idx < from ? from : idx;
  }
  int64_t lo = from;
  for (int blocks = 0; blocks < 8 && lo + 8 <= n; blocks++) {
    int64_t below = 0;
    for (int u = 0; u < 8; u++) below += ts[lo + u] < t;
    if (below < 8) return lo + below;
    lo += 8;
  }
  if (lo >= n || ts[lo] >= t) {
    while (lo < n && ts[lo] < t) lo++; /* fewer than 8 left */
    return lo;
  }
  int64_t step = 1; /* ts[lo] < t */
  while (lo + step < n && ts[lo + step] < t) {
    lo += step;
    step *= 2;
  }
  int64_t hi = lo + step < n ? lo + step : n; /* ts[hi] >= t or hi == n */
  while (hi - lo > 1) {
    int64_t mid = lo + (hi - lo) / 2;
    if (ts[mid] < t) lo = mid;
    else hi = mid;
  }
  return hi;
}

/* Marks bars [i, j) to market while nothing can fill: E = cash + q * close. The hot loop: the
 * accumulators live in locals (a store to equity[] could otherwise alias them and force a reload
 * every bar), every return is computed from closes alone (no dependency through the division),
 * and the drawdown only branches on a new equity peak. */
static inline void hold_loop(ret_acc *acc, double *e_prev, double cash, double q, const double *restrict close,
                             int64_t i, int64_t j, double *restrict equity, const int want_equity) {
  double prev = *e_prev;
  /* The shift K is fixed by the first non-zero return; do bars one by one until it is. */
  while (i < j && !acc->k_set) {
    double e = cash + q * close[i];
    acc_return(acc, e / prev - 1.0);
    acc_equity(acc, e);
    if (want_equity) equity[i] = e;
    prev = e;
    i++;
  }
  double peak = acc->peak, trough = acc->trough;
  const double k = acc->k;
  int64_t b = i;
  /* Two bars per step in SSE2/NEON lanes. Each lane keeps its own partial sums (added together
   * at the end); the peak/trough scan stays in bar order: a pair that sets no new peak only lowers
   * the trough, one that does is replayed bar by bar. */
  typedef double v2d __attribute__((vector_size(16)));
  typedef int64_t v2i __attribute__((vector_size(16)));
  const v2d cashv = {cash, cash}, qv = {q, q}, kv = {k, k}, one = {1.0, 1.0};
  const v2i abs_mask = {INT64_MAX, INT64_MAX};
  v2d sumv = {0, 0}, s1v = {0, 0}, s2v = {0, 0}, d2v = {0, 0};
  for (; b + 1 < j; b += 2) {
    v2d c;
    memcpy(&c, close + b, sizeof c);
    v2d e = cashv + qv * c;
    v2d p = {prev, e[0]};
    v2d r = e / p - one;
    sumv += r;
    v2d d = r - kv;
    s1v += d;
    s2v += d * d;
    v2d m = r - (v2d)((v2i)r & abs_mask); /* 2 min(r, 0), exact, branch-free */
    d2v += m * m;
    double hi = e[0] > e[1] ? e[0] : e[1];
    if (__builtin_expect(hi > peak, 0)) {
      for (int u = 0; u < 2; u++) {
        if (e[u] > peak) {
          acc->peak = peak;
          acc->trough = trough;
          acc_close_window(acc);
          peak = trough = e[u];
        } else if (e[u] < trough) {
          trough = e[u];
        }
      }
    } else {
      double lo = e[0] < e[1] ? e[0] : e[1];
      trough = lo < trough ? lo : trough;
    }
    if (want_equity) memcpy(equity + b, &e, sizeof e);
    prev = e[1];
  }
  double sum = acc->sum + (sumv[0] + sumv[1]);
  double s1 = acc->s1 + (s1v[0] + s1v[1]);
  double s2 = acc->s2 + (s2v[0] + s2v[1]);
  double d2 = acc->d2 + 0.25 * (d2v[0] + d2v[1]);
  /* The last bar of the stretch, when the pair did not fit. */
  for (; b < j; b++) {
    double e = cash + q * close[b];
    double r = e / prev - 1.0;
    sum += r;
    double d = r - k;
    s1 += d;
    s2 += d * d;
    double m = 0.5 * (r - fabs(r));
    d2 += m * m;
    if (e > peak) {
      acc->peak = peak;
      acc->trough = trough;
      acc_close_window(acc);
      peak = trough = e;
    } else {
      trough = e < trough ? e : trough;
    }
    if (want_equity) equity[b] = e;
    prev = e;
  }
  acc->n += b - i;
  acc->sum = sum;
  acc->s1 = s1;
  acc->s2 = s2;
  acc->d2 = d2;
  acc->peak = peak;
  acc->trough = trough;
  acc->last = prev;
  *e_prev = prev;
}

/* Marks bars [i, j) to market (nothing can fill there). */
static void hold_stretch(ret_acc *acc, double *e_prev, double cash, double q, const double *close, int64_t i,
                         int64_t j, double *equity) {
  if (equity) hold_loop(acc, e_prev, cash, q, close, i, j, equity, 1);
  else hold_loop(acc, e_prev, cash, q, close, i, j, NULL, 0);
}

void engine_run_core(const flox_engine *e, const bar_series *s, const uint8_t *recs, int64_t m, int sorted,
                     run_scratch *sc, double *stats, double *equity, trade_list *trades) {
  const int model = e->limit_model;
  const int64_t n = s->n;
  const int64_t *ts = s->ts;
  run_state st = {.cash = e->initial_capital, .fee_rate = e->fee_rate, .out = trades};
  if (trades) trades->count = 0;
  const int64_t *order = NULL;
  if (!sorted) {
    signals_stable_order(recs, m, sc->order, sc->order_tmp);
    order = sc->order;
  }
  ret_acc acc;
  acc_init(&acc, e->initial_capital);
  double e_prev = e->initial_capital;
  int64_t n_rest = 0, k = 0;
#define SIG(idx) (recs + (order ? order[idx] : (idx)) * FLOX_SIGNAL_RECORD_SIZE)
  int64_t i = 0;
  while (i < n) {
    if (n_rest == 0) {
      /* Nothing can fill before the bar where the next signal is due. */
      int64_t j = k < m ? first_bar_at_or_after(s, i, load_i64(SIG(k) + SIG_TS)) : n;
      if (j > i) {
        if (st.pos == 0 && st.cash != 0.0) {
          /* Flat: E_i = cash = E_{i-1}, so every return is exactly 0: skip in O(1). */
          acc_zeros(&acc, j - i);
          acc_equity(&acc, st.cash);
          if (equity)
            for (int64_t b = i; b < j; b++) equity[b] = st.cash;
        } else {
          hold_stretch(&acc, &e_prev, st.cash, (double)st.pos / 1e8, s->close, i, j, equity);
        }
        i = j;
        if (i == n) break;
      }
    }
    /* (1) resting limits, in submission order; unfilled ones stay, order kept. */
    if (n_rest > 0) {
      int64_t kept = 0;
      for (int64_t r = 0; r < n_rest; r++) {
        if (!try_limit(&st, s, model, i, sc->rest_side[r], sc->rest_units[r], sc->rest_limit[r])) {
          sc->rest_side[kept] = sc->rest_side[r];
          sc->rest_units[kept] = sc->rest_units[r];
          sc->rest_limit[kept] = sc->rest_limit[r];
          kept++;
        }
      }
      n_rest = kept;
    }
    /* (2) signals due at this bar, in stable ts order. */
    while (k < m) {
      const uint8_t *r = SIG(k);
      /* Records are visited one per stretch, too sparsely for the hardware prefetcher; in a batch
       * each set comes from memory. Ask for a few records ahead. */
      if (k + 4 < m) __builtin_prefetch(SIG(k + 4));
      if (load_i64(r + SIG_TS) > ts[i]) break;
      uint8_t side = r[SIG_SIDE];
      int64_t units = load_i64(r + SIG_QTY);
      if (r[SIG_TYPE] == FLOX_ORDER_MARKET) {
        fill(&st, side, units, s->close[i], ts[i]);
      } else {
        double limit = (double)load_i64(r + SIG_PRICE) / 1e8;
        if (!try_limit(&st, s, model, i, side, units, limit)) {
          sc->rest_side[n_rest] = side;
          sc->rest_units[n_rest] = units;
          sc->rest_limit[n_rest] = limit;
          n_rest++;
        }
      }
      k++;
    }
    /* (3) mark to market. */
    double eq = st.cash + (double)st.pos / 1e8 * s->close[i];
    acc_return(&acc, eq / e_prev - 1.0);
    acc_equity(&acc, eq);
    if (equity) equity[i] = eq;
    e_prev = eq;
    i++;
  }
#undef SIG
  double ppy = e->periods_per_year > 0.0 ? e->periods_per_year : s->auto_periods_per_year;
  ret_metrics mt;
  acc_finish(&acc, ppy, &mt);
  double final_equity = e_prev;
  double cap = e->initial_capital;
  stats[FLOX_STAT_NET_PNL] = final_equity - cap;
  stats[FLOX_STAT_RETURN_PCT] = (final_equity - cap) / cap * 100.0;
  stats[FLOX_STAT_REALIZED_PNL] = st.realized;
  stats[FLOX_STAT_UNREALIZED_PNL] = (double)st.pos / 1e8 * (s->close[n - 1] - st.avg_entry);
  stats[FLOX_STAT_TOTAL_FEES] = st.fees;
  stats[FLOX_STAT_TOTAL_TRADES] = (double)st.trades;
  stats[FLOX_STAT_WINNING_TRADES] = (double)st.wins;
  stats[FLOX_STAT_LOSING_TRADES] = (double)st.losses;
  stats[FLOX_STAT_WIN_RATE] = st.trades > 0 ? (double)st.wins / (double)st.trades : 0.0;
  stats[FLOX_STAT_GROSS_PROFIT] = st.gross_profit;
  stats[FLOX_STAT_GROSS_LOSS] = st.gross_loss;
  stats[FLOX_STAT_PROFIT_FACTOR] = st.gross_loss > 0.0    ? st.gross_profit / st.gross_loss
                                   : st.gross_profit > 0.0 ? INFINITY
                                                           : 0.0;
  stats[FLOX_STAT_MAX_DRAWDOWN] = mt.max_dd;
  stats[FLOX_STAT_MAX_DRAWDOWN_PCT] = mt.max_dd_pct;
  stats[FLOX_STAT_SHARPE] = mt.sharpe;
  stats[FLOX_STAT_SORTINO] = mt.sortino;
  stats[FLOX_STAT_CALMAR] = mt.calmar;
  stats[FLOX_STAT_UNFILLED_ORDERS] = (double)((m - k) + n_rest);
  stats[FLOX_STAT_INITIAL_CAPITAL] = cap;
  stats[FLOX_STAT_FINAL_EQUITY] = final_equity;
  stats[FLOX_STAT_BARS] = (double)n;
  stats[FLOX_STAT_PERIODS_PER_YEAR] = ppy;
}

int32_t flox_engine_run(flox_engine *e, int32_t symbol, const uint8_t *signals, int64_t n_signals, double *stats_out,
                        int32_t want_equity, double *equity_out, int64_t equity_cap) {
  if (e == NULL || stats_out == NULL) return flox_fail(FLOX_E_INVALID_ARG, "engine and stats_out must not be NULL");
  if (n_signals < 0) return flox_fail(FLOX_E_INVALID_ARG, "signal count is %lld; must be >= 0", (long long)n_signals);
  if (n_signals > 0 && signals == NULL) return flox_fail(FLOX_E_INVALID_ARG, "signals is NULL");
  const bar_series *s = engine_find_series(e, symbol);
  if (s == NULL) return flox_fail(FLOX_E_NO_DATA, "no bars loaded for symbol %d; call loadBars first", symbol);
  if (want_equity && (equity_out == NULL || equity_cap < s->n))
    return flox_fail(FLOX_E_BUFFER_TOO_SMALL, "equity buffer holds %lld values; %lld bars need %lld",
                     (long long)equity_cap, (long long)s->n, (long long)s->n);
  int sorted = 1;
  int32_t st = signals_validate(signals, n_signals, "", &sorted);
  if (st != FLOX_OK) return st;
  if ((st = scratch_reserve(&e->scratch, n_signals)) != FLOX_OK) return st;
  if ((st = trades_reserve(&e->trades, n_signals)) != FLOX_OK) return st;
  engine_run_core(e, s, signals, n_signals, sorted, &e->scratch, stats_out, want_equity ? equity_out : NULL,
                  &e->trades);
  return FLOX_OK;
}

int64_t flox_engine_trade_count(const flox_engine *e) { return e ? e->trades.count : 0; }

int32_t flox_engine_copy_trades(const flox_engine *e, int64_t *entry_ts, int64_t *exit_ts, uint8_t *side, double *qty,
                                double *entry_price, double *exit_price, double *pnl, double *fee, int64_t cap) {
  if (e == NULL) return flox_fail(FLOX_E_INVALID_ARG, "engine is NULL");
  const trade_list *t = &e->trades;
  if (cap < t->count)
    return flox_fail(FLOX_E_BUFFER_TOO_SMALL, "trade buffers hold %lld rows; the last run has %lld trades",
                     (long long)cap, (long long)t->count);
  if (t->count == 0) return FLOX_OK;
  if (!entry_ts || !exit_ts || !side || !qty || !entry_price || !exit_price || !pnl || !fee)
    return flox_fail(FLOX_E_INVALID_ARG, "a trade column is NULL");
  size_t n = (size_t)t->count;
  memcpy(entry_ts, t->entry_ts, n * 8);
  memcpy(exit_ts, t->exit_ts, n * 8);
  memcpy(side, t->side, n);
  memcpy(qty, t->qty, n * 8);
  memcpy(entry_price, t->entry_price, n * 8);
  memcpy(exit_price, t->exit_price, n * 8);
  memcpy(pnl, t->pnl, n * 8);
  memcpy(fee, t->fee, n * 8);
  return FLOX_OK;
}
