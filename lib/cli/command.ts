// What a `flox` subcommand is (its arguments, help text and run function) and how its help is
// rendered. Each subcommand lives in its own file and is listed in a group's registry
// (lib/cli/tape_commands.ts for `flox tape …`).
import type { ArgsSpec, OptionSpec, ParsedArgs, PositionalSpec } from "./args.ts";
import type { Output } from "./output.ts";
import { Progress, progressWanted } from "./progress.ts";

/** Process exit codes of every `flox` command. */
export const ExitCode = {
  /** Success; for `diff`, the tapes are equal. */
  OK: 0,
  /** The command ran and the answer is "no": `diff` found a divergence, `record` failed to write. */
  FAILED: 1,
  /** Bad usage, or input that cannot be read (missing path, not a tape, damaged beyond reading). */
  USAGE: 2,
  /** A bug in flox: an unexpected exception (the message says so and shows the stack). */
  INTERNAL: 3,
} as const;

/** What a running command gets besides its arguments. */
export interface CommandContext {
  /** Full command name for messages, e.g. "flox tape diff". */
  readonly name: string;
  readonly out: Output;
  readonly err: Output;
  readonly env: Record<string, string | undefined>;
  /** A progress line on stderr (drawn only on a terminal; see progress.ts). */
  progress(label: string, unit?: string): Progress;
}

export interface Command extends ArgsSpec {
  /** Word after the group, e.g. "inspect". */
  readonly name: string;
  /** One line for the group's command list. */
  readonly summary: string;
  /** Paragraphs after the usage line in `--help`. */
  readonly description?: string;
  readonly examples?: readonly string[];
  /** Exit codes worth listing in `--help`. */
  readonly exitCodes?: readonly (readonly [number, string])[];
  /** False for a command whose module is not part of this build; `run` then explains. */
  readonly available?: boolean;
  run(args: ParsedArgs, context: CommandContext): number | Promise<number>;
}

/** A word that groups subcommands, e.g. `tape`. */
export interface CommandGroup {
  readonly name: string;
  readonly summary: string;
  readonly description: string;
  readonly commands: readonly Command[];
}

export function makeContext(name: string, out: Output, err: Output, env: Record<string, string | undefined>) {
  const wanted = progressWanted(err, env);
  return {
    name,
    out,
    err,
    env,
    progress: (label: string, unit?: string) => new Progress(err, label, wanted, unit),
  } satisfies CommandContext;
}

/** "flox tape diff LEFT RIGHT [--ts-tolerance-ns N] [--json]" */
export function usageLine(path: string, command: ArgsSpec): string {
  const parts = [path];
  for (const p of command.positionals) {
    const shown = p.variadic ? `${p.name}...` : p.name;
    parts.push(p.optional || p.variadic ? `[${shown}]` : shown);
  }
  for (const o of command.options) parts.push(`[${optionSignature(o)}]`);
  return `Usage: ${wrap(parts.join(" "), 100, "         ")}`;
}

export function renderCommandHelp(path: string, command: Command): string {
  const lines = [usageLine(path, command), "", command.summary + "."];
  if (command.description) lines.push("", command.description.trim());
  if (command.positionals.length > 0) {
    lines.push("", "Arguments:");
    lines.push(...table(command.positionals.map((p: PositionalSpec) => [p.name, p.description])));
  }
  const options: [string, string][] = command.options.map((o) => [optionLabel(o), o.description]);
  options.push(["-h, --help", "Show this help"]);
  lines.push("", "Options:", ...table(options));
  if (command.exitCodes && command.exitCodes.length > 0) {
    lines.push("", "Exit codes:", ...table(command.exitCodes.map(([c, text]) => [String(c), text])));
  }
  if (command.examples && command.examples.length > 0) {
    lines.push("", "Examples:", ...command.examples.map((e) => `  ${e}`));
  }
  return lines.join("\n") + "\n";
}

export function renderGroupHelp(program: string, group: CommandGroup): string {
  const path = `${program} ${group.name}`;
  const lines = [
    `Usage: ${path} <command> [options]`,
    "",
    group.description.trim(),
    "",
    "Commands:",
    ...table(group.commands.map((c) => [c.name, c.summary + (c.available === false ? " (not in this build)" : "")])),
    "",
    `Run '${path} <command> --help' for a command's options.`,
  ];
  return lines.join("\n") + "\n";
}

function optionSignature(o: OptionSpec): string {
  return o.kind === "flag" ? `--${o.name}` : `--${o.name} ${o.valueName ?? "VALUE"}`;
}

function optionLabel(o: OptionSpec): string {
  return (o.short ? `-${o.short}, ` : "    ") + optionSignature(o);
}

/** Two columns, the second wrapped to the terminal-friendly width. */
export function table(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.min(28, Math.max(...rows.map(([left]) => left.length)) + 2);
  const out: string[] = [];
  for (const [left, right] of rows) {
    const indent = " ".repeat(2 + width);
    const text = wrap(right, 100 - indent.length, indent);
    if (left.length + 2 > width) out.push(`  ${left}`, indent + text);
    else out.push(`  ${left.padEnd(width)}${text}`);
  }
  return out;
}

function wrap(text: string, width: number, indent: string): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = "";
  for (const word of words) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line.length > 0 ? `${line} ${word}` : word;
    }
  }
  if (line.length > 0) lines.push(line);
  return lines.join("\n" + indent);
}
