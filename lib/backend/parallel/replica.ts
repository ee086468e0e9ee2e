import * as tf from '@tensorflow/tfjs';
import * as path from 'path';
import { MessagePort, parentPort, receiveMessageOnPort } from 'worker_threads';
import { Net } from '../../models/net';
import { BackendName, initBackend } from '../select';
import { LossSpec, lossValue } from './losses';

/**
 * The worker side of a ParallelNet (parallel-net.ts): a copy of the net on its own wasm instance
 * that answers one command at a time. It blocks in Atomics.wait between commands, so the main thread
 * can call it synchronously: no promise, no event loop turn, ~10 µs a round trip.
 */
export interface ReplicaData {
  lib: string;
  build: NetBuild;
  backend: BackendName;
  port: MessagePort;
  /** Int32 [request seq, reply seq]. */
  ctrl: SharedArrayBuffer;
}

/** How to make the net in another thread: a lib function and its JSON arguments. */
export interface NetBuild { module: string; fn: string; args: unknown }

export type Command =
  | { op: 'predict'; version: number; weights: SharedArrayBuffer; x: Slab; out: SharedArrayBuffer }
  | { op: 'gradients' | 'inputGradients'; version: number; weights: SharedArrayBuffer; x: Slab; y: Slab; loss: LossSpec; out: SharedArrayBuffer }
  | { op: 'exit' };

/** A float32 tensor in shared memory. */
export interface Slab { buf: SharedArrayBuffer; shape: number[] }

export type Reply = { error: string } | { shape?: number[]; value?: number; out?: SharedArrayBuffer };

export function buildNet(lib: string, b: NetBuild): Net {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const mod = require(path.join(lib, b.module)) as Record<string, unknown>;
  const make = mod[b.fn];
  if (typeof make !== 'function') throw new Error(`lib/${b.module} has no function ${b.fn}`);
  return make(b.args) as Net;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
/** A copy: the cpu backend keeps the array it is given, and the slab is rewritten by the next call. */
const read = (s: Slab) => tf.tensor(new Float32Array(s.buf, 0, size(s.shape)).slice(), s.shape);

export async function runReplica(d: ReplicaData): Promise<void> {
  await initBackend(d.backend);
  const net = buildNet(d.lib, d.build);
  const ctrl = new Int32Array(d.ctrl);
  let version = -1;
  const sync = (v: number, buf: SharedArrayBuffer) => {
    if (v === version) return;
    let at = 0;
    const ws = net.getWeights().map((w) => {
      const t = tf.tensor(new Float32Array(buf, at * 4, w.size).slice(), w.shape);
      at += w.size;
      return t;
    });
    net.setWeights(ws);
    tf.dispose(ws); // the variables hold their own reference
    version = v;
  };
  const handle = (m: Exclude<Command, { op: 'exit' }>): Reply => {
    sync(m.version, m.weights);
    if (m.op === 'predict') {
      const y = tf.tidy(() => net.apply(read(m.x)));
      // Outputs have any width: a slab too small is replaced, and the new one goes back with the reply.
      const out = m.out.byteLength >= y.size * 4 ? undefined : new SharedArrayBuffer(y.size * 4);
      new Float32Array(out ?? m.out, 0, y.size).set(y.dataSync());
      y.dispose();
      return { shape: y.shape, out };
    }
    const x = read(m.x);
    const y = read(m.y);
    const f = () => lossValue(m.loss, x, y, net.apply(x, m.op === 'gradients'));
    let at = 0;
    const put = (g: tf.Tensor) => {
      new Float32Array(m.out, at * 4, g.size).set(g.dataSync());
      at += g.size;
    };
    let value: number;
    if (m.op === 'gradients') {
      const { value: v, grads } = tf.variableGrads(f, net.trainableVars());
      net.trainableVars().forEach((w) => put(grads[w.name]));
      value = v.dataSync()[0];
      tf.dispose([v, ...Object.values(grads)]);
    } else {
      const { value: v, grad } = tf.valueAndGrad((t: tf.Tensor) => lossValue(m.loss, t, y, net.apply(t)))(x);
      put(grad);
      value = v.dataSync()[0];
      tf.dispose([v, grad]);
    }
    tf.dispose([x, y]);
    return { value };
  };
  parentPort?.postMessage('ready');
  let seq = 0;
  for (;;) {
    Atomics.wait(ctrl, 0, seq);
    seq = Atomics.load(ctrl, 0);
    const m = receiveMessageOnPort(d.port)?.message as Command | undefined;
    let reply: Reply;
    try {
      if (!m) throw new Error('woken without a command');
      reply = m.op === 'exit' ? {} : handle(m);
    } catch (e) {
      reply = { error: String((e as Error).stack ?? e) };
    }
    d.port.postMessage(reply);
    Atomics.store(ctrl, 1, seq);
    Atomics.notify(ctrl, 1);
    if (m?.op === 'exit') break;
  }
  net.dispose();
}
