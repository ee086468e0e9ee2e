import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

test('notebook 00 run twice over in one live kernel: no errors, and the tensor count stays the same', () => {
  const figs = fs.mkdtempSync(path.join(os.tmpdir(), 'figs-'));
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/run-notebooks.ts', '00', '--twice', '--profile', 'quick', '--figures', figs], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const nb = JSON.parse(fs.readFileSync(path.join('notebooks', '.executed', 'quick-twice', '00-environment.ipynb'), 'utf8'));
    const counts = nb.cells
      .flatMap((c: { outputs?: { text?: string[] | string }[] }) => c.outputs ?? [])
      .map((o: { text?: string[] | string }) => [o.text ?? ''].flat().join(''))
      .map((t: string) => /tensors alive: (\d+)/.exec(t)?.[1])
      .filter(Boolean);
    assert.equal(counts.length, 2, `found ${counts}`);
    assert.equal(counts[0], counts[1]);
    assert.ok(fs.existsSync(path.join(figs, '00-digits-per-class.png')));
  } finally {
    fs.rmSync(figs, { recursive: true, force: true });
  }
});
