#!/usr/bin/env node
// Converts every *.tf file of a directory to JSON (HashiCorp's HCL parser compiled to WebAssembly; no network).
// Usage: node hcl2json.cjs <dir>  →  {"files": {"<name>.tf": <json>, ...}} on stdout; parse errors exit 1.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { parse } = require("@cdktf/hcl2json");

async function main() {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write("usage: hcl2json.cjs <directory>\n");
    process.exit(2);
  }
  const files = {};
  for (const name of fs.readdirSync(dir).filter((f) => f.endsWith(".tf")).sort()) {
    const text = fs.readFileSync(path.join(dir, name), "utf8");
    files[name] = await parse(name, text);
  }
  process.stdout.write(JSON.stringify({ files }));
}

main().catch((err) => {
  process.stderr.write(`hcl2json: ${err && err.message ? err.message : err}\n`);
  process.exit(1);
});
