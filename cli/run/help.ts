export const RUN_HELP = `Usage: etbench run --devices SELECTOR [--programs FILE... | --suite NAME] [options]

Runs every program (x method) on every selected device through the farm, one job at a time
per device, each in its own etrun process, and reports latency, memory and correctness.
Without --orchestrator an embedded orchestrator and a local agent run it on this machine.

  --devices SELECTOR    all, an id, KEY=VALUE or any:SELECTOR (comma-separated or repeated);
                        embedded: all, host, kind=host, and kind=mcu (emulated Cortex-M55)
                        when arm-none-eabi-g++ and qemu-system-arm are installed; required
  --programs FILE...    .pte / .bpte files; default: the --suite
  --suite NAME          zoo (default: the model zoo, generated into $ETBENCH_HOME/zoo),
                        ops (operator suites) or starter (a few small programs)
  --method NAME         method to run; default: etrun's (forward, or the only method)
  --kernels SET         portable (default) or optimized
  --iterations N        timed executions (N >= 1); default: 10 for the zoo, else etrun's
  --warmup N            untimed executions first (N >= 0); default: 1 for the zoo, else etrun's
  --threads N           threads for optimized kernels (N >= 1); default: etrun's (1)
  --backends LIST       delegates allowed to run (comma-separated); default: all available
  --min-seconds S       keep timing for at least S seconds; default: etrun's
  --format FORMAT       table (default), json, junit or markdown
  --out FILE            write the report to FILE instead of standard output
  --orchestrator H:P    submit to this orchestrator (etbench serve) instead of an embedded one
  --token TOKEN         token with the submit scope; default $ETBENCH_TOKEN, $ETBENCH_HOME/token
  --runtime FILE        upload this etrun build and run it instead of the devices' own
  --runtime-abi ABI     the build's ABI (default this machine's, e.g. linux-x64)
  --runtime-git HASH    the build's git hash (default: asked of the binary when it runs here)
  --profile             also time every operator (a separate launch after the timed run; the
                        op profile is stored with the result: /api/v1/results/JOB/ops)
  --timeout S           seconds one job may take before it is killed; default 300
  --trials N|MIN..MAX   launch etrun this many times per job (each a trial with its own
                        warmup); default 1. With a range, trials are added until --target-ci
  --target-ci PCT       stop adding trials once the 95% interval of the median of trial
                        medians is within +-PCT% of it (e.g. 1); default: no target
  --trial-seconds MIN..MAX  keep adding trials for at least MIN and at most MAX seconds
                        (docs/trials.md); --timeout still bounds the whole job
  -h, --help            this help

Exit codes: 0 every job ran and passed, 1 a job failed or gave a wrong result (listed on
stderr), 2 usage error.
Environment: ETBENCH_ETRUN (etrun binary), ETBENCH_HOME (default ./.etbench), ETBENCH_ZOO_MODELS
(narrow the zoo: mlp,ds_cnn), ETBENCH_MCU (0: leave the emulated MCU out, 1: insist on it).
`;
