// A run's results in the PyTorch OSS benchmark database v3 JSON shape: a list of records, one
// per metric, each {benchmark, model, metric, runners}. The shape follows the records ExecuTorch's
// own CI writes (pytorch/executorch .github/scripts/extract_benchmark_results.py, `transform`,
// written under a `v3/` folder for upload by pytorch/test-infra's upload-benchmark-results
// action); docs/nightly.md lists the fields. Failed jobs and wrong outputs are never timings: they
// become a FAILURE_REPORT record, as that script does for failed device jobs.

import { ResultStatus, type Device, type Job } from '../../proto/index.js';

export interface OssV3Record {
  benchmark: { name: string; mode: string; dtype?: string; extra_info: Record<string, string> };
  model: { name: string; type: string; backend: string; origins?: string[]; extra_info?: Record<string, string> };
  metric: { name: string; benchmark_values: number[]; target_value: number | null; extra_info: Record<string, string> };
  runners: { name: string; type: string; cpu_info?: string; cpu_count?: number; avail_mem_in_gb: number | string; total_mem_in_gb: number | string; extra_info?: Record<string, string> }[];
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function trimmedMean(xs: readonly number[], fraction = 0.1): number {
  const s = [...xs].sort((a, b) => a - b);
  const cut = Math.floor(s.length * fraction);
  const kept = s.slice(cut, s.length - cut);
  return kept.reduce((a, b) => a + b, 0) / kept.length;
}

function backendOf(job: Job): string {
  const delegates = job.program?.delegates ?? [];
  return [job.config?.kernels || 'portable', ...delegates].join('+');
}

export function toOssV3(jobs: readonly Job[], devices: ReadonlyMap<string, Device>): OssV3Record[] {
  const out: OssV3Record[] = [];
  for (const job of jobs) {
    const r = job.result;
    const device = devices.get(job.deviceId);
    const gb = (bytes: number | bigint | undefined): number | string => (bytes === undefined || Number(bytes) === 0 ? '' : Number((Number(bytes) / 1024 ** 3).toFixed(2)));
    const runner = {
      name: job.deviceId || job.selector, type: device === undefined ? '' : [device.os, device.arch].filter((s) => s !== '').join(' '),
      cpu_info: device?.cpuModel ?? '', cpu_count: device?.cores ?? 0, avail_mem_in_gb: '', total_mem_in_gb: gb(device?.memoryBytes),
      extra_info: { unit_id: device?.unitId ?? '', kind: device?.kind ?? '' },
    };
    const common = {
      benchmark: {
        name: 'ExecuTorch', mode: 'inference',
        extra_info: { app_type: 'etbench', run_id: job.runId, job_id: job.id, config: JSON.stringify(job.config ?? {}), runtime_git: r?.runtime?.git || job.runtime?.git || '' },
      },
      model: { name: job.program?.name.replace(/\.b?pte$/, '') ?? '', type: 'OSS model', backend: backendOf(job), extra_info: { program_sha256: job.program?.sha256 ?? '' } },
      runners: [runner],
    };
    const method = { method: job.method || 'forward' };
    const failed = r === undefined || r.status !== ResultStatus.RESULT_STATUS_OK || (r.correctnessChecked && !r.correctnessPassed) || r.samplesMs.length === 0;
    if (failed) {
      const reason = r === undefined ? job.reason || 'no result' : r.correctnessChecked && !r.correctnessPassed ? 'wrong outputs' : r.problem || (ResultStatus[r.status] ?? '');
      out.push({ ...common, benchmark: { ...common.benchmark, extra_info: { ...common.benchmark.extra_info, job_conclusion: 'FAILURE', failure_reason: reason } },
        metric: { name: 'FAILURE_REPORT', benchmark_values: [0], target_value: 0, extra_info: method } });
      continue;
    }
    const samples = r.samplesMs;
    const metric = (name: string, value: number): void => {
      out.push({ ...common, metric: { name, benchmark_values: [Number(value.toFixed(6))], target_value: null, extra_info: { ...method, samples: String(samples.length) } } });
    };
    metric('avg_inference_latency(ms)', samples.reduce((a, b) => a + b, 0) / samples.length);
    metric('trimmean_inference_latency(ms)', trimmedMean(samples));
    metric('median_inference_latency(ms)', median(samples));
    if (r.loadMs > 0) metric('model_load_time(ms)', r.loadMs);
    if (Number(r.peakRssBytes) > 0) metric('peak_mem_usage(mb)', Number(r.peakRssBytes) / 1024 ** 2);
  }
  return out;
}
