import * as tf from '@tensorflow/tfjs';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import { Net } from '../../models/net';
import { fromRoot } from '../../paths';
import { labThreads } from '../../train/background';
import { LossSpec, lossValue } from './losses';
import type { Command, NetBuild, Reply, Slab } from './replica';

export type { NetBuild } from './replica';
export type { LossSpec } from './losses';

/**
 * Data parallelism over threads. wasm computes on one thread in Node (its threaded build is off
 * there: lib/backend/wasm/README.md), so a net runs on both cores by keeping a copy of it in a worker
 * thread and giving each thread a share of the batch's rows. Every call is synchronous: the main
 * thread posts the worker its rows, computes its own, then blocks (Atomics.wait) until the worker's
 * answer sits in shared memory. Weights go to the workers only when they changed (an optimiser step
 * replaces a variable's data, so identity of the data tells).
 *
 * Results equal the one-thread ones up to float32 summation order: per-row outputs are the same
 * computation, and batch gradients use ∇L = Σₖ (nₖ/n) ∇Lₖ for a mean loss (losses.ts).
 */
export interface ParallelNet {
  /** Threads in use, the main one included (1: everything on the main thread). */
  readonly threads: number;
  /** net.apply(x) with the rows of x split across the threads. */
  predict(x: tf.Tensor): tf.Tensor;
  /** Loss and gradients of the trainable variables (in trainableVars() order) for the whole batch. */
  gradients(x: tf.Tensor, y: tf.Tensor, loss: LossSpec): { value: number; grads: tf.Tensor[] };
  /** Loss and its gradient with respect to the input x (an inversion step), rows split across threads. */
  inputGradients(x: tf.Tensor, y: tf.Tensor, loss: LossSpec): { value: number; grad: tf.Tensor };
  /**
   * One data-parallel optimiser step on the batch (x, y): the gradients of all threads, combined, then
   * `optimizer` updates the net's trainable variables. Returns the batch loss.
   */
  trainStep(optimizer: tf.Optimizer, x: tf.Tensor, y: tf.Tensor, loss: LossSpec): number;
  /** Stops the workers (the net itself stays the caller's). */
  dispose(): Promise<void>;
}

const WORKER_SOURCE = `
const { workerData } = require('worker_threads');
require('tsx/cjs');
require(workerData.replica).runReplica(workerData).catch((e) => { throw e; });
`;

/** A command gets this long before the worker is declared dead (it answers in milliseconds). */
const TIMEOUT_MS = 120_000;

interface Replica { worker: Worker; port: MessagePort; ctrl: Int32Array; seq: number; x: SharedArrayBuffer; y: SharedArrayBuffer; out: SharedArrayBuffer }

const grow = (buf: SharedArrayBuffer, floats: number) => (buf.byteLength >= floats * 4 ? buf : new SharedArrayBuffer(floats * 4 * 1.25));

/** Rows [start, end) of each thread's share; the main thread takes the first. */
function shares(n: number, k: number): [number, number][] {
  return Array.from({ length: k }, (_, i) => [Math.floor((i * n) / k), Math.floor(((i + 1) * n) / k)]);
}

/**
 * Start `threads − 1` replicas of `net` (made in each worker by `build`, e.g. { module: 'models/fcnn',
 * fn: 'createFcnn', args: { layers: 2, activation: 'selu', seed: 1 } }: the same architecture; the
 * weights are copied over). threads defaults to MNIST_LAB_THREADS or the cores; on the tensorflow
 * backend (which uses every core itself) or with one thread, everything runs on the main thread.
 */
