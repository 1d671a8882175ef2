#!/usr/bin/env node
// etrun-mcu: the runner contract on an emulated Cortex-M55 (docs/mcu.md). The code is
// TypeScript compiled to dist/ by the package's `prepare` script; this shim loads it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/native/mcu/index.js', import.meta.url);
if (!existsSync(entry)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  process.stderr.write(`etrun-mcu: not built: ${fileURLToPath(entry)} is missing. Run \`npm run build\` in ${root}.\n`);
  process.exit(2);
}
const { etrunMcu } = await import(entry.href);
process.exitCode = await etrunMcu(process.argv.slice(2));
