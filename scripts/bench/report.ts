/** The bench's output: the markdown table on stdout and bench/results.json (its format is relied on). */
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { fromRoot, writeFileAtomic } from '../../lib/paths';
import { UNET_NOTE } from './models';
import { args, CPU_TRAIN_BATCH, INFER_BATCH, QUICK, ROUNDS, TRAIN_BATCH, VIT_BENCH_DEPTH } from './options';

export interface Row { key: string; label: string; unit: string; values: Record<string, number | null>; perCpuSecond: Record<string, number | null>; notes: string[]; rounds: Record<string, (number | null)[]> }

export const newRow = (key: string, label: string, unit: string): Row => ({ key, label, unit, values: {}, perCpuSecond: {}, notes: [], rounds: {} });

/** Record one round's value of a column; the column keeps its best round. */
export function keep(row: Row, col: string, value: number | null, perCpu: number | null): void {
  (row.rounds[col] ??= []).push(value);
  if (!(col in row.values) || (value ?? -1) > (row.values[col] ?? -1)) {
    row.values[col] = value;
    row.perCpuSecond[col] = perCpu;
  }
}

/** The faster of wasm and wasm×2: what a user would run. */
const best = (r: Row) => Math.max(r.values.wasm ?? 0, r.values.wasm2 ?? 0) || null;

export interface Run {
  backends: string[];
  rows: Row[];
  torchNote: string;
  checks: Record<string, unknown>;
  kernels: string[];
  load0: number[];
  load1: number[];
}

export function printTable({ backends, rows, torchNote, checks, load0, load1 }: Run): void {
  const fmt = (v: number | null | undefined) => (v == null ? '—' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
  const ratio = (a?: number | null, b?: number | null) => (a != null && b != null && b > 0 ? `${(a / b).toFixed(2)}×` : '—');
  const head = (b: string) => (b === 'wasm2' ? 'wasm×2' : b);
  const cols = ['row', ...backends.map(head), 'torch', 'wasm/torch', ...(backends.includes('wasm2') ? ['wasm×2/torch', 'best/torch'] : []), 'best/cpu', 'wasm per CPU-s'];
  const lines = rows.map((r) => [r.label + (r.notes.length ? ` [${r.notes.join('; ')}]` : ''), ...backends.map((b) => fmt(r.values[b])), fmt(r.values.torch), ratio(r.values.wasm, r.values.torch),
    ...(backends.includes('wasm2') ? [ratio(r.values.wasm2, r.values.torch), ratio(best(r), r.values.torch)] : []), ratio(best(r), r.values.cpu), fmt(r.perCpuSecond.wasm)]);
  const widths = cols.map((c, i) => Math.max(c.length, ...lines.map((l) => l[i].length)));
  const show = (l: string[]) => `| ${l.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(show(cols));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-' : '') + '-'.repeat(w + 1) + (i === 0 ? '' : ':')).join('|')}|`);
  lines.forEach((l) => console.log(show(l)));
  console.log('\nwasm×2: the same model data-parallel on two threads (lib/backend/parallel, ParallelNet), each taking half of every batch; best = the faster of wasm and wasm×2, what a user would run.');
  console.log(`All columns are wall-clock rates (best of 3 windows in each of ${ROUNDS} round${ROUNDS > 1 ? 's' : ''}, every column measured once per round). "wasm per CPU-s": the wasm rate per second of this process's CPU time (single-threaded, so what an idle machine would give, up to cache effects); not comparable with torch, whose OpenMP threads spin while waiting and bill that as CPU time.`);
  console.log(`${torchNote}. Load average before ${load0.map((v) => v.toFixed(2)).join(' ')}, after ${load1.map((v) => v.toFixed(2)).join(' ')} (${os.cpus().length} cores).`);
  console.log(`DDPM UNet: ${UNET_NOTE}; no PyTorch twin (its architecture is another helper's and still changing).`);
  if (checks.m1WasmVsCpu) console.log(`M1 wasm vs cpu after 200 steps: ${JSON.stringify(checks.m1WasmVsCpu)}`);
}

/** bench/results.json's content. */
export function resultsJson({ rows, torchNote, checks, kernels, load0, load1 }: Run) {
  return {
    date: new Date().toISOString(),
    command: `node --import tsx scripts/bench.ts ${args.join(' ')}`.trim(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, loadavgBefore: load0, loadavgAfter: load1 },
    versions: { node: process.version, tfjs: tf.version.tfjs },
    settings: { rounds: ROUNDS, trainBatch: TRAIN_BATCH, cpuTrainBatch: CPU_TRAIN_BATCH, inferBatch: INFER_BATCH, optimizer: 'adam(1e-3)', vitDepth: VIT_BENCH_DEPTH, quick: QUICK },
    wasmKernels: kernels,
    torch: torchNote,
    unet: `${UNET_NOTE}; no PyTorch twin`,
    rows: rows.map((r) => ({ key: r.key, label: r.label, unit: r.unit, ...r.values, perCpuSecond: r.perCpuSecond, notes: r.notes, rounds: r.rounds,
      wasmOverTorch: r.values.wasm != null && r.values.torch ? r.values.wasm / r.values.torch : null,
      wasm2OverTorch: r.values.wasm2 != null && r.values.torch ? r.values.wasm2 / r.values.torch : null,
      bestOverTorch: best(r) != null && r.values.torch ? best(r)! / r.values.torch : null,
      wasmOverCpu: r.values.wasm != null && r.values.cpu ? r.values.wasm / r.values.cpu : null,
      bestOverCpu: best(r) != null && r.values.cpu ? best(r)! / r.values.cpu : null })),
    checks,
  };
}

/** Written atomically: an interrupted run leaves the previous results whole. */
export function writeResults(run: Run): void {
  writeFileAtomic(fromRoot('bench', 'results.json'), `${JSON.stringify(resultsJson(run), null, 2)}\n`);
  console.log('wrote bench/results.json');
}
