// The tape library functions the `flox tape` commands use, loaded on first use so that help and
// usage errors never load the native library (type imports cost nothing at run time).
import type { tapeDiff } from "../tape/diff.ts";
import type { inspectTape } from "../tape/inspect.ts";
import type { replayTape } from "../tape/replay.ts";
import type { TapeDiff, TapeInfo, TradeRow } from "../tape/types.ts";

export type { TapeDiff, TapeInfo, TradeRow };

export interface TapeApi {
  inspectTape: typeof inspectTape;
  replayTape: typeof replayTape;
  tapeDiff: typeof tapeDiff;
}

/** Loads the tape functions (and with them libflox) from mod.ts. */
export async function loadTapeApi(): Promise<TapeApi> {
  const { inspectTape, replayTape, tapeDiff } = await import("../../mod.ts");
  return { inspectTape, replayTape, tapeDiff };
}
