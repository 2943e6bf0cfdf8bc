// Argument parsing for the `flox` command line: each command declares its options and positionals,
// and every mistake becomes a UsageError whose message names the argument (exit code 2).
//
// Accepted forms: `--name value`, `--name=value`, `-n value`, flags without a value, options and
// positionals in any order, `--` ends the options. `-h`/`--help` anywhere asks for the help text.

/** A mistake on the command line; the caller prints it with the usage line and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * How an option's value is read:
 * - `flag`: no value, true when present;
 * - `string`: the text as given (non-empty);
 * - `count`: a non-negative integer that fits a JS number exactly (event counts, sizes);
 * - `bigint`: a non-negative integer up to 2^63-1, kept as a bigint (nanosecond values).
 */
export type OptionKind = "flag" | "string" | "count" | "bigint";

export interface OptionSpec {
  /** Long name without the dashes, e.g. "max-events". */
  name: string;
  /** One-letter alias without the dash, e.g. "o". */
  short?: string;
  kind: OptionKind;
  /** Placeholder shown in help, e.g. "N" or "DIR". */
  valueName?: string;
  description: string;
  /** May be given more than once; read all values with ParsedArgs.all(). */
  repeatable?: boolean;
  /** Custom conversion of the raw text (after the kind's own check); throw UsageError to reject. */
  parse?: (raw: string, option: string) => unknown;
}

export interface PositionalSpec {
  /** Shown in usage and errors, e.g. "DIR". */
  name: string;
  description: string;
  optional?: boolean;
  /** Takes every remaining positional (last spec only). */
  variadic?: boolean;
}

export interface ArgsSpec {
  options: readonly OptionSpec[];
  positionals: readonly PositionalSpec[];
}

/** The outcome of a successful parse. Values are already converted to their kind. */
export class ParsedArgs {
  constructor(
    /** Positionals in the order given. */
    readonly positionals: readonly string[],
    private readonly values: ReadonlyMap<string, readonly unknown[]>,
  ) {}

  /** The positional declared under `name` (first positional spec = index 0). */
  positional(index: number): string | undefined {
    return this.positionals[index];
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  flag(name: string): boolean {
    return this.values.has(name);
  }

  string(name: string): string | undefined {
    return this.last(name) as string | undefined;
  }

  count(name: string): number | undefined {
    return this.last(name) as number | undefined;
  }

  bigint(name: string): bigint | undefined {
    return this.last(name) as bigint | undefined;
  }

  /** Every value of a repeatable option, in order (empty when absent). */
  all(name: string): readonly unknown[] {
    return this.values.get(name) ?? [];
  }

  /** The converted value of an option with a custom `parse`. */
  value<T>(name: string): T | undefined {
    return this.last(name) as T | undefined;
  }

  private last(name: string): unknown {
    const list = this.values.get(name);
    return list === undefined ? undefined : list[list.length - 1];
  }
}

/** True when the user asked for help anywhere before a `--`. */
export function wantsHelp(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === "--") return false;
    if (arg === "-h" || arg === "--help") return true;
  }
  return false;
}

/** Parses `argv` against `spec`; throws UsageError naming the offending argument. */
export function parseArgs(argv: readonly string[], spec: ArgsSpec): ParsedArgs {
  const byLong = new Map(spec.options.map((o) => [o.name, o]));
  const byShort = new Map(spec.options.filter((o) => o.short).map((o) => [o.short!, o]));
  const positionals: string[] = [];
  const values = new Map<string, unknown[]>();

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    // A lone "-" (stdin by convention) and negative numbers are positionals, not options.
    if (!arg.startsWith("-") || arg === "-" || /^-\d/.test(arg)) {
      positionals.push(arg);
      continue;
    }
    let name: string;
    let inline: string | undefined;
    let option: OptionSpec | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
      option = byLong.get(name);
      if (!option) throw new UsageError(`unknown option '--${name}'${suggest(name, spec.options)}`);
    } else {
      const letter = arg.slice(1, 2);
      inline = arg.length > 2 ? (arg[2] === "=" ? arg.slice(3) : arg.slice(2)) : undefined;
      option = byShort.get(letter);
      if (!option) throw new UsageError(`unknown option '-${letter}'`);
      name = option.name;
    }
    const shown = `--${option.name}`;
    if (values.has(option.name) && !option.repeatable) throw new UsageError(`${shown} given more than once`);

    let value: unknown = true;
    if (option.kind === "flag") {
      if (inline !== undefined) throw new UsageError(`${shown} takes no value (got '${inline}')`);
    } else {
      let raw = inline;
      if (raw === undefined) {
        const next = argv[i + 1];
        // "--max-events --json": the value was forgotten; don't swallow the next option.
        if (next === undefined || (next.startsWith("-") && next !== "-" && !/^-\d/.test(next))) {
          throw new UsageError(`${shown} needs a value (${option.valueName ?? "VALUE"})`);
        }
        raw = next;
        i++;
      }
      value = convert(raw, option, shown);
    }
    const list = values.get(option.name);
    if (list) list.push(value);
    else values.set(option.name, [value]);
  }

  checkPositionals(positionals, spec.positionals);
  return new ParsedArgs(positionals, values);
}

const MAX_I64 = (1n << 63n) - 1n;

function convert(raw: string, option: OptionSpec, shown: string): unknown {
  let value: unknown = raw;
  switch (option.kind) {
    case "string":
      if (raw === "") throw new UsageError(`${shown} needs a non-empty value`);
      break;
    case "count": {
      const n = parseNonNegative(raw, shown);
      if (n > BigInt(Number.MAX_SAFE_INTEGER)) {
        throw new UsageError(`${shown} is too large: ${raw} (at most ${Number.MAX_SAFE_INTEGER})`);
      }
      value = Number(n);
      break;
    }
    case "bigint": {
      const n = parseNonNegative(raw, shown);
      if (n > MAX_I64) throw new UsageError(`${shown} is too large: ${raw} (at most ${MAX_I64})`);
      value = n;
      break;
    }
  }
  return option.parse ? option.parse(raw, shown) : value;
}

/** Decimal digits, optionally grouped with underscores (1_000_000). */
function parseNonNegative(raw: string, shown: string): bigint {
  if (!/^\d+(_\d+)*$/.test(raw)) {
    throw new UsageError(`${shown} must be a non-negative integer, got '${raw}'`);
  }
  return BigInt(raw.replaceAll("_", ""));
}

function checkPositionals(given: readonly string[], specs: readonly PositionalSpec[]): void {
  const required = specs.filter((p) => !p.optional && !p.variadic).length;
  if (given.length < required) {
    const missing = specs.slice(given.length).filter((p) => !p.optional).map((p) => p.name);
    throw new UsageError(`missing ${missing.length > 1 ? "arguments" : "argument"} ${missing.join(" ")}`);
  }
  const variadic = specs.length > 0 && specs[specs.length - 1].variadic;
  if (!variadic && given.length > specs.length) {
    throw new UsageError(`unexpected argument '${given[specs.length]}'`);
  }
}

/** ", did you mean '--x'?" for a near miss (edit distance <= 2), else "". */
function suggest(name: string, options: readonly OptionSpec[]): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const o of options) {
    const d = editDistance(name, o.name);
    if (d < bestDistance) {
      bestDistance = d;
      best = o.name;
    }
  }
  return best === undefined ? "" : `; did you mean '--${best}'?`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}
