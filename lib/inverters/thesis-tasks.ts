import * as tf from '@tensorflow/tfjs';
import { Net } from '../models/net';
import { digitGrid } from '../plot/grid';
import { saveFigure } from '../plot/figure';
import { firstRows } from '../tensor/rescale';
import { invert, InversionLoss, InvertOptions } from './gradient';

/** Thesis 003's two inversion tasks, run together: Task 1 turns noise tiles into each digit, Task 2 a 9 into an 8. */
export interface ThesisTaskOptions {
  /** Task 1's start tiles followed by the one Task 2 image (a test 9): [n₁ + 1,28,28,1]; not owned. */
  start: tf.Tensor4D;
  /** Task 1's target digit per tile (n₁ of them); Task 2's target is 8. */
  task1Targets: Int32Array;
  steps: number;
  optimizer: InvertOptions['optimizer'];
  priors: NonNullable<InvertOptions['priors']>;
  /** Steps after which Task 2's image is recorded (0 = the start). */
  task2Snapshots: number[];
}

export interface TaskResult {
  name: string;
  /** Task 1's images [n₁,28,28,1]. */
  task1: tf.Tensor4D;
  /** Task 2's image at each snapshot step. */
  task2: Float32Array[];
  /** Mean p(target) of the net at the end, over all n₁ + 1 images. */
  targetProb: number;
  seconds: number;
  /** Images inverted (n₁ + 1). */
  n: number;
}

/** Every classifier's run of both tasks, by name; dispose() frees them (a notebook keeps the object). */
export class ThesisTasks {
  readonly results: Record<string, TaskResult> = {};

  constructor(readonly o: ThesisTaskOptions) {}

  /** Invert both tasks' images through `net` at once (replacing an earlier run under the same name). */
  async run(name: string, net: Net, loss: 'ce' | InversionLoss = 'ce'): Promise<TaskResult> {
    const o = this.o;
    const r = await invert({
      net, loss, x0: o.start, targets: Int32Array.from([...o.task1Targets, 8]), steps: o.steps,
      optimizer: o.optimizer, priors: o.priors, snapshotAt: o.task2Snapshots, label: `${name}: Task 1 + Task 2`,
    });
    const n1 = o.task1Targets.length;
    const out: TaskResult = { name, task1: tf.tidy(() => r.images.slice(0, n1)), task2: r.snapshots.map((s) => s.images[n1]),
      targetProb: r.targetProb[r.targetProb.length - 1], seconds: r.seconds, n: n1 + 1 };
    r.images.dispose();
    this.results[name]?.task1.dispose();
    this.results[name] = out;
    return out;
  }

  /** Figures `${fig}-task1` (the first tile of every digit, a row per classifier) and `${fig}-task2` (Task 2 over the steps). */
  figures(fig: string, names: string[], title: string): void {
    const rows = names.map((k) => this.results[k]);
    const snaps = this.o.task2Snapshots;
    saveFigure(`${fig}-task1`, digitGrid(rows.flatMap((r) => firstRows(r.task1, 10)), {
      cols: 10, rowLabels: names.map((n) => `${n}  `), titles: Array.from({ length: 10 * rows.length }, (_, i) => (i < 10 ? `→ ${i}` : '')), title: `${title}: Task 1, noise → 0–9` }));
    saveFigure(`${fig}-task2`, digitGrid(rows.flatMap((r) => r.task2), {
      cols: snaps.length, rowLabels: names.map((n) => `${n}  `), titles: [...snaps.map((s) => (s === 0 ? 'start' : `it ${s}`)), ...new Array(snaps.length * (rows.length - 1)).fill('')],
      title: `${title}: Task 2, a 9 → an 8` }));
  }

  dispose(): void {
    Object.values(this.results).forEach((r) => r.task1.dispose());
  }
}
