// `etbench suite ops --out DIR [--filter TEXT] [--check]`: writes the operator suites (one .bpte per
// case plus manifest.json with each case's tolerance), or with --check lists the coverage gaps.

import path from 'node:path';
import { parseArgs } from 'node:util';
import { ExitError, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';

export const SUITE_HELP = `Usage: etbench suite ops --out DIR [--filter TEXT] [--executorch]
       etbench suite ops --check

Writes the operator suites: for every operator the runtime registers, one-instruction bundled
programs (.bpte) over shapes (empty, size 1, broadcast, large, channels-last), attributes and
edge values (NaN, infinities, -0, integer limits), with expected outputs from the float64
reference, and DIR/manifest.json with each case's tolerance. Run them with
\`etbench run --programs DIR/*.bpte\` or \`etrun FILE.bpte\`.

  --out DIR       folder to write (created when missing)
  --filter TEXT   only operators whose name contains TEXT (e.g. aten::conv)
  --executorch    also run every case on ExecuTorch's own runtime (needs \`etbench setup python\`) and
                  list the cases where it disagrees with the reference, with their documented verdicts
  --check         print every registered (operator, dtype) without the cases CI requires; exit 1 if any
  -h, --help      this help

Exit codes: 0 written (or no gaps), 1 a case could not be built, gaps found, or ExecuTorch disagrees
on a case without a documented verdict, 2 usage error.
`;

export interface SuiteOptions {
  out: string | null;
  filter: string | undefined;
  check: boolean;
  executorch: boolean;
}

/** @returns null when --help was asked. @throws UsageError for bad flags. */
export function parseSuiteArgs(argv: readonly string[], context: Pick<CliIo, 'cwd'>): SuiteOptions | null {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: 'string' }, filter: { type: 'string' }, check: { type: 'boolean' }, executorch: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (cause) {
    throw new UsageError(`suite: ${(cause as Error).message}`, { cause });
  }
  if (parsed.values.help === true) return null;
  const [kind, ...extra] = parsed.positionals;
  if (kind !== 'ops') throw new UsageError(`suite: the suite to write is 'ops'${kind === undefined ? '' : `, not '${kind}'`}`);
  if (extra.length > 0) throw new UsageError(`suite: unexpected argument '${extra[0]}'`);
  const check = parsed.values.check === true;
  if (!check && parsed.values.out === undefined) throw new UsageError('suite: --out DIR is required');
  return {
    out: parsed.values.out === undefined ? null : path.resolve(context.cwd, parsed.values.out),
    filter: parsed.values.filter,
    check,
    executorch: parsed.values.executorch === true,
  };
}

export async function suiteCommand(options: SuiteOptions, io: CliIo): Promise<void> {
  const { OperatorRegistry } = await import('../../program/builder/operators.js');
  const { OP_SUITES } = await import('../../program/suite/ops/cases/index.js');
  if (options.check) {
    const { coverageGaps, formatGap } = await import('../../program/suite/ops/coverage.js');
    const gaps = coverageGaps(OperatorRegistry.default(), OP_SUITES);
    for (const g of gaps) io.stdout(`${formatGap(g)}\n`);
    if (gaps.length > 0) throw new ExitError(1, `${gaps.length} coverage gaps in the operator suites`);
    io.stdout(`every registered (operator, dtype) has its cases (${OP_SUITES.length} operators)\n`);
    if (options.out === null) return;
  }
  const { writeOpSuites } = await import('../../program/suite/ops/write.js');
  const started = performance.now();
  const written = writeOpSuites(options.out!, { filter: options.filter });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  io.stdout(`wrote ${written.files.length} cases for ${written.operators} operators to ${written.dir} in ${seconds} s\n`);
  if (options.executorch) await judge(written.dir, written.files, io);
}

async function judge(dir: string, files: readonly string[], io: CliIo): Promise<void> {
  const { locatePython } = await import('../export/index.js');
  const { tolerancesFor } = await import('../../program/suite/tolerances.js');
  const { judgeWithExecuTorch } = await import('./executorch.js');
  const { EXECUTORCH_ABORTS, EXECUTORCH_VERDICTS } = await import('../../program/suite/ops/verdicts.js');
  // ExecuTorch aborts the whole process on these (documented in the verdicts): leave them out.
  const judgeable = files.filter((f) => !EXECUTORCH_ABORTS.some((stem) => f.endsWith(`${stem}.bpte`)));
  if (judgeable.length < files.length) io.stdout(`ExecuTorch: ${files.length - judgeable.length} cases left out (ExecuTorch aborts on them)\n`);
  const cases = judgeable.map((file) => {
    const t = tolerancesFor(file, 'forward');
    return { file, rtol: t?.rtol ?? 0, atol: t?.atol ?? 0 };
  });
  const judged = await judgeWithExecuTorch(cases, await locatePython(io.env));
  const count = (o: string): number => judged.filter((j) => j.outcome === o).length;
  io.stdout(`ExecuTorch: ${count('agrees')} agree, ${count('disagrees')} disagree, ${count('unsupported')} unsupported, ${count('failed')} failed (${dir})\n`);
  let unexplained = 0;
  for (const j of judged.filter((x) => x.outcome === 'disagrees' || x.outcome === 'failed')) {
    const verdict = EXECUTORCH_VERDICTS[j.file.replace(/\.bpte$/, '')];
    if (verdict === undefined) unexplained += 1;
    io.stdout(`  ${j.file}: ${j.outcome}, ${j.detail}\n    verdict: ${verdict ?? 'NONE: investigate'}\n`);
  }
  if (unexplained > 0) throw new ExitError(1, `${unexplained} cases disagree with ExecuTorch without a documented verdict`);
}
