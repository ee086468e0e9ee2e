import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/**
 * Folders that appear whole or not at all, for the model cache: notebooks run two at a time, a
 * background worker trains beside its notebook, and any of them may be killed. A folder is filled
 * under a unique temporary name and moved into place by one rename; the one it replaces is first
 * renamed aside. A reader therefore sees the old folder, the new one, or none, never half of one.
 */

/** Temp and trash folders older than this are left over from a killed or stuck process. */
export const STALE_MS = 10 * 60_000;

const KINDS = ['tmp', 'trash'] as const;

/** `<dir>.<kind>-<pid>-<random>`: unique across processes and threads, and it names its owner. */
const sibling = (dir: string, kind: (typeof KINDS)[number]): string => `${dir}.${kind}-${process.pid}-${randomBytes(6).toString('hex')}`;

const codeOf = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

/** rename(2) onto a non-empty folder fails with one of these (Linux ENOTEMPTY, others EEXIST). */
const taken = (e: unknown): boolean => codeOf(e) === 'ENOTEMPTY' || codeOf(e) === 'EEXIST';

/**
 * Fill a fresh temp folder with `fill`, then make it `dir`. If `dir` exists it is renamed aside
 * and deleted after. If another writer moves its own folder in between, that one stays and ours is
 * discarded: callers publish equivalent contents under one name (the same cache key). Returns
 * whether ours is the one in place.
 */
export function publishFolder(dir: string, fill: (tmp: string) => void): boolean {
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const tmp = sibling(dir, 'tmp');
  fs.mkdirSync(tmp);
  let trash: string | null = null;
  try {
    fill(tmp);
    for (let attempt = 0; ; attempt++) {
      try {
        fs.renameSync(tmp, dir);
        return true;
      } catch (e) {
        if (!taken(e)) throw e;
        if (attempt > 0) return false; // another writer's folder arrived after ours was cleared
      }
      trash = sibling(dir, 'trash');
      try {
        fs.renameSync(dir, trash);
      } catch (e) {
        trash = null;
        if (codeOf(e) !== 'ENOENT') throw e; // ENOENT: another writer moved it aside first
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true }); // gone already when ours was moved in
    if (trash) fs.rmSync(trash, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return codeOf(e) === 'EPERM'; // exists, owned by someone else
  }
}

/**
 * Delete temp and trash folders in `parent` whose owner process is gone or that are older than
 * STALE_MS, when `owner` (the name they were made for, e.g. a cache entry's hash) passes. Returns
 * the names removed. A folder another process deletes meanwhile is skipped.
 */
export function removeStaleTemps(parent: string, owner: (name: string) => boolean, now = Date.now()): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch (e) {
    if (codeOf(e) === 'ENOENT' || codeOf(e) === 'ENOTDIR') return []; // no folder, nothing left over
    throw e;
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = /^(.+)\.(tmp|trash)-(\d+)-[0-9a-z]+$/.exec(name);
    if (!m || !owner(m[1])) continue;
    const full = path.join(parent, name);
    const st = fs.lstatSync(full, { throwIfNoEntry: false });
    if (!st?.isDirectory()) continue;
    if (alive(Number(m[3])) && now - st.mtimeMs < STALE_MS) continue;
    fs.rmSync(full, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** Which folder is at `dir` right now (null: none); it changes when the folder is replaced. */
function identity(dir: string): string | null {
  try {
    const st = fs.statSync(dir, { bigint: true });
    return `${st.dev}:${st.ino}:${st.ctimeNs}`;
  } catch (e) {
    if (codeOf(e) === 'ENOENT' || codeOf(e) === 'ENOTDIR') return null;
    throw e;
  }
}

/**
 * Run `read` on the folder at `dir`, again if the folder was replaced while it read (so its files
 * may come from two folders), at most `tries` times. `absent` when there is no folder, or it kept
 * being replaced: the caller treats that as a miss.
 */
export function readStable<T>(dir: string, read: () => T, tries = 5): T | 'absent' {
  for (let i = 0; i < tries; i++) {
    const before = identity(dir);
    if (before === null) return 'absent';
    const r = read();
    if (identity(dir) === before) return r;
  }
  return 'absent';
}
