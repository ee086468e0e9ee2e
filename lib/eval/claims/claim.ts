import { ValueRangeError } from '../../tensor/guards';
import { PaperClaim, PaperId } from './types';

/**
 * An inventory's checks and lookups: the per-paper lists (lib/eval/claims/papers/p<id>.ts) are typed
 * by hand, so the ledger checks each claim it is given before a row is written from it.
 */

const PAPERS: readonly PaperId[] = ['000', '001', '002', '003', '004'];

/** Where a claim is listed, for messages that name the file to edit. */
export const inventoryFile = (paper: string): string => `lib/eval/claims/papers/p${paper}.ts`;

/** Throws, naming the claim and the inventory file, when a claim is malformed. */
export function checkClaim(c: PaperClaim): void {
  const where = `claim ${JSON.stringify(c?.id)} (${inventoryFile(c?.paper)})`;
  if (!PAPERS.includes(c?.paper)) throw new ValueRangeError(`${where}: paper ${JSON.stringify(c?.paper)} must be one of ${PAPERS.join(', ')}.`);
  if (typeof c.id !== 'string' || !new RegExp(`^${c.paper}-[A-Za-z0-9][A-Za-z0-9._-]*$`).test(c.id)) {
    throw new ValueRangeError(`${where}: the id must be "${c.paper}-<short-name>", letters, digits, dots and dashes (e.g. "${c.paper}-sgd-vs-adam").`);
  }
  for (const k of ['where', 'statement'] as const) {
    if (!(typeof c[k] === 'string' && c[k].trim())) throw new ValueRangeError(`${where}: "${k}" is empty; give the paper's ${k === 'where' ? 'section or figure' : 'claim in one sentence'}.`);
  }
  if (c.attempted && !c.notebook) throw new ValueRangeError(`${where} is attempted but names no notebook; set notebook to the one that measures it (e.g. "03").`);
  if (!c.attempted && !c.reason?.trim()) throw new ValueRangeError(`${where} is not attempted and gives no reason; add reason: "why the lab does not measure it".`);
}

/** Checks every claim and that ids are unique; returns the list. */
export function checkInventory(claims: readonly PaperClaim[]): readonly PaperClaim[] {
  const seen = new Set<string>();
  for (const c of claims) {
    checkClaim(c);
    if (seen.has(c.id)) throw new ValueRangeError(`claim id ${c.id} appears twice in ${inventoryFile(c.paper)}; ids must be unique, rename one.`);
    seen.add(c.id);
  }
  return claims;
}

/** The claim with this id, or an error listing the ids there are. */
export function findClaim(claims: readonly PaperClaim[], id: string): PaperClaim {
  const c = claims.find((x) => x.id === id);
  if (!c) throw new ValueRangeError(`no claim ${JSON.stringify(id)} in this inventory; the ids are: ${claims.map((x) => x.id).join(', ') || '(none)'}.`);
  return c;
}

/** The paper's number as a number (for expectNear), or an error when it prints none or several. */
export function paperNumber(c: PaperClaim): number {
  const v = c.paperValue === null ? NaN : Number(c.paperValue.replace(/[%\s]/g, ''));
  if (!Number.isFinite(v)) throw new ValueRangeError(`claim ${c.id}: paper value ${JSON.stringify(c.paperValue)} is not one number; pass the number to the rule yourself (e.g. expectNear(77.1, …)).`);
  return v;
}
