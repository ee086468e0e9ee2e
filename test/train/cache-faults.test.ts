import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { cachedWeights, cacheDir, CacheEntryError, configHash, loadCheckpoint, saveCheckpoint } from '../../lib/train/cache';
import { STALE_MS } from '../../lib/train/atomic-folder';
import { killAfter, race, runChild } from './fixtures/child-processes';
import { flatWeights, tinyModel, tinyTrain, weightsDigest } from './fixtures/tiny-model';

// Fault injection on the model cache (issue 21): every damaged entry is detected before a tensor
// exists, retrained by cachedWeights with a message naming its folder, and refused with the fix by a
// plain loadCheckpoint; concurrent and killed writers never leave half an entry or a temp folder.

let root = '';
let expected: number[] = [];
let expectedDigest = '';
before(async () => {
  await tf.setBackend('cpu');
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cache-faults-'));
  process.env.MNIST_LAB_CACHE = path.join(root, 'models');
  const m = tinyModel(1);
  await tinyTrain(m);
  expected = flatWeights(m); // an uninterrupted training from the same start
  expectedDigest = weightsDigest(m);
  m.dispose();
});
after(() => {
  delete process.env.MNIST_LAB_CACHE;
  fs.rmSync(root, { recursive: true, force: true });
});

/** Run `fn` with console.warn captured; returns what it warned. */
async function warnings(fn: () => Promise<unknown>): Promise<string[]> {
  const said: string[] = [];
  const warn = console.warn;
  console.warn = (...a: unknown[]) => void said.push(a.join(' '));
  try {
    await fn();
  } finally {
    console.warn = warn;
  }
  return said;
}

/**
 * Cache the tiny model under `name`, damage its entry, and call cachedWeights again from the same
 * start: it must retrain (once, with one message about the folder matching `why`) to the weights of
 * an uninterrupted training, without a tensor more, and a third call must hit the repaired entry.
 */
async function damagedRetrains(name: string, damage: (dir: string) => void, why: RegExp): Promise<void> {
  const key = { arch: 'tiny', fault: name };
  const first = tinyModel(1);
  const { dir, cached } = await cachedWeights(key, first, () => tinyTrain(first));
  assert.equal(cached, false);
  first.dispose();
  damage(dir);

  const m = tinyModel(1);
  const tensors = tf.memory().numTensors;
  let trained = 0;
  let r: { cached: boolean } = { cached: true };
  const said = await warnings(async () => {
    r = await cachedWeights(key, m, () => {
      trained++;
      return tinyTrain(m);
    });
  });
  assert.equal(r.cached, false, `${name}: retrained`);
  assert.equal(trained, 1);
  assert.equal(said.length, 1, `${name}: one message, got ${JSON.stringify(said)}`);
  assert.ok(said[0].startsWith(`cache entry ${dir} `), said[0]);
  assert.match(said[0], why);
  assert.match(said[0], /; retraining$/);
  assert.deepEqual(flatWeights(m), expected, `${name}: the weights of a fresh training`);
  assert.equal(tf.memory().numTensors, tensors, `${name}: no tensor left by the failed load`);
  m.dispose();

  const again = tinyModel(5);
  assert.equal((await cachedWeights(key, again, async () => assert.fail('the repaired entry is used'))).cached, true);
  assert.deepEqual(flatWeights(again), expected);
  again.dispose();
}

const file = (dir: string, f: string) => path.join(dir, f);
const truncate = (f: string) => fs.truncateSync(f, Math.floor(fs.statSync(f).size / 2));

test('same-size damage to weights.bin (the last dense layer zeroed, one byte flipped) is caught by its sha256', async () => {
  await damagedRetrains('zero last layer', (dir) => {
    const b = fs.readFileSync(file(dir, 'weights.bin'));
    b.fill(0, b.length - 4 * (12 * 4 + 4)); // W2 [12,4] and b2 [4]
    fs.writeFileSync(file(dir, 'weights.bin'), b);
  }, /is corrupt \(weights\.bin sha256 differs from its record\)/);
  await damagedRetrains('flip a byte', (dir) => {
    const b = fs.readFileSync(file(dir, 'weights.bin'));
    b[100] ^= 0x40;
    fs.writeFileSync(file(dir, 'weights.bin'), b);
  }, /weights\.bin sha256 differs/);
});

