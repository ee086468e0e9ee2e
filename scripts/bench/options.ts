/**
 * npm run bench's command line (scripts/bench.ts documents it) and fixed settings. Read once per
 * process: the parent and each `--measure` child (which gets --quick passed on) parse the same flags.
 */
export const args = process.argv.slice(2);
export const QUICK = args.includes('--quick');
/** --only=<substring of a row key>: measure those rows; bench/results.json is then not written. */
export const ONLY = args.find((a) => a.startsWith('--only='))?.slice(7);
/** Measurement rounds (--rounds=N, default 2): each column keeps its best round. */
export const ROUNDS = Math.max(1, Number(args.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 2) || 1);
export const TRAIN_BATCH = 64;
export const INFER_BATCH = 256;
/** The cpu backend trains ~100× slower: its training rows use batch 8 and a time box. */
export const CPU_TRAIN_BATCH = 8;
export const VIT_BENCH_DEPTH = 4;
