/**
 * Where a run's files live, so that runners at once never see each other's half-written files:
 *   <notebooks>/.run-<pid>-<n>-<file>          the copy nbconvert executes (beside the notebooks:
 *                                              tslab compiles only files under the kernel's folder)
 *   <notebooks>/.executed/.tmp/<run-id>/<file> nbconvert's output, private to one runner
 *   <notebooks>/.executed/<profile>/<file>     the last successful run of that profile (stable path)
 *   <notebooks>/.executed/<profile>/failed/<file>  the last failed run, until the notebook next passes
 * A finished file reaches a shared path by one rename from the runner's private folder.
 * `--twice` runs publish under <profile>-twice/ (their cells are doubled).
 */
import * as fs from 'fs';
import * as path from 'path';
import { endTree, isAlive, processesMentioning } from './processes';

const TEMP_COPY = /^\.run-(\d+)-/;
const RUN_DIR = /^[a-z-]+-(\d+)-[0-9a-z]+$/;

export class RunFiles {
  readonly executed: string;
  readonly runDir: string;
  private copies = 0;
  private readonly live = new Set<string>();

  constructor(readonly notebooks: string, readonly shelf: string) {
    this.executed = path.join(notebooks, '.executed');
    this.runDir = path.join(this.executed, '.tmp', `${shelf}-${process.pid}-${Date.now().toString(36)}`);
  }

  /** Write the copy nbconvert will execute; unique per runner and per notebook run. */
  tempCopy(file: string, nb: unknown): string {
    const p = path.join(this.notebooks, `.run-${process.pid}-${this.copies++}-${file}`);
    this.live.add(p);
    fs.writeFileSync(p, JSON.stringify(nb));
    return p;
  }

  /** nbconvert's output folder for this runner (created on demand). */
  outputDir(): string {
    fs.mkdirSync(this.runDir, { recursive: true });
    return this.runDir;
  }

  /** The executed notebook at its stable path (failed = the failure shelf), written by one rename. */
  publish(file: string, nb: unknown, failed: boolean): string {
    const dir = path.join(this.executed, this.shelf, ...(failed ? ['failed'] : []));
    fs.mkdirSync(dir, { recursive: true });
    const staged = path.join(this.outputDir(), `${file}.publish`);
    fs.writeFileSync(staged, JSON.stringify(nb, null, 1));
    const to = path.join(dir, file);
    fs.renameSync(staged, to);
    if (!failed) fs.rmSync(path.join(dir, 'failed', file), { force: true });
    return to;
  }

  removeCopy(p: string): void {
    fs.rmSync(p, { force: true });
    this.live.delete(p);
  }

  /** Remove this runner's temp copies and private folder (also on SIGINT/SIGTERM/SIGHUP; synchronous). */
  cleanUp(): void {
    for (const p of this.live) fs.rmSync(p, { force: true });
    this.live.clear();
    fs.rmSync(this.runDir, { recursive: true, force: true });
  }

  /**
   * Temp copies and private folders of runners that were killed (their pid is gone), and the nbconvert
   * runs a SIGKILLed runner could not end (still executing its copy, for nobody). Returns what it removed.
   */
  async removeStale(): Promise<{ files: string[]; orphans: number }> {
    const stale = (dir: string, re: RegExp) =>
      (fs.existsSync(dir) ? fs.readdirSync(dir) : []).filter((f) => {
        const m = re.exec(f);
        return m !== null && Number(m[1]) !== process.pid && !isAlive(Number(m[1]));
      }).map((f) => path.join(dir, f));
    const copies = stale(this.notebooks, TEMP_COPY);
    const orphans = copies.flatMap((c) => processesMentioning(c));
    await Promise.all(orphans.map((pid) => endTree(pid)));
    const files = [...copies, ...stale(path.join(this.executed, '.tmp'), RUN_DIR)];
    for (const p of files) fs.rmSync(p, { recursive: true, force: true });
    return { files, orphans: orphans.length };
  }
}
