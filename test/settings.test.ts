import { strict as assert } from 'node:assert';
import { afterEach, test } from 'node:test';
import { byProfile, profile, seed } from '../lib/profile';
import { checkSettings, envThreads, fromFlag, parseProfile, SEED_MAX, SettingError } from '../lib/settings';
import { labThreads } from '../lib/train/background';
import { makeRng } from '../lib/tensor/rng';

const NAMES = ['MNIST_LAB_PROFILE', 'MNIST_LAB_SEED', 'MNIST_LAB_THREADS', 'MNIST_LAB_NO_CACHE', 'MNIST_LAB_QUIET', 'MNIST_LAB_FIGURES'];
const saved = Object.fromEntries(NAMES.map((n) => [n, process.env[n]]));
afterEach(() => {
  for (const n of NAMES) {
    if (saved[n] === undefined) delete process.env[n];
    else process.env[n] = saved[n];
  }
});

/** The exact message `f` throws, as a SettingError. */
const thrown = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof SettingError, `a SettingError, got ${e}`);
    return (e as Error).message;
  }
  assert.fail('no error thrown');
};

test('profiles: any case from the variable and from lib; a bad one names the variable, not a flag', () => {
  process.env.MNIST_LAB_PROFILE = 'PAPER';
  assert.equal(profile(), 'paper');
  assert.equal(byProfile({ quick: 1, paper: 2 }), 2);
  process.env.MNIST_LAB_PROFILE = ' Quick ';
  assert.equal(profile(), 'quick');
  delete process.env.MNIST_LAB_PROFILE;
  assert.equal(profile(), 'quick');
  process.env.MNIST_LAB_PROFILE = 'bogus';
  assert.equal(thrown(profile), 'MNIST_LAB_PROFILE=bogus is not a profile; set it to quick or paper');
  assert.equal(thrown(() => parseProfile('bogus', fromFlag('--profile'))), '--profile bogus is not a profile; use --profile quick or paper');
});

test('MNIST_LAB_THREADS: a positive integer, else an error naming it and the fix (was: every core)', () => {
  for (const bad of ['0', '-1', 'abc', '1.5', '1e3', '2 cores']) {
    process.env.MNIST_LAB_THREADS = bad;
    const msg = `MNIST_LAB_THREADS=${bad} is not a positive integer; set it to the threads a notebook may use (e.g. 2), or unset it to use every CPU core`;
    assert.equal(thrown(labThreads), msg);
    assert.equal(thrown(() => envThreads()), msg);
  }
  process.env.MNIST_LAB_THREADS = '3';
  assert.equal(labThreads(), 3);
  process.env.MNIST_LAB_THREADS = '';
  assert.equal(envThreads(), undefined);
  delete process.env.MNIST_LAB_THREADS;
  assert.ok(labThreads() >= 1);
});

test('MNIST_LAB_SEED: an integer from 0 to 2^31 - 1; 4294968530 no longer silently equals 1234', () => {
  // Why the range: the RNG reduces seeds mod 2^32, so these two seeds gave the same numbers.
  assert.equal(makeRng(4294968530).uniform(), makeRng(1234).uniform());
  for (const bad of ['4294968530', '-1', '1.5', 'abc', String(SEED_MAX + 1)]) {
    process.env.MNIST_LAB_SEED = bad;
    assert.equal(thrown(() => seed()), `MNIST_LAB_SEED=${bad} is not an integer from 0 to 2147483647; set it to one (e.g. 1234), or unset it`);
  }
  for (const good of ['0', '1234', String(SEED_MAX)]) {
    process.env.MNIST_LAB_SEED = good;
    assert.equal(seed(), Number(good));
  }
  delete process.env.MNIST_LAB_SEED;
  assert.equal(seed(), 1234);
  assert.equal(seed(7), 7);
});

test('on/off and path variables: a value their readers would misread is refused, all bad ones listed at once', () => {
  process.env.MNIST_LAB_NO_CACHE = 'true';
  process.env.MNIST_LAB_QUIET = 'yes';
  process.env.MNIST_LAB_FIGURES = '';
  process.env.MNIST_LAB_THREADS = '0';
  assert.equal(thrown(checkSettings), [
    'MNIST_LAB_THREADS=0 is not a positive integer; set it to the threads a notebook may use (e.g. 2), or unset it to use every CPU core',
    'MNIST_LAB_NO_CACHE=true is not 0 or 1; set it to 1 to retrain instead of loading .cache/models/, or unset it',
    'MNIST_LAB_QUIET=yes is not 0 or 1; set it to 1 to hide progress bars, or unset it',
    'MNIST_LAB_FIGURES is set but empty; unset it for the default, or set it to a path',
  ].join('\n'));
  // lib's profile() is every notebook's first setting: it stops there with the same list.
  assert.match(thrown(profile), /^MNIST_LAB_THREADS=0 is not a positive integer/);
  process.env.MNIST_LAB_NO_CACHE = '1';
  process.env.MNIST_LAB_QUIET = '0';
  process.env.MNIST_LAB_FIGURES = '/tmp/figs';
  process.env.MNIST_LAB_THREADS = '1';
  assert.doesNotThrow(() => checkSettings());
});
