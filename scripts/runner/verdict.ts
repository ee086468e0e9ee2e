/**
 * Did an executed notebook pass? tslab reports a throwing cell only on its stderr and then silently
 * skips the remaining cells, and nbconvert's own error is empty; so each run gets a sentinel last
 * cell, and a run whose sentinel did not print failed: we report the failing cell's number and its
 * real error text.
 */
export const SENTINEL = '__MNIST_LAB_NOTEBOOK_DONE__';

export interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: { output_type: string; name?: string; text?: string | string[]; ename?: string; evalue?: string }[];
  id?: string;
  metadata?: { execution?: Record<string, string> };
  execution_count?: number | null;
}

export interface Notebook {
  cells: Cell[];
  metadata?: { mnist_lab?: { runs_after_others?: boolean } };
}

const text = (t: string | string[] | undefined) => (Array.isArray(t) ? t.join('') : t ?? '');

/** The notebook as the runner executes it: optionally every cell twice, then the sentinel cell. */
export function withSentinel(nb: Notebook, twice: boolean): Notebook {
  const cells = twice ? [...nb.cells, ...nb.cells.map((c) => ({ ...c, id: `${c.id ?? 'c'}-again` }))] : [...nb.cells];
  cells.push({ cell_type: 'code', id: 'sentinel', metadata: {}, execution_count: null, outputs: [], source: `console.log("${SENTINEL}")` });
  return { ...nb, cells };
}

/** The slowest code cells of an executed notebook (nbconvert's recorded timing), as "cell 14 151 s, …". */
function slowestCells(cells: Cell[], k = 3): string {
  const times = cells
    .map((c, i) => {
      const e = c.metadata?.execution;
      const t0 = e?.['iopub.status.busy'], t1 = e?.['iopub.status.idle'];
      return { i: i + 1, s: t0 && t1 ? (Date.parse(t1) - Date.parse(t0)) / 1000 : NaN };
    })
    .filter((t) => Number.isFinite(t.s))
    .sort((a, b) => b.s - a.s);
  return times.slice(0, k).map((t) => `cell ${t.i} ${t.s.toFixed(0)} s`).join(', ');
}

/**
 * { error: null, slowest, notebook } when the sentinel printed (notebook: without the sentinel cell),
 * else a report naming the failing cell and its error text.
 */
export function verdict(done: Notebook): { error: string | null; slowest?: string; notebook: Notebook } {
  const code = done.cells.map((c, i) => ({ c, i })).filter(({ c }) => c.cell_type === 'code');
  const sentinel = code[code.length - 1].c;
  if ((sentinel.outputs ?? []).some((o) => text(o.text).includes(SENTINEL))) {
    const notebook = { ...done, cells: done.cells.slice(0, -1) };
    return { error: null, slowest: slowestCells(notebook.cells), notebook };
  }
  // The failing cell is the last one that printed anything on stderr (or an error output).
  const failing = [...code].reverse().find(({ c }) => (c.outputs ?? []).some((o) => o.output_type === 'error' || o.name === 'stderr'));
  if (!failing) return { error: 'the run stopped before its last cell without an error message (kernel died or was interrupted).', notebook: done };
  const msg = (failing.c.outputs ?? [])
    .filter((o) => o.output_type === 'error' || o.name === 'stderr')
    .map((o) => (o.output_type === 'error' ? `${o.ename}: ${o.evalue}` : text(o.text)))
    .join('')
    .trim();
  const src = text(failing.c.source).split('\n').slice(0, 6).join('\n');
  return { error: `cell ${failing.i + 1} failed:\n--- source ---\n${src}\n--- error ---\n${msg}`, notebook: done };
}
