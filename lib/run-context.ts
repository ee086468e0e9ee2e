import * as tf from '@tensorflow/tfjs';
import { profile, Profile, seed } from './profile';

/**
 * What every figure of a run is stamped with in figures/manifest.json. A notebook's setup cell
 * sets it (lib/notebook.ts); scripts and tests get a plain one.
 */
export interface RunContext {
  notebook: string; // "00", "01", ... or "script"
  profile: Profile;
  seed: number;
  backend: string;
  started: number;
  lastFigure: number;
}

let ctx: RunContext | null = null;

export function setRunContext(c: Omit<RunContext, 'started' | 'lastFigure'>): RunContext {
  ctx = { ...c, started: Date.now(), lastFigure: Date.now() };
  return ctx;
}

export function runContext(): RunContext {
  return ctx ?? setRunContext({ notebook: 'script', profile: profile(), seed: seed(), backend: tf.getBackend() });
}
