// Expands compiled options into jobs: every program x method on every device, in that order.

import type { RunOptions } from './options.js';
import type { Job, RunPlan } from './types.js';

export function planJobs(options: RunOptions, programs: readonly string[]): RunPlan {
  const methods = [options.method];
  const jobs: Job[] = [];
  for (const device of options.devices) {
    for (const program of programs) {
      for (const method of methods) {
        jobs.push({
          index: jobs.length + 1,
          program,
          method,
          device,
          config: {
            kernels: options.kernels,
            threads: options.threads,
            warmup: options.warmup,
            iterations: options.iterations,
            timeoutS: options.timeoutS,
          },
        });
      }
    }
  }
  return { jobs, devices: options.devices };
}
