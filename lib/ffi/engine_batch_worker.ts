// Bun only: runs one flox_engine_run_batch per message on this Worker's thread, so the main
// thread's event loop keeps running. The engine handle, the progress counter and the signal
// buffers belong to the main thread, which keeps them alive until this worker answers; here they
// are only addresses. This file opens libflox itself (the same library, already loaded in the
// process, so the addresses are valid here).
import { STAT_COUNT } from "./layout_engine.ts";
import { backend, lib } from "./load.ts";
import type { BatchJob, BatchReply } from "./engine_native.ts";

const scope = globalThis as unknown as {
  onmessage: ((event: { data: BatchJob }) => void) | null;
  postMessage(message: BatchReply, transfer?: ArrayBuffer[]): void;
};

scope.onmessage = (event) => {
  const job = event.data;
  const stats = new Float64Array(Math.max(job.n * STAT_COUNT, 1));
  const status = lib.flox_engine_run_batch(
    backend.handleFrom(job.engine),
    job.symbol,
    job.addresses,
    job.counts,
    BigInt(job.n),
    job.threads,
    stats,
    backend.handleFrom(job.progress),
  );
  scope.postMessage({ status, stats }, [stats.buffer as ArrayBuffer]);
};
