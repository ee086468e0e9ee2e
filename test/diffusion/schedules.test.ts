import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cosineSchedule, linearSchedule, makeSchedule, PAPER_SCHEDULE } from '../../lib/diffusion/schedules';
import { ValueRangeError } from '../../lib/tensor/guards';

const strictlyDecreasing = (a: Float64Array) => a.every((v, i) => i === 0 || v < a[i - 1]);

test('linear schedule: T = 500, β exactly 1e-4 → 2e-2 (eq. 12), ᾱ the running product (eq. 13), monotone', () => {
  const s = linearSchedule();
  assert.equal(s.T, 500);
  assert.equal(s.betas[0], 1e-4);
  assert.ok(Math.abs(s.betas[499] - 2e-2) < 1e-15);
  assert.ok(Math.abs(s.betas[1] - s.betas[0] - (2e-2 - 1e-4) / 499) < 1e-15, 'equal increments');
  assert.ok(strictlyDecreasing(s.alphaBars));
  assert.ok(Math.abs(s.alphaBars[0] - (1 - 1e-4)) < 1e-15);
  let prod = 1;
  for (let t = 0; t < 10; t++) prod *= 1 - s.betas[t];
  assert.ok(Math.abs(s.alphaBars[9] - prod) < 1e-15);
  // Σβ ≈ 500 · 0.01: ᾱ_T ≈ e^{−5.0} — a clean image is mostly but not entirely noise at the end.
  assert.ok(s.alphaBars[499] > 0.003 && s.alphaBars[499] < 0.01, `ᾱ_T = ${s.alphaBars[499]}`);
});

test('cosine schedule: ᾱ = f(t)/f(0) (eqs. 14–15), monotone, from ≈1 to ≈0, β clipped at 0.999', () => {
  const s = cosineSchedule();
  const T = 500;
  const f = (t: number) => Math.cos(((t / T + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
  for (const t of [0, 1, 100, 250, 400, 498]) assert.ok(Math.abs(s.alphaBars[t] - f(t + 1) / f(0)) < 1e-12, `ᾱ at step ${t + 1}`);
  assert.ok(strictlyDecreasing(s.alphaBars));
  assert.ok(s.alphaBars[0] > 0.9999 && s.alphaBars[0] < 1);
  assert.ok(s.alphaBars[499] > 0 && s.alphaBars[499] < 1e-5);
  assert.equal(s.betas[499], 0.999);
  assert.ok(s.betas.every((b) => b > 0 && b <= 0.999));
  // Cosine keeps more signal in the middle than linear (its point in Nichol & Dhariwal).
  assert.ok(s.alphaBars[250] > linearSchedule().alphaBars[250]);
});

test('bad settings throw ValueRangeError naming the value', () => {
  assert.throws(() => linearSchedule({ betaStart: 0.1, betaEnd: 0.01 }), (e: Error) => e instanceof ValueRangeError && /0\.1/.test(e.message));
  assert.throws(() => cosineSchedule({ T: 1 }), ValueRangeError);
  assert.throws(() => makeSchedule('quadratic' as 'linear'), /quadratic/);
  assert.equal(PAPER_SCHEDULE.T, 500);
});
