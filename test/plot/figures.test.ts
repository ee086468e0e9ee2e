import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import * as dfd from 'danfojs-node';
import { saveFigure } from '../../lib/plot/figure';
import { digitGridGif } from '../../lib/plot/gif';
import { digitGrid } from '../../lib/plot/grid';
import { decodePng } from '../../lib/plot/png';
import { csvText, resultsTable } from '../../lib/plot/table';
import { setRunContext } from '../../lib/run-context';

let dir = '';
before(() => {
  tf.setBackend('cpu');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'figs-'));
  process.env.MNIST_LAB_FIGURES = dir;
});
after(() => {
  delete process.env.MNIST_LAB_FIGURES;
  fs.rmSync(dir, { recursive: true, force: true });
});

test('digitGrid draws each image as a scaled grayscale tile under its title', () => {
  // Image 0 all black, image 1 all white.
  const imgs = tf.concat([tf.zeros([1, 28, 28, 1]), tf.ones([1, 28, 28, 1])]);
  const png = decodePng(digitGrid(imgs, { cols: 2, titles: ['target 0 / p=0.10', 'target 1 / p=0.97'], scale: 2 }));
  imgs.dispose();
  assert.ok(png.width >= 2 * 56 && png.height >= 56);
  // Count pure-black and pure-white pixels: each tile is 56x56.
  let black = 0;
  for (let i = 0; i < png.data.length; i += 4) if (png.data[i] === 0 && png.data[i + 1] === 0) black++;
  assert.ok(black >= 56 * 56, `black pixels ${black}`);
});

test('saveFigure writes the file, a manifest entry with profile, backend, seed and commit, and its timing apart', () => {
  setRunContext({ notebook: '99', profile: 'quick', seed: 5, backend: 'cpu' });
  saveFigure('99-test-grid', digitGrid(tf.tidy(() => tf.zeros([2, 28, 28, 1])), { cols: 2 }), { note: 'hi' });
  assert.ok(fs.existsSync(path.join(dir, '99-test-grid.png')));
  const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'))['99-test-grid.png'];
  assert.equal(m.notebook, '99');
  assert.equal(m.profile, 'quick');
  assert.equal(m.backend, 'cpu');
  assert.equal(m.seed, 5);
  assert.equal(m.seconds, undefined, 'timings stay out of the manifest');
  assert.equal(m.created, undefined);
  const t = JSON.parse(fs.readFileSync(path.join(dir, 'timings', 'manifest.json'), 'utf8'))['99-test-grid.png'];
  assert.equal(typeof t.seconds, 'number');
  assert.ok(!Number.isNaN(Date.parse(t.created)));
  assert.match(m.commit, /^([0-9a-f]{7,}(-dirty)?|unknown)$/);
  assert.deepEqual(m.meta, { note: 'hi' });
  assert.throws(() => saveFigure('other-name', Buffer.from('x')), /start with its notebook's number; name it "99-other-name"/);
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});

test('digitGridGif writes an animated GIF with one frame per snapshot', () => {
  const frames = [0, 0.5, 1].map((v, i) => ({ images: [new Float32Array(784).fill(v)], title: `epoch ${i}` }));
  const gif = digitGridGif(frames, { cols: 1 }, 200);
  assert.equal(gif.subarray(0, 6).toString('latin1'), 'GIF89a');
  // Each frame starts with an image descriptor (0x2c) after a graphic control extension (0x21 0xf9).
  let gce = 0;
  for (let i = 0; i < gif.length - 1; i++) if (gif[i] === 0x21 && gif[i + 1] === 0xf9) gce++;
  assert.equal(gce, 3);
});

test('resultsTable saves a CSV, and danfo shares the project\'s single tfjs engine', () => {
  setRunContext({ notebook: '99', profile: 'quick', seed: 5, backend: 'cpu' });
  resultsTable('99-scores', [{ method: 'a', accuracy: 0.5 }, { method: 'b', accuracy: 0.75 }]);
  const csv = fs.readFileSync(path.join(dir, '99-scores.csv'), 'utf8').trim().split('\n');
  assert.deepEqual(csv, ['method,accuracy', 'a,0.5', 'b,0.75']);
  assert.equal((dfd as unknown as { tensorflow: typeof tf }).tensorflow.engine(), tf.engine());
});

test('a same-seed rerun rewrites results byte for byte: run-fact columns go to figures/timings/', () => {
  setRunContext({ notebook: '99', profile: 'quick', seed: 5, backend: 'cpu' });
  const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
  const run = (seconds: number, cached: boolean) => {
    resultsTable('99-train', [{ model: 'FCNN-1', accuracy: 0.8981, 'train seconds': seconds, 'SVD seconds': seconds / 2, 's / sample': 0.01 * seconds, 'train min': seconds / 60, cached }]);
    saveFigure('99-curve', Buffer.from('png bytes'));
    return { results: read('99-train.csv'), manifest: read('manifest.json'), facts: read('timings/99-train.csv'), times: read('timings/manifest.json') };
  };
  const first = run(12.5, false);
  const again = run(0.25, true);
  assert.equal(again.results, first.results);
  assert.equal(again.manifest, first.manifest);
  assert.equal(first.results, 'model,accuracy\nFCNN-1,0.8981\n');
  assert.equal(again.facts, 'model,train seconds,SVD seconds,s / sample,train min,cached\nFCNN-1,0.25,0.125,0.0025,0.00416667,true\n');
  assert.deepEqual(Object.keys(JSON.parse(again.times)).filter((k) => k.startsWith('99-')).sort(), ['99-curve.png', '99-scores.csv', '99-test-grid.png', '99-train.csv']);
});

test('csvText writes integers exactly and other numbers to 6 significant digits (no float32 noise)', () => {
  assert.equal(csvText(['a', 'b', 'c', 'd'], [[0.5299999713897705, 60000, 1234567.891, -1e-9 / 3]]), 'a,b,c,d\n0.53,60000,1234570,-3.33333e-10\n');
  assert.equal(csvText(['x'], [[Infinity], [NaN]]), 'x\nInfinity\nNaN\n');
});

test('csvText quotes fields with commas, quotes or line breaks (RFC 4180)', () => {
  const text = csvText(['model', 'note', 'acc', 'paper'], [['ViT (patch 4, dim 48)', 'say "hi"\nthere', 0.8911, null], ['FCNN-1', 'plain', 1, true]]);
  assert.equal(text, 'model,note,acc,paper\n"ViT (patch 4, dim 48)","say ""hi""\nthere",0.8911,\nFCNN-1,plain,1,true\n');
});
