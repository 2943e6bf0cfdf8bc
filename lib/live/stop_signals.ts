// SIGINT / SIGTERM as a stop request. The first signal asks for a clean stop (the caller drains
// and closes the tape); a second one while stopping forces an exit, for a wedged shutdown.
import process from "node:process";

export type StopReason = "SIGINT" | "SIGTERM";

/** Calls `onStop` on the first SIGINT/SIGTERM and `onForce` on a later one; returns an unsubscribe. */
export function onStopSignals(onStop: (reason: StopReason) => void, onForce: (reason: StopReason) => void): () => void {
  let count = 0;
  const handlers = new Map<StopReason, () => void>();
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    const h = () => {
      count++;
      if (count === 1) onStop(sig);
      else onForce(sig);
    };
    handlers.set(sig, h);
    process.on(sig, h);
  }
  return () => {
    for (const [sig, h] of handlers) process.off(sig, h);
  };
}
