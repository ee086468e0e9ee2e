import { type Row } from '../plot/table';
import { type PlotlyFigure } from '../plot/plotly';
import { type AngleRunResult, type ArmResult, meanStd, type MetricName, pairedDiff } from './experiment';

/**
 * The case study's table and figure (thesis fig. 5.1) from runAngleCount's results: SIRT-100 is
 * the arm named 'SIRT 100' (each result's `sirt`), every other arm one of its `mixed`.
 */

const armOf = (r: AngleRunResult, name: string): ArmResult => (name === 'SIRT 100' ? r.sirt : r.mixed[name]);

/**
 * Per angle count and arm: mean ± std of MSE, PSNR and SSIM, and the paired gain over SIRT-100
 * (mean ± 95 % CI). `startAccuracy[i]`: how often the classifier's class is right on the initial
 * reconstruction of results[i], shown on the 'mixed' row.
 */
export function ctTableRows(results: AngleRunResult[], arms: string[], startAccuracy: number[]): Row[] {
  const rows: Row[] = [];
  results.forEach((r, ai) => {
    for (const name of arms) {
      const a = armOf(r, name);
      const pm = (m: MetricName, d: number) => { const s = meanStd(a.metrics[m]); return `${s.mean.toFixed(d)} ± ${s.std.toFixed(d)}`; };
      const gain = (m: MetricName, d: number) => { if (name === 'SIRT 100') return ''; const g = pairedDiff(a.metrics, r.sirt.metrics, m); return `${g.mean >= 0 ? '+' : ''}${g.mean.toFixed(d)} ± ${g.ci95.toFixed(d)}`; };
      rows.push({
        angles: r.angles, method: name,
        MSE: pm('mse', 4), 'PSNR (dB)': pm('psnr', 2), SSIM: pm('ssim', 3),
        'ΔPSNR vs SIRT 100 (95 % CI)': gain('psnr', 2), 'ΔSSIM vs SIRT 100': gain('ssim', 3),
        'class acc. at start': name === 'mixed' ? startAccuracy[ai] : null,
      });
    }
  });
  return rows;
}

export interface CtFigureOptions {
  /** Arms drawn in the three metric panels (mean ± 95 % interval over digits). */
  metricArms: string[];
  /** Arms drawn in the gain panel (paired ΔPSNR vs SIRT-100); solid lines for 'mixed', dotted otherwise. */
  gainArms: string[];
  /** Gain-panel arms that get a legend entry (the others share one with their metric-panel trace). */
  gainLegend: (name: string) => boolean;
  colors: Record<string, string>;
  /** Digits per angle count (for the interval of the mean). */
  digits: number;
  title: string;
}

/** Fig. 5.1 as four Plotly panels over the angle counts: MSE (log), PSNR, SSIM and the PSNR gain over SIRT-100. */
export function ctMetricsFigure(results: AngleRunResult[], o: CtFigureOptions): PlotlyFigure {
  const angles = results.map((r) => r.angles);
  const traces: Record<string, unknown>[] = [];
  (['mse', 'psnr', 'ssim'] as MetricName[]).forEach((m, pi) => {
    for (const name of o.metricArms) {
      const stats = results.map((r) => meanStd(armOf(r, name).metrics[m]));
      traces.push({
        x: angles, y: stats.map((s) => s.mean), name, legendgroup: name, showlegend: pi === 0,
        error_y: { type: 'data', array: stats.map((s) => (1.96 * s.std) / Math.sqrt(o.digits)), visible: true },
        type: 'scatter', mode: 'lines+markers', line: { color: o.colors[name], dash: name === 'SIRT 100' || name === 'mixed' ? 'solid' : 'dot' },
        xaxis: `x${pi + 1}`, yaxis: `y${pi + 1}`,
      });
    }
  });
  for (const name of o.gainArms) {
    const d = results.map((r) => pairedDiff(armOf(r, name).metrics, r.sirt.metrics, 'psnr'));
    traces.push({
      x: angles, y: d.map((g) => g.mean), name, legendgroup: name, showlegend: o.gainLegend(name),
      error_y: { type: 'data', array: d.map((g) => g.ci95), visible: true },
      type: 'scatter', mode: 'lines+markers', line: { color: o.colors[name], dash: name === 'mixed' ? 'solid' : 'dot' }, xaxis: 'x4', yaxis: 'y4',
    });
  }
  const axis = (i: number, ytitle: string, type = 'linear') => ({
    [`xaxis${i}`]: { type: 'log', tickvals: angles, title: { text: 'angles' }, domain: [(i - 1) * 0.25 + 0.03, i * 0.25 - 0.03], anchor: `y${i}` },
    [`yaxis${i}`]: { type, title: { text: ytitle }, anchor: `x${i}` },
  });
  return {
    data: traces,
    layout: {
      title: { text: o.title },
      ...axis(1, 'MSE', 'log'), ...axis(2, 'PSNR (dB)'), ...axis(3, 'SSIM'), ...axis(4, 'ΔPSNR vs SIRT 100 (dB)'),
      shapes: [{ type: 'line', xref: 'x4', yref: 'y4', x0: angles[0], x1: angles[angles.length - 1], y0: 0, y1: 0, line: { color: 'black', width: 1 } }],
      legend: { orientation: 'h', y: -0.25 }, width: 1200, height: 440, margin: { t: 60, b: 110 },
    },
  };
}
