import { execSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { runContext } from '../run-context';
import { fromRoot, withFileLock, writeFileAtomic } from '../paths';
import { display } from './display';

export interface ManifestEntry {
  file: string;
  notebook: string;
  profile: string;
  backend: string;
  seed: number;
  /** Compute time behind the figure: since the notebook's previous figure (or its start). */
  seconds: number;
  commit: string;
  created: string;
  /** Free-form facts about the figure (hyperparameters, measured numbers). */
  meta?: Record<string, unknown>;
}

export const figuresDir = (): string => process.env.MNIST_LAB_FIGURES ?? fromRoot('figures');

let commitCache: string | null = null;
function commit(): string {
  if (commitCache === null) {
    try {
      const cwd = fromRoot();
      const head = execSync('git rev-parse --short HEAD', { cwd, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
      const dirty = execSync('git status --porcelain --untracked-files=no -- lib notebooks', { cwd, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
      commitCache = dirty ? `${head}-dirty` : head;
    } catch {
      commitCache = 'unknown';
    }
  }
  return commitCache;
}

function updateManifest(name: string, entry: ManifestEntry): void {
  const file = path.join(figuresDir(), 'manifest.json');
  withFileLock(file, () => {
    const manifest: Record<string, ManifestEntry> = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
    manifest[name] = entry;
    const sorted = Object.fromEntries(Object.keys(manifest).sort().map((k) => [k, manifest[k]]));
    writeFileAtomic(file, JSON.stringify(sorted, null, 1) + '\n');
  });
}

/**
 * The one figure writer: saves figures/<name>.<ext> atomically, records it in the manifest and
 * shows it in the notebook. Names start with the notebook's number ("03-sirt-metrics").
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
  updateManifest(`${name}.${ext}`, {
    file: path.basename(file),
    notebook: c.notebook,
    profile: c.profile,
    backend: c.backend,
    seed: c.seed,
    seconds: Math.round((now - c.lastFigure) / 100) / 10,
    commit: commit(),
    created: new Date(now).toISOString(),
    ...(meta ? { meta } : {}),
  });
  c.lastFigure = now;
  const d = show ? display() : null;
  if (d && ext === 'png') d.png(bytes);
  if (d && ext === 'gif') d.gif(bytes);
}
