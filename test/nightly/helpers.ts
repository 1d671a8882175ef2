// Shared by the nightly tests: an in-process CLI io that keeps what was written, and a local
// HTTP server that records what webhooks POST to it.

import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExecutionContext } from 'ava';
import type { CliIo } from '../../cli/io.js';
import { main } from '../../cli/main.js';
import { ZOO_TEST_HOME, repoRoot } from '../helpers/fixtures.js';

export async function etbench(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (t) => void (out += t), stderr: (t) => void (err += t), stderrIsTTY: false, cwd: repoRoot,
    env: { ...process.env, ETBENCH_HOME: ZOO_TEST_HOME, ETBENCH_MCU: '0', ...env }, signal: null,
  };
  const code = await main(args, io);
  return { code, out, err };
}

export interface Hook {
  url: string;
  bodies: unknown[];
}

/** A webhook receiver answering `status`; closed when the test ends. */
export async function webhookServer(t: ExecutionContext, status = 200): Promise<Hook> {
  const bodies: unknown[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => {
      bodies.push({ method: req.method, contentType: req.headers['content-type'], body: JSON.parse(text) as unknown });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies };
}
