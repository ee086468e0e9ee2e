/** The site's front page: the papers with their notebook pages and decks, the leaderboard, the claims ledger. */
import * as fs from 'fs';
import * as path from 'path';
import { claimRowsHtml, readClaims } from '../../lib/eval/claims/ledger';
import { parseCsv } from '../../lib/eval/leaderboard';
import { escapeHtml } from '../../lib/plot/display';
import { head } from './page';

export interface IndexEntry {
  stem: string;
  title: string;
  page: string;
  deck: string;
  slides: number;
}

/** README.md's table of notebooks: `| \`01-name\` | paper | what it shows |`, by notebook stem. */
export function readmePapers(readme: string): Map<string, { paper: string; shows: string }> {
  const rows = new Map<string, { paper: string; shows: string }>();
  for (const m of readme.matchAll(/^\|\s*`(\d\d-[^`]+)`\s*\|([^|]*)\|([^|]*)\|\s*$/gm)) {
    rows.set(m[1], { paper: m[2].trim(), shows: m[3].trim() });
  }
  return rows;
}

const md = (s: string): string => escapeHtml(s).replace(/`([^`]+)`/g, '<code>$1</code>');

/** A CSV file as an HTML table, or null when the file does not exist. */
export function csvTable(file: string, columns?: string[]): string | null {
  if (!fs.existsSync(file)) return null;
  const [header, ...rows] = parseCsv(fs.readFileSync(file, 'utf8')).filter((r) => r.some((v) => v !== ''));
  if (!header) return '<p class="note">(empty)</p>';
  const keep = columns ? columns.map((c) => header.indexOf(c)).filter((i) => i >= 0) : header.map((_, i) => i);
  const th = keep.map((i) => `<th>${escapeHtml(header[i])}</th>`).join('');
  const tr = rows.map((r) => `<tr>${keep.map((i) => `<td>${escapeHtml(r[i] ?? '')}</td>`).join('')}</tr>`).join('\n');
  return `<div class="wide"><table><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table></div>`;
}

// The leaderboard's columns a reader compares; the rest (judge hash, dates, sample paths) stays in the CSV.
const LEADERBOARD_COLUMNS = ['method', 'paper', 'notebook', 'n', 'judgeAccuracy', 'meanTargetProb', 'labelEntropy', 'frechet', 'nnDistance', 'secondsPerImage'];

export function indexHtml(o: { entries: IndexEntry[]; readme: string; figuresDir: string; profile: string; source: string | null; leaderboardImage: string | null }): string {
  const papers = readmePapers(o.readme);
  const rows = o.entries
    .map((e) => {
      const p = papers.get(e.stem);
      return `<tr><td>${escapeHtml(e.stem.slice(0, 2))}</td><td>${p ? md(p.paper) : ''}</td><td><a href="${e.page}">${escapeHtml(e.title)}</a>${p ? `<br><span class="note">${md(p.shows)}</span>` : ''}</td><td><a href="${e.deck}">slides</a> (${e.slides})</td></tr>`;
    })
    .join('\n');
  const board = csvTable(path.join(o.figuresDir, 'leaderboard.csv'), LEADERBOARD_COLUMNS);
  const claimsCsv = path.join(o.figuresDir, 'claims.csv');
  // The ledger as notebook 06 shows it: verdict colours, each interval with its n.
  const claims = fs.existsSync(claimsCsv) ? `<div class="wide">${claimRowsHtml(readClaims(claimsCsv).filter((r) => r.profile === o.profile))}</div>` : null;
  return [
    head('mnist-inversion-lab: seminar material', '', ['assets/site.css'], false),
    '<body class="index"><main>',
    '<h1>mnist-inversion-lab: seminar material</h1>',
    `<p>Generating MNIST digits by inverting neural networks: every notebook as a page with its outputs, and as a slide deck. Built from the notebooks executed by the <b>${escapeHtml(o.profile)}</b> profile${o.source ? ` (<code>${escapeHtml(o.source)}</code>)` : ''}; works offline, from disk or any static server.</p>`,
    '<h2>Papers and notebooks</h2>',
    `<table class="index"><thead><tr><th>#</th><th>paper</th><th>notebook</th><th>deck</th></tr></thead><tbody>\n${rows}\n</tbody></table>`,
    '<h2>Leaderboard</h2>',
    o.leaderboardImage ? `<p><img src="${o.leaderboardImage}" alt="leaderboard chart" style="max-width:100%"></p>` : '',
    board ?? '<p class="note">No leaderboard yet (figures/leaderboard.csv is written by the notebooks).</p>',
    '<h2>Claims ledger</h2>',
    claims ? `<p class="note">Every result the papers present, with the lab's computed verdict (figures/claims.csv; README.md counts them by paper).</p>` : '',
    claims ?? '<p class="note" id="claims-missing">The claims ledger (figures/claims.csv) is not built yet.</p>',
    '</main></body></html>',
    '',
  ].join('\n');
}
