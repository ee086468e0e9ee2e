import * as tf from '@tensorflow/tfjs';
import { SampleResult, sampleDdpm } from '../diffusion/ddpm';
import { makeSchedule, Schedule, ScheduleKind } from '../diffusion/schedules';
import { GaussianSkipNet, withGaussianSkip } from '../diffusion/gaussian-skip';
import { trainDdpm } from '../diffusion/train';
import { createGan, Gan, sampleGan } from '../models/generative/gan';
import { createRbm, Rbm, sampleRbm } from '../models/generative/rbm';
import { createUnet, TimeNet } from '../models/generative/unet';
import { createVae, sampleVae, Vae } from '../models/generative/vae';
import { Frame, toFrame } from '../plot/timelapse';
import { ValueRangeError } from '../tensor/guards';
import { cachedWeights } from './cache';
import { trainGan } from './gan';
import { trainRbm } from './rbm-step';
import { fitVae } from './vae';

/** What every baseline's training shares: the first `images` training digits, epochs, batch, learning rate. */
interface Common {
  images: number;
  epochs: number;
  batchSize: number;
  lr: number;
}

export interface RbmSpec extends Common {
  kind: 'rbm';
  hidden: number;
  /** CD-k. */
  k: number;
  /** Gibbs steps per sample for the evaluation, and for the time-lapse frames. */
  gibbsSteps: number;
  frameGibbsSteps: number;
}

export interface GanSpec extends Common {
  kind: 'gan';
  latent: number;
  hidden: number[];
  activation?: 'relu' | 'leakyRelu';
  batchNorm?: boolean;
  architecture?: 'mlp' | 'conv';
  /** Start G's output at the mean digit (see Gan.initOutputBias). */
  initOutputBias?: boolean;
}

export interface VaeSpec extends Common {
  kind: 'vae';
  latent: number;
  hidden: number;
}

export interface DdpmSpec extends Common {
  kind: 'ddpm';
  schedule: ScheduleKind;
  /** UNet channels at 28×28. */
  base: number;
  T: number;
  betaStart: number;
  betaEnd: number;
  gradWeight: number;
  emaDecay: number;
  /** Reverse steps for the evaluation samples and for the time-lapse frames (≤ T; fewer = respaced). */
  sampleSteps: number;
  frameSteps: number;
  /** Adam's β₂ (default 0.999). */
  adamBeta2?: number;
  /** Add the closed-form per-pixel Gaussian E[ε | x_t] to the UNet's output (lib/diffusion/gaussian-skip.ts). */
  gaussianSkip?: boolean;
}

export type BaselineSpec = RbmSpec | GanSpec | VaeSpec | DdpmSpec;

export interface BaselineSamples {
  /** [n,28,28,1] in [0,1]; the caller disposes. */
  images: tf.Tensor4D;
  /** Generation time only. */
  seconds: number;
  /** With `frames` asked for: the state along the sampler (Gibbs steps / reverse diffusion steps) of the first 25. */
  frames: Frame[];
}

/** One generative model of notebook 05, behind one interface: weights, training, sampling. */
export interface Baseline {
  readonly spec: BaselineSpec;
  readonly name: string;
  getWeights(): tf.Tensor[];
  setWeights(w: tf.Tensor[]): void;
  /** n samples from a seed; `frames` > 0 also records that many snapshots along the sampler. */
  sample(n: number, seed: number, o?: { frames?: number; steps?: number }): Promise<BaselineSamples>;
  dispose(): void;
}

type Model = Rbm | Gan | Vae | TimeNet;
/** The concrete model behind each baseline, for the trainer. */
const models = new WeakMap<Baseline, Model>();

/** A frame of the first 25 images of a snapshot; disposes the snapshot. */
function firstFrame(title: string, images: tf.Tensor): Frame {
  const head = tf.tidy(() => images.slice(0, Math.min(25, images.shape[0])));
  const f = toFrame(title, head);
  tf.dispose([head, images]);
  return f;
}

const snapshotSteps = (total: number, count: number): number[] =>
  [...new Set(Array.from({ length: count }, (_, i) => Math.max(1, Math.round(((i + 1) * total) / count))))];

