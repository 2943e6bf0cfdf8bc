// Builds the single-file `flox` executable with Bun's bundler (run it with bun):
//
//   bun scripts/compile-cli.ts OUTFILE
//
// Entry: bin/flox_compiled.ts, which embeds build/libflox.so. ccxt (for `flox tape record`) has
// protobufjs as an optional peer dependency, used only by its mexc protobuf feeds and dydx, and not
// installed here: the bundle gets a stand-in that throws a clear error if those paths ever run,
// instead of an executable that cannot start. Used by scripts/build-cli.sh and the compiled test.
import process from "node:process";

// The part of Bun.build this script uses, declared here so the file also passes `deno check`.
interface BunPluginBuilder {
  onResolve(o: { filter: RegExp }, f: (a: { path: string }) => { path: string; namespace: string }): void;
  onLoad(o: { filter: RegExp; namespace: string }, f: () => { contents: string; loader: "js" }): void;
}
interface BunBuild {
  build(options: {
    entrypoints: string[];
    compile: { outfile: string };
    plugins: { name: string; setup(build: BunPluginBuilder): void }[];
  }): Promise<{ success: boolean; logs: unknown[] }>;
}

const OPTIONAL_PEER = /^protobufjs(\/.*)?$/;
const STANDIN = `
const fail = () => {
  throw new Error("protobufjs is not part of this flox executable (ccxt uses it only for mexc protobuf feeds and dydx)");
};
const missing = new Proxy(function () {}, { get: fail, apply: fail, construct: fail });
export const Reader = missing, Writer = missing, util = missing, configure = missing, roots = missing;
export default missing;
`;

const outfile = process.argv[2];
if (!outfile) {
  console.error("usage: bun scripts/compile-cli.ts OUTFILE");
  process.exit(2);
}
const bun = (globalThis as unknown as { Bun?: BunBuild }).Bun;
if (!bun) {
  console.error("compile-cli: run this script with bun (it uses Bun.build)");
  process.exit(2);
}
const entry = new URL("../bin/flox_compiled.ts", import.meta.url).pathname;
const result = await bun.build({
  entrypoints: [entry],
  compile: { outfile },
  plugins: [{
    name: "optional-peer-standin",
    setup(build) {
      build.onResolve({ filter: OPTIONAL_PEER }, (args) => ({ path: args.path, namespace: "optional-peer" }));
      build.onLoad({ filter: /.*/, namespace: "optional-peer" }, () => ({ contents: STANDIN, loader: "js" }));
    },
  }],
});
if (!result.success) {
  console.error(`compile-cli: bun build failed:\n${result.logs.map(String).join("\n")}`);
  process.exit(1);
}
for (const log of result.logs) console.error(String(log));
