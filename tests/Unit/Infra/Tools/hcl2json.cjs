#!/usr/bin/env node
// Converts every *.tf file of one or more directories to JSON (HashiCorp's HCL parser compiled to WebAssembly;
// no network). Usage: node hcl2json.cjs <dir>...
// Output: {"<dir>": {"files": {"<name>.tf": <json>, ...}}, ...} on stdout; a parse error exits 1 naming the file.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { parse } = require("@cdktf/hcl2json");

async function convertDirectory(dir) {
  const files = {};
  for (const name of fs.readdirSync(dir).filter((f) => f.endsWith(".tf")).sort()) {
    const file = path.join(dir, name);
    try {
      files[name] = await parse(name, fs.readFileSync(file, "utf8"));
    } catch (err) {
      throw new Error(`${file}: ${err && err.message ? err.message : err}`);
    }
  }
  return { files };
}

async function main() {
  const dirs = process.argv.slice(2);
  if (dirs.length === 0) {
    process.stderr.write("usage: hcl2json.cjs <directory>...\n");
    process.exit(2);
  }
  const out = {};
  for (const dir of dirs) out[dir] = await convertDirectory(dir);
  process.stdout.write(JSON.stringify(out));
}

main().catch((err) => {
  process.stderr.write(`hcl2json: ${err && err.message ? err.message : err}\n`);
  process.exit(1);
});
