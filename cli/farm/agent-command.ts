// `etbench agent`: the process beside the devices. Runs until SIGINT/SIGTERM, or until the
// orchestrator refuses it (wrong token, incompatible version: exit 1 with the reason).

import path from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, HostDriver, SimDriver, type DeviceDriver } from '../../agent/index.js';
import { ExitError, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { etbenchHome, resolveToken } from './home.js';

export const AGENT_HELP = `Usage: etbench agent --orchestrator HOST:PORT [options]

Connects to an orchestrator, advertises this machine's devices and runs the jobs it is given,
one at a time per device, each in its own etrun process. Reconnects by itself.

  --orchestrator HOST:PORT   required
  --token TOKEN              a token with the agent scope (default $ETBENCH_TOKEN, $ETBENCH_HOME/token)
  --id ID                    stable agent id (default HOSTNAME-host)
  --host-devices IDS         device ids the host driver advertises (default host); empty for none
  --sim N                    also advertise N simulated devices (testing the farm itself)
  --sim-job-ms N             how long a simulated job takes (default 2)
  --cache DIR                artifact cache (default $ETBENCH_HOME/cache)
`;

export async function agentCommand(argv: readonly string[], io: CliIo): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv], strict: true, allowPositionals: false,
      options: {
        orchestrator: { type: 'string' }, token: { type: 'string' }, id: { type: 'string' }, 'host-devices': { type: 'string' },
        sim: { type: 'string' }, 'sim-job-ms': { type: 'string' }, cache: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    throw new UsageError(`agent: ${(e as Error).message}`);
  }
  if (values.help === true) {
    io.stdout(AGENT_HELP);
    return;
  }
  if (values.orchestrator === undefined || !/^[^\s:]+:\d+$/.test(values.orchestrator)) {
    throw new UsageError(`--orchestrator HOST:PORT is required${values.orchestrator === undefined ? '' : `, got '${values.orchestrator}'`}`);
  }
  const token = resolveToken(values.token, io.env, io.cwd);
  const home = etbenchHome(io.env, io.cwd);
  const id = values.id ?? `${(await import('node:os')).hostname()}-host`;
  const drivers: DeviceDriver[] = [];
  const hostIds = (values['host-devices'] ?? 'host').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (hostIds.length > 0) drivers.push(new HostDriver({ deviceIds: hostIds, env: io.env }));
  const sim = values.sim === undefined ? 0 : Number(values.sim);
  if (!Number.isSafeInteger(sim) || sim < 0) throw new UsageError(`--sim must be an integer >= 0, got '${values.sim}'`);
  if (sim > 0) {
    // Simulated devices claim what this host's runtime has, so they take the same programs.
    const host = hostIds.length > 0 ? (await drivers[0]!.discover())[0]?.capabilities : undefined;
    drivers.push(new SimDriver({
      deviceIds: Array.from({ length: sim }, (_, i) => `${id}-sim${i + 1}`),
      capabilities: host ?? { kernelSets: [], backends: [] },
      jobMs: values['sim-job-ms'] === undefined ? 2 : Number(values['sim-job-ms']),
    }));
  }
  if (drivers.length === 0) throw new UsageError('no devices: give --host-devices or --sim');
  const agent = new Agent({
    orchestrator: values.orchestrator, token, agentId: id, drivers, cacheDir: values.cache ?? path.join(home, 'cache', id),
    log: (line) => io.stderr(`${line}\n`),
  });
  await agent.start();
  const stop = (): void => void agent.stop();
  io.signal?.addEventListener('abort', stop, { once: true });
  process.once('SIGTERM', stop);
  try {
    await agent.finished();
  } catch (e) {
    throw new ExitError(1, (e as Error).message);
  } finally {
    process.off('SIGTERM', stop);
  }
}
