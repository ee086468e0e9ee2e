import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/select';
import { loadMnist } from '../../lib/data/mnist';
import { Judge, judge2Dir, judgeDir, JudgeWeightsError, loadJudges, loadSecondJudge } from '../../lib/eval/judge';
import { judgeCalibration } from '../../lib/eval/judge-calibration';
import { fromRoot } from '../../lib/paths';
import { uniformNoise } from '../../lib/eval/scores';

let judge: Judge;
before(async () => {
  await initBackend();
  judge = await loadSecondJudge();
});

test('the second judge loads from data/judge2 as an MLP whose weights match the recorded SHA-256', () => {
  assert.equal(judge.info.family, 'mlp');
  const bin = fs.readFileSync(path.join(judge2Dir(), 'weights.bin'));
  assert.equal(createHash('sha256').update(bin).digest('hex'), judge.info.weightsSha256);
  // The README states the same hash, so the committed table describes these weights.
  assert.ok(fs.readFileSync(path.join(judge2Dir(), 'README.md'), 'utf8').includes(judge.info.weightsSha256));
});

test('its accuracy on 1,000 seeded test digits is at least the README value − 1 %', () => {
  const readme = fs.readFileSync(path.join(judge2Dir(), 'README.md'), 'utf8');
  const m = /test accuracy \| \*\*([\d.]+) %\*\*/.exec(readme);
  assert.ok(m, 'data/judge2/README.md states the test accuracy');
  const stated = Number(m[1]) / 100;
  assert.ok(stated >= 0.985, `the README's ${stated} is below the 98.5 % the second judge must reach`);
  const d = loadMnist('test', { limit: 1000, seed: 2 });
  const p = judge.probs(d.images);
  const top = tf.tidy(() => p.argMax(1));
  const t = top.dataSync();
  const acc = d.labels.reduce((a, l, i) => a + (t[i] === l ? 1 : 0), 0) / 1000;
  tf.dispose([p, top, d.images]);
  assert.ok(acc >= stated - 0.01, `accuracy ${acc} on 1,000 test digits is below the README's ${stated} − 0.01`);
});

test('both judges are unsure on uniform noise, blurred noise and pixel-permuted digits', async () => {
  for (const { name, judge: j } of await loadJudges()) {
    const c = judgeCalibration(j, 202); // fresh seeds, not those the README's numbers used
    for (const [kind, v] of Object.entries(c)) assert.ok(v < 0.4, `${name}: mean top probability ${v.toFixed(3)} on ${kind} is not low`);
  }
  const noise = uniformNoise(300, 9);
  const p = judge.probs(noise);
  const top = tf.tidy(() => p.argMax(1));
  const t = Array.from(top.dataSync());
  const acc = t.reduce((a, k, i) => a + (k === (i * 7 + 3) % 10 ? 1 : 0), 0) / 300;
  tf.dispose([p, top, noise]);
  assert.ok(acc < 0.25, `accuracy on noise against random labels ${acc} is far above chance (0.1)`);
});

test('features are the 256-D penultimate layer, probabilities are distributions, nothing leaks', () => {
  const x = loadMnist('test', { limit: 300 });
  const n0 = tf.memory().numTensors;
  const f = judge.features(x.images);
  const p = judge.probs(x.images);
  assert.deepEqual(f.shape, [300, 256]);
  assert.deepEqual(p.shape, [300, 10]);
  const [neg, sums] = tf.tidy(() => [f.less(0).sum(), p.sum(1)]);
  assert.equal(neg.dataSync()[0], 0, 'ReLU features are never negative');
  assert.ok(Array.from(sums.dataSync() as Float32Array).every((s) => Math.abs(s - 1) < 1e-4));
  tf.dispose([f, p, neg, sums]);
  assert.equal(tf.memory().numTensors, n0);
  x.images.dispose();
});

test('missing, corrupt or wrong-family weights fail with an error naming `npm run train-judge -- --family mlp`', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'judge2-'));
  const fix = /npm run train-judge -- --family mlp/;
  await assert.rejects(loadSecondJudge({ dir: tmp }), (e: Error) => e instanceof JudgeWeightsError && /second judge's .* is missing/.test(e.message) && fix.test(e.message));
  fs.copyFileSync(path.join(judge2Dir(), 'model.json'), path.join(tmp, 'model.json'));
  const bin = fs.readFileSync(path.join(judge2Dir(), 'weights.bin'));
  bin[4321] ^= 0xff;
  fs.writeFileSync(path.join(tmp, 'weights.bin'), bin);
  await assert.rejects(loadSecondJudge({ dir: tmp }), (e: Error) => e instanceof JudgeWeightsError && /corrupt: SHA-256/.test(e.message) && fix.test(e.message));
  // The first judge's files are not the second judge's.
  await assert.rejects(loadSecondJudge({ dir: judgeDir() }), (e: Error) => e instanceof JudgeWeightsError && /holds a cnn judge/.test(e.message) && fix.test(e.message));
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('loadJudges gives the CNN then the MLP, each shared per process', async () => {
  const [a, b] = await loadJudges();
  assert.equal(a.judge.info.family ?? 'cnn', 'cnn');
  assert.equal(b.judge.info.family, 'mlp');
  assert.equal(b.judge, await loadSecondJudge());
  assert.notEqual(a.judge.info.weightsSha256, b.judge.info.weightsSha256);
});

test('no lib file outside lib/eval imports the second judge: it never generates anything', () => {
  const offenders: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (p !== fromRoot('lib', 'eval')) walk(p);
      } else if (/\.ts$/.test(e.name) && p !== fromRoot('lib', 'models', 'judge-mlp.ts')) {
        if (/loadSecondJudge|loadJudges|judge2Dir|judge-mlp/.test(fs.readFileSync(p, 'utf8'))) offenders.push(path.relative(fromRoot(), p));
      }
    }
  };
  walk(fromRoot('lib'));
  assert.deepEqual(offenders, [], `these lib files reach the second judge: ${offenders.join(', ')}`);
});
