// `import path from "x.so" with { type: "file" }` (Bun): the default export is the embedded file's path.
declare module "*.so" {
  const path: string;
  export default path;
}
