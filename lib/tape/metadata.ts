// metadata.json of a tape: the venue name and symbol names (FLOX's RecordingMetadata), read leniently.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface TapeMetadata {
  exchange?: string;
  symbolNames?: Record<number, string>;
}

/** Reads <dir>/metadata.json; absent or unparsable metadata gives {} (it is optional in FLOX too). */
export function readTapeMetadata(dir: string): TapeMetadata {
  let text: string;
  try {
    text = readFileSync(join(dir, "metadata.json"), "utf8");
  } catch {
    return {};
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof doc !== "object" || doc === null) return {};
  const d = doc as { exchange?: unknown; symbols?: unknown };
  const out: TapeMetadata = {};
  if (typeof d.exchange === "string") out.exchange = d.exchange;
  if (Array.isArray(d.symbols)) {
    const names: Record<number, string> = {};
    for (const s of d.symbols as { symbol_id?: unknown; name?: unknown }[]) {
      if (typeof s?.symbol_id === "number" && typeof s.name === "string") names[s.symbol_id] = s.name;
    }
    out.symbolNames = names;
  }
  return out;
}
