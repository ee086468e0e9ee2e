/** CSV as the lab writes and reads it (RFC 4180): one module, so every results file rounds alike. */

/** RFC 4180 field: quoted when it holds a comma, a quote or a line break. */
export const csvField = (v: unknown): string => {
  const t = v === null || v === undefined ? '' : String(typeof v === 'number' ? resultNumber(v) : v);
  return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
};

/**
 * A number as a results file stores it: integers exactly, other values to 6 significant digits
 * (float32 noise such as 0.5299999713897705 becomes 0.53; every measurement here is coarser).
 */
export const resultNumber = (v: number): number => (Number.isInteger(v) || !Number.isFinite(v) ? v : Number(v.toPrecision(6)));

/** CSV text of a table: a header line, then one line per row. */
export function csvText(columns: string[], values: unknown[][]): string {
  return [columns, ...values].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

/** RFC 4180 fields: quotes around fields with commas, quotes or newlines; "" inside quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}
