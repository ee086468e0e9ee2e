/**
 * A throw-away notebooks folder for runner tests (never notebooks/): DIR/notebooks with lib linked
 * in as notebooks/lib is, and node_modules beside it, so the runner's --notebooks DIR works as on
 * the real folder.
 */
import { spawn, spawnSync, SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
export const RUNNER = path.join(root, 'scripts', 'run-notebooks.ts');

const cell = (i: number, source: string) => ({ cell_type: 'code', id: `c${i}`, metadata: {}, execution_count: null, outputs: [], source });

export class ScratchNotebooks {
  readonly base = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-'));
  readonly dir = path.join(this.base, 'notebooks');

  constructor() {
    fs.mkdirSync(this.dir);
    fs.symlinkSync(path.join(root, 'lib'), path.join(this.dir, 'lib'));
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(this.base, 'node_modules'));
  }

  /** A tslab notebook whose code cells are `cells`. */
  write(file: string, cells: string[], meta: object = {}): void {
    fs.writeFileSync(path.join(this.dir, file), JSON.stringify({
      cells: cells.map((c, i) => cell(i, c)),
      metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' }, ...meta },
      nbformat: 4, nbformat_minor: 5,
    }));
  }

  args = (...rest: string[]): string[] => ['--import', 'tsx', RUNNER, '--notebooks', this.dir, ...rest];
  run = (rest: string[], env: NodeJS.ProcessEnv = process.env): SpawnSyncReturns<string> =>
    spawnSync(process.execPath, this.args(...rest), { encoding: 'utf8', env, cwd: root });
  start = (rest: string[]) => spawn(process.execPath, this.args(...rest), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });

  /** Temp copies the runner leaves beside the notebooks (.run-*), and files in its private folders. */
  leftovers(): string[] {
    const tmp = path.join(this.dir, '.executed', '.tmp');
    return [
      ...fs.readdirSync(this.dir).filter((f) => f.startsWith('.run-')),
      ...(fs.existsSync(tmp) ? fs.readdirSync(tmp, { recursive: true }).map(String) : []),
    ];
  }

  executed = (...p: string[]): string => path.join(this.dir, '.executed', ...p);
  remove = (): void => fs.rmSync(this.base, { recursive: true, force: true });
}
