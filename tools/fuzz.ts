// CLI: the parser fuzz tests (tests/engine/formats/fuzz-*.test.ts) with many more cases than the default run.
//   npm run fuzz -- [--times N (default 20)] [--seed N (default: a new one, printed)]
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { times: { type: 'string', default: '20' }, seed: { type: 'string' } } });
const times = Number(values.times);
const seed = values.seed ?? String(Math.floor(Math.random() * 2 ** 31));
if (!(times >= 1) || !Number.isInteger(Number(seed))) {
  console.error('usage: fuzz [--times N (at least 1)] [--seed N]');
  process.exit(2);
}
console.log(`fuzzing with ${times} times the default cases, seed ${seed} (replay a failure with --seed ${seed})`);
const vitest = spawn('npx', ['vitest', 'run', 'tests/engine/formats/fuzz-'], { stdio: 'inherit', env: { ...process.env, FUZZ_TIMES: String(times), FUZZ_SEED: seed } });
vitest.on('exit', (code) => process.exit(code ?? 1));
