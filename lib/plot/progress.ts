import { escapeHtml, updatingDisplay } from './display';

export interface Progress {
  /** Advance by n steps; `info` is shown after the rate (e.g. "loss 0.213"). */
  tick(n?: number, info?: string): void;
  done(info?: string): void;
}

const fmtTime = (s: number): string =>
  !Number.isFinite(s) ? '?' : s < 60 ? `${s.toFixed(0)}s` : `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;

/**
 * A progress bar with rate and ETA: one output updated in place in a notebook, one rewritten
 * line on a terminal, a line every ~10 s in logs (CI), silent under the test runner.
 */
export function progressBar(total: number, label: string, unit = 'step'): Progress {
  const start = Date.now();
  let count = 0;
  let last = 0;
  let lastLog = start;
  const view = updatingDisplay();
  const quiet = !view && (process.env.NODE_TEST_CONTEXT !== undefined || process.env.MNIST_LAB_QUIET === '1');
  const tty = process.stderr.isTTY;

  const render = (final: boolean, info = '') => {
    const secs = (Date.now() - start) / 1000;
    const rate = count / Math.max(secs, 1e-9);
    const eta = (total - count) / rate;
    const pct = Math.min(100, (100 * count) / total);
    const stats = `${count}/${total} ${unit}s · ${rate >= 10 ? rate.toFixed(0) : rate.toFixed(2)} ${unit}/s · ${final ? `took ${fmtTime(secs)}` : `ETA ${fmtTime(eta)}`}${info ? ` · ${info}` : ''}`;
    if (view) {
      view.html(
        `<div style="font-family:monospace;font-size:12px"><b>${escapeHtml(label)}</b> ` +
          `<progress value="${count}" max="${total}" style="width:220px;vertical-align:middle"></progress> ${escapeHtml(stats)}</div>`,
      );
    } else if (!quiet) {
      const bar = '#'.repeat(Math.round(pct / 5)).padEnd(20, '.');
      if (tty) process.stderr.write(`\r${label} [${bar}] ${stats}   ${final ? '\n' : ''}`);
      else if (final || Date.now() - lastLog > 10_000) {
        process.stderr.write(`${label} [${bar}] ${stats}\n`);
        lastLog = Date.now();
      }
    }
  };

  return {
    tick(n = 1, info = '') {
      count += n;
      // Redraw at most 5 times a second: display messages cost more than a training step.
      if (Date.now() - last > 200) {
        last = Date.now();
        render(false, info);
      }
    },
    done(info = '') {
      render(true, info);
    },
  };
}
