#!/usr/bin/env node
// The etbench command. The code is TypeScript compiled to dist/ by the package's `prepare`
// script (tsconfig.build.json); this shim only loads it and sets the exit code.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  process.stderr.write(`etbench: not built: ${fileURLToPath(entry)} is missing. Run \`npm run build\` in ${root}.\n`);
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
