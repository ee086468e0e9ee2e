import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { loadMnist, meanImage, mnistDir, MnistDataError, oneHot, perClass } from '../../lib/data/mnist';

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
  // A custom folder: git cannot restore it, so the message names the folder and how to replace the file.
  assert.match(r.stderr, new RegExp(`MNIST_LAB_DATA points to ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, which git does not restore: replace t10k-labels-idx1-ubyte\\.gz there`));
  assert.doesNotMatch(r.stderr, /shared\/data/);
});

/** Runs f with the environment variables set (undefined: unset), restoring them after. */
function withEnv<T>(vars: Record<string, string | undefined>, f: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const set = (v: Record<string, string | undefined>) => Object.entries(v).forEach(([k, x]) => { if (x === undefined) delete process.env[k]; else process.env[k] = x; });
  set(vars);
  try {
    return f();
  } finally {
    set(saved);
  }
}

test('in the clone\'s own data/mnist, a corrupt file names `git checkout data/mnist/<file>`', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mnist-root-'));
  tmpDirs.push(root);
  const dir = path.join(root, 'data', 'mnist');
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(mnistDir())) fs.copyFileSync(path.join(mnistDir(), f), path.join(dir, f));
  const file = path.join(dir, 't10k-labels-idx1-ubyte.gz');
  fs.chmodSync(file, 0o644);
  fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 100));
  withEnv({ MNIST_LAB_ROOT: root, MNIST_LAB_DATA: undefined }, () => {
    assert.throws(() => loadMnist('test', { limit: 1 }), (e: Error) => e instanceof MnistDataError && /t10k-labels-idx1-ubyte\.gz is corrupt: SHA-256 [0-9a-f]{64}, expected f7ae60f9.*; restore it with `git checkout data\/mnist\/t10k-labels-idx1-ubyte\.gz`\.$/.test(e.message));
  });
});

test('a truncated gz in a custom folder (whose own SHA256SUMS matches it) gives the clear error, not zlib text', () => {
  const dir = copyData();
  const name = 't10k-labels-idx1-ubyte.gz';
  const file = path.join(dir, name);
  fs.chmodSync(file, 0o644);
  const cut = fs.readFileSync(file).subarray(0, 2000);
  fs.writeFileSync(file, cut);
  // As a user might have made the sums of an interrupted download.
  const sums = path.join(dir, 'SHA256SUMS');
  fs.chmodSync(sums, 0o644);
  const sum = createHash('sha256').update(cut).digest('hex');
  fs.writeFileSync(sums, fs.readFileSync(sums, 'utf8').split('\n').map((l) => (l.endsWith(name) ? `${sum}  ${name}` : l)).join('\n'));
  withEnv({ MNIST_LAB_DATA: dir }, () => {
    assert.throws(() => loadMnist('test', { limit: 1 }), (e: Error) => e instanceof MnistDataError
      && e.message.startsWith(`${file} is not a complete gzip file (`) && /: it is truncated or damaged; MNIST_LAB_DATA points to .*: replace t10k-labels-idx1-ubyte\.gz there with a good copy .*sha256sum -c SHA256SUMS.*or unset MNIST_LAB_DATA/.test(e.message));
  });
  const bare = copyData(); // a fresh folder: this process has already verified the first one's files
  fs.rmSync(path.join(bare, 'SHA256SUMS'), { force: true });
  withEnv({ MNIST_LAB_DATA: bare }, () => {
    assert.throws(() => loadMnist('test', { limit: 1 }), (e: Error) => e instanceof MnistDataError && /SHA256SUMS is missing; MNIST_LAB_DATA points to .*replace SHA256SUMS there/.test(e.message));
  });
});

test('bad options name the value and the fix; the boundaries are accepted', () => {
  const is = (re: RegExp) => (e: Error) => e instanceof MnistDataError && re.test(e.message);
  assert.throws(() => loadMnist('test', { limit: 0 }), is(/loadMnist limit = 0 must be a whole number ≥ 1/));
  assert.throws(() => loadMnist('test', { limit: 2.5 }), is(/limit = 2.5/));
  assert.throws(() => loadMnist('test', { limit: 5, seed: NaN }), is(/loadMnist seed = NaN/));
  assert.throws(() => loadMnist('valid' as 'test'), is(/split 'valid' is not 'train' or 'test'/));
  assert.throws(() => perClass('test', 0, 1), is(/perClass k = 0/));
  assert.throws(() => oneHot(Int32Array.from([1, 10])), is(/oneHot: label 10 at index 1 is not a class 0..9/));
  const before = tf.memory().numTensors;
  assert.throws(() => meanImage({ images: tf.zeros([0, 28, 28, 1]) as tf.Tensor4D, labels: new Int32Array(0), n: 0 }), is(/holds no images/));
  assert.equal(tf.memory().numTensors, before + 1, 'only the caller\'s empty tensor');
  tf.disposeVariables();
  const one = loadMnist('test', { limit: 1, seed: 0 });
  assert.equal(one.n, 1);
  const big = loadMnist('test', { limit: 10 ** 9 });
  assert.equal(big.n, 10000, 'a limit above the split size takes the whole split');
  tf.dispose([one.images, big.images]);
});

test('a missing file gives an error naming it and how to restore it', () => {
  const dir = copyData();
  fs.rmSync(path.join(dir, 't10k-images-idx3-ubyte.gz'));
  process.env.MNIST_LAB_DATA = dir;
  try {
    assert.throws(() => loadMnist('test', { limit: 1 }), (e: Error) => e instanceof MnistDataError && /t10k-images-idx3-ubyte\.gz is missing; MNIST_LAB_DATA points to .*: replace t10k-images-idx3-ubyte\.gz there/.test(e.message));
  } finally {
    delete process.env.MNIST_LAB_DATA;
  }
});
