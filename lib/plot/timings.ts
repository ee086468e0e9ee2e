import * as path from 'path';
import { updateJsonEntry } from '../paths';

/**
 * Run facts: what differs between two runs with the same seed (how long something took, when a
 * file was written, whether a model came from the cache). They are kept out of the result files
 * and go to figures/timings/, so a same-seed rerun leaves every committed result (CSVs,
 * manifest.json, leaderboard.csv, samples) byte-identical and `git status` shows real changes only.
 *
 *   figures/timings/<table>.csv     a results table's first column + its run-fact columns
 *   figures/timings/manifest.json   per figure file: { seconds, created }
 *   figures/timings/leaderboard.csv method, notebook, profile + secondsPerImage, created
 */
export const timingsDir = (figures: string): string => path.join(figures, 'timings');

/**
 * A column holding a run fact, by the lab's naming: a time unit as a word of its own ("train s",
 * "SVD seconds", "s / sample", "train min", "ms"), or the cache/clock columns.
 */
export function isRunFactColumn(name: string): boolean {
  return /(^|\s)(s|ms|min|seconds)(\s|$)/i.test(name) || /^(cached|created|secondsPerImage)$/.test(name);
}

export interface SplitTable {
  columns: string[];
  values: unknown[][];
  /** The first column (the row's name) and the run-fact columns; null when the table has none. */
  facts: { columns: string[]; values: unknown[][] } | null;
}

/** Split a table's run-fact columns off (the first column is the row's name and stays in both). */
export function splitRunFacts(columns: string[], values: unknown[][]): SplitTable {
  const fact = columns.map((c, i) => i > 0 && isRunFactColumn(c));
  if (!fact.some(Boolean)) return { columns, values, facts: null };
  const pick = (keep: (i: number) => boolean) => ({
    columns: columns.filter((_, i) => keep(i)),
    values: values.map((r) => r.filter((_, i) => keep(i))),
  });
  const kept = pick((i) => !fact[i]);
  return { ...kept, facts: pick((i) => i === 0 || fact[i]) };
}

/** Record run facts under `key` in figures/timings/<file> (a JSON object). */
export function updateRunFacts(figures: string, file: string, key: string, facts: Record<string, unknown>): void {
  updateJsonEntry(path.join(timingsDir(figures), file), key, facts);
}
