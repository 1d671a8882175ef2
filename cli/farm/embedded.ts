// The embedded farm `etbench run` starts when no --orchestrator is given: a real orchestrator
// (gRPC on a loopback port, in-memory SQLite store) and a local host agent in this process,
// both gone when the run ends. Everything goes through the same protocol as a fleet.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent, HostDriver, QemuFarmDriver, type DeviceDriver } from '../../agent/index.js';
import { embeddedMcu } from '../run/devices.js';
import { newToken, startOrchestrator } from '../../orchestrator/index.js';
import { FarmClient } from './client.js';

export interface EmbeddedFarm {
  client: FarmClient;
  close(): Promise<void>;
}

export async function startEmbeddedFarm(env: NodeJS.ProcessEnv): Promise<EmbeddedFarm> {
  const dir = await mkdtemp(path.join(tmpdir(), 'etbench-embedded-'));
  const token = newToken();
  const orchestrator = await startOrchestrator({
    port: 0, store: 'sqlite::memory:', artifactsDir: path.join(dir, 'artifacts'), tokens: [{ token, scopes: ['admin'] }],
  });
  const host = new HostDriver({ deviceIds: ['host'], env });
  const drivers: DeviceDriver[] = [host];
  if (embeddedMcu(env)) {
    const hostCapabilities = (await host.discover())[0]?.capabilities ?? { kernelSets: [], backends: [] };
    drivers.push(new QemuFarmDriver({ hostCapabilities }));
  }
  const agent = new Agent({
    orchestrator: orchestrator.address, token, agentId: 'embedded', cacheDir: path.join(dir, 'cache'), drivers,
  });
  const cleanup = async (): Promise<void> => {
    await agent.stop();
    await orchestrator.close(500);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const registered = new Promise<void>((resolve) => agent.once('registered', resolve));
    await agent.start();
    await registered;
  } catch (error) {
    await cleanup();
    throw error;
  }
  const client = new FarmClient(orchestrator.address, token);
  return {
    client,
    async close() {
      client.close();
      await cleanup();
    },
  };
}
