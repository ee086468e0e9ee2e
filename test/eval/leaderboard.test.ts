import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/select';
import { Judge, loadJudge } from '../../lib/eval/judge';
import { leaderboardFile, parseCsv, readLeaderboard, recordScores } from '../../lib/eval/leaderboard';
import { readSamples, samplesPng, samplesStem } from '../../lib/eval/samples';
import { heldOutTestDigits, uniformNoise } from '../../lib/eval/scores';

const figures = fs.mkdtempSync(path.join(os.tmpdir(), 'leaderboard-'));
let judge: Judge;
before(async () => {
  process.env.MNIST_LAB_FIGURES = figures;
  await initBackend();
  judge = await loadJudge();
});
after(() => fs.rmSync(figures, { recursive: true, force: true }));

test('recordScores writes samples and a row; the same method+notebook+profile replaces its row', async () => {
  const real = heldOutTestDigits(2, 1);
  const noise = uniformNoise(20, 2);
  const n0 = tf.memory().numTensors;
  const a = await recordScores({ method: 'real, "quoted"', paper: 'anchor', notebook: '99', images: real.images, labels: real.labels, secondsPerImage: 0, settings: { k: 2 }, judge });
  await recordScores({ method: 'noise', paper: 'anchor', notebook: '99', images: noise, labels: null, secondsPerImage: 0.5, judge });
  const board = fs.readFileSync(leaderboardFile(), 'utf8');
  const samples = fs.readFileSync(path.join(figures, 'samples', '99-real-quoted.json'), 'utf8');
  const again = await recordScores({ method: 'real, "quoted"', paper: 'anchor', notebook: '99', images: real.images, labels: real.labels, secondsPerImage: 1, settings: { k: 2 }, judge });
  // A rerun with other timings rewrites the results byte for byte; the timings go beside them.
  assert.equal(fs.readFileSync(leaderboardFile(), 'utf8'), board);
  assert.equal(fs.readFileSync(path.join(figures, 'samples', '99-real-quoted.json'), 'utf8'), samples);
  assert.doesNotMatch(board.split('\n')[0], /secondsPerImage|created/);
  assert.match(fs.readFileSync(path.join(figures, 'timings', 'leaderboard.csv'), 'utf8'), /^method,notebook,profile,secondsPerImage,created\n/);
  assert.equal(tf.memory().numTensors, n0, 'recordScores leaked tensors');
  const rows = readLeaderboard();
  assert.equal(rows.length, 2);
  const back = rows.find((r) => r.method === 'real, "quoted"')!;
  assert.equal(back.secondsPerImage, 1, 'the second record replaced the first');
  assert.equal(back.notebook, '99');
  assert.ok(Math.abs(back.frechet - again.frechet) < 1e-4 * again.frechet);
  assert.equal(rows.find((r) => r.method === 'noise')!.judgeAccuracy, null);
  assert.equal(a.samples, 'samples/99-real-quoted.png');

  // The sample strip is the images, clamped and quantised to uint8, with their labels.
  const { images, meta } = readSamples(path.join(figures, a.samples));
  assert.deepEqual(images.shape, [20, 28, 28, 1]);
  const err = tf.tidy(() => images.sub(real.images).abs().max());
  assert.ok(err.dataSync()[0] <= 0.5 / 255 + 1e-6);
  assert.deepEqual(meta!.labels, Array.from(real.labels));
  assert.equal(meta!.n, 20);
  tf.dispose([images, err, real.images, noise]);
});

test('CSV fields with commas, quotes and newlines survive a round trip', () => {
  assert.deepEqual(parseCsv('a,b\n"x, ""y""",2\n"multi\nline",3\n'), [['a', 'b'], ['x, "y"', '2'], ['multi\nline', '3']]);
  assert.equal(leaderboardFile(), path.join(figures, 'leaderboard.csv'));
});

test('sample strips: one row of 28×28 tiles; file stems are safe', () => {
  const x = tf.tidy(() => tf.concat([tf.zeros([1, 28, 28, 1]), tf.fill([1, 28, 28, 1], 2)])) as tf.Tensor4D;
  const png = samplesPng(x);
  const file = path.join(figures, 'strip.png');
  fs.writeFileSync(file, png);
  const { images } = readSamples(file);
  assert.deepEqual(images.shape, [2, 28, 28, 1]);
  const d = images.dataSync();
  assert.equal(d[0], 0);
  assert.equal(d[784], 1, 'values above 1 are clamped');
  tf.dispose([x, images]);
  assert.equal(samplesStem('04', 'TV prior (λ=0.1)'), '04-tv-prior-0-1');
  assert.throws(() => samplesStem('04', '***'), /has no letters or digits/);
});
