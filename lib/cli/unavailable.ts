// A subcommand whose module is not part of this build: it keeps its place in the help and says
// clearly that it is not available, instead of "unknown command".
import type { PositionalSpec } from "./args.ts";
import { type Command, ExitCode } from "./command.ts";

export function unavailableCommand(spec: { name: string; summary: string; positionals: PositionalSpec[] }): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    description: "Provided by the record module (ccxt capture); it is not available in this build.",
    positionals: spec.positionals.map((p) => ({ ...p, optional: true })),
    options: [],
    available: false,
    // Accept anything: the answer is the same whatever the arguments.
    run(_args, context) {
      context.err.write(`${context.name}: not available in this build (provided by the record module)\n`);
      return ExitCode.USAGE;
    },
  };
}
