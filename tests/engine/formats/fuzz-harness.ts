// What the fuzz tests share: case counts and seeds (FUZZ_TIMES and FUZZ_SEED, set by `npm run fuzz`),
// the one outcome every parser must have (success or a typed error, in bounded time), and a model check.
import fc from 'fast-check';
import { CheckpointError, PackError, UnsupportedModelError } from '../../../src/engine/errors';
import { loadGlmModel } from '../../../src/engine/runtime/model';
import type { ModelSource } from '../../../src/engine/formats/source';
import { ort } from '../../helpers';

/** A fixed seed in CI, so a failure there replays here; `npm run fuzz` picks a new one each time and prints it. */
export const SEED = Number(process.env.FUZZ_SEED ?? 20260705);

/** FUZZ_TIMES (set by `npm run fuzz`) multiplies every property's cases; 1 in the default run. */
const TIMES = Math.max(1, Number(process.env.FUZZ_TIMES ?? 1));

export function fuzzOptions(ciCases: number): fc.Parameters<unknown> {
  return { seed: SEED, numRuns: Math.ceil(ciCases * TIMES), endOnFailure: true };
}

/** The test's time limit: a minute for the default run, more in proportion for a long one. */
export const FUZZ_TIMEOUT_MS = 60_000 * TIMES;

const isTyped = (error: unknown): error is Error => error instanceof CheckpointError || error instanceof PackError || error instanceof UnsupportedModelError;

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: Error };

/**
 * Runs `attempt`: a success or a typed error is an outcome; another exception, or no answer within
 * `ms`, fails the case (fast-check then shrinks it to a small input that shows the defect).
 */
export async function outcome<T>(attempt: () => Promise<T>, ms = 5000): Promise<Outcome<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return { ok: true, value: await Promise.race([attempt(), hang]) };
  } catch (error) {
    if (isTyped(error)) return { ok: false, error };
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Cases run and how they ended, per property; printed when the property is done. */
export class Tally {
  cases = 0;
  refused = 0;
  loaded = 0;
  private readonly started = performance.now();

  constructor(readonly name: string) {}

  count<T>(result: Outcome<T>): Outcome<T> {
    this.cases++;
    if (!result.ok) this.refused++;
    return result;
  }

  print(): void {
    const seconds = ((performance.now() - this.started) / 1000).toFixed(1);
    const loaded = this.loaded ? `, ${this.loaded} of those loaded and run` : '';
    console.log(`fuzz ${this.name}: ${this.cases} cases (seed ${SEED}) in ${seconds} s: ${this.refused} refused with a typed error, ${this.cases - this.refused} accepted${loaded}`);
  }
}

/** Loads the source and runs a few tokens: the logits must all be finite. */
export async function checkLogits(source: ModelSource): Promise<void> {
  const model = await loadGlmModel(source, { ort });
  try {
    const ids = [1, 2, 3, 4].slice(0, model.maxSequenceLength).map((id) => id % source.config.vocabSize);
    const logits = await model.forward(ids);
    const bad = logits.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new Error(`logit ${bad} is ${logits[bad]} for a model the parser accepted`);
  } finally {
    await model.release();
  }
}

/**
 * What an accepted input goes on to: every part read (each must end in a part or one typed
 * error), or with `load` loaded and run (finite logits).
 */
export async function exercise(source: ModelSource, load: boolean, tally: Tally): Promise<void> {
  if (!load) {
    await outcome(async () => Promise.all([source.readBase(), ...Array.from({ length: source.config.numLayers }, (_, layer) => source.readLayer(layer))]));
    return;
  }
  tally.loaded++;
  await outcome(() => checkLogits(source));
}
