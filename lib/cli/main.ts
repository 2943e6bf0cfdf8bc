// The `flox` command line: finds the command group and subcommand, prints help, parses arguments
// and turns every outcome into an exit code (see ExitCode in command.ts). Commands load the native
// library lazily, so help and usage errors work even where libflox is missing.
import process from "node:process";
import { FloxError } from "../errors.ts";
import { parseArgs, UsageError, wantsHelp } from "./args.ts";
import {
  type Command,
  type CommandGroup,
  ExitCode,
  makeContext,
  renderCommandHelp,
  renderGroupHelp,
  table,
  usageLine,
} from "./command.ts";
import { type Output, processOutputs } from "./output.ts";
import { tapeGroup } from "./tape_commands.ts";

export const PROGRAM = "flox";

/** Every command group, in help order. */
export const groups: readonly CommandGroup[] = [tapeGroup];

export interface MainIO {
  out: Output;
  err: Output;
  env: Record<string, string | undefined>;
}

/** Runs `flox` with `argv` (without the runtime and script path); returns the exit code. */
export async function main(argv: readonly string[], io?: MainIO): Promise<number> {
  const { out, err, env } = io ?? { ...processOutputs(), env: process.env };
  try {
    return await dispatch(argv, out, err, env);
  } finally {
    out.flush();
    err.flush();
  }
}

async function dispatch(argv: readonly string[], out: Output, err: Output, env: MainIO["env"]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    err.write(topHelp());
    return ExitCode.USAGE;
  }
  if (first === "-h" || first === "--help" || first === "help") {
    out.write(topHelp());
    return ExitCode.OK;
  }
  if (first === "-V" || first === "--version") return await printVersion(out, err);
  const group = groups.find((g) => g.name === first);
  if (!group) {
    err.write(`${PROGRAM}: unknown command '${first}'\n${topHelp()}`);
    return ExitCode.USAGE;
  }
  return await runGroup(group, rest, out, err, env);
}

async function runGroup(
  group: CommandGroup,
  argv: readonly string[],
  out: Output,
  err: Output,
  env: MainIO["env"],
): Promise<number> {
  const groupPath = `${PROGRAM} ${group.name}`;
  const [word, ...rest] = argv;
  if (word === undefined) {
    err.write(renderGroupHelp(PROGRAM, group));
    return ExitCode.USAGE;
  }
  if (word === "-h" || word === "--help" || word === "help") {
    out.write(renderGroupHelp(PROGRAM, group));
    return ExitCode.OK;
  }
  const command = group.commands.find((c) => c.name === word);
  if (!command) {
    err.write(`${groupPath}: unknown command '${word}'\n\n${renderGroupHelp(PROGRAM, group)}`);
    return ExitCode.USAGE;
  }
  const path = `${groupPath} ${command.name}`;
  if (wantsHelp(rest)) {
    out.write(renderCommandHelp(path, command));
    return ExitCode.OK;
  }
  return await runCommand(path, command, rest, out, err, env);
}

async function runCommand(
  path: string,
  command: Command,
  argv: readonly string[],
  out: Output,
  err: Output,
  env: MainIO["env"],
): Promise<number> {
  try {
    // A command that is not in this build explains itself whatever the arguments.
    const args = command.available === false ? parseArgs([], command) : parseArgs(argv, command);
    return await command.run(args, makeContext(path, out, err, env));
  } catch (e) {
    out.flush();
    if (e instanceof UsageError) {
      err.write(`${path}: ${e.message}\n${usageLine(path, command)}\nRun '${path} --help' for details.\n`);
      return ExitCode.USAGE;
    }
    if (e instanceof FloxError) {
      // Missing paths, unreadable or malformed tapes: the message names the path and the problem.
      err.write(`${path}: ${e.message} [${e.codeName}]\n`);
      return ExitCode.USAGE;
    }
    const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
    err.write(`${path}: internal error (please report it): ${detail}\n`);
    return ExitCode.INTERNAL;
  }
}

function topHelp(): string {
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    "",
    "flox for Deno and Bun: trading research and execution on a native engine.",
    "",
    "Commands:",
    ...table(groups.map((g) => [g.name, g.summary])),
    "",
    "Options:",
    ...table([["-h, --help", "Show this help"], ["-V, --version", "Print the versions of flox and its runtime"]]),
    "",
    `Run '${PROGRAM} <command> --help' for the subcommands of a command.`,
    "",
  ].join("\n");
}

async function printVersion(out: Output, err: Output): Promise<number> {
  const versions = process.versions as Record<string, string | undefined>;
  const runtime = versions.bun !== undefined ? `bun ${versions.bun}` : `deno ${versions.deno ?? "?"}`;
  try {
    const { version, libraryPath } = await import("../version.ts");
    out.write(`${PROGRAM} ${version} (${runtime}; libflox ${libraryPath})\n`);
    return ExitCode.OK;
  } catch (e) {
    err.write(`${PROGRAM}: ${e instanceof Error ? e.message : String(e)}\n`);
    return ExitCode.USAGE;
  }
}
