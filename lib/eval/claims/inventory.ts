import { CLAIMS as P000 } from './papers/p000';
import { CLAIMS as P001 } from './papers/p001';
import { CLAIMS as P002 } from './papers/p002';
import { CLAIMS as P003 } from './papers/p003';
import { CLAIMS as P004 } from './papers/p004';
import { PaperClaim } from './types';

/** Every claim of the five papers, in paper order (the ledger's not-attempted rows, the README's totals). */
export const ALL_CLAIMS: readonly PaperClaim[] = [P000, P001, P002, P003, P004].flat();
