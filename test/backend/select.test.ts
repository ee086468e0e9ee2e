import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

// Backend choice is once per process: each case runs in its own.
const run = (env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', '-e', "require('./lib/backend/select').initBackend().then(i => console.log(JSON.stringify(i)))"], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });

test('auto picks wasm on a machine without tfjs-node, says why, and adds the training kernels', () => {
  const r = run({ MNIST_LAB_BACKEND: 'auto' });
  assert.equal(r.status, 0, r.stderr);
  const info = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(info.name, 'wasm');
  assert.match(info.note, /tfjs-node-gpu not installed; @tensorflow\/tfjs-node not installed/);
  assert.ok(info.kernels.length > 0);
});

test('MNIST_LAB_BACKEND overrides; a wrong value and an absent tfjs-node say how to fix it', () => {
  const cpu = run({ MNIST_LAB_BACKEND: 'cpu' });
  assert.equal(JSON.parse(cpu.stdout.trim().split('\n').pop()!).name, 'cpu');
  assert.match(run({ MNIST_LAB_BACKEND: 'gpu' }).stderr, /MNIST_LAB_BACKEND=gpu is not a backend; use auto, tensorflow, wasm or cpu/);
  assert.match(run({ MNIST_LAB_BACKEND: 'tensorflow' }).stderr, /see environment.md \("CUDA"\) to install it/);
});
