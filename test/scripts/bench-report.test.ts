import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { keep, newRow, resultsJson, Row } from '../../scripts/bench/report';

const committed = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'bench', 'results.json'), 'utf8'));

test('bench/results.json keeps its format: the committed file rebuilt from its own rows is the same', () => {
  const cols = ['wasm', 'cpu', 'tensorflow', 'wasm2', 'torch'];
  const rows: Row[] = committed.rows.map((r: Record<string, unknown>) => ({
    key: r.key, label: r.label, unit: r.unit, notes: r.notes, rounds: r.rounds, perCpuSecond: r.perCpuSecond,
    values: Object.fromEntries(cols.filter((c) => c in r).map((c) => [c, r[c]])),
  }));
  const fresh = resultsJson({ backends: [], rows, torchNote: committed.torch, checks: committed.checks, kernels: committed.wasmKernels,
    load0: committed.machine.loadavgBefore, load1: committed.machine.loadavgAfter });
  // What a run stamps (when, how invoked, on what) differs; every other field and the key order must not.
  const stamp = (o: Record<string, any>) => JSON.stringify({ ...o, date: 0, command: 0, versions: 0, machine: { ...o.machine, model: 0 }, settings: { ...o.settings, rounds: 0, quick: 0 } });
  assert.equal(stamp(fresh), stamp(committed));
});

test('a column keeps its best round and every round is recorded', () => {
  const r = newRow('m1.infer', 'M1', 'img/s');
  keep(r, 'wasm', 10, 1);
  keep(r, 'wasm', 12, 2);
  keep(r, 'wasm', 11, 3);
  keep(r, 'torch', null, null);
  assert.deepEqual(r.rounds, { wasm: [10, 12, 11], torch: [null] });
  assert.deepEqual(r.values, { wasm: 12, torch: null });
  assert.deepEqual(r.perCpuSecond, { wasm: 2, torch: null });
});
