// The dashboard: a hash router over eight pages. Each page renders into #app; the abort signal
// stops its live streams when the user navigates away.

import 'uplot/dist/uPlot.min.css';
import './style.css';
import { setToken, token } from './api.js';
import { h } from './dom.js';
import { fleetPage } from './pages/fleet.js';
import { kernelsPage } from './pages/kernels.js';
import { opComparePage, opSeriesPage } from './pages/ops.js';
import { resultPage } from './pages/result.js';
import { runPage } from './pages/run.js';
import { runsPage } from './pages/runs.js';
import { trendsPage } from './pages/trends.js';

type Page = (app: HTMLElement, signal: AbortSignal) => Promise<void>;

const routes: [RegExp, (m: RegExpExecArray) => Page][] = [
  [/^#?\/?$/, () => fleetPage],
  [/^#\/runs$/, () => runsPage],
  [/^#\/runs\/([\w-]+)$/, (m) => (app, signal) => runPage(m[1]!, app, signal)],
  [/^#\/results\/([\w-]+)$/, (m) => (app) => resultPage(m[1]!, app)],
  [/^#\/trends$/, () => trendsPage],
  [/^#\/kernels$/, () => kernelsPage],
  [/^#\/ops\?(.*)$/, (m) => (app) => opSeriesPage(m[1]!, app)],
  [/^#\/ops\/compare\?(.*)$/, (m) => (app) => opComparePage(m[1]!, app)],
];

let current: AbortController | null = null;

async function render(): Promise<void> {
  current?.abort();
  const controller = (current = new AbortController());
  const app = document.getElementById('app')!;
  app.replaceChildren();
  for (const [re, page] of routes) {
    const m = re.exec(location.hash);
    if (m === null) continue;
    try {
      await page(m)(app, controller.signal);
    } catch (e) {
      if (!controller.signal.aborted) app.append(h('p', { class: 'error', id: 'error' }, (e as Error).message));
    }
    return;
  }
  app.append(h('p', { class: 'error', id: 'error' }, `no page ${location.hash}`));
}

const input = document.getElementById('token') as HTMLInputElement;
// A token given as ?token= is stored and removed from the address bar (and history).
const fromUrl = new URLSearchParams(location.search).get('token');
if (fromUrl !== null) {
  setToken(fromUrl);
  history.replaceState(null, '', location.pathname + location.hash);
}
input.value = token();
document.getElementById('token-form')!.addEventListener('submit', (e) => {
  e.preventDefault();
  setToken(input.value.trim());
  void render();
});
window.addEventListener('hashchange', () => void render());
void render();