export async function parallelNet(net: Net, build: NetBuild, o: { threads?: number } = {}): Promise<ParallelNet> {
  const backend = tf.getBackend();
  const threads = backend === 'tensorflow' ? 1 : Math.max(1, o.threads ?? labThreads());
  const replicas: Replica[] = [];
  try {
    for (let i = 1; i < threads; i++) replicas.push(await startReplica(build, backend));
  } catch (e) {
    await Promise.all(replicas.map((r) => r.worker.terminate()));
    throw e;
  }
  let weightsBuf = new SharedArrayBuffer(4);
  let version = 0;
  let ids: unknown[] = [];
  /** Copy the weights to shared memory if any changed since the last call; returns their version. */
  const publish = () => {
    const ws = net.getWeights();
    const now = ws.map((w) => (w as unknown as { dataId: unknown }).dataId);
    if (now.length === ids.length && now.every((d, i) => d === ids[i])) return version;
    weightsBuf = grow(weightsBuf, ws.reduce((a, w) => a + w.size, 0));
    let at = 0;
    for (const w of ws) {
      new Float32Array(weightsBuf, at * 4, w.size).set(w.dataSync());
      at += w.size;
    }
    ids = now;
    return ++version;
  };

  const put = (r: Replica, which: 'x' | 'y', t: tf.Tensor, data: Float32Array, [a, b]: [number, number]): Slab => {
    const row = t.size / t.shape[0];
    r[which] = grow(r[which], (b - a) * row);
    new Float32Array(r[which], 0, (b - a) * row).set(data.subarray(a * row, b * row));
    return { buf: r[which], shape: [b - a, ...t.shape.slice(1)] };
  };
  const send = (r: Replica, m: Command) => {
    r.port.postMessage(m);
    Atomics.store(r.ctrl, 0, ++r.seq);
    Atomics.notify(r.ctrl, 0);
  };
  const receive = (r: Replica): Exclude<Reply, { error: string }> => {
    const t0 = Date.now();
    while (Atomics.load(r.ctrl, 1) !== r.seq) {
      if (Atomics.wait(r.ctrl, 1, Atomics.load(r.ctrl, 1), 1000) === 'timed-out' && Date.now() - t0 > TIMEOUT_MS) {
        throw new Error(`a ParallelNet worker did not answer in ${TIMEOUT_MS / 1000} s; dispose() and use threads: 1.`);
      }
    }
    const reply = receiveMessageOnPort(r.port)?.message as Reply | undefined;
    if (!reply) throw new Error('a ParallelNet worker answered without a reply');
    if ("error" in reply) throw new Error(`ParallelNet worker failed: ${reply.error}`);
    return reply;
  };
  /** Split rows, start the workers, run `mine` on the main thread's rows, then gather. */
  const fan = <T>(x: tf.Tensor, y: tf.Tensor | null, command: (r: Replica, xs: Slab, ys: Slab | null, v: number) => Command, mine: (x0: tf.Tensor, y0: tf.Tensor | null) => T) => {
    if (x.rank < 1 || x.shape[0] < 1) throw new RangeError(`ParallelNet: x has shape [${x.shape}]; give a batch of at least one row.`);
    if (y && y.shape[0] !== x.shape[0]) throw new RangeError(`ParallelNet: x has ${x.shape[0]} rows but y has ${y.shape[0]}; give one target per row.`);
    const parts = shares(x.shape[0], Math.min(threads, x.shape[0]));
    const v = publish();
    const xd = parts.length > 1 ? (x.dataSync() as Float32Array) : null;
    const yd = parts.length > 1 && y ? (y.dataSync() as Float32Array) : null;
    const busy = parts.slice(1).map((p, i) => {
      const r = replicas[i];
      send(r, command(r, put(r, 'x', x, xd!, p), y ? put(r, 'y', y, yd!, p) : null, v));
      return r;
    });
    const [a, b] = parts[0];
    const x0 = parts.length > 1 ? tf.slice(x, a, b - a) : x;
    const y0 = y && parts.length > 1 ? tf.slice(y, a, b - a) : y;
    let own: T | undefined;
    let failed: unknown = null;
    try {
      own = mine(x0, y0);
    } catch (e) {
      failed = e;
    }
    // Every worker is drained, even after a failure, so the next call starts in step.
    const replies = busy.map((r) => {
      try {
        return receive(r);
      } catch (e) {
        failed ??= e;
        return {};
      }
    });
    if (x0 !== x) x0.dispose();
    if (y0 && y0 !== y) y0.dispose();
    if (failed) throw failed;
    return { own: own as T, parts, replies, busy };
  };
  const weightOf = (parts: [number, number][], i: number, n: number) => (parts[i][1] - parts[i][0]) / n;
  /** The batch's mean loss from its parts' means: L = Σₖ (nₖ/n) Lₖ. */
  const batchLoss = (own: tf.Scalar, replies: { value?: number }[], parts: [number, number][], n: number) =>
    replies.reduce((sum, rep, i) => sum + (rep.value as number) * weightOf(parts, i + 1, n), own.dataSync()[0] * weightOf(parts, 0, n));

  const pn: ParallelNet = {
    threads,
    predict(x) {
      const { own, replies, busy } = fan(x, null, (r, xs, _, v) => {
        return { op: 'predict', version: v, weights: weightsBuf, x: xs, out: r.out };
      }, (x0) => net.apply(x0));
      if (!busy.length) return own;
      const rest = replies.map((rep, i) => {
        const shape = rep.shape as number[];
        if (rep.out) busy[i].out = rep.out; // the worker grew it
        return tf.tensor(new Float32Array(busy[i].out, 0, shape.reduce((p, q) => p * q, 1)).slice(), shape);
      });
      const all = tf.concat([own, ...rest]);
      tf.dispose([own, ...rest]);
      return all;
    },
    gradients(x, y, loss) {
      const vars = net.trainableVars();
      const total = vars.reduce((a, w) => a + w.size, 0);
      const { own, parts, replies, busy } = fan(x, y, (r, xs, ys, v) => {
        r.out = grow(r.out, total);
        return { op: 'gradients', version: v, weights: weightsBuf, x: xs, y: ys!, loss, out: r.out };
      }, (x0, y0) => {
        const { value, grads } = tf.variableGrads(() => lossValue(loss, x0, y0!, net.apply(x0, true)), vars);
        return { value, grads: vars.map((w) => grads[w.name]) };
      });
      const n = x.shape[0];
      const value = batchLoss(own.value, replies, parts, n);
      if (!busy.length) {
        own.value.dispose();
        return { value, grads: own.grads };
      }
      const parts32 = busy.map((r) => new Float32Array(r.out, 0, total));
      let at = 0;
      const grads = own.grads.map((g, j) => {
        const out = tf.tidy(() => {
          let s = tf.mul(g, weightOf(parts, 0, n));
          parts32.forEach((p, i) => (s = tf.add(s, tf.mul(tf.tensor(p.slice(at, at + g.size), g.shape), weightOf(parts, i + 1, n)))));
          return s;
        });
        at += vars[j].size;
        return out;
      });
      tf.dispose([own.value, ...own.grads]);
      return { value, grads };
    },
    inputGradients(x, y, loss) {
      const { own, parts, replies, busy } = fan(x, y, (r, xs, ys, v) => {
        r.out = grow(r.out, xs.shape.reduce((p, q) => p * q, 1));
        return { op: 'inputGradients', version: v, weights: weightsBuf, x: xs, y: ys!, loss, out: r.out };
      }, (x0, y0) => tf.valueAndGrad((t: tf.Tensor) => lossValue(loss, t, y0!, net.apply(t)))(x0));
      const n = x.shape[0];
      const value = batchLoss(own.value, replies, parts, n);
      if (!busy.length) {
        own.value.dispose();
        return { value, grad: own.grad };
      }
      const grad = tf.tidy(() => tf.concat([
        tf.mul(own.grad, weightOf(parts, 0, n)),
        ...busy.map((r, i) => {
          const [a, b] = parts[i + 1];
          const shape = [b - a, ...x.shape.slice(1)];
          return tf.mul(tf.tensor(new Float32Array(r.out, 0, (b - a) * (x.size / n)).slice(), shape), weightOf(parts, i + 1, n));
        }),
      ]));
      tf.dispose([own.value, own.grad]);
      return { value, grad };
    },
    trainStep(optimizer, x, y, loss) {
      const { value, grads } = pn.gradients(x, y, loss);
      const vars = net.trainableVars();
      optimizer.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: grads[i] })));
      tf.dispose(grads);
      return value;
    },
    async dispose() {
      for (const r of replicas) {
        send(r, { op: 'exit' });
        try {
          receive(r);
        } catch { /* it is going anyway */ }
        await r.worker.terminate();
      }
      replicas.length = 0;
    },
  };
  return pn;
}

async function startReplica(build: NetBuild, backend: string): Promise<Replica> {
  const { port1, port2 } = new MessageChannel();
  const ctrl = new SharedArrayBuffer(8);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { lib: fromRoot('lib'), replica: fromRoot('lib/backend/parallel/replica.ts'), build, backend, port: port2, ctrl },
    transferList: [port2],
    env: { ...process.env, MNIST_LAB_QUIET: '1' },
  });
  worker.unref();
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', (e) => reject(new Error(`a ParallelNet worker did not start: ${e.message}`)));
    worker.once('exit', (c) => reject(new Error(`a ParallelNet worker exited (code ${c}) before it was ready`)));
  });
  const empty = () => new SharedArrayBuffer(4);
  return { worker, port: port1, ctrl: new Int32Array(ctrl), seq: 0, x: empty(), y: empty(), out: empty() };
}
