// The etbench command's entry: picks the command, and is the one place where errors become
// exit codes. Commands never exit the process; they return or throw (ExitError and friends).

import { readFileSync } from 'node:fs';
import { packagePath } from '../native/runner/index.js';
import { exitCodeOf, UsageError } from './errors.js';
import { processIo, type CliIo } from './io.js';
import { CROSSCHECK_HELP, compileCrosscheckOptions, parseCrosscheckArgs } from './crosscheck/options.js';
import { EXPORT_HELP, compileExportOptions, parseExportArgs } from './export/options.js';
import { INSPECT_HELP, compileInspectOptions, parseInspectArgs } from './inspect/options.js';
import { RUN_HELP, compileRunOptions, parseRunArgs, run } from './run/index.js';
import { SETUP_HELP, parseSetupArgs } from './setup/setup.js';

const HELP = `Usage: etbench <command> [options]

Commands:
  run         run programs on devices and report speed, memory and correctness
  inspect     show what a .pte / .bpte file holds (methods, I/O, operators, delegates, memory)
  export      export a PyTorch module (or the real-exporter suite) with the real ExecuTorch
  crosscheck  run programs on etrun and on ExecuTorch's runtime and compare the outputs
  suite       write the operator suites (\`etbench suite ops --out DIR\`) or check their coverage
  setup       set up the Python environment export and crosscheck use (\`etbench setup python\`)
  serve       run an orchestrator (the farm's server) that agents and clients connect to
  agent       connect this machine's devices to an orchestrator and run its jobs
  devices     list an orchestrator's devices and their state
  results     show a run's results (default: the latest run)
  compare     compare two runs: ratio of medians per series
  bisect      find the first slow runtime build between a good and a bad run
  rerun       run a stored result's job again and print old vs new
  nightly     run a nightly suite: verdicts against baselines, reruns, markdown/JSON/webhook
  certs       make a throwaway CA and certificates for mutual TLS (serve/agent --tls-*)
  audit       print the orchestrator's audit log (who submitted, cancelled, was refused)

Run \`etbench <command> --help\` for a command's options.
`;

const COMMANDS = new Set(['run', 'inspect', 'export', 'crosscheck', 'suite', 'setup', 'serve', 'agent', 'devices', 'results', 'compare', 'nightly', 'rerun', 'bisect', 'certs', 'audit']);

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
    case 'export': {
      const raw = parseExportArgs(rest);
      if (raw.help === true) {
        io.stdout(EXPORT_HELP);
        return;
      }
      const options = compileExportOptions(raw, io);
      const { exportCommand } = await import('./export/export.js');
      await exportCommand(options, io);
      return;
    }
    case 'crosscheck': {
      const raw = parseCrosscheckArgs(rest);
      if (raw.help === true) {
        io.stdout(CROSSCHECK_HELP);
        return;
      }
      const options = compileCrosscheckOptions(raw, io);
      const { crosscheck } = await import('./crosscheck/crosscheck.js');
      await crosscheck(options, io);
      return;
    }
    case 'suite': {
      const { SUITE_HELP, parseSuiteArgs, suiteCommand } = await import('./suite/suite.js');
      const options = parseSuiteArgs(rest, io);
      if (options === null) {
        io.stdout(SUITE_HELP);
        return;
      }
      await suiteCommand(options, io);
      return;
    }
    case 'setup': {
      const options = parseSetupArgs(rest);
      if (options === null) {
        io.stdout(SETUP_HELP);
        return;
      }
      const { setup } = await import('./setup/setup.js');
      await setup(options, io);
      return;
    }
    case 'serve': {
      const { serveCommand } = await import('./farm/serve.js');
      await serveCommand(rest, io);
      return;
    }
    case 'agent': {
      const { agentCommand } = await import('./farm/agent-command.js');
      await agentCommand(rest, io);
      return;
    }
    case 'certs': {
      const { certsCommand } = await import('./farm/certs.js');
      certsCommand(rest, io);
      return;
    }
    case 'audit': {
      const { auditCommand } = await import('./farm/audit-command.js');
      await auditCommand(rest, io);
      return;
    }
    case 'devices':
    case 'results':
    case 'compare': {
      const { queryCommand } = await import('./farm/query.js');
      await queryCommand(command, rest, io);
      return;
    }
    case 'bisect': {
      const { bisectCommand } = await import('./nightly/bisect-command.js');
      await bisectCommand(rest, io);
      return;
    }
    case 'rerun': {
      const { rerunCommand } = await import('./nightly/rerun.js');
      await rerunCommand(rest, io);
      return;
    }
    case 'nightly': {
      const { nightlyCommand } = await import('./nightly/command.js');
      await nightlyCommand(rest, io);
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
    if (error instanceof UsageError && COMMANDS.has(argv[0] ?? '')) io.stderr(`See \`etbench ${argv[0]} --help\`.\n`);
    return code;
  }
}
