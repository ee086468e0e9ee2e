import * as fs from 'fs';
import * as path from 'path';
import { withFileLock, writeFileAtomic } from '../../paths';
import { csvText, parseCsv } from '../../plot/csv';
import { display, escapeHtml } from '../../plot/display';
import { figuresDir, resultsCommit } from '../../plot/figure';
import { runContext } from '../../run-context';
import { ValueRangeError } from '../../tensor/guards';
import { checkClaim, inventoryFile } from './claim';
import { Interval, intervalText } from './intervals';
import { PaperClaim, Verdict } from './types';
import { decide, isTwoJudges, TwoJudges, VerdictRule, VERDICTS } from './verdicts';

/**
 * figures/claims.csv: one row per claim per profile, replaced (not appended) when a claim is
 * measured again, like the leaderboard. Rows hold results only (no clock times, lib/plot/timings.ts
 * says why), sorted by claim and profile, so a same-seed rerun rewrites the file byte for byte.
 */
export interface ClaimRow {
  id: string;
  paper: string;
  where: string;
  statement: string;
  /** As the paper prints it; '' for a qualitative claim. */
  paperValue: string;
  profile: string;
  /** The verdict rule's one-line description ('' when not attempted). */
  rule: string;
  /** The measurement (the judge's, for a judge-based claim) and its 95 % interval; null when not attempted. */
  value: number | null;
  low: number | null;
  high: number | null;
  n: number | null;
  /** The second image set's size, for a difference of two independent sets. */
  n2: number | null;
  over: Interval['over'] | '';
  /** The same measured with the second judge; null when the claim is not judge-based. */
  secondJudgeValue: number | null;
  secondJudgeLow: number | null;
  secondJudgeHigh: number | null;
  /** null: not judge-based. */
  judgesAgree: boolean | null;
  verdict: Verdict;
  /** Why the verdict is what it is when the rule alone does not say (per-judge verdicts, too few seeds, the reason a claim is not attempted). */
  note: string;
  notebook: string;
  /** The last commit that changed what makes results (as figures/manifest.json stamps figures). */
  commit: string;
}

export const CLAIM_COLUMNS: (keyof ClaimRow)[] = [
  'id', 'paper', 'where', 'statement', 'paperValue', 'profile', 'rule',
  'value', 'low', 'high', 'n', 'n2', 'over', 'secondJudgeValue', 'secondJudgeLow', 'secondJudgeHigh',
  'judgesAgree', 'verdict', 'note', 'notebook', 'commit',
];
const NUMERIC = new Set<keyof ClaimRow>(['value', 'low', 'high', 'n', 'n2', 'secondJudgeValue', 'secondJudgeLow', 'secondJudgeHigh']);

export const claimsFile = (): string => path.join(figuresDir(), 'claims.csv');

/** The rows of figures/claims.csv (none when it does not exist yet). */
export function readClaims(file = claimsFile()): ClaimRow[] {
  if (!fs.existsSync(file)) return [];
  const [head, ...body] = parseCsv(fs.readFileSync(file, 'utf8'));
  const missing = CLAIM_COLUMNS.filter((c) => !head?.includes(c));
  if (missing.length) throw new ValueRangeError(`${file} lacks the column(s) ${missing.join(', ')}; it was written by another version of the ledger: delete it and rerun the notebooks that record claims.`);
  return body.map((cells) => {
    const r: Record<string, unknown> = {};
    for (const c of CLAIM_COLUMNS) {
      const v = cells[head.indexOf(c)] ?? '';
      r[c] = NUMERIC.has(c) ? (v === '' ? null : Number(v)) : c === 'judgesAgree' ? (v === '' ? null : v === 'true') : v;
    }
    if (!VERDICTS.includes(r.verdict as Verdict)) throw new ValueRangeError(`${file}: claim ${r.id} has verdict ${JSON.stringify(r.verdict)}, not one of ${VERDICTS.join(', ')}; verdicts are computed, never typed: rerun its notebook ${r.notebook}.`);
    return r as unknown as ClaimRow;
  });
}

const rowKey = (r: ClaimRow): string => `${r.id}\u0000${r.profile}`;
const byKey = (a: ClaimRow, b: ClaimRow): number => (rowKey(a) < rowKey(b) ? -1 : rowKey(a) > rowKey(b) ? 1 : 0);

/** Puts rows in the ledger under its lock, each replacing the row of the same (claim id, profile); returns all rows. */
export function upsertClaimRows(rows: ClaimRow[], file = claimsFile()): ClaimRow[] {
  return withFileLock(file, () => {
    const all = new Map(readClaims(file).map((r) => [rowKey(r), r]));
    for (const r of rows) all.set(rowKey(r), r);
    const sorted = [...all.values()].sort(byKey);
    writeFileAtomic(file, csvText(CLAIM_COLUMNS, sorted.map((r) => CLAIM_COLUMNS.map((c) => r[c]))));
    return sorted;
  });
}

/** The columns a claim fills itself, from its inventory entry. */
function claimColumns(c: PaperClaim): Pick<ClaimRow, 'id' | 'paper' | 'where' | 'statement' | 'paperValue' | 'profile' | 'notebook' | 'commit'> {
  return { id: c.id, paper: c.paper, where: c.where, statement: c.statement, paperValue: c.paperValue ?? '', profile: runContext().profile, notebook: c.notebook ?? '', commit: resultsCommit() };
}

