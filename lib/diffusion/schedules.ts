import { ValueRangeError } from '../tensor/guards';

/**
 * DDPM noise schedules (paper 002, eqs. 12–15). Index t = 0..T−1 is diffusion step t+1, so
 * betas[0] is the first (smallest) noise step and alphaBars[T−1] the last, nearly pure noise.
 */
export type ScheduleKind = 'linear' | 'cosine';

export interface Schedule {
  kind: ScheduleKind;
  T: number;
  betas: Float64Array;
  /** α_t = 1 − β_t (eq. 13). */
  alphas: Float64Array;
  /** ᾱ_t = Π_{i≤t} α_i (eq. 13): the signal fraction left in x_t. */
  alphaBars: Float64Array;
}

export interface ScheduleOptions {
  T?: number;
  /** Linear schedule: β at the first and last step (paper: 1e-4 → 2e-2). */
  betaStart?: number;
  betaEnd?: number;
  /** Cosine schedule offset s (Nichol & Dhariwal 2021: 0.008). */
  s?: number;
  /** Cosine schedule: largest β, so that the last step does not divide by ~0 (Nichol & Dhariwal: 0.999). */
  maxBeta?: number;
}

/** The paper's settings: T = 500, β from 1e-4 to 2e-2. */
export const PAPER_SCHEDULE = { T: 500, betaStart: 1e-4, betaEnd: 2e-2, s: 0.008, maxBeta: 0.999 };

function fromBetas(kind: ScheduleKind, betas: Float64Array): Schedule {
  const T = betas.length;
  const alphas = new Float64Array(T);
  const alphaBars = new Float64Array(T);
  let prod = 1;
  for (let t = 0; t < T; t++) {
    alphas[t] = 1 - betas[t];
    prod *= alphas[t];
    alphaBars[t] = prod;
  }
  return { kind, T, betas, alphas, alphaBars };
}

function checkT(T: number): void {
  if (!Number.isInteger(T) || T < 2) throw new ValueRangeError(`schedule T=${T} must be an integer ≥ 2 (the paper uses 500).`);
}

/**
 * Eq. 12: β_t = β_start + t/(T−1) · (β_end − β_start). The paper writes t/T; with t = 0..T−1 that
 * would never reach β_end, so we divide by T−1 and both endpoints are exactly as specified.
 */
export function linearSchedule(o: ScheduleOptions = {}): Schedule {
  const T = o.T ?? PAPER_SCHEDULE.T;
  const b0 = o.betaStart ?? PAPER_SCHEDULE.betaStart;
  const b1 = o.betaEnd ?? PAPER_SCHEDULE.betaEnd;
  checkT(T);
  if (!(b0 > 0 && b1 > b0 && b1 < 1)) throw new ValueRangeError(`linear schedule β ${b0} → ${b1} must satisfy 0 < β_start < β_end < 1.`);
  return fromBetas('linear', Float64Array.from({ length: T }, (_, t) => b0 + (t / (T - 1)) * (b1 - b0)));
}

/**
 * Eqs. 14–15: ᾱ(t) = f(t)/f(0), f(t) = cos²(π/2 · (t/T + s)/(1 + s)); step t+1 gets
 * β = 1 − ᾱ(t+1)/ᾱ(t), clipped at maxBeta (f(T) = 0 would make the last β exactly 1).
 */
export function cosineSchedule(o: ScheduleOptions = {}): Schedule {
  const T = o.T ?? PAPER_SCHEDULE.T;
  const s = o.s ?? PAPER_SCHEDULE.s;
  const maxBeta = o.maxBeta ?? PAPER_SCHEDULE.maxBeta;
  checkT(T);
  if (!(s > 0 && s < 1)) throw new ValueRangeError(`cosine schedule s=${s} must be in (0, 1) (Nichol & Dhariwal use 0.008).`);
  if (!(maxBeta > 0 && maxBeta < 1)) throw new ValueRangeError(`cosine schedule maxBeta=${maxBeta} must be in (0, 1); use 0.999.`);
  const f = (t: number) => Math.cos(((t / T + s) / (1 + s)) * (Math.PI / 2)) ** 2;
  const betas = Float64Array.from({ length: T }, (_, t) => Math.min(1 - f(t + 1) / f(t), maxBeta));
  return fromBetas('cosine', betas);
}

export function makeSchedule(kind: ScheduleKind, o: ScheduleOptions = {}): Schedule {
  if (kind === 'linear') return linearSchedule(o);
  if (kind === 'cosine') return cosineSchedule(o);
  throw new ValueRangeError(`schedule "${kind as string}" is unknown; use "linear" or "cosine".`);
}
