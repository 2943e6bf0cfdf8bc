// The tape library functions the `flox tape` commands use, loaded on first use so that help and
// usage errors never load the native library (type imports cost nothing at run time).
import type { ReplayHandlers } from "../tape/replay.ts";
import type { TapeDiff, TapeInfo, TradeRow } from "../tape/types.ts";

export type { ReplayHandlers, TapeDiff, TapeInfo, TradeRow };

export interface TapeApi {
  inspectTape(dir: string): TapeInfo;
  replayTape(dir: string, handlers: ReplayHandlers): number;
  tapeDiff(
    left: string,
    right: string,
    options?: { maxMismatches?: number; fieldToleranceNs?: number | bigint },
  ): TapeDiff;
}

/** Loads the tape functions (and with them libflox) from mod.ts. */
export async function loadTapeApi(): Promise<TapeApi> {
  const { inspectTape, replayTape, tapeDiff } = await import("../../mod.ts");
  return { inspectTape, replayTape, tapeDiff };
}
