// Options shared by the commands that write a tape from ccxt (`record`, `backfill`).
import { type OptionSpec, UsageError } from "./args.ts";

function compressionOption(raw: string, option: string): "none" | "lz4" {
  if (raw !== "none" && raw !== "lz4") throw new UsageError(`${option} must be none or lz4, got '${raw}'`);
  return raw;
}

/** --max-segment-mb and --compression, read by both commands into makeRecorderHook options. */
export const tapeWriterOptions: OptionSpec[] = [
  {
    name: "max-segment-mb",
    kind: "count",
    valueName: "MB",
    description: "Rotate segments at this size (default 256)",
  },
  {
    name: "compression",
    kind: "string",
    valueName: "none|lz4",
    description: "Segment compression (default none)",
    parse: compressionOption,
  },
];

/** --ccxt-config, read by ccxtConfigFrom. */
export const ccxtConfigOption: OptionSpec = {
  name: "ccxt-config",
  kind: "string",
  valueName: "JSON|FILE",
  description: "Extra ccxt constructor options (keys, proxy, urls, options) as JSON or a JSON file; " +
    "default $FLOX_CCXT_CONFIG",
};
