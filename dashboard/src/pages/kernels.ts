// Kernel validation: operator-suite results (`etbench run --suite ops`) per operator, dtype,
// device and configuration, with pass/fail counts, error magnitudes and the failing cases.

import { get } from '../api.js';
import { h, table } from '../dom.js';

interface Problem { case: string; outcome: string; jobId: string; maxAbsErr: number | null; problem: string }
interface Row {
  operator: string; dtype: string; deviceId: string; config: string; cases: number; passed: number; failed: number; unsupported: number; errors: number;
  maxAbsErr: number | null; maxRelErr: number | null; problems: Problem[];
}

const err = (v: number | null): string => (v === null ? '–' : v === 0 ? '0' : v.toExponential(2));

export async function kernelsPage(app: HTMLElement): Promise<void> {
  const view = await get<{ runs: number; cases: number; rows: Row[] }>('/api/v1/kernels?runs=200');
  app.append(h('h1', {}, 'Kernel validation'),
    h('p', {}, `${view.cases} operator-suite cases over the newest ${view.runs} runs; each case counts once per device and configuration, with its newest result.`));
  if (view.rows.length === 0) {
    app.append(h('p', {}, 'No operator-suite results yet: run `etbench run --suite ops --orchestrator HOST:PORT --devices all`.'));
    return;
  }
  const t = table(['operator', 'dtype', 'device', 'config', 'cases', 'passed', 'failed', 'unsupported', 'errors', 'max abs err', 'max rel err', 'not passing'],
    view.rows.map((r) => [r.operator, r.dtype, r.deviceId, r.config, r.cases, r.passed, r.failed, r.unsupported, r.errors, err(r.maxAbsErr), err(r.maxRelErr),
      h('span', {}, ...r.problems.flatMap((p, i) => [i > 0 ? ', ' : '', h('a', { href: `#/results/${p.jobId}`, title: p.problem }, `${p.case} (${p.outcome})`)]))]),
    { id: 'kernels' });
  t.querySelectorAll('tbody tr').forEach((tr, i) => tr.classList.add(view.rows[i]!.passed === view.rows[i]!.cases ? 'passed' : 'failed'));
  app.append(t);
}
