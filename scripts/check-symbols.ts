// Checks the FFI table against the header: every FLOX_API prototype in cabi/include/flox.h must
// appear, verbatim (whitespace aside), as the comment above its entry in lib/ffi/symbols/*.ts, or
// be listed as `// not exposed: <name>: <reason>`; and each entry's kinds must fit the C types.
// Run: deno run -A scripts/check-symbols.ts   (also works with bun run)
import { readdirSync, readFileSync } from "node:fs";
import process from "node:process";
import { symbols } from "../lib/ffi/symbols.ts";
import type { SymbolDef } from "../lib/ffi/types.ts";

const root = new URL("..", import.meta.url);
const header = readFileSync(new URL("cabi/include/flox.h", root), "utf8");
const squash = (s: string) => s.replace(/\s+/g, " ").replace(/\( /g, "(").replace(/ \)/g, ")").trim();

// Prototypes: "FLOX_API <decl>;" possibly across lines; drop block comments first.
const prototypes = new Map<string, string>();
for (const m of header.replace(/\/\*[\s\S]*?\*\//g, "").matchAll(/^FLOX_API\s+([^;]+);/gm)) {
  const decl = squash(m[1]);
  const name = decl.match(/(\w+)\s*\(/)?.[1];
  if (name) prototypes.set(name, decl + ";");
}

// Comments above each table key, and explicit "not exposed" notes.
const dir = new URL("lib/ffi/symbols/", root);
const commented = new Map<string, string>();
const notExposed = new Set<string>();
for (const file of readdirSync(dir)) {
  const lines = readFileSync(new URL(file, dir), "utf8").split("\n");
  let pending: string[] = [];
  for (const line of lines) {
    const t = line.trim();
    const skip = t.match(/^\/\/ not exposed: (\w+)/);
    if (skip) notExposed.add(skip[1]);
    else if (t.startsWith("//")) pending.push(t.slice(2).trim());
    const key = t.match(/^(\w+): \{/);
    if (key) {
      commented.set(key[1], squash(pending.join(" ")));
      pending = [];
    } else if (!t.startsWith("//")) pending = [];
  }
}

function kindsFor(cType: string, isResult: boolean): string[] {
  const t = cType.replace(/\bconst\b/g, "").replace(/\s+/g, " ").trim();
  if (t.includes("*")) return isResult ? ["pointer"] : ["pointer", "buffer"];
  const map: Record<string, string> = {
    void: "void",
    int32_t: "i32",
    int: "i32",
    uint32_t: "u32",
    int64_t: "i64",
    uint64_t: "u64",
    double: "f64",
    uint8_t: "u32",
  };
  return map[t] ? [map[t]] : [];
}

const problems: string[] = [];
const table = symbols as unknown as Record<string, SymbolDef>;
for (const [key, def] of Object.entries(table)) {
  const cName = def.name ?? key;
  const proto = prototypes.get(cName);
  if (!proto) {
    problems.push(`${key}: no FLOX_API prototype named ${cName} in flox.h`);
    continue;
  }
  if (def.name === undefined && commented.get(key) !== squash(proto)) {
    problems.push(`${key}: comment does not match the header\n    header: ${proto}\n    table:  ${commented.get(key)}`);
  }
  const m = proto.match(/^(.*?)\b(\w+)\s*\((.*)\);$/)!;
  const params = m[3].trim() === "void" || m[3].trim() === ""
    ? []
    : m[3].split(",").map((p) => p.trim().replace(/\w+$/, (w) => (p.trim() === w ? w : "")));
  if (params.length !== def.parameters.length) {
    problems.push(`${key}: ${def.parameters.length} parameters in the table, ${params.length} in C`);
  } else {
    params.forEach((p, i) => {
      const ok = kindsFor(p, false);
      if (!ok.includes(def.parameters[i])) {
        problems.push(`${key}: parameter ${i} is "${def.parameters[i]}" but C has "${p}"`);
      }
    });
  }
  const ok = kindsFor(m[1], true);
  if (!ok.includes(def.result)) problems.push(`${key}: result is "${def.result}" but C returns "${m[1].trim()}"`);
}
for (const name of prototypes.keys()) {
  if (!(name in table) && !notExposed.has(name)) {
    problems.push(`${name}: in flox.h but not in the FFI table (add it or a "// not exposed: ${name}: <reason>" line)`);
  }
}

if (problems.length > 0) {
  console.error(`check-symbols: ${problems.length} problem(s)\n- ` + problems.join("\n- "));
  process.exit(1);
}
console.log(`check-symbols: ${prototypes.size} prototypes, table in step with flox.h`);
