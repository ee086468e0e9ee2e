import { ValueRangeError } from '../../tensor/guards';
import { Verdict } from './types';
import { Interval } from './intervals';

/**
 * Verdict rules: a notebook declares one per claim before it measures (issue 22), and the ledger
 * computes the verdict from the measured 95 % interval; nobody types a verdict. Each rule carries a
 * one-line description that the ledger prints beside the verdict.
 */

/** Every verdict, in the order tables list them (a Record, so a new Verdict must be placed here). */
const ORDER: Record<Verdict, number> = {
  reproduced: 0, 'partly reproduced': 1, 'not reproduced': 2, inconclusive: 3, 'judge-dependent': 4, 'not attempted': 5,
};
export const VERDICTS = (Object.keys(ORDER) as Verdict[]).sort((a, b) => ORDER[a] - ORDER[b]);

/** What a rule may conclude from one measurement; the ledger adds the other two verdicts. */
export type RuleVerdict = Exclude<Verdict, 'judge-dependent' | 'not attempted'>;

export interface VerdictRule {
  /** One line, printed in the ledger's rule column. */
  description: string;
  verdict(m: Interval): RuleVerdict;
}

const num = (x: number): string => String(Number(x.toPrecision(6)));

function checkNumber(x: number, what: string, fix: string): void {
  if (!Number.isFinite(x)) throw new ValueRangeError(`${what} is ${x}; ${fix}`);
}

function checkInterval(m: Interval): void {
  if (!(Number.isFinite(m.value) && Number.isFinite(m.low) && Number.isFinite(m.high) && m.low <= m.value && m.value <= m.high)) {
    throw new ValueRangeError(`measurement ${m.value} [${m.low}, ${m.high}] is not a finite value inside its interval; build it with meanOverSeeds, bootstrapMean, … (lib/eval/claims/intervals.ts).`);
  }
}

/** Wraps a rule so every measurement is checked before it is judged. */
const rule = (description: string, verdict: (m: Interval) => RuleVerdict): VerdictRule => ({
  description,
  verdict: (m) => {
    checkInterval(m);
    return verdict(m);
  },
});

/**
 * A qualitative effect (a difference, e.g. Adam − SGD): reproduced if the 95 % interval excludes 0
 * on the paper's side, not reproduced if it excludes 0 on the other side, inconclusive otherwise.
 */
export function expectEffect(o: { direction: 'positive' | 'negative' }): VerdictRule {
  if (o?.direction !== 'positive' && o?.direction !== 'negative') {
    throw new ValueRangeError(`expectEffect direction ${JSON.stringify(o?.direction)} must be 'positive' or 'negative' (the sign the paper reports).`);
  }
  const sign = o.direction === 'positive' ? 1 : -1;
  const side = sign > 0 ? 'above' : 'below';
  const other = sign > 0 ? 'below' : 'above';
  return rule(`effect ${sign > 0 ? '> 0' : '< 0'}: reproduced if the 95 % interval lies ${side} 0, not reproduced if ${other}, else inconclusive`, (m) => {
    const [near, far] = sign > 0 ? [m.low, m.high] : [-m.high, -m.low];
    if (near > 0) return 'reproduced';
    if (far < 0) return 'not reproduced';
    return 'inconclusive';
  });
}

/**
 * The paper's number, within a tolerance (absolute, or `relative` to |paperValue|): reproduced if
 * the measured value is within ±tol, partly within ±2·tol, not reproduced beyond. Inconclusive when
 * the interval is too wide to tell: it reaches both inside ±tol and beyond ±2·tol.
 */
export function expectNear(paperValue: number, o: { tolerance?: number; relative?: number }): VerdictRule {
  checkNumber(paperValue, 'expectNear paper value', 'pass the number the paper prints (e.g. Number(claim.paperValue)).');
  if ((o?.tolerance === undefined) === (o?.relative === undefined)) {
    throw new ValueRangeError(`expectNear(${paperValue}) needs exactly one of { tolerance } (absolute) or { relative } (a fraction of |${paperValue}|), got ${JSON.stringify(o)}.`);
  }
  const tol = o.tolerance ?? o.relative! * Math.abs(paperValue);
  if (!(tol > 0 && Number.isFinite(tol))) throw new ValueRangeError(`expectNear(${paperValue}) tolerance ${tol} must be a finite number > 0; pass { tolerance: 1 } or { relative: 0.05 } (relative needs a nonzero paper value).`);
  const band = o.tolerance !== undefined ? `± ${num(tol)}` : `± ${num(o.relative! * 100)} %`;
  return rule(`near ${num(paperValue)} ${band}: reproduced within ±tol, partly within ±2·tol, else not reproduced; inconclusive if the 95 % interval reaches both inside ±tol and beyond ±2·tol`, (m) => {
    // The distance of the interval's nearest and farthest points from the paper's value.
    const nearest = m.low <= paperValue && paperValue <= m.high ? 0 : Math.min(Math.abs(m.low - paperValue), Math.abs(m.high - paperValue));
    const farthest = Math.max(Math.abs(m.low - paperValue), Math.abs(m.high - paperValue));
    if (nearest <= tol && farthest > 2 * tol) return 'inconclusive';
    const d = Math.abs(m.value - paperValue);
    return d <= tol ? 'reproduced' : d <= 2 * tol ? 'partly reproduced' : 'not reproduced';
  });
}

