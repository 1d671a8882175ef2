export const RUN_HELP = `Usage: etbench run --devices SELECTOR [--programs FILE...] [options]

Runs every program (x method) on every selected device, one job at a time, each in its own
etrun process, and reports latency, memory and correctness.

  --devices SELECTOR    all, host or kind=host (comma-separated or repeated); required
  --programs FILE...    .pte / .bpte files; default: the starter suite in $ETBENCH_HOME/suite
  --method NAME         method to run; default: etrun's (forward, or the only method)
  --kernels SET         portable (default) or optimized
  --iterations N        timed executions (N >= 1); default: etrun's
  --warmup N            untimed executions first (N >= 0); default: etrun's
  --threads N           threads for optimized kernels (N >= 1); default: etrun's (1)
  --format FORMAT       table (default) or json
  --timeout S           seconds one job may take before it is killed; default 300
  -h, --help            this help

Exit codes: 0 every job ran and passed, 1 a job failed (listed on stderr), 2 usage error.
Environment: ETBENCH_ETRUN (etrun binary), ETBENCH_HOME (default ./.etbench).
`;
