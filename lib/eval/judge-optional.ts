import * as fs from 'fs';
import * as path from 'path';
import { Judge, judgeDir, loadJudge } from './judge';

/** The shared judge when its weights are present (data/judge, or MNIST_LAB_JUDGE), else null: a notebook then leaves out its judge columns. */
export async function loadJudgeIfPresent(): Promise<Judge | null> {
  return fs.existsSync(path.join(judgeDir(), 'model.json')) ? loadJudge() : null;
}
