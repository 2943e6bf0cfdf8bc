// A Worker that publishes synthetic trades into a runner's ring through RingProducer (the pattern a
// feed handler in a Worker follows). Message in: { ticket, producer, count, mode: "single" | "batch",
// batch?, books? }. Event n of producer p: symbol p, tsNs n, price 1 + n % 1000, qty 1, side n & 1;
// with `books`, every 1000th event is a one-level book snapshot (tsNs n, bid 1 + n % 1000) instead.
// Message out: { producer, published, waits } or { producer, error }.
import { RingProducer, type RingTicket } from "../../lib/ring.ts";

interface Job {
  ticket: RingTicket;
  producer: number;
  count: number;
  mode: "single" | "batch";
  batch?: number;
  books?: boolean;
}

// The worker scope, typed locally so this file checks under both Deno's and Bun's lib types.
const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<Job>) => void) | null;
  postMessage(message: unknown): void;
};
const post = (m: unknown) => scope.postMessage(m);

scope.onmessage = (e: MessageEvent<Job>) => {
  const { ticket, producer, count, mode, books } = e.data;
  try {
    // `using` releases the producer when done, so the runner may free the ring on close().
    using ring = RingProducer.fromTicket(ticket);
    if (mode === "single") {
      const bp = new Float64Array(1), bq = new Float64Array([2]), none = new Float64Array(0);
      for (let n = 0; n < count; n++) {
        if (books && n % 1000 === 999) {
          bp[0] = 1 + (n % 1000);
          ring.publishBook(producer, bp, bq, none, none, BigInt(n), true);
        } else {
          ring.publishTrade(producer, 1 + (n % 1000), 1, (n & 1) === 0, BigInt(n));
        }
      }
    } else {
      const size = e.data.batch ?? 1024;
      const cols = {
        symbols: new Uint32Array(size).fill(producer),
        tsNs: new BigInt64Array(size),
        prices: new Float64Array(size),
        qtys: new Float64Array(size).fill(1),
        sides: new Uint8Array(size),
      };
      for (let base = 0; base < count; base += size) {
        const m = Math.min(size, count - base);
        for (let i = 0; i < m; i++) {
          const n = base + i;
          cols.tsNs[i] = BigInt(n);
          cols.prices[i] = 1 + (n % 1000);
          cols.sides[i] = n & 1;
        }
        ring.publishTrades(
          m === size ? cols : {
            symbols: cols.symbols.subarray(0, m),
            tsNs: cols.tsNs.subarray(0, m),
            prices: cols.prices.subarray(0, m),
            qtys: cols.qtys.subarray(0, m),
            sides: cols.sides.subarray(0, m),
          },
        );
      }
    }
    post({ producer, published: count, waits: ring.waits });
  } catch (err) {
    post({ producer, error: String(err), code: (err as { codeName?: string }).codeName });
  }
};
