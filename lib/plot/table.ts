import * as dfd from 'danfojs-node';
import * as path from 'path';
import { writeFileAtomic } from '../paths';
import { csvText } from './csv';
import { display, escapeHtml } from './display';
import { figuresDir, saveFigure } from './figure';
import { splitRunFacts, timingsDir } from './timings';

export type Row = Record<string, string | number | boolean | null>;

const fmt = (v: unknown): string =>
  typeof v === 'number' ? (Number.isInteger(v) ? String(v) : Math.abs(v) >= 1000 || Math.abs(v) < 1e-3 ? v.toExponential(3) : v.toFixed(4)) : String(v ?? '');

/** An HTML table of a danfo DataFrame (danfo's own printing is for terminals). */
export function tableHtml(df: dfd.DataFrame, caption?: string): string {
  const cols = df.columns as string[];
  const vals = df.values as unknown[][];
  const head = cols.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = vals.map((r) => `<tr>${r.map((v) => `<td style="text-align:right">${escapeHtml(fmt(v))}</td>`).join('')}</tr>`).join('');
  return `<table>${caption ? `<caption>${escapeHtml(caption)}</caption>` : ''}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

export { csvText };

/**
 * A results table: a danfo DataFrame, shown as HTML in the notebook (as text elsewhere) and
 * saved as figures/<name>.csv beside the figures; its run-fact columns (times, "cached") go to
 * figures/timings/<name>.csv instead (lib/plot/timings.ts), so a same-seed rerun rewrites the
 * result byte for byte. Returns nothing (a cell ending with it shows the
 * table once); build a DataFrame with `new dfd.DataFrame(rows)` to compute on it.
 */
export function resultsTable(name: string, rows: Row[], caption?: string): void {
  if (rows.length === 0) throw new Error(`table "${name}" has no rows; compute the results before tabulating them.`);
  const df = new dfd.DataFrame(rows);
  const csv = csvText(df.columns as string[], df.values as unknown[][]);
  const split = splitRunFacts(df.columns as string[], df.values as unknown[][]);
  if (split.facts) writeFileAtomic(path.join(timingsDir(figuresDir()), `${name}.csv`), csvText(split.facts.columns, split.facts.values));
  saveFigure(name, Buffer.from(csvText(split.columns, split.values)), caption ? { caption } : undefined, 'csv');
  const d = display();
  if (d) d.html(tableHtml(df, caption));
  else if (process.env.NODE_TEST_CONTEXT === undefined) console.log(`${caption ?? name}\n${csv}`);
}
