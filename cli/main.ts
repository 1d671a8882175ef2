// The etbench command's entry: picks the command, and is the one place where errors become
// exit codes. Commands never exit the process; they return or throw (ExitError and friends).

import { readFileSync } from 'node:fs';
import { packagePath } from '../native/runner/index.js';
import { exitCodeOf, UsageError } from './errors.js';
import { processIo, type CliIo } from './io.js';
import { INSPECT_HELP, compileInspectOptions, parseInspectArgs } from './inspect/options.js';
import { RUN_HELP, compileRunOptions, parseRunArgs, run } from './run/index.js';

const HELP = `Usage: etbench <command> [options]

Commands:
  run      run programs on devices and report speed, memory and correctness
  inspect  show what a .pte / .bpte file holds (methods, I/O, operators, delegates, memory)

Run \`etbench <command> --help\` for a command's options.
`;

function version(): string {
  const pkg = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      throw new UsageError(`a command is required\n\n${HELP}`);
    case '-h':
    case '--help':
    case 'help':
      io.stdout(HELP);
      return;
    case '--version':
      io.stdout(`${version()}\n`);
      return;
    case 'run': {
      const raw = parseRunArgs(rest);
      if (raw.help === true) {
        io.stdout(RUN_HELP);
        return;
      }
      await run(compileRunOptions(raw, io), io);
      return;
    }
    case 'inspect': {
      const raw = parseInspectArgs(rest);
      if (raw.help === true) {
        io.stdout(INSPECT_HELP);
        return;
      }
      const options = compileInspectOptions(raw, io);
      // Loaded on use, so other commands never load the program reader.
      const { inspect } = await import('./inspect/inspect.js');
      await inspect(options, io);
      return;
    }
    default:
      throw new UsageError(`unknown command '${command}'\n\n${HELP}`);
  }
}

/**
 * Runs one etbench command line (without `node` and the script) and returns its exit code:
 * 0 success, 1 jobs failed or etbench could not work, 2 usage error, 130 interrupted.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    await dispatch(argv, io);
    return 0;
  } catch (error) {
    const { code, message } = exitCodeOf(error);
    if (message !== '') io.stderr(`etbench: ${message.trimEnd()}\n`);
    if (error instanceof UsageError && (argv[0] === 'run' || argv[0] === 'inspect')) io.stderr(`See \`etbench ${argv[0]} --help\`.\n`);
    return code;
  }
}
