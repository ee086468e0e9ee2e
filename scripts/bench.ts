/**
 * npm run bench: training and inference throughput of the project's models on each tfjs backend
 * (wasm, cpu, and tensorflow when tfjs-node is installed), inversion and Levenberg–Marquardt step
 * rates, and the same loops in PyTorch (scripts/bench_torch.py, 2 threads) when Debian's python3-torch
 * is installed. Prints a table and writes bench/results.json.
 *
 * The "wasm×2" column runs the same models data-parallel on two threads (lib/backend/parallel: a
 * replica of the net in a worker thread, each thread takes half of every batch's rows), since wasm
 * itself computes on one thread in Node; PyTorch gets two threads too.
 *
 * Options: --quick (shorter time boxes), --only=<substring of a row key>, --rounds=N (default 2: every
 * column measured N times, spread over the run, best kept), --no-torch, --no-cpu, --no-parallel.
 *
 * This file runs the rounds; scripts/bench/ holds the parts: models.ts (what each row runs), rows.ts,
 * parallel-rows.ts and levenberg-marquardt.ts (the measured loops), rate.ts (time boxes), measure.ts
 * (one row on one backend: a `--measure=backend:row` child), agreement.ts (wasm vs cpu losses),
 * torch.ts (the PyTorch column), report.ts (the table and bench/results.json).
 */
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { installLazyFusedGradients } from '../lib/backend/lazy-gradients';
import { registerWasmTrainingKernels } from '../lib/backend/wasm';
import { agreement } from './bench/agreement';
import { Measured, measure } from './bench/measure';
import { benchModels } from './bench/models';
import { args, INFER_BATCH, ONLY, QUICK, ROUNDS, TRAIN_BATCH } from './bench/options';
import { keep, newRow, printTable, Row, writeResults } from './bench/report';
import { NO_TORCH_NOTE, runTorch, TORCH_NOTE, torchAvailable } from './bench/torch';

async function main(): Promise<void> {
  const only = args.find((a) => a.startsWith('--measure='));
  if (only) {
    const [backend, key] = only.slice(10).split(':');
    console.log(JSON.stringify(await measure(backend, key)));
    return;
  }
  const load0 = os.loadavg();
  await tf.setBackend('wasm');
  await tf.ready();
  const kernels = registerWasmTrainingKernels();
  installLazyFusedGradients();
  const backends = ['wasm'];
  if (!args.includes('--no-cpu')) backends.push('cpu');
  let tfNode = false;
  try {
    require('@tensorflow/tfjs-node');
    tfNode = tf.findBackendFactory('tensorflow') != null;
  } catch { /* optional */ }
  if (tfNode) backends.push('tensorflow');

  if (!args.includes('--no-parallel')) backends.push('wasm2');

  const rows: Row[] = [];
  for (const m of benchModels()) {
    rows.push(newRow(`${m.key}.infer`, `${m.label} inference, img/s (batch ${INFER_BATCH})`, 'img/s'));
    rows.push(newRow(`${m.key}.train`, `${m.label} training, img/s (batch ${TRAIN_BATCH}, Adam)`, 'img/s'));
  }
  rows.push(newRow('invert', 'CE + TV inversion step through the CNN, 10 images, steps/s', 'steps/s'));
  rows.push(newRow('lm', 'Levenberg–Marquardt iteration on FCNN-2 (J 10×784 by autodiff), it/s', 'it/s'));
  const selected = rows.filter((r) => !ONLY || r.key.includes(ONLY));

  // Each measurement runs in a fresh process (this script with --measure=backend:row): rows measured
  // late in one long process ran 15–30 % slower (a grown wasm heap, earlier models' garbage), which
  // made a row's number depend on the rows before it.
  // Rounds: every column (torch included) is measured once per round and keeps its best round. This
  // shared 2-core VM drifts by ±15–35 % over minutes (the same row: 21.9k then 32.3k img/s 10 min
  // apart), so one pass can catch one column in a slow spell; rounds spread each column over time.
  const torchOk = !args.includes('--no-torch') && torchAvailable();
  for (let round = 1; round <= ROUNDS; round++) {
    if (ROUNDS > 1) process.stderr.write(`round ${round} of ${ROUNDS}\n`);
    for (const backend of backends) {
      for (const row of selected) {
        const t0 = performance.now();
        const out = execFileSync(process.execPath, ['--import', 'tsx', __filename, `--measure=${backend}:${row.key}`, ...(QUICK ? ['--quick'] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
        const m = JSON.parse(out.trim().split('\n').pop() as string) as Measured;
        keep(row, backend, m.value, m.perCpuSecond);
        if (round === 1) row.notes.push(...m.notes);
        if (m.value != null) process.stderr.write(`${backend.padEnd(6)} ${row.key.padEnd(12)} ${m.value.toFixed(1)} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
      }
    }
    if (torchOk) {
      const t = runTorch(selected.map((r) => r.key));
      for (const row of selected) keep(row, 'torch', t.rows[row.key] ?? null, t.perCpuSecond[row.key] ?? null);
    }
  }

  const checks: Record<string, unknown> = {};
  if (!ONLY || ONLY === 'agreement') {
    const a = await agreement(200, 16);
    checks.m1WasmVsCpu = { ...a, within2pct: a.relDiff <= 0.02 };
    process.stderr.write(`agreement: M1 200 steps, final loss wasm ${a.wasm.toFixed(5)} cpu ${a.cpu.toFixed(5)} (rel diff ${(a.relDiff * 100).toFixed(3)} %)\n`);
  }
  const run = { backends, rows: selected, torchNote: torchOk ? TORCH_NOTE : NO_TORCH_NOTE, checks, kernels, load0, load1: os.loadavg() };
  printTable(run);
  if (!ONLY) writeResults(run);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
