import { ValueRangeError } from '../../tensor/guards';
import { ClaimRow } from './ledger';
import { PaperClaim } from './types';
import { VERDICTS } from './verdicts';

/**
 * The README's claims table: papers × verdicts, counted from figures/claims.csv for one profile,
 * between two marker lines that scripts/claims-summary.ts rewrites (and checks with --check).
 */

export const BEGIN = '<!-- claims:begin -->';
export const END = '<!-- claims:end -->';

/**
 * A markdown table of claim counts per paper and verdict (one profile), with a total row and column.
 * Given the inventories, it adds a column "not yet measured": attempted claims no notebook has
 * recorded yet (so the table shows every claim, not only the ledger's rows).
 */
export function summaryTable(rows: readonly ClaimRow[], profile: string, inventory?: readonly PaperClaim[]): string {
  const mine = rows.filter((r) => r.profile === profile);
  const recorded = new Set(mine.map((r) => r.id));
  const pending = (paper?: string) => (inventory ?? []).filter((c) => c.attempted && !recorded.has(c.id) && (paper === undefined || c.paper === paper)).length;
  const papers = [...new Set([...mine.map((r) => r.paper), ...(inventory ?? []).map((c) => c.paper)])].sort();
  const count = (rs: readonly ClaimRow[], paper?: string) => {
    const open = inventory ? [pending(paper)] : [];
    return [...VERDICTS.map((v) => rs.filter((r) => r.verdict === v).length), ...open, rs.length + (open[0] ?? 0)];
  };
  const extra = inventory ? ['not yet measured'] : [];
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  const notebooks = (rs: readonly ClaimRow[]) => [...new Set(rs.map((r) => r.notebook).filter(Boolean))].sort().join(', ') || '—';
  const lines = [
    `Claims per paper by verdict, profile \`${profile}\`, from \`figures/claims.csv\` (regenerate: \`node --import tsx scripts/claims-summary.ts README.md\`):`,
    '',
    line(['paper', 'notebook', ...VERDICTS, ...extra, 'total']),
    line(['---', '---', ...[...VERDICTS, ...extra].map(() => '---:'), '---:']),
    ...papers.map((p) => {
      const rs = mine.filter((r) => r.paper === p);
      return line([p, notebooks(rs), ...count(rs, p)]);
    }),
    line(['**all**', '', ...count(mine).map((c) => `**${c}**`)]),
  ];
  return lines.join('\n');
}

/** `markdown` with the block between BEGIN and END replaced by `table`; `file` names it in the error. */
export function withSummary(markdown: string, table: string, file: string): string {
  const i = markdown.indexOf(BEGIN);
  const j = markdown.indexOf(END, i + BEGIN.length);
  if (i < 0 || j < 0) throw new ValueRangeError(`${file} has no ${BEGIN} … ${END} block; add the two marker lines where the claims table goes, then rerun.`);
  return `${markdown.slice(0, i + BEGIN.length)}\n${table}\n${markdown.slice(j)}`;
}
