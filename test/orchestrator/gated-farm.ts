// An in-process farm for the correctness-gating and op-profile tests: a real orchestrator (gRPC
// and HTTP on loopback ports, in-memory SQLite) and a real agent whose host driver runs etrun,
// as `etbench run` embeds them. The orchestrator's host etrun is a wrapper that runs the real
// one and, for seed 666 only, adds 1 to the first printed output: a deliberately wrong expected
// file, produced where the orchestrator produces them.

import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import { Agent, HostDriver } from '../../agent/index.js';
import { FarmClient } from '../../cli/farm/client.js';
import { etrunBuildPath } from '../../native/runner/index.js';
import { startOrchestrator } from '../../orchestrator/index.js';
import { tempDir } from '../helpers/temp-dir.js';

export const WRONG_SEED = 666;
const TOKEN = 'gated-admin';

export interface GatedFarm {
  dir: string;
  token: string;
  client: FarmClient;
  http: string;
  get<T>(route: string): Promise<T>;
}

async function wrongOnSeedEtrun(dir: string): Promise<string> {
  const perturb = path.join(dir, 'perturb.mjs');
  await writeFile(perturb, `let s = ''; process.stdin.on('data', (c) => (s += c)).on('end', () => {
  const doc = JSON.parse(s); const first = doc.outputs[0];
  first.data[0] = Number(first.data[0]) + 1; process.stdout.write(JSON.stringify(doc));
});\n`);
  const script = path.join(dir, 'host-etrun.sh');
  await writeFile(script, `#!/bin/sh
case " $* " in
  *" random:${WRONG_SEED} "*) "${etrunBuildPath('release')}" "$@" | "${process.execPath}" "${perturb}" ;;
  *) exec "${etrunBuildPath('release')}" "$@" ;;
esac
`);
  await chmod(script, 0o755);
  return script;
}

/** `ui`: serve the committed web UI too (browser tests). */
export async function startGatedFarm(t: ExecutionContext, ui = false): Promise<GatedFarm> {
  const dir = await tempDir(t, 'etbench-gated-');
  const orchestrator = await startOrchestrator({
    port: 0, httpPort: 0, store: 'sqlite::memory:', artifactsDir: path.join(dir, 'artifacts'), tokens: [{ token: TOKEN, scopes: ['admin'] }],
    ...(ui ? {} : { uiDir: null }), farm: { hostEtrun: await wrongOnSeedEtrun(dir) },
  });
  const agent = new Agent({ orchestrator: orchestrator.address, token: TOKEN, agentId: 'gated', cacheDir: path.join(dir, 'cache'), drivers: [new HostDriver({ deviceIds: ['host'] })] });
  const registered = new Promise<void>((resolve) => agent.once('registered', resolve));
  await agent.start();
  await registered;
  const client = new FarmClient(orchestrator.address, TOKEN);
  t.teardown(async () => {
    client.close();
    await agent.stop();
    await orchestrator.close(500);
  });
  const http = `http://127.0.0.1:${orchestrator.httpPort}`;
  return {
    dir, client, http, token: TOKEN,
    async get<T>(route: string): Promise<T> {
      const res = await fetch(`${http}${route}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      if (!res.ok) throw new Error(`${route}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
  };
}
