// `etbench devices`, `etbench results [RUN]`, `etbench compare RUN_A RUN_B`: read-only
// questions to an orchestrator (--orchestrator, default $ETBENCH_ORCHESTRATOR or
// 127.0.0.1:50051), answered as a table or JSON.

import { parseArgs } from 'node:util';
import { status as grpcStatus, type ServiceError } from '@grpc/grpc-js';
import { DeviceState, JobState, type Job } from '../../proto/index.js';
import { ExitError, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { NONE, formatBytes, formatMs, renderGrid } from './grid.js';
import { TLS_FLAGS, TLS_HELP, tlsCredentials } from './tls-options.js';
import { FarmClient } from './client.js';
import { resolveToken } from './home.js';

export const QUERY_HELP = `Usage: etbench devices [--selector SEL] [options]
       etbench results [RUN_ID] [options]          (default: the latest run)
       etbench compare RUN_A RUN_B [options]       (ratio of medians, B over A, per series)
             [--fail-on-regression [--threshold R]]  exit 3 when a series' B/A exceeds R (default 1.10)

  --orchestrator HOST:PORT   default $ETBENCH_ORCHESTRATOR or 127.0.0.1:50051
  --token TOKEN              a token with the read scope (default $ETBENCH_TOKEN, $ETBENCH_HOME/token)
  --format table|json        default table
${TLS_HELP}`;

type Query = 'devices' | 'results' | 'compare';

function stateName(state: DeviceState): string {
  return DeviceState[state]?.replace('DEVICE_STATE_', '').toLowerCase() ?? String(state);
}

function jobState(state: JobState): string {
  return JobState[state]?.replace('JOB_STATE_', '').toLowerCase() ?? String(state);
}

function resultRow(j: Job): string[] {
  return [
    j.program?.name ?? NONE, j.method || NONE, j.deviceId || NONE, j.config?.kernels || 'portable', formatMs(j.stats?.p50), formatMs(j.stats?.p90),
    j.stats === undefined ? NONE : String(j.stats.n), jobState(j.state), j.reason === '' ? '' : j.reason.slice(0, 80),
  ];
}

export async function queryCommand(command: Query, argv: readonly string[], io: CliIo): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv], strict: true, allowPositionals: true,
      options: {
        orchestrator: { type: 'string' }, token: { type: 'string' }, format: { type: 'string' }, selector: { type: 'string' },
        'fail-on-regression': { type: 'boolean' }, threshold: { type: 'string' }, help: { type: 'boolean', short: 'h' }, ...TLS_FLAGS,
      },
    });
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message}`);
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    io.stdout(QUERY_HELP);
    return;
  }
  const format = values.format ?? 'table';
  if (format !== 'table' && format !== 'json') throw new UsageError(`--format must be one of table, json, got '${format}'`);
  const expected = { devices: [0, 0], results: [0, 1], compare: [2, 2] }[command];
  if (positionals.length < expected[0]! || positionals.length > expected[1]!) {
    throw new UsageError(command === 'compare' ? 'compare needs two run ids: etbench compare RUN_A RUN_B' : `${command}: unexpected argument '${positionals.at(-1)}'`);
  }
  const threshold = values.threshold === undefined ? 1.1 : Number(values.threshold);
  if (!Number.isFinite(threshold) || threshold <= 0) throw new UsageError(`--threshold must be a ratio > 0, got '${values.threshold}'`);
  if (command !== 'compare' && (values['fail-on-regression'] === true || values.threshold !== undefined)) {
    throw new UsageError(`${command}: --fail-on-regression and --threshold belong to compare`);
  }
  let regressions: string[] = [];
  const address = values.orchestrator ?? io.env['ETBENCH_ORCHESTRATOR'] ?? '127.0.0.1:50051';
  const client = new FarmClient(address, resolveToken(values.token, io.env, io.cwd), tlsCredentials(values, io.env));
  try {
    if (command === 'devices') {
      const devices = await client.devices(values.selector ?? '');
      if (format === 'json') return io.stdout(`${JSON.stringify({ devices }, null, 2)}\n`);
      // soc comes from the device's facts where its driver knows it (adb: ro.soc.model), as a tag.
      io.stdout(renderGrid(['id', 'kind', 'state', 'os', 'arch', 'soc', 'cpu', 'cores', 'memory', 'agent', 'unit_id', 'tags'], devices.map((d) => [
        d.id, d.kind, stateName(d.state), d.os, d.arch, d.tags['soc'] ?? '', d.cpuModel.slice(0, 32), String(d.cores), formatBytes(Number(d.memoryBytes)),
        d.agentId, d.unitId, Object.entries(d.tags).map(([k, v]) => `${k}=${v}`).join(','),
      ])));
    } else if (command === 'results') {
      const jobs = await client.results(positionals[0] ?? '');
      if (format === 'json') return io.stdout(`${JSON.stringify({ jobs }, null, 2)}\n`);
      io.stdout(renderGrid(['program', 'method', 'device', 'kernels', 'p50 ms', 'p90 ms', 'n', 'state', 'reason'], jobs.map(resultRow)));
    } else {
      const { series } = await client.compare(positionals[0]!, positionals[1]!);
      // A minimal gate: the ratio of medians against a fixed threshold (no statistics yet).
      regressions = series.filter((s) => s.ratio > threshold).map((s) => `${s.program} ${s.method || 'default'} on ${s.deviceId}: ${s.ratio.toFixed(3)}x`);
      if (format === 'json') io.stdout(`${JSON.stringify({ series }, null, 2)}\n`);
      else {
        io.stdout(renderGrid(['program', 'method', 'device', 'median A ms', 'median B ms', 'B/A'], series.map((s) => [
          s.program, s.method || NONE, s.deviceId, formatMs(s.medianAMs), formatMs(s.medianBMs), s.ratio.toFixed(3),
        ])));
      }
    }
  } catch (e) {
    const se = e as ServiceError;
    if (typeof se.code !== 'number') throw e;
    if (se.code === grpcStatus.NOT_FOUND || se.code === grpcStatus.INVALID_ARGUMENT) throw new UsageError(`${command}: ${se.details}`);
    throw new ExitError(1, `${command}: ${grpcStatus[se.code] ?? se.code} from ${address}: ${se.details}`);
  } finally {
    client.close();
  }
  if (values['fail-on-regression'] === true && regressions.length > 0) {
    throw new ExitError(3, `${regressions.length} series slower than ${threshold}x:\n${regressions.map((r) => `  ${r}`).join('\n')}`);
  }
}
