import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { parseArgs } from '../../scripts/runner/args';
import { ScratchNotebooks } from './scratch-notebooks';

const root = path.resolve(__dirname, '..', '..');
const nbs = new ScratchNotebooks();
nbs.write('90-tiny.ipynb', ['console.log(1)']);
after(() => nbs.remove());

/** The runner's stderr and status for these variables; it must stop before starting any kernel. */
const refused = (env: Record<string, string>, args: string[] = ['90']) => {
  const r = nbs.run(args, { ...process.env, ...env });
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout, /▶/);
  return r.stderr.trim();
};

test('a bad variable is named as the variable (not as --profile), with the fix; exit 2 before any kernel', () => {
  assert.equal(refused({ MNIST_LAB_PROFILE: 'bogus' }), 'MNIST_LAB_PROFILE=bogus is not a profile; set it to quick or paper');
  for (const t of ['0', '-1', 'abc', '1.5']) {
    assert.equal(refused({ MNIST_LAB_THREADS: t }), `MNIST_LAB_THREADS=${t} is not a positive integer; set it to the threads a notebook may use (e.g. 2), or unset it to use every CPU core`);
  }
  for (const s of ['4294968530', '-1', '1.5']) {
    assert.equal(refused({ MNIST_LAB_SEED: s }), `MNIST_LAB_SEED=${s} is not an integer from 0 to 2147483647; set it to one (e.g. 1234), or unset it`);
  }
  assert.equal(refused({ MNIST_LAB_NO_CACHE: 'yes' }), 'MNIST_LAB_NO_CACHE=yes is not 0 or 1; set it to 1 to retrain instead of loading .cache/models/, or unset it');
});

test('flags: a bad one names the flag and the fix', () => {
  assert.equal(refused({}, ['--profile', 'bogus', '90']), '--profile bogus is not a profile; use --profile quick or paper');
  assert.equal(refused({}, ['--jobs', '0', '90']), '--jobs 0 is not a positive integer; give how many notebooks run at once, e.g. --jobs 2');
  assert.equal(refused({}, ['--timeout', 'abc', '90']), '--timeout abc is not a positive integer; give the seconds one notebook may take, e.g. --timeout 1800');
  assert.match(refused({}, ['90', '--jobs']), /^--jobs needs a value; use --profile quick\|paper/);
  assert.match(refused({}, ['77']), /^no notebook matches "77" in .*; have: 90-tiny\.ipynb$/);
});

test('profile names in any case, as lib takes them; the flag overrides the variable and says so', () => {
  assert.equal(parseArgs([], root, { MNIST_LAB_PROFILE: 'PAPER' }).profile, 'paper');
  assert.equal(parseArgs(['--profile', 'Quick'], root, {}).profile, 'quick');
  const o = parseArgs(['--profile', 'quick'], root, { MNIST_LAB_PROFILE: 'paper' });
  assert.equal(o.profile, 'quick');
  assert.equal(o.profileNote, '--profile quick overrides MNIST_LAB_PROFILE=paper');
  assert.equal(parseArgs([], root, {}).profile, 'quick');
});

test('--notebooks DIR without the lib link (or without node_modules above it) says how to link it', () => {
  const bare = path.join(nbs.base, 'bare');
  fs.mkdirSync(bare);
  assert.equal(refused({}, ['--notebooks', bare]), `--notebooks ${bare}: ${path.join(bare, 'lib')} does not lead to ${path.join(root, 'lib')}; link it as notebooks/lib is: ln -s ${path.join(root, 'lib')} ${path.join(bare, 'lib')}`);
  const lone = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lone-')), 'notebooks');
  fs.mkdirSync(lone);
  fs.symlinkSync(path.join(root, 'lib'), path.join(lone, 'lib'));
  try {
    assert.equal(refused({}, ['--notebooks', lone]), `--notebooks ${lone}: lib's packages are not found from there; link them beside it: ln -s ${path.join(root, 'node_modules')} ${path.join(path.dirname(lone), 'node_modules')}`);
  } finally {
    fs.rmSync(path.dirname(lone), { recursive: true, force: true });
  }
});
