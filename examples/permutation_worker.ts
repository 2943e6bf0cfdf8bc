// Worker for examples/permutation_test.ts: builds the SMA-cross signal columns of a range of
// permutations (pure TypeScript, no native code). Message in: { close, timestamps, seed, quantity,
// from, to }. Messages out: { index, timestamps, sides, quantities } per permutation (buffers
// transferred), then { done: true }; or { error }.
import { logReturns, permutedCloses, randomStream, smaCrossSignals } from "./synthetic.ts";

interface Job {
  close: Float64Array;
  timestamps: BigInt64Array;
  seed: number;
  quantity: number;
  from: number;
  to: number;
}

// The worker scope, typed locally so this file checks under both Deno's and Bun's lib types.
const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<Job>) => void) | null;
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
};

scope.onmessage = (e: MessageEvent<Job>) => {
  const { close, timestamps, seed, quantity, from, to } = e.data;
  try {
    const returns = logReturns(close);
    for (let index = from; index < to; index++) {
      const path = permutedCloses(close, randomStream(seed, index), returns);
      const columns = smaCrossSignals(path, timestamps, { fast: 10, slow: 30, quantity });
      const buffers = [columns.timestamps.buffer, columns.sides.buffer, columns.quantities.buffer];
      scope.postMessage({ index, ...columns }, buffers as ArrayBuffer[]);
    }
    scope.postMessage({ done: true });
  } catch (error) {
    scope.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
};
