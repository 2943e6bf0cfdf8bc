// Extra ccxt constructor options for `flox tape record` / `backfill`: --ccxt-config takes inline JSON
// or a path to a JSON file; FLOX_CCXT_CONFIG in the environment does the same. Typical uses: API
// keys, a proxy, a sandbox/testnet, a different hostname, exchange `options`.
import { readFileSync } from "node:fs";
import { UsageError } from "./args.ts";

export function ccxtConfigFrom(
  raw: string | undefined,
  env: Record<string, string | undefined>,
): Record<string, unknown> | undefined {
  const text = raw ?? env.FLOX_CCXT_CONFIG;
  if (text === undefined || text === "") return undefined;
  const where = raw !== undefined ? "--ccxt-config" : "FLOX_CCXT_CONFIG";
  let json = text.trim();
  if (!json.startsWith("{")) {
    try {
      json = readFileSync(json, "utf8");
    } catch (e) {
      throw new UsageError(`${where}: cannot read ${text}: ${(e as Error).message}`);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    throw new UsageError(`${where}: not valid JSON: ${(e as Error).message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new UsageError(`${where}: must be a JSON object of ccxt constructor options`);
  }
  return value as Record<string, unknown>;
}
