/**
 * The claims ledger's vocabulary (issue 22): what a paper claims, and the verdict the lab computes
 * for it. The inventories (lib/eval/claims/papers/p<id>.ts) list every result each paper presents;
 * lib/eval/claims/ledger.ts measures, judges and writes them to figures/claims.csv.
 */

/** The papers, by the number of their file in the shared papers folder (its README maps them). */
export type PaperId = '000' | '001' | '002' | '003' | '004';

/**
 * Computed, never typed: "judge-dependent" when the two judges' verdicts differ; "not attempted"
 * only for claims the inventory marks so, with the reason.
 */
export type Verdict = 'reproduced' | 'partly reproduced' | 'not reproduced' | 'inconclusive' | 'judge-dependent' | 'not attempted';

/** One result a paper presents, in the paper's terms. */
export interface PaperClaim {
  /** Stable and unique: "<paper>-<short-name>", e.g. "003-sgd-vs-adam". */
  id: string;
  paper: PaperId;
  /** Where the paper says it: "§2.3, Figs. 2.2–2.3", "Table 4.1, row 2D". */
  where: string;
  /** The claim in one sentence, close to the paper's words. */
  statement: string;
  /** The number(s) exactly as the paper prints them ("77.1"), or null for a qualitative effect. */
  paperValue: string | null;
  /** The notebook that measures it ("03"), or null. */
  notebook: string | null;
  /** false: the lab does not measure it; then `reason` says why. */
  attempted: boolean;
  reason?: string;
}
