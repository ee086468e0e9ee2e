import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { loadMnist, meanImage, mnistDir, MnistDataError, perClass } from '../../lib/data/mnist';

tf.setBackend('cpu');
const tmpDirs: string[] = [];
after(() => tmpDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A copy of data/mnist in a temp folder, to break on purpose. */
function copyData(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnist-'));
  tmpDirs.push(dir);
  for (const f of fs.readdirSync(mnistDir())) fs.copyFileSync(path.join(mnistDir(), f), path.join(dir, f));
  return dir;
}

test('the test split: 10,000 images [n,28,28,1] in [0,1], labels 0-9, every class present', () => {
  const ds = loadMnist('test');
  assert.deepEqual(ds.images.shape, [10000, 28, 28, 1]);
  const [lo, hi] = [ds.images.min().dataSync()[0], ds.images.max().dataSync()[0]];
  assert.equal(lo, 0);
  assert.equal(hi, 1);
  const counts = new Array(10).fill(0);
  ds.labels.forEach((l) => counts[l]++);
  assert.equal(counts.reduce((a, b) => a + b), 10000);
  assert.ok(counts.every((c) => c > 800), `class counts ${counts}`);
  assert.deepEqual(Array.from(ds.labels.slice(0, 5)), [7, 2, 1, 0, 4]); // the well-known first test labels
  ds.images.dispose();
});

test('the training set mean image has the well-known mean intensity 0.1307', () => {
  const ds = loadMnist('train');
  assert.equal(ds.n, 60000);
  const mu = meanImage(ds);
  assert.deepEqual(mu.shape, [1, 28, 28, 1]);
  assert.ok(Math.abs(mu.mean().dataSync()[0] - 0.1307) < 1e-3);
  tf.dispose([ds.images, mu]);
});

test('seeded subsets are repeatable, and perClass gives k of every class in order', () => {
  const a = loadMnist('test', { limit: 50, seed: 7 });
  const b = loadMnist('test', { limit: 50, seed: 7 });
  const c = loadMnist('test', { limit: 50, seed: 8 });
  assert.deepEqual(a.labels, b.labels);
  assert.notDeepEqual(a.labels, c.labels);
  const pc = perClass('test', 3, 1);
  assert.deepEqual(Array.from(pc.labels), [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 9]);
  tf.dispose([a.images, b.images, c.images, pc.images]);
});

test('a corrupted file gives an error naming the file, the expected checksum and the fix', () => {
  const dir = copyData();
  const file = path.join(dir, 't10k-labels-idx1-ubyte.gz');
  const bytes = fs.readFileSync(file);
  bytes[100] ^= 0xff;
  fs.chmodSync(file, 0o644);
  fs.writeFileSync(file, bytes);
  const script = `process.env.MNIST_LAB_DATA=${JSON.stringify(dir)}; require('./lib/data/mnist').loadMnist('test')`;
  // A fresh process: this one has already verified (and memoised) the real files.
  const { spawnSync } = require('node:child_process');
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /MnistDataError: MNIST file .*t10k-labels-idx1-ubyte\.gz is corrupt/);
  assert.match(r.stderr, /expected f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6/);
  assert.match(r.stderr, /git checkout data\/mnist\/t10k-labels-idx1-ubyte\.gz/);
});

test('a missing file gives an error naming it and how to restore it', () => {
  const dir = copyData();
  fs.rmSync(path.join(dir, 't10k-images-idx3-ubyte.gz'));
  process.env.MNIST_LAB_DATA = dir;
  try {
    assert.throws(() => loadMnist('test', { limit: 1 }), (e: Error) => e instanceof MnistDataError && /t10k-images-idx3-ubyte\.gz is missing; restore it/.test(e.message));
  } finally {
    delete process.env.MNIST_LAB_DATA;
  }
});
