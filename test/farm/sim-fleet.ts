// A fleet of simulated agents for scale tests and the dispatch benchmark: one in-process
// orchestrator (real gRPC on loopback) and N Agent objects, each with its own connection and
// one sim device, all speaking the real protocol.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent, SimDriver } from '../../agent/index.js';
import { FarmClient } from '../../cli/farm/client.js';
import { ProgramBuilder } from '../../program/index.js';
import { programFacts, startOrchestrator, type FarmOptions, type Orchestrator } from '../../orchestrator/index.js';

export interface SimFleet {
  orchestrator: Orchestrator;
  agents: Agent[];
  client: FarmClient;
  program: Uint8Array;
  close(): Promise<void>;
}

export async function startSimFleet(agentCount: number, jobMs = 1, farm: Partial<FarmOptions> = {}): Promise<SimFleet> {
  const dir = await mkdtemp(path.join(tmpdir(), 'etbench-fleet-'));
  const token = 'fleet-token';
  const orchestrator = await startOrchestrator({
    port: 0, store: `sqlite:${path.join(dir, 'farm.db')}`, tokens: [{ token, scopes: ['admin'] }], farm: { leaseMs: 10_000, heartbeatIntervalMs: 1000, ...farm },
  });
  const b = new ProgramBuilder();
  const m = b.method('forward');
  const x = m.input({ dtype: 'float32', shape: [4] });
  m.output(m.call('aten::add.out', { self: x, other: x }));
  const program = b.build().pte;
  const capabilities = { kernelSets: [{ name: 'portable', operators: programFacts(program).operators }], backends: [] };
  const agents = Array.from({ length: agentCount }, (_, i) => new Agent({
    orchestrator: orchestrator.address, token, agentId: `sim-agent-${i + 1}`, cacheDir: path.join(dir, `cache${i + 1}`),
    drivers: [new SimDriver({ deviceIds: [`sim-${i + 1}`], capabilities, jobMs })],
  }));
  await Promise.all(agents.map(async (a) => {
    const registered = new Promise((resolve) => a.once('registered', resolve));
    await a.start();
    await registered;
  }));
  const client = new FarmClient(orchestrator.address, token);
  return {
    orchestrator, agents, client, program,
    async close() {
      client.close();
      await Promise.all(agents.map((a) => a.stop()));
      await orchestrator.close(200);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** `count` configurations that differ only in iterations, so program x devices x configs = jobs. */
export function configs(count: number): { kernels: string; backends: string[]; threads: number; warmup: number; hasWarmup: boolean; iterations: number; minSeconds: number; inputs: string }[] {
  return Array.from({ length: count }, (_, i) => ({ kernels: 'portable', backends: [], threads: 0, warmup: 0, hasWarmup: false, iterations: i + 1, minSeconds: 0, inputs: '' }));
}