export function createBaseline(spec: BaselineSpec, seed: number): Baseline {
  const timed = async (f: () => Promise<Omit<BaselineSamples, 'seconds'>>): Promise<BaselineSamples> => {
    const t0 = Date.now();
    const r = await f();
    return { ...r, seconds: (Date.now() - t0) / 1000 };
  };
  let model: Model;
  let sample: Baseline['sample'];
  let name: string;
  switch (spec.kind) {
    case 'rbm': {
      const rbm = createRbm({ visible: 784, hidden: spec.hidden, seed });
      model = rbm;
      name = 'RBM';
      sample = (n, s, o = {}) => timed(async () => {
        const steps = o.steps ?? spec.gibbsSteps;
        const at = o.frames ? snapshotSteps(steps, o.frames) : [];
        const r = sampleRbm(rbm, n, { steps, seed: s, snapshotAt: at });
        const frames = r.snapshots.map((sn) => firstFrame(`Gibbs step ${sn.step}/${steps}`, sn.images));
        return { images: r.images as tf.Tensor4D, frames };
      });
      break;
    }
    case 'gan': {
      const gan = createGan({ latent: spec.latent, hidden: spec.hidden, activation: spec.activation, batchNorm: spec.batchNorm, architecture: spec.architecture, seed });
      model = gan;
      name = 'GAN';
      sample = (n, s) => timed(async () => ({ images: sampleGan(gan, n, s), frames: [] }));
      break;
    }
    case 'vae': {
      const vae = createVae({ latent: spec.latent, hidden: spec.hidden, seed });
      model = vae;
      name = 'VAE';
      sample = (n, s) => timed(async () => ({ images: sampleVae(vae, n, s), frames: [] }));
      break;
    }
    case 'ddpm': {
      const schedule = makeSchedule(spec.schedule, spec);
      const unet = createUnet({ base: spec.base, seed });
      const net = spec.gaussianSkip ? withGaussianSkip(unet, schedule) : unet;
      model = net;
      name = `DDPM ${spec.schedule}`;
      sample = (n, s, o = {}) => timed(async () => {
        const steps = o.steps ?? spec.sampleSteps;
        const r: SampleResult = await sampleDdpm(net, schedule, { n, seed: s, steps, snapshotAt: o.frames ? snapshotSteps(steps, o.frames) : [] });
        const frames = r.snapshots.map((sn) => firstFrame(`${sn.done}/${steps} reverse steps (t=${sn.t})`, sn.images));
        return { images: r.images, frames };
      });
      break;
    }
    default:
      throw new ValueRangeError(`baseline kind "${(spec as { kind: string }).kind}" is unknown; use rbm, gan, vae or ddpm.`);
  }
  const b: Baseline = { spec, name, getWeights: () => model.getWeights(), setWeights: (w) => model.setWeights(w), sample, dispose: () => model.dispose() };
  models.set(b, model);
  return b;
}

export interface BaselineRun {
  /** Training losses per step, by name (e.g. { D, G } for the GAN). */
  losses: Record<string, number[]>;
  /** Training seconds, measured when the weights were trained (a cached run reports those). */
  seconds: number;
  /** 25 fixed samples after every epoch (the time-lapse; first and last make the first/final grid). */
  frames: Frame[];
  cached: boolean;
}

export interface TrainBaselineOptions {
  seed: number;
  /** Seed of the 25 time-lapse samples (the same z / noise every epoch). */
  frameSeed: number;
  label?: string;
}

/**
 * Train a baseline on the first `spec.images` of `train` (images [n,28,28,1] in [0,1]), taking 25
 * fixed samples after every epoch; or, when a checkpoint of the same configuration exists, load its
 * weights, losses and frames instead (lib/train/cache.ts: keyed by a hash of spec, seeds and lib's
 * cache version; written atomically).
 */
export async function trainBaseline(b: Baseline, train: tf.Tensor, o: TrainBaselineOptions): Promise<BaselineRun> {
  const spec = b.spec;
  const n = Math.min(spec.images, train.shape[0]);
  if (spec.images > train.shape[0]) throw new ValueRangeError(`${b.name}: ${spec.images} training images asked for but ${train.shape[0]} given; load more or lower images.`);
  const model = models.get(b);
  if (!model) throw new ValueRangeError(`${b.name} was not made by createBaseline; create it with createBaseline(spec, seed).`);
  const key = { baseline: spec, seed: o.seed, frames: { n: 25, seed: o.frameSeed } };
  const label = o.label ?? b.name;
  const { meta, cached } = await cachedWeights(key, b, async (): Promise<Omit<BaselineRun, 'cached'>> => {
    const frames: Frame[] = [];
    const frame = async (epoch: number) => {
      const s = await b.sample(25, o.frameSeed, spec.kind === 'rbm' ? { steps: spec.frameGibbsSteps } : spec.kind === 'ddpm' ? { steps: spec.frameSteps } : {});
      frames.push(toFrame(`epoch ${epoch}`, s.images));
      s.images.dispose();
    };
    const x = tf.tidy(() => train.slice(0, n));
    try {
      const c = { epochs: spec.epochs, batchSize: spec.batchSize, lr: spec.lr, seed: o.seed, label, onEpoch: frame };
      switch (spec.kind) {
        case 'rbm': {
          const r = await trainRbm(model as Rbm, x, { ...c, k: spec.k, initVisibleBias: true });
          return { losses: { 'reconstruction error': r.losses }, seconds: r.seconds, frames };
        }
        case 'gan': {
          const r = await trainGan(model as Gan, x as tf.Tensor4D, { ...c, initOutputBias: spec.initOutputBias });
          return { losses: { discriminator: r.dLosses, generator: r.gLosses }, seconds: r.seconds, frames };
        }
        case 'vae': {
          const r = await fitVae(model as Vae, x, c);
          return { losses: { 'reconstruction + KL': r.losses }, seconds: r.seconds, frames };
        }
        case 'ddpm': {
          if (spec.gaussianSkip) (model as GaussianSkipNet).fitPrior(x);
          const r = await trainDdpm(model as TimeNet, makeSchedule(spec.schedule, spec) as Schedule, x, { ...c, gradWeight: spec.gradWeight, emaDecay: spec.emaDecay, adamBeta2: spec.adamBeta2 });
          return { losses: { 'noise MSE + α·gradient': r.losses }, seconds: r.seconds, frames };
        }
      }
    } finally {
      x.dispose();
    }
  });
  return { ...meta, cached };
}
