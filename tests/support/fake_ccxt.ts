// A ccxt.pro binance instance pointed at a FakeExchange, markets loaded.
import ccxt from "ccxt";
import type { FakeExchange } from "./fake_exchange.ts";
import type { ProExchange } from "../../lib/live/ccxt_feed.ts";

// deno-lint-ignore no-explicit-any
export type AnyExchange = ProExchange & Record<string, any>;

export async function fakeBinance(fx: FakeExchange): Promise<AnyExchange> {
  // deno-lint-ignore no-explicit-any
  const ex = new (ccxt.pro as any).binance(fx.ccxtConfig());
  // ccxt refuses plain ws:// urls under Node-compatible runtimes until an http agent is loaded.
  await ex.loadHttpProxyAgent();
  await ex.loadMarkets();
  return ex;
}

/** Polls `cond` every 5 ms until true; throws with `what` after `timeoutMs`. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