test('truncated, deleted or garbled files are caught before anything is parsed into tensors', async () => {
  await damagedRetrains('truncate weights.bin', (d) => truncate(file(d, 'weights.bin')), /is corrupt \(weights\.bin has 512 bytes, its record says 1024\)/);
  await damagedRetrains('truncate model.json', (d) => truncate(file(d, 'model.json')), /is corrupt \(model\.json has \d+ bytes, its record says \d+\)/);
  await damagedRetrains('delete weights.bin', (d) => fs.rmSync(file(d, 'weights.bin')), /is corrupt \(weights\.bin is missing\)/);
  await damagedRetrains('delete model.json', (d) => fs.rmSync(file(d, 'model.json')), /is corrupt \(model\.json is missing\)/);
  await damagedRetrains('garbage model.json', (d) => fs.writeFileSync(file(d, 'model.json'), '{"key": [1, 2'), /is corrupt \(model\.json has 13 bytes/);
  await damagedRetrains('garbage record.json', (d) => fs.writeFileSync(file(d, 'record.json'), '{"format": 1, "files": {'), /is corrupt \(record\.json is not valid JSON: /);
  await damagedRetrains('delete record.json and model.json', (d) => ['record.json', 'model.json'].forEach((f) => fs.rmSync(file(d, f))), /is corrupt \(record\.json is missing\)/);
  // A consistent record over a bad manifest (hand-edited): the manifest is checked against the bytes.
  await damagedRetrains('manifest and record rewritten', (d) => {
    const stored = JSON.parse(fs.readFileSync(file(d, 'model.json'), 'utf8'));
    stored.weightsManifest[0].weights[0].shape = [16, 13];
    rewriteWithRecord(d, 'model.json', Buffer.from(JSON.stringify(stored)));
  }, /is corrupt \(its manifest describes 1088 bytes of weights, weights\.bin has 1024\)/);
});

/** Replace one file of an entry and update record.json to match (a well-formed entry with other contents). */
function rewriteWithRecord(dir: string, f: string, bytes: Buffer): void {
  fs.writeFileSync(file(dir, f), bytes);
  const record = JSON.parse(fs.readFileSync(file(dir, 'record.json'), 'utf8'));
  record.files[f] = { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  fs.writeFileSync(file(dir, 'record.json'), JSON.stringify(record));
}

test('an entry trained by other training code, or by the cache before it kept records, is retrained', async () => {
  await damagedRetrains('other code version', (d) => {
    const record = JSON.parse(fs.readFileSync(file(d, 'record.json'), 'utf8'));
    record.codeVersion = 'f'.repeat(64);
    fs.writeFileSync(file(d, 'record.json'), JSON.stringify(record));
  }, /is stale \(trained by other code: training code version ffffffffffff…, this checkout's is [0-9a-f]{12}…\)/);
  await damagedRetrains('old cache format', (d) => fs.rmSync(file(d, 'record.json')), /is stale \(it has no record\.json: written before the cache checked its files\)/);
});

test('an entry of other shapes under the same key (the model changed, the key did not) is retrained', async () => {
  const key = { arch: 'tiny', fault: 'shapes' };
  const wide = tinyModel(1, 20);
  await cachedWeights(key, wide, () => tinyTrain(wide));
  wide.dispose();
  const m = tinyModel(1);
  const tensors = tf.memory().numTensors;
  const said = await warnings(() => cachedWeights(key, m, () => tinyTrain(m)));
  assert.match(said.join('\n'), /^cache entry .+ does not fit the model \(it holds weights \[20,12\] \[12\] \[12,4\] \[4\], the model has \[16,12\] \[12\] \[12,4\] \[4\]\); retraining$/);
  assert.deepEqual(flatWeights(m), expected);
  assert.equal(tf.memory().numTensors, tensors);
  m.dispose();
});

test('a plain loadCheckpoint of a bad entry throws an Error naming the folder and MNIST_LAB_NO_CACHE=1, and changes nothing', () => {
  const dir = path.join(root, 'plain', 'entry');
  const good = tinyModel(1);
  saveCheckpoint(dir, { k: 1 }, good, { note: 'x' });
  const m = tinyModel(7);
  const initial = flatWeights(m);
  assert.deepEqual(loadCheckpoint(dir, { k: 1 }, m), { note: 'x' });
  assert.deepEqual(flatWeights(m), flatWeights(good));
  assert.equal(loadCheckpoint(path.join(root, 'plain', 'none'), { k: 1 }, m), null, 'no entry: null');
  assert.equal(loadCheckpoint(dir, { k: 2 }, m), null, 'another key: null');

  const fresh = tinyModel(7);
  const tensors = tf.memory().numTensors;
  const damages: [string, () => void, RegExp][] = [
    ['zeroed', () => fs.writeFileSync(file(dir, 'weights.bin'), Buffer.alloc(1024)), /weights\.bin sha256 differs/],
    ['truncated', () => truncate(file(dir, 'weights.bin')), /weights\.bin has 512 bytes/],
    ['garbage record', () => fs.writeFileSync(file(dir, 'record.json'), 'nope'), /record\.json is not valid JSON/],
  ];
  for (const [name, damage, why] of damages) {
    saveCheckpoint(dir, { k: 1 }, good, { note: 'x' });
    damage();
    for (let i = 0; i < 3; i++) {
      assert.throws(() => loadCheckpoint(dir, { k: 1 }, fresh), (e: Error) => {
        assert.ok(e instanceof CacheEntryError, name);
        assert.ok(e.message.includes(`cache entry ${dir} is corrupt (`), e.message);
        assert.match(e.message, why);
        assert.match(e.message, /Delete that folder, or rerun with MNIST_LAB_NO_CACHE=1/);
        return true;
      });
    }
    assert.deepEqual(flatWeights(fresh), initial, `${name}: the model keeps its weights`);
    assert.equal(tf.memory().numTensors, tensors, `${name}: no tensor outlives a failed load`);
  }
  [good, m, fresh].forEach((x) => x.dispose());
});

test('two processes saving one entry 200 times each while a third loads it: no error, no temp left, every load whole', async () => {
  const dir = path.join(root, 'race', 'entry');
  const r = await race(dir, 2, 200);
  for (const w of r.writers) {
    assert.equal(w.code, 0, w.stderr);
    assert.deepEqual(w.out, { saves: 200, errors: 0, kinds: {} });
  }
  const l = r.loader.out as { hits: number; misses: number; wrong: number; errors: number; kinds: object; tensors: number };
  assert.equal(r.loader.code, 0, r.loader.stderr);
  assert.deepEqual({ wrong: l.wrong, errors: l.errors, kinds: l.kinds }, { wrong: 0, errors: 0, kinds: {} }, JSON.stringify(l));
  assert.ok(l.hits > 0, `the loader read the entry (${JSON.stringify(l)})`);
  assert.equal(l.tensors, 8, 'the loader holds its two models\' 8 variables and nothing else');
  assert.deepEqual(r.leftovers, []);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['model.json', 'record.json', 'weights.bin']);
});

const temps = (dir: string) => fs.readdirSync(dir).filter((f) => /\.(tmp|trash)-/.test(f));

test('a process killed while training leaves no entry; the rerun trains the weights of an uninterrupted run', async () => {
  const env = { ...process.env, MNIST_LAB_CACHE: path.join(root, 'killed-training') };
  assert.equal(await killAfter('train', { pauseMs: 50 }, env, 'training', 300), 'SIGKILL');
  assert.equal(fs.existsSync(env.MNIST_LAB_CACHE), false, 'nothing was written');
  const rerun = await runChild('train', { pauseMs: 0 }, env);
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.deepEqual(rerun.out, { cached: false, weights: expectedDigest });
  assert.deepEqual((await runChild('train', { pauseMs: 0 }, env)).out, { cached: true, weights: expectedDigest });
});

test('processes killed while saving leave temps, never a half entry; the next use removes the temps and gets whole weights', async () => {
  const cache = path.join(root, 'killed-saving');
  const env = { ...process.env, MNIST_LAB_CACHE: cache };
  const [inputs, steps] = [40_000, 2]; // ~2 MB a save: most of a save's time its temp folder exists
  const dir = path.join(cache, configHash({ arch: 'tiny-child' }));
  const left: string[] = [];
  for (let i = 0; i < 8 && left.length === 0; i++) {
    assert.equal(await killAfter('saveLoop', { dir, inputs, steps }, env, 'saving', 40 + 37 * i), 'SIGKILL');
    left.push(...temps(cache));
  }
  assert.ok(left.length > 0, `a kill landed inside a save (temps left: ${left.join(', ')})`);
  const rerun = await runChild('train', { pauseMs: 0, inputs, steps }, env);
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.doesNotMatch(rerun.stderr, /cache entry/, 'whatever the kill left in place is a whole entry');
  assert.deepEqual(temps(cache), [], 'the temps of dead processes are gone');
  const m = tinyModel(1, inputs);
  await tinyTrain(m, steps);
  assert.ok(flatWeights(m).every(Number.isFinite));
  assert.equal((rerun.out as { weights: string }).weights, weightsDigest(m), 'an uninterrupted run\'s weights');
  m.dispose();
});

test('stale temp and trash folders are removed on the next use of the cache; live and foreign ones are kept', async () => {
  process.env.MNIST_LAB_CACHE = path.join(root, 'stale');
  const cache = cacheDir();
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!; // exited: its pid is free
  const h = configHash({ other: 'entry' });
  const names = {
    deadTmp: `${h}.tmp-${dead}-1a2b3c`,
    oldTrash: `${h}.trash-${process.pid}-4d5e6f`,
    oldStyleTmp: `${h}.tmp-${dead}-1796696757635`, // the names saves used before
    liveTmp: `${h}.tmp-${process.pid}-abcdef`, // a save of this process, in progress
    foreign: `notes.tmp-${dead}-1`, // not a cache entry's
  };
  for (const n of Object.values(names)) fs.mkdirSync(path.join(cache, n, 'inner'), { recursive: true });
  const old = (Date.now() - STALE_MS - 60_000) / 1000;
  fs.utimesSync(path.join(cache, names.oldTrash), old, old);
  const m = tinyModel(1);
  await cachedWeights({ arch: 'tiny', fault: 'stale' }, m, () => tinyTrain(m));
  m.dispose();
  assert.deepEqual(fs.readdirSync(cache).filter((f) => f.includes('-')).sort(), [names.foreign, names.liveTmp].sort());
  // A plain save or load of an entry cleans that entry's own leftovers too.
  const dir = path.join(root, 'stale-plain', 'entry');
  fs.mkdirSync(`${dir}.trash-${dead}-99`, { recursive: true });
  const probe = tinyModel(1);
  assert.equal(loadCheckpoint(dir, {}, probe), null);
  probe.dispose();
  assert.deepEqual(fs.readdirSync(path.dirname(dir)), []);
  process.env.MNIST_LAB_CACHE = path.join(root, 'models');
});

test('a cache folder that cannot be written keeps the trained model and says why and what to change', async () => {
  const blocker = path.join(root, 'not-a-folder');
  fs.writeFileSync(blocker, 'a file where the cache folder should be');
  process.env.MNIST_LAB_CACHE = path.join(blocker, 'models');
  const m = tinyModel(1);
  let r: { cached: boolean; meta: { losses: number[] } } | undefined;
  const said = await warnings(async () => (r = await cachedWeights({ arch: 'tiny', fault: 'unwritable' }, m, () => tinyTrain(m))));
  process.env.MNIST_LAB_CACHE = path.join(root, 'models');
  assert.equal(r?.cached, false);
  assert.equal(r?.meta.losses.length, 20);
  assert.deepEqual(flatWeights(m), expected);
  assert.equal(said.length, 1);
  assert.match(said[0], /^cache entry .*not-a-folder\/models\/[0-9a-f]{16} could not be written \(ENOTDIR: .*\); .*MNIST_LAB_CACHE/);
  m.dispose();
});
