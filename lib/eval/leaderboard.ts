import * as tf from '@tensorflow/tfjs';
import * as fs from 'fs';
import * as path from 'path';
import { withFileLock, writeFileAtomic } from '../paths';
import { display, escapeHtml } from '../plot/display';
import { csvText, parseCsv } from '../plot/csv';
import { figuresDir } from '../plot/figure';
import { timingsDir } from '../plot/timings';
import { runContext } from '../run-context';
import { ValueRangeError } from '../tensor/guards';
import { Judge, loadJudge } from './judge';
import { exportSamples } from './samples';
import { scoreImages, Scores } from './scores';

/** One row of figures/leaderboard.csv: the judge's Scores of a method's batch, and where they come from (secondsPerImage and created live in figures/timings/leaderboard.csv). */
export interface LeaderboardRow extends Scores {
  method: string;
  paper: string;
  notebook: string;
  profile: string;
  seed: number;
  secondsPerImage: number;
  backend: string;
  /** The exported images, relative to figures/ (samples/<notebook>-<method>.png). */
  samples: string;
  /** First 12 hex digits of the judge's weight hash: rows from different judges do not compare. */
  judge: string;
  created: string;
}

/** Column order of the CSV. */
export const LEADERBOARD_COLUMNS: (keyof LeaderboardRow)[] = [
  'method', 'paper', 'notebook', 'profile', 'seed', 'n',
  'judgeAccuracy', 'meanTargetProb', 'meanMaxOtherProb', 'labelEntropy', 'frechet', 'nnDistance', 'outsideRange',
  'secondsPerImage', 'backend', 'samples', 'judge', 'created',
];
const NUMERIC = new Set<keyof LeaderboardRow>(['seed', 'n', 'judgeAccuracy', 'meanTargetProb', 'meanMaxOtherProb', 'labelEntropy', 'frechet', 'nnDistance', 'outsideRange', 'secondsPerImage']);

export const leaderboardFile = (): string => path.join(figuresDir(), 'leaderboard.csv');

export { parseCsv };

/**
 * Columns that differ between two runs of the same seed: kept in figures/timings/leaderboard.csv
 * (keyed by method, notebook and profile), so leaderboard.csv itself reruns byte-identical.
 */
const RUN_FACTS: (keyof LeaderboardRow)[] = ['secondsPerImage', 'created'];
const KEY: (keyof LeaderboardRow)[] = ['method', 'notebook', 'profile'];
const factsFile = (file: string): string => path.join(timingsDir(path.dirname(file)), path.basename(file));
const rowKey = (r: Record<string, unknown>): string => KEY.map((k) => String(r[k])).join('\u0000');

function readCsvRecords(file: string): Record<string, string>[] {
  if (!fs.existsSync(file)) return [];
  const [head, ...body] = parseCsv(fs.readFileSync(file, 'utf8'));
  return head ? body.map((cells) => Object.fromEntries(head.map((h, i) => [h, cells[i] ?? '']))) : [];
}

/** The rows of figures/leaderboard.csv with their run facts (none when it does not exist yet). */
export function readLeaderboard(file = leaderboardFile()): LeaderboardRow[] {
  const facts = new Map(readCsvRecords(factsFile(file)).map((f) => [rowKey(f), f]));
  return readCsvRecords(file).map((cells) => {
    const all: Record<string, string> = { ...facts.get(rowKey(cells)), ...cells };
    const r: Record<string, unknown> = {};
    for (const c of LEADERBOARD_COLUMNS) {
      const v = all[c] ?? '';
      r[c] = NUMERIC.has(c) ? (v === '' ? null : Number(v)) : v;
    }
    return r as unknown as LeaderboardRow;
  });
}

/** Write rows (replacing both files atomically): results in LEADERBOARD_COLUMNS order, run facts beside. */
export function writeLeaderboard(rows: LeaderboardRow[], file = leaderboardFile()): void {
  const results = LEADERBOARD_COLUMNS.filter((c) => !RUN_FACTS.includes(c));
  const facts = [...KEY, ...RUN_FACTS];
  writeFileAtomic(factsFile(file), csvText(facts, rows.map((r) => facts.map((c) => r[c]))));
  writeFileAtomic(file, csvText(results, rows.map((r) => results.map((c) => r[c]))));
}

/** Adds `row`, replacing an earlier row of the same method, notebook and profile. */
export function upsertRow(row: LeaderboardRow, file = leaderboardFile()): LeaderboardRow[] {
  const same = (r: LeaderboardRow) => r.method === row.method && String(r.notebook) === row.notebook && r.profile === row.profile;
  return withFileLock(file, () => {
    const rows = readLeaderboard(file);
    const i = rows.findIndex(same);
    if (i >= 0) rows[i] = row;
    else rows.push(row);
    writeLeaderboard(rows, file);
    return rows;
  });
}

const fmt = (v: unknown): string => (v === null || v === undefined ? '—' : typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : String(v));

