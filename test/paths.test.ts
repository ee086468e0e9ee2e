import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { withFileLock } from '../lib/paths';

// Each child increments a counter file 40 times under the lock; without the lock, concurrent
// read-modify-writes lose increments (notebooks running two at a time share the manifest).
const child = (file: string) => `
const fs = require('fs');
const { withFileLock } = require(${JSON.stringify(path.resolve(__dirname, '../lib/paths.ts'))});
for (let i = 0; i < 40; i++) withFileLock(${JSON.stringify(file)}, () => {
  const n = fs.existsSync(${JSON.stringify(file)}) ? Number(fs.readFileSync(${JSON.stringify(file)}, 'utf8')) : 0;
  fs.writeFileSync(${JSON.stringify(file)}, String(n + 1));
});`;

test('withFileLock serialises read-modify-writes across processes', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lock-'));
  const file = path.join(dir, 'counter.txt');
  await Promise.all([0, 1, 2].map(() => new Promise<void>((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', '-e', child(file)], { stdio: 'inherit' });
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`child exited ${code}`))));
  })));
  assert.equal(Number(fs.readFileSync(file, 'utf8')), 120);
  assert.equal(fs.existsSync(`${file}.lock`), false);
  fs.rmSync(dir, { recursive: true });
});

test('withFileLock takes over a stale lock and releases on throw', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lock-'));
  const file = path.join(dir, 'x.json');
  fs.mkdirSync(`${file}.lock`);
  const old = new Date(Date.now() - 60_000);
  fs.utimesSync(`${file}.lock`, old, old);
  assert.equal(withFileLock(file, () => 7), 7);
  assert.throws(() => withFileLock(file, () => { throw new Error('inside'); }), /inside/);
  assert.equal(fs.existsSync(`${file}.lock`), false);
  fs.rmSync(dir, { recursive: true });
});
