// `etbench devices`, `etbench results [RUN]`, `etbench compare RUN_A RUN_B`: read-only
// questions to an orchestrator (--orchestrator, default $ETBENCH_ORCHESTRATOR or
// 127.0.0.1:50051), answered as a table or JSON.

import { parseArgs } from 'node:util';
import { status as grpcStatus, type ServiceError } from '@grpc/grpc-js';
import { trialMedians } from '../../orchestrator/trials.js';
import { DeviceState, JobState, type Job } from '../../proto/index.js';
import { ExitError, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { NONE, formatBytes, formatMs, renderGrid } from './grid.js';
import { TLS_FLAGS, TLS_HELP, tlsCredentials } from './tls-options.js';
import { FarmClient } from './client.js';
import { compareTable, failingSeries } from './compare-report.js';
import { resolveToken } from './home.js';

export const QUERY_HELP = `Usage: etbench devices [--selector SEL] [options]
       etbench results [RUN_ID] [options]          (default: the latest run)
       etbench compare RUN_A RUN_B [options]       (B over A per series: ratio, CI, p-value, verdict)
             [--min-effect PCT]       smallest slowdown called a regression (default 1)
             [--fdr Q]                false discovery rate across the series (default 0.05)
             [--fail-on-regression]   exit 3 when a series' verdict is regression (kept by the FDR
                                      control); a series with under 3 trials a side fails above 1.10x
             [--threshold R]          with --fail-on-regression: also fail every series whose B/A exceeds R

  --orchestrator HOST:PORT   default $ETBENCH_ORCHESTRATOR or 127.0.0.1:50051
  --token TOKEN              a token with the read scope (default $ETBENCH_TOKEN, $ETBENCH_HOME/token)
  --format table|json        default table; results also takes oss-v3 (the PyTorch OSS
                             benchmark database v3 JSON, docs/nightly.md)
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
    j.stats === undefined ? NONE : String(j.stats.n), j.stats === undefined ? NONE : String(trialMedians(j.result).length), jobState(j.state), j.reason === '' ? '' : j.reason.slice(0, 80),
  ];
}

export async function queryCommand(command: Query, argv: readonly string[], io: CliIo): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv], strict: true, allowPositionals: true,
      options: {
        orchestrator: { type: 'string' }, token: { type: 'string' }, format: { type: 'string' }, selector: { type: 'string' },
        'fail-on-regression': { type: 'boolean' }, threshold: { type: 'string' }, 'min-effect': { type: 'string' }, fdr: { type: 'string' }, help: { type: 'boolean', short: 'h' }, ...TLS_FLAGS,
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
  if (format === 'oss-v3' && command !== 'results') throw new UsageError(`--format oss-v3 belongs to results`);
  if (format !== 'table' && format !== 'json' && format !== 'oss-v3') throw new UsageError(`--format must be one of table, json${command === 'results' ? ', oss-v3' : ''}, got '${format}'`);
  const expected = { devices: [0, 0], results: [0, 1], compare: [2, 2] }[command];
  if (positionals.length < expected[0]! || positionals.length > expected[1]!) {
    throw new UsageError(command === 'compare' ? 'compare needs two run ids: etbench compare RUN_A RUN_B' : `${command}: unexpected argument '${positionals.at(-1)}'`);
  }
  const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
  if (threshold !== undefined && !(Number.isFinite(threshold) && threshold > 0)) throw new UsageError(`--threshold must be a ratio > 0, got '${values.threshold}'`);
  const minEffectPct = values['min-effect'] === undefined ? 0 : Number(values['min-effect']);
  if (!(Number.isFinite(minEffectPct) && minEffectPct >= 0 && minEffectPct < 100)) throw new UsageError(`--min-effect must be a percentage in [0, 100), got '${values['min-effect']}'`);
  const fdrQ = values.fdr === undefined ? 0 : Number(values.fdr);
  if (values.fdr !== undefined && !(fdrQ > 0 && fdrQ < 1)) throw new UsageError(`--fdr must be a rate in (0, 1), got '${values.fdr}'`);
  if (command !== 'compare' && (values['fail-on-regression'] === true || values.threshold !== undefined || values['min-effect'] !== undefined || values.fdr !== undefined)) {
    throw new UsageError(`${command}: --fail-on-regression, --threshold, --min-effect and --fdr belong to compare`);
  }
  let failing: ReturnType<typeof failingSeries> = { regressed: [], overThreshold: [], limit: 1.1 };
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
      if (format === 'oss-v3') {
        const { toOssV3 } = await import('./oss-v3.js');
        const devices = new Map((await client.devices()).map((d) => [d.id, d]));
        return io.stdout(`${JSON.stringify(toOssV3(jobs, devices), null, 2)}\n`);
      }
      io.stdout(renderGrid(['program', 'method', 'device', 'kernels', 'p50 ms', 'p90 ms', 'n', 'trials', 'state', 'reason'], jobs.map(resultRow)));
    } else {
      const response = await client.compare(positionals[0]!, positionals[1]!, { minEffectPct, fdrQ });
      failing = failingSeries(response.series, threshold);
      if (format === 'json') io.stdout(`${JSON.stringify(response, null, 2)}\n`);
      else io.stdout(compareTable(response));
    }
  } catch (e) {
    const se = e as ServiceError;
    if (typeof se.code !== 'number') throw e;
    if (se.code === grpcStatus.NOT_FOUND || se.code === grpcStatus.INVALID_ARGUMENT) throw new UsageError(`${command}: ${se.details}`);
    throw new ExitError(1, `${command}: ${grpcStatus[se.code] ?? se.code} from ${address}: ${se.details}`);
  } finally {
    client.close();
  }
  if (values['fail-on-regression'] === true && (failing.regressed.length > 0 || failing.overThreshold.length > 0)) {
    const parts: string[] = [];
    if (failing.regressed.length > 0) parts.push(`${failing.regressed.length} series regressed:\n${failing.regressed.map((r) => `  ${r}`).join('\n')}`);
    if (failing.overThreshold.length > 0) parts.push(`${failing.overThreshold.length} series slower than ${failing.limit}x:\n${failing.overThreshold.map((r) => `  ${r}`).join('\n')}`);
    throw new ExitError(3, parts.join('\n'));
  }
}
