// Tiny DOM helpers: elements from a tag, attributes and children; text is never parsed as HTML.

type Child = Node | string | number | null | undefined;

export function h(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined) el.append(typeof c === 'object' ? c : String(c));
  return el;
}

export function table(head: string[], rows: Child[][], attrs: Record<string, string> = {}): HTMLElement {
  return h('table', attrs, h('thead', {}, h('tr', {}, ...head.map((t) => h('th', {}, t)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c))))));
}

/** Below a millisecond in µs with one decimal, else ms with three: short runs keep their digits. */
export const ms = (v: number | null | undefined): string =>
  v === null || v === undefined ? '–' : v < 1 ? `${(v * 1000).toFixed(1)} µs` : `${v.toFixed(3)} ms`;
export const bytes = (v: number | null | undefined): string => (v === null || v === undefined || v === 0 ? '–' : `${(v / 1048576).toFixed(1)} MiB`);
export const ago = (t: number): string => (t > 0 ? `${Math.max(0, Math.round((Date.now() - t) / 1000))} s ago` : 'never');