/** Rows for the inventory's claims the lab does not measure: verdict 'not attempted', the reason as the note. */
export function notAttemptedRows(claims: readonly PaperClaim[]): ClaimRow[] {
  return claims.filter((c) => !c.attempted).map((c) => {
    checkClaim(c);
    return {
      ...claimColumns(c), rule: '', value: null, low: null, high: null, n: null, n2: null, over: '',
      secondJudgeValue: null, secondJudgeLow: null, secondJudgeHigh: null, judgesAgree: null,
      verdict: 'not attempted', note: c.reason ?? '',
    };
  });
}

export interface RecordClaimOptions {
  /** Show the row in the notebook (default true). */
  show?: boolean;
  /** Default figures/claims.csv (MNIST_LAB_FIGURES moves it). */
  file?: string;
}

/**
 * Judge a claim by its rule (declared before the measurement) and put its row in figures/claims.csv,
 * replacing the row of the same claim and profile. A judge-based claim passes { judge, secondJudge }:
 * both are recorded, and different verdicts make it 'judge-dependent'.
 */
export function recordClaim(claim: PaperClaim, rule: VerdictRule, measurement: Interval | TwoJudges, o: RecordClaimOptions = {}): ClaimRow {
  checkClaim(claim);
  if (!claim.attempted) throw new ValueRangeError(`claim ${claim.id} is marked not attempted (${claim.reason}); set attempted: true in ${inventoryFile(claim.paper)} to measure it.`);
  const running = runContext().notebook;
  if (running !== 'script' && running !== claim.notebook) {
    throw new ValueRangeError(`claim ${claim.id} is measured in notebook ${running}, but ${inventoryFile(claim.paper)} lists it under notebook ${claim.notebook}; correct its notebook there.`);
  }
  if (!rule?.description || typeof rule.verdict !== 'function') throw new ValueRangeError(`claim ${claim.id}: the rule is not a verdict rule; declare it with expectEffect, expectNear, expectAtLeast or expectAtMost (lib/eval/claims/verdicts.ts).`);
  const d = decide(rule, measurement);
  const [first, second] = isTwoJudges(measurement) ? [measurement.judge, measurement.secondJudge] : [measurement, null];
  const row: ClaimRow = {
    ...claimColumns(claim),
    rule: rule.description,
    value: first.value, low: first.low, high: first.high, n: first.n, n2: first.n2 ?? null, over: first.over,
    secondJudgeValue: second?.value ?? null, secondJudgeLow: second?.low ?? null, secondJudgeHigh: second?.high ?? null,
    judgesAgree: d.judgesAgree,
    verdict: d.verdict,
    note: d.note,
  };
  upsertClaimRows([row], o.file);
  if (o.show !== false) display()?.html(claimRowsHtml([row]));
  return row;
}

/** The row's measurement as "value [low, high] (n = …)", the second judge's beside it. */
export function measuredText(r: ClaimRow): string {
  if (r.value === null || r.low === null || r.high === null || r.n === null || r.over === '') return '—';
  const iv = (value: number, low: number, high: number): Interval => ({ value, low, high, n: r.n!, ...(r.n2 !== null ? { n2: r.n2 } : {}), over: r.over as Interval['over'] });
  const first = intervalText(iv(r.value, r.low, r.high));
  if (r.secondJudgeValue === null || r.secondJudgeLow === null || r.secondJudgeHigh === null) return first;
  return `judge ${first}; second judge ${intervalText(iv(r.secondJudgeValue, r.secondJudgeLow, r.secondJudgeHigh), 3, false)}`;
}

const VERDICT_COLOUR: Record<Verdict, string> = {
  reproduced: '#d4edda',
  'partly reproduced': '#fff3cd',
  'not reproduced': '#f8d7da',
  inconclusive: '#e2e3e5',
  'judge-dependent': '#e8daef',
  'not attempted': '#f8f9fa',
};

/** Claim rows as an HTML table for a notebook: the claim, the paper's value, the measurement with n, the rule and the verdict. */
export function claimRowsHtml(rows: ClaimRow[]): string {
  const head = ['claim', 'where', 'paper', 'measured (95 % interval)', 'rule', 'judges agree', 'verdict']
    .map((h) => `<th style="text-align:left">${escapeHtml(h)}</th>`).join('');
  const cell = (s: string, style = '') => `<td style="text-align:left${style}">${escapeHtml(s)}</td>`;
  const body = rows.map((r) => `<tr>${[
    cell(`${r.id}: ${r.statement}`),
    cell(r.where),
    cell(r.paperValue || '—'),
    cell(measuredText(r)),
    cell(r.rule || '—'),
    cell(r.judgesAgree === null ? '—' : r.judgesAgree ? 'yes' : 'no'),
    `<td style="text-align:left;background:${VERDICT_COLOUR[r.verdict] ?? 'none'}">${escapeHtml(r.verdict)}${r.note ? `<br><small>${escapeHtml(r.note)}</small>` : ''}</td>`,
  ].join('')}</tr>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}