/** A bound the paper states ("at least 99 % accuracy"): reproduced if the whole interval is ≥ x, not reproduced if it is < x, else inconclusive. */
export function expectAtLeast(x: number): VerdictRule {
  checkNumber(x, 'expectAtLeast bound', 'pass the bound the paper states, e.g. expectAtLeast(0.99).');
  return rule(`at least ${num(x)}: reproduced if the 95 % interval lies at or above ${num(x)}, not reproduced if below, else inconclusive`, (m) =>
    m.low >= x ? 'reproduced' : m.high < x ? 'not reproduced' : 'inconclusive');
}

/** A ceiling the paper states ("error below 1e-6"): reproduced if the whole interval is ≤ x, not reproduced if it is > x, else inconclusive. */
export function expectAtMost(x: number): VerdictRule {
  checkNumber(x, 'expectAtMost bound', 'pass the bound the paper states, e.g. expectAtMost(1e-6).');
  return rule(`at most ${num(x)}: reproduced if the 95 % interval lies at or below ${num(x)}, not reproduced if above, else inconclusive`, (m) =>
    m.high <= x ? 'reproduced' : m.low > x ? 'not reproduced' : 'inconclusive');
}

/** The same quantity measured with the judge and with the second judge (same images, same n). */
export interface TwoJudges {
  judge: Interval;
  secondJudge: Interval;
}

export const isTwoJudges = (m: Interval | TwoJudges): m is TwoJudges => 'judge' in m && 'secondJudge' in m;

export interface Decision {
  verdict: Verdict;
  /** true / false when two judges scored it, null when the claim is not judge-based. */
  judgesAgree: boolean | null;
  /** Each judge's verdict, when two judges scored it. */
  perJudge: [RuleVerdict, RuleVerdict] | null;
  /** Why the verdict is what it is, when the rule alone does not say ('' otherwise). */
  note: string;
}

/** Independently seeded trainings a claim about a training recipe needs (issue 22). */
export const MIN_SEEDS = 5;

/**
 * A recipe claim over fewer than MIN_SEEDS seeds cannot be settled: its verdict is 'inconclusive',
 * and the note keeps what the rule would have said.
 */
function withSeedFloor(v: RuleVerdict, m: Interval): { verdict: RuleVerdict; note: string } {
  if (m.over !== 'seeds' || m.n >= MIN_SEEDS || v === 'inconclusive') return { verdict: v, note: '' };
  return { verdict: 'inconclusive', note: `${m.n} seeds < ${MIN_SEEDS}: the rule said ${v}; train ${MIN_SEEDS - m.n} more seeds to settle it` };
}

/**
 * Apply a rule to one measurement, or per judge to a judge-based one: the same verdict from both
 * judges stands; different verdicts make the claim 'judge-dependent', never 'reproduced'.
 */
export function decide(r: VerdictRule, m: Interval | TwoJudges): Decision {
  if (!isTwoJudges(m)) return { ...withSeedFloor(r.verdict(m), m), judgesAgree: null, perJudge: null };
  if (m.judge.n !== m.secondJudge.n || m.judge.over !== m.secondJudge.over || m.judge.n2 !== m.secondJudge.n2) {
    throw new ValueRangeError(`the two judges scored different sets (${m.judge.n} ${m.judge.over} against ${m.secondJudge.n} ${m.secondJudge.over}); score the same images with both judges.`);
  }
  const a = withSeedFloor(r.verdict(m.judge), m.judge);
  const b = withSeedFloor(r.verdict(m.secondJudge), m.secondJudge);
  const perJudge: [RuleVerdict, RuleVerdict] = [a.verdict, b.verdict];
  const agree = a.verdict === b.verdict;
  const notes = [a.note, agree ? '' : `judge: ${a.verdict}; second judge: ${b.verdict}`].filter(Boolean);
  return { verdict: agree ? a.verdict : 'judge-dependent', judgesAgree: agree, perJudge, note: notes.join('; ') };
}
