// The feed side of examples/live_runner.ts: a Worker that publishes a synthetic BTCUSDT trade stream
// (and a book snapshot every 25 trades) straight into the runner's native ring.
import { RingProducer, type RingTicket } from "../mod.ts";

const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<{ ticket: RingTicket; symbol: number; trades: number }>) => void) | null;
  postMessage(message: unknown): void;
};

scope.onmessage = (e) => {
  const { ticket, symbol, trades } = e.data;
  using feed = RingProducer.fromTicket(ticket); // released when done: the runner may then free the ring
  const bidPx = new Float64Array(5), bidQty = new Float64Array(5).fill(1.5);
  const askPx = new Float64Array(5), askQty = new Float64Array(5).fill(1.2);
  let price = 50_000;
  let t = BigInt(Date.now()) * 1_000_000n;
  for (let i = 0; i < trades; i++) {
    // A slow wave plus noise: enough swings for an SMA cross to trade.
    price = Math.round((50_000 + 400 * Math.sin(i / 300) + 40 * Math.sin(i / 7)) * 100) / 100;
    t += 50_000_000n; // 50 ms apart
    feed.publishTrade(symbol, price, 0.01 + (i % 5) / 100, i % 3 !== 0, t);
    if (i % 25 === 0) {
      for (let l = 0; l < 5; l++) {
        bidPx[l] = price - 0.5 - l;
        askPx[l] = price + 0.5 + l;
      }
      feed.publishBook(symbol, bidPx, bidQty, askPx, askQty, t, true);
    }
  }
  scope.postMessage({ done: trades, waits: feed.waits });
};
