import * as tf from '@tensorflow/tfjs';
import * as fs from 'fs';
import * as path from 'path';
import { withFileLock, writeFileAtomic } from '../paths';
import { display, escapeHtml } from '../plot/display';
import { figuresDir } from '../plot/figure';
import { runContext } from '../run-context';
import { ValueRangeError } from '../tensor/guards';
import { Judge, loadJudge } from './judge';
import { exportSamples } from './samples';
import { scoreImages, Scores } from './scores';

/** One row of figures/leaderboard.csv. */
export interface LeaderboardRow {
  method: string;
  paper: string;
  notebook: string;
  profile: string;
  seed: number;
  n: number;
  judgeAccuracy: number | null;
  meanTargetProb: number;
  meanMaxOtherProb: number;
  labelEntropy: number;
  frechet: number;
  nnDistance: number;
  outsideRange: number;
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

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? String(Number(v.toPrecision(6))) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 fields: quotes around fields with commas, quotes or newlines; "" inside quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

/** The rows of figures/leaderboard.csv (none when it does not exist yet). */
export function readLeaderboard(file = leaderboardFile()): LeaderboardRow[] {
  if (!fs.existsSync(file)) return [];
  const [head, ...body] = parseCsv(fs.readFileSync(file, 'utf8'));
  if (!head) return [];
  return body.map((cells) => {
    const r: Record<string, unknown> = {};
    head.forEach((h, i) => {
      const v = cells[i] ?? '';
      r[h] = NUMERIC.has(h as keyof LeaderboardRow) ? (v === '' ? null : Number(v)) : v;
    });
    return r as unknown as LeaderboardRow;
  });
}

/** Write rows (replacing the file atomically), in LEADERBOARD_COLUMNS order. */
export function writeLeaderboard(rows: LeaderboardRow[], file = leaderboardFile()): void {
  const lines = [LEADERBOARD_COLUMNS.join(','), ...rows.map((r) => LEADERBOARD_COLUMNS.map((c) => csvCell(r[c])).join(','))];
  writeFileAtomic(file, lines.join('\n') + '\n');
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