/** A one-row (or many-row) HTML table of leaderboard rows. */
export function rowsHtml(rows: LeaderboardRow[], columns: (keyof LeaderboardRow)[] = LEADERBOARD_COLUMNS): string {
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = rows.map((r) => `<tr>${columns.map((c) => `<td style="text-align:${NUMERIC.has(c) ? 'right' : 'left'}">${escapeHtml(fmt(r[c]))}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

export interface RecordOptions {
  /** Short, unique within the notebook (e.g. "gradient ascent + TV"): names the row and the sample files. */
  method: string;
  /** Paper id as in /work/shared/papers (e.g. "001"), or "anchor". */
  paper: string;
  /** The notebook number ("04"); defaults to the running notebook's. */
  notebook?: string;
  /** The generated images [n,28,28,1], n ≥ 2; not disposed. */
  images: tf.Tensor4D;
  /** Intended label per image, or null for unconditional generators. */
  labels: Int32Array | null;
  /** Wall seconds the method spent per image (generation only, training excluded). */
  secondsPerImage: number;
  /** Method settings saved with the samples (steps, optimiser, prior weights, ...). */
  settings?: Record<string, unknown>;
  /** Defaults to loadJudge(). */
  judge?: Judge;
  /** Show the row in the notebook (default true). */
  show?: boolean;
}

/**
 * Score a batch with the judge, export it to figures/samples/, and put its row in
 * figures/leaderboard.csv (replacing the row of the same method + notebook + profile).
 */
export async function recordScores(o: RecordOptions): Promise<LeaderboardRow> {
  if (!o.method?.trim()) throw new ValueRangeError('recordScores needs a method name (e.g. "gradient ascent"); it names the row and the sample files.');
  if (!(o.secondsPerImage >= 0)) throw new ValueRangeError(`secondsPerImage ${o.secondsPerImage} must be ≥ 0; give the measured generation time per image.`);
  const c = runContext();
  const notebook = o.notebook ?? c.notebook;
  const judge = o.judge ?? (await loadJudge());
  const scores: Scores = scoreImages(judge, o.images, o.labels);
  const samples = exportSamples(o.images, {
    notebook,
    method: o.method,
    paper: o.paper,
    profile: c.profile,
    seed: c.seed,
    labels: o.labels ? Array.from(o.labels) : null,
    settings: { ...(o.settings ?? {}), scores },
  });
  const row: LeaderboardRow = {
    method: o.method,
    paper: o.paper,
    notebook,
    profile: c.profile,
    seed: c.seed,
    ...scores,
    secondsPerImage: o.secondsPerImage,
    backend: c.backend,
    samples,
    judge: judge.info.weightsSha256.slice(0, 12),
    created: new Date().toISOString(),
  };
  upsertRow(row);
  if (o.show !== false) {
    const d = display();
    if (d) d.html(rowsHtml([row], LEADERBOARD_COLUMNS.filter((k) => !['backend', 'judge', 'created'].includes(k))));
  }
  return row;
}

/** Which way is better, per score column (shown in the table's header tooltips). */
export const SCORE_DIRECTION: Partial<Record<keyof LeaderboardRow, string>> = {
  judgeAccuracy: 'higher is better (real digits ≈ 1, noise ≈ 0.1)',
  meanTargetProb: 'higher is better',
  meanMaxOtherProb: 'lower is better (ambiguity)',
  labelEntropy: 'closer to the intended spread (3.32 bits = all ten classes equally)',
  frechet: 'lower is better (compare rows with the same n)',
  nnDistance: 'closer to the real-digit anchor; near 0 = copies of training digits',
  outsideRange: 'lower is better (0 = valid images)',
  secondsPerImage: 'lower is faster',
};

/**
 * The leaderboard as an HTML table whose headers sort it on click (numbers numerically; a second
 * click reverses). The inline script is tiny and self-contained, so the notebook needs no package.
 */
export function sortableTableHtml(rows: LeaderboardRow[], columns: (keyof LeaderboardRow)[] = LEADERBOARD_COLUMNS): string {
  const id = `leaderboard-${Math.random().toString(36).slice(2)}`;
  const head = columns
    .map((c, i) => `<th data-i="${i}" title="${escapeHtml(SCORE_DIRECTION[c] ?? 'click to sort')}" style="cursor:pointer">${escapeHtml(c)} ⇅</th>`)
    .join('');
  const body = rows
    .map((r) => `<tr>${columns.map((c) => `<td data-v="${escapeHtml(r[c] === null || r[c] === undefined ? '' : String(r[c]))}" style="text-align:${NUMERIC.has(c) ? 'right' : 'left'}">${escapeHtml(fmt(r[c]))}</td>`).join('')}</tr>`)
    .join('');
  const script = `(function(){var t=document.getElementById("${id}");if(!t)return;var up={};
t.querySelectorAll("th").forEach(function(th){th.addEventListener("click",function(){var i=+th.dataset.i;up[i]=!up[i];
var b=t.tBodies[0],rs=Array.prototype.slice.call(b.rows);rs.sort(function(p,q){var x=p.cells[i].dataset.v,y=q.cells[i].dataset.v,
nx=parseFloat(x),ny=parseFloat(y),c=(x===""||y==="")?(x===""?1:-1)*(up[i]?1:-1):(!isNaN(nx)&&!isNaN(ny)?nx-ny:x.localeCompare(y));return up[i]?c:-c;});
rs.forEach(function(r){b.appendChild(r);});});});})();`;
  return `<table id="${id}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table><script>${script}</script>`;
}
