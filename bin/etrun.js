#!/usr/bin/env node
// Runs the native etrun (build/native/release/etrun, or $ETBENCH_ETRUN) with the same
// arguments: stdio is shared, signals sent to this process are passed on, and this process
// ends the way etrun ended (same exit code, or the same signal).
import { spawn } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { fileURLToPath } from 'node:url';

const binary = process.env.ETBENCH_ETRUN || fileURLToPath(new URL('../build/native/release/etrun', import.meta.url));
try {
  accessSync(binary, fsConstants.X_OK);
} catch {
  process.stderr.write(`etrun: ${binary} is missing or not executable. Run \`npm run build\` in the etbench package (or set ETBENCH_ETRUN).\n`);
  process.exit(2);
}

const child = spawn(binary, process.argv.slice(2), { stdio: 'inherit' });
const forwarded = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];
const forward = (signal) => child.kill(signal);
for (const signal of forwarded) process.on(signal, forward);

child.on('error', (error) => {
  process.stderr.write(`etrun: could not start ${binary}: ${error.message}\n`);
  process.exit(2);
});
child.on('exit', (code, signal) => {
  for (const s of forwarded) process.off(s, forward);
  if (signal === null) process.exit(code ?? 1);
  // Die by the same signal so our parent sees what etrun's parent would have seen.
  process.kill(process.pid, signal);
  process.exit(128 + (osConstants.signals[signal] ?? 0));
});
