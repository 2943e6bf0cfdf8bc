// Opening a ccxt exchange by id, for live (ccxt.pro) or REST use, with its markets loaded.
import ccxt from "ccxt";
import { FloxError, invalidArgument } from "../errors.ts";
import { FloxStatus } from "../status_codes.ts";
import type { MarketInfo } from "./symbol_spec.ts";
import type { ProExchange } from "./ccxt_feed.ts";
import { errorText } from "./ccxt_feed.ts";

/** The ccxt exchange surface live recording and backfill use. */
export interface CcxtExchange {
  readonly id: string;
  markets: Record<string, MarketInfo>;
  has: Record<string, unknown>;
  options: Record<string, unknown>;
  rateLimit: number;
  loadMarkets(): Promise<unknown>;
  close(): Promise<void>;
}

export type LiveExchange = CcxtExchange & ProExchange;

export interface RestExchange extends CcxtExchange {
  fetchTrades(symbol: string, since?: number, limit?: number, params?: Record<string, unknown>): Promise<
    { id?: string; timestamp?: number; price?: number; amount?: number; side?: string }[]
  >;
  fetchOHLCV(
    symbol: string,
    timeframe?: string,
    since?: number,
    limit?: number,
    params?: Record<string, unknown>,
  ): Promise<
    number[][]
  >;
  timeframes?: Record<string, unknown>;
  parseTimeframe(timeframe: string): number;
}

/**
 * Creates `ccxt.pro[id]` (live) or `ccxt[id]` (REST) with rate limiting on, `config` merged into the
 * constructor options (urls, keys, proxies, options), and loads the markets.
 * Throws FloxError: INVALID_ARG for an unknown id, UNSUPPORTED when the exchange has no websocket
 * interface, IO when the markets cannot be loaded.
 */
export async function openExchange(id: string, live: true, config?: Record<string, unknown>): Promise<LiveExchange>;
export async function openExchange(id: string, live: false, config?: Record<string, unknown>): Promise<RestExchange>;
export async function openExchange(
  id: string,
  live: boolean,
  config: Record<string, unknown> = {},
): Promise<LiveExchange | RestExchange> {
  // deno-lint-ignore no-explicit-any
  const registry = (live ? ccxt.pro : ccxt) as unknown as Record<string, any>;
  const exchanges: string[] = live ? (ccxt.pro as unknown as { exchanges: string[] }).exchanges : ccxt.exchanges;
  if (!exchanges.includes(id) || typeof registry[id] !== "function") {
    if (live && ccxt.exchanges.includes(id)) {
      throw new FloxError(FloxStatus.UNSUPPORTED, `exchange "${id}": ccxt has no websocket (pro) interface for it`);
    }
    const near = exchanges.filter((e) => e.startsWith(id.slice(0, 3).toLowerCase())).slice(0, 8);
    throw invalidArgument(
      "openExchange",
      `unknown exchange "${id}" (use a ccxt exchange id${near.length ? `, e.g. ${near.join(", ")}` : ""})`,
    );
  }
  const userOptions = (config.options ?? {}) as Record<string, unknown>;
  // A deeper trade cache than ccxt's 1000 so a slow consumer does not miss trades in a burst.
  const exchange = new registry[id]({
    enableRateLimit: true,
    ...config,
    options: { tradesLimit: 10_000, ...userOptions },
  }) as LiveExchange & RestExchange & { loadHttpProxyAgent?: () => Promise<unknown> };
  const urls = JSON.stringify(config.urls ?? {});
  // ccxt refuses plain ws:// urls (local test venues) in Node-compatible runtimes without an agent.
  if (urls.includes("ws://") && exchange.loadHttpProxyAgent) await exchange.loadHttpProxyAgent();
  try {
    await exchange.loadMarkets();
  } catch (e) {
    throw new FloxError(FloxStatus.IO, `exchange "${id}": loading markets failed: ${errorText(e)}`, { cause: e });
  }
  return exchange;
}
