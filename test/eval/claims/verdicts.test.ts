import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Interval, oneRun } from '../../../lib/eval/claims/intervals';
import { decide, expectAtLeast, expectAtMost, expectEffect, expectNear, MIN_SEEDS, VERDICTS } from '../../../lib/eval/claims/verdicts';

const iv = (value: number, low: number, high: number, over: Interval['over'] = 'images', n = 500): Interval => ({ value, low, high, n, over });

test('expectEffect: the interval must exclude 0 on the paper\'s side', () => {
  const up = expectEffect({ direction: 'positive' });
  assert.equal(up.verdict(iv(0.03, 0.01, 0.05)), 'reproduced');
  assert.equal(up.verdict(iv(-0.03, -0.05, -0.01)), 'not reproduced');
  assert.equal(up.verdict(iv(0.03, -0.01, 0.07)), 'inconclusive');
  assert.equal(up.verdict(iv(0, 0, 0.07)), 'inconclusive', 'an interval touching 0 does not exclude it');
  const down = expectEffect({ direction: 'negative' });
  assert.equal(down.verdict(iv(-0.03, -0.05, -0.01)), 'reproduced');
  assert.equal(down.verdict(iv(0.03, 0.01, 0.05)), 'not reproduced');
  assert.equal(down.verdict(iv(-0.01, -0.05, 0.01)), 'inconclusive');
  assert.match(up.description, /^effect > 0: reproduced if the 95 % interval lies above 0, not reproduced if below, else inconclusive$/);
  assert.throws(() => expectEffect({ direction: 'up' as 'positive' }), /direction "up" must be 'positive' or 'negative'/);
});

test('expectNear: within tol reproduced, within 2·tol partly, beyond not; a too-wide interval is inconclusive', () => {
  const r = expectNear(77.1, { tolerance: 2 });
  assert.equal(r.verdict(iv(76, 75, 77)), 'reproduced');
  assert.equal(r.verdict(iv(74.2, 73.5, 75)), 'partly reproduced');
  assert.equal(r.verdict(iv(70, 69, 71)), 'not reproduced');
  assert.equal(r.verdict(iv(77, 70, 84)), 'inconclusive', 'reaches inside ±2 and beyond ±4');
  assert.equal(r.verdict(iv(72, 71, 75.5)), 'inconclusive', 'a miss whose interval reaches back within ±2');
  assert.equal(r.verdict(iv(72, 70, 74)), 'not reproduced', 'the whole interval is more than 2 away');
  assert.equal(r.verdict(oneRun(79.1)), 'reproduced', 'the band edge counts');
  assert.match(r.description, /^near 77.1 ± 2: reproduced within ±tol, partly within ±2·tol/);
  const rel = expectNear(50, { relative: 0.1 });
  assert.equal(rel.verdict(oneRun(54)), 'reproduced');
  assert.equal(rel.verdict(oneRun(59)), 'partly reproduced');
  assert.match(rel.description, /^near 50 ± 10 %/);
  assert.throws(() => expectNear(NaN, { tolerance: 1 }), /paper value is NaN; pass the number the paper prints/);
  assert.throws(() => expectNear(1, {}), /needs exactly one of \{ tolerance \} \(absolute\) or \{ relative \}/);
  assert.throws(() => expectNear(0, { relative: 0.1 }), /tolerance 0 must be a finite number > 0/);
});

test('expectAtLeast / expectAtMost: the whole interval on the right side of the bound', () => {
  const r = expectAtLeast(0.99);
  assert.equal(r.verdict(iv(0.993, 0.991, 0.995)), 'reproduced');
  assert.equal(r.verdict(iv(0.98, 0.975, 0.985)), 'not reproduced');
  assert.equal(r.verdict(iv(0.991, 0.985, 0.996)), 'inconclusive');
  const m = expectAtMost(1e-6);
  assert.equal(m.verdict(oneRun(3e-7)), 'reproduced');
  assert.equal(m.verdict(oneRun(2e-6)), 'not reproduced');
  assert.match(m.description, /^at most 0.000001: reproduced if the 95 % interval lies at or below/);
  assert.throws(() => r.verdict(iv(0.5, 0.6, 0.7)), /measurement 0.5 \[0.6, 0.7\] is not a finite value inside its interval/);
});

test('two judges: the same verdict stands; different verdicts are judge-dependent, never reproduced', () => {
  const r = expectEffect({ direction: 'positive' });
  const agree = decide(r, { judge: iv(0.1, 0.05, 0.15), secondJudge: iv(0.08, 0.02, 0.14) });
  assert.deepEqual(agree, { verdict: 'reproduced', judgesAgree: true, perJudge: ['reproduced', 'reproduced'], note: '' });
  const flip = decide(r, { judge: iv(0.1, 0.05, 0.15), secondJudge: iv(0.03, -0.02, 0.08) });
  assert.equal(flip.verdict, 'judge-dependent');
  assert.equal(flip.judgesAgree, false);
  assert.deepEqual(flip.perJudge, ['reproduced', 'inconclusive']);
  assert.equal(flip.note, 'judge: reproduced; second judge: inconclusive');
  const single = decide(r, iv(0.1, 0.05, 0.15));
  assert.deepEqual(single, { verdict: 'reproduced', judgesAgree: null, perJudge: null, note: '' });
  assert.throws(() => decide(r, { judge: iv(0.1, 0.05, 0.15), secondJudge: iv(0.1, 0.05, 0.15, 'images', 400) }), /different sets \(500 images against 400 images\); score the same images with both judges/);
});

test(`a claim over fewer than ${MIN_SEEDS} seeds is inconclusive, the rule's verdict kept in the note`, () => {
  const r = expectEffect({ direction: 'positive' });
  const three = decide(r, iv(0.1, 0.05, 0.15, 'seeds', 3));
  assert.equal(three.verdict, 'inconclusive');
  assert.equal(three.note, '3 seeds < 5: the rule said reproduced; train 2 more seeds to settle it');
  assert.equal(decide(r, iv(0.1, 0.05, 0.15, 'seeds', 5)).verdict, 'reproduced');
  assert.equal(decide(r, iv(0.1, 0.05, 0.15, 'images', 3)).verdict, 'reproduced', 'the floor is for seeds only');
  assert.deepEqual(VERDICTS, ['reproduced', 'partly reproduced', 'not reproduced', 'inconclusive', 'judge-dependent', 'not attempted']);
});
