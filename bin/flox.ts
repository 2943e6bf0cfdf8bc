// The `flox` command line: `deno task flox …`, `bun run flox …`, or `deno run -A bin/flox.ts …`.
import process from "node:process";
import { main } from "../lib/cli/main.ts";

process.exit(await main(process.argv.slice(2)));
