import { execSync } from 'child_process';
import * as path from 'path';
import { runContext } from '../run-context';
import { fromRoot, updateJsonEntry, writeFileAtomic } from '../paths';
import { display } from './display';
import { updateRunFacts } from './timings';

export interface ManifestEntry {
  file: string;
  notebook: string;
  profile: string;
  backend: string;
  seed: number;
  commit: string;
  /** Free-form facts about the figure (hyperparameters, measured numbers). */
  meta?: Record<string, unknown>;
}

export const figuresDir = (): string => process.env.MNIST_LAB_FIGURES ?? fromRoot('figures');

/** What makes a figure: the code, the notebooks, the data and judge, the pinned packages. */
const FIGURE_SOURCES = 'lib notebooks data package-lock.json';

let commitCache: string | null = null;
/**
 * The last commit that changed what makes figures (not HEAD: committing the figures themselves, or
 * a README, must not restamp every figure), with "-dirty" when that is edited in the working tree.
 */
export function resultsCommit(): string {
  if (commitCache === null) {
    try {
      const cwd = fromRoot();
      const head = execSync(`git log -1 --format=%h -- ${FIGURE_SOURCES}`, { cwd, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
      const dirty = execSync(`git status --porcelain --untracked-files=no -- ${FIGURE_SOURCES}`, { cwd, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
      commitCache = dirty ? `${head}-dirty` : head;
    } catch {
      commitCache = 'unknown';
    }
  }
  return commitCache;
}

/** When a figure was made and the compute behind it: run facts, kept in figures/timings/manifest.json. */
export interface FigureTiming {
  /** Seconds since the notebook's previous figure (or its start). */
  seconds: number;
  created: string;
}

/**
 * The one figure writer: saves figures/<name>.<ext> atomically, records it in the manifest (its
 * timing in figures/timings/) and shows it in the notebook. Names start with the notebook's number ("03-sirt-metrics").
 * Returns nothing so that a cell ending with it shows the figure, not a path.
 */
export function saveFigure(name: string, bytes: Buffer, meta?: Record<string, unknown>, ext: 'png' | 'gif' | 'csv' = 'png', show = true): void {
  const c = runContext();
  if (c.notebook !== 'script' && !name.startsWith(`${c.notebook}-`)) {
    throw new Error(`figure "${name}" does not start with its notebook's number; name it "${c.notebook}-${name}".`);
  }
  const file = path.join(figuresDir(), `${name}.${ext}`);
  writeFileAtomic(file, bytes);
  const now = Date.now();
  const entry: ManifestEntry = { file: path.basename(file), notebook: c.notebook, profile: c.profile, backend: c.backend, seed: c.seed, commit: resultsCommit(), ...(meta ? { meta } : {}) };
  updateJsonEntry(path.join(figuresDir(), 'manifest.json'), entry.file, entry);
  const timing: FigureTiming = { seconds: Math.round((now - c.lastFigure) / 100) / 10, created: new Date(now).toISOString() };
  updateRunFacts(figuresDir(), 'manifest.json', entry.file, { ...timing });
  c.lastFigure = now;
  const d = show ? display() : null;
  if (d && ext === 'png') d.png(bytes);
  if (d && ext === 'gif') d.gif(bytes);
}
