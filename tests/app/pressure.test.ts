// The compute-pressure judge and pacer (src/app/pressure.ts): on sequences recorded from real Chromium 156 on a
// 2-core machine (e2e/pressure.spec.ts writes them with PRESSURE_RECORD_DIR set) and on hand-made ones.
// A reply's own load is probed and not throttled; pressure that stays while the reply is paused is.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { advise, createPacer, DEFAULT_TIMING, judge, newJudge, type PaceReason, type PressureEvent, type PressureJudge, type PressureState } from '../../src/app/pressure';
import type { ThrottleMode } from '../../src/worker/protocol';

interface Recording {
  /** PressureRecord.time and state, as the page received them. */
  records: [number, PressureState][];
  /** When each reply was sent and when it was done, on the page's clock. */
  replies: [number, number][];
  /** The banners the app showed, and when. */
  banners: [number, string][];
}

// Chromium 156, 2 cores: a 600-token greedy reply of a random 29M-parameter GLM (4-bit, two wasm threads) with
// other programs using 1% of the CPU. The reply alone takes the device to critical; the probe on the record at
// 8083 ms sees it fall to nominal, and the reply runs on at critical.
const OWN_REPLY: Recording = {
  records: [[3075, 'fair'], [4076, 'nominal'], [8083, 'critical'], [9085, 'nominal'], [10086, 'critical']],
  replies: [[7036, 17713]],
  banners: [[80, '']],
};

// The same reply with two busy programs started as it was sent and killed once the app paused: the probe on the
// record at 6064 ms sees critical stay and the app pauses with its reason; once they stop it runs, probes again
// (11070 ms), finds its own load and runs on.
const OTHER_LOAD: Recording = {
  records: [[1056, 'critical'], [2058, 'nominal'], [3058, 'fair'], [4059, 'nominal'], [5063, 'fair'], [6064, 'critical'], [10066, 'nominal'], [11070, 'critical'], [12067, 'nominal'], [13068, 'critical'], [20072, 'serious']],
  replies: [[4683, 20373]],
  banners: [[58, ''], [8600, 'Paused: the device reports critical load or heat.'], [10071, '']],
};

/** The judge after the events, in order. */
const run = (events: PressureEvent[], j = newJudge()): PressureJudge => events.reduce(judge, j);

const rec = (ms: number, state: PressureState, ownContribution?: number): PressureEvent => ({ type: 'record', ms, state, ownContribution });
const gen = (ms: number, generating: boolean): PressureEvent => ({ type: 'generating', ms, generating });
const paused = (ms: number): PressureEvent => ({ type: 'paused', ms });
const resumed = (ms: number): PressureEvent => ({ type: 'resumed', ms });
const tick = (ms: number): PressureEvent => ({ type: 'tick', ms });
const work = (ms: number, working: boolean): PressureEvent => ({ type: 'working', ms, working });
const last = (events: PressureEvent[], j?: PressureJudge) => advise(run(events, j));

describe('judge', () => {
  test('high pressure while no reply runs is from elsewhere: serious slows and critical pauses at once', () => {
    expect(last([rec(1000, 'serious')])).toMatchObject({ mode: 'slow', reason: 'serious' });
    expect(last([rec(1000, 'serious'), rec(2000, 'critical')])).toMatchObject({ mode: 'pause', reason: 'critical' });
    expect(last([rec(1000, 'critical'), rec(2000, 'fair')])).toMatchObject({ mode: 'run', reason: null });
  });

  test('pressure that rises with a reply is probed: a pause without a reason until the engine has paused and a record comes', () => {
    const events = [gen(0, true), rec(2000, 'critical')];
    expect(last(events)).toEqual({ mode: 'pause', reason: null, wakeAtMs: null });
    // The engine confirms the pause between two tokens; the probe ends at the latest probeMs later.
    expect(last([...events, paused(2040)])).toEqual({ mode: 'pause', reason: null, wakeAtMs: 2040 + DEFAULT_TIMING.probeMs });
  });

  test('pressure that falls during the probe was the reply: it runs on, and the same pressure is not probed again while the verdict holds', () => {
    const probed = [gen(0, true), rec(2000, 'critical'), paused(2040), rec(3000, 'fair'), resumed(3000)];
    expect(last(probed)).toMatchObject({ mode: 'run', reason: null });
    expect(last([...probed, rec(4000, 'critical'), rec(30_000, 'serious'), rec(31_000, 'critical')])).toMatchObject({ mode: 'run', reason: null });
    // Chromium sends changes only: when the verdict ends with the state still high, a tick starts the next probe.
    const held = advise(run([...probed, rec(4000, 'critical')]));
    expect(held.wakeAtMs).toBe(3000 + DEFAULT_TIMING.holdMs);
    expect(last([...probed, rec(4000, 'critical'), tick(held.wakeAtMs!)])).toMatchObject({ mode: 'pause', reason: null });
  });

  test('pressure that stays through the probe is from elsewhere: no record by the deadline means it stayed, and critical pauses with its reason', () => {
    const events = [gen(0, true), rec(2000, 'critical'), paused(2040)];
    expect(last([...events, tick(2040 + DEFAULT_TIMING.probeMs - 1)])).toMatchObject({ mode: 'pause', reason: null });
    expect(last([...events, tick(2040 + DEFAULT_TIMING.probeMs)])).toMatchObject({ mode: 'pause', reason: 'critical' });
    // A record sampled wholly within the pause decides before the deadline.
    expect(last([...events, rec(3100, 'serious')])).toMatchObject({ mode: 'slow', reason: 'serious' });
  });

  test('a high record sampled partly before the pause took effect does not decide the probe', () => {
    expect(last([gen(0, true), rec(2000, 'critical'), paused(2040), rec(2900, 'critical')])).toMatchObject({ mode: 'pause', reason: null });
  });

  test('each probe in a row that finds only the reply doubles how long its verdict holds, up to maxHoldMs; pressure from elsewhere starts over', () => {
    const timing = { ...DEFAULT_TIMING, holdMs: 10_000, maxHoldMs: 30_000 };
    let j = judge(newJudge(timing), gen(0, true));
    const holds: number[] = [];
    let ms = 1000;
    for (let i = 0; i < 4; i++) {
      j = run([rec(ms, 'critical'), paused(ms + 10), rec(ms + 1500, 'nominal'), resumed(ms + 1500)], j);
      holds.push(j.ownUntilMs - (ms + 1500));
      ms = j.ownUntilMs + 1000;
    }
    expect(holds).toEqual([10_000, 20_000, 30_000, 30_000]);
    j = run([rec(ms, 'critical'), paused(ms + 10), tick(ms + 10 + timing.probeMs)], j);
    expect(advise(j).reason).toBe('critical');
    expect(j.nextOwnMs).toBe(10_000);
  });

  test('slowed for serious pressure from elsewhere, the reply follows the state while the verdict holds and is probed after', () => {
    const events = [rec(1000, 'serious'), gen(2000, true), rec(3000, 'critical')];
    expect(last(events)).toMatchObject({ mode: 'pause', reason: 'critical' });
    const slowed = [rec(1000, 'serious'), gen(2000, true)];
    expect(advise(run(slowed)).wakeAtMs).toBe(1000 + DEFAULT_TIMING.holdMs);
    expect(last([...slowed, tick(1000 + DEFAULT_TIMING.holdMs)])).toMatchObject({ mode: 'pause', reason: null });
  });

  test('a model loading (work the engine cannot pause) is the app\'s own: its pressure neither throttles nor starts a probe', () => {
    const loading = [work(0, true), rec(1000, 'critical')];
    expect(last(loading)).toMatchObject({ mode: 'run', reason: null });
    // A second after the load, the state is the device's.
    const after = [...loading, work(2000, false)];
    expect(last([...after, rec(2500, 'critical')])).toMatchObject({ mode: 'run', reason: null });
    expect(last([...after, rec(3000, 'critical')])).toMatchObject({ mode: 'pause', reason: 'critical' });
    // Chromium sends changes only: no record by probeMs after the load means the state stands, now free of it.
    expect(advise(run(after)).wakeAtMs).toBe(2000 + DEFAULT_TIMING.probeMs);
    expect(last([...after, tick(2000 + DEFAULT_TIMING.probeMs)])).toMatchObject({ mode: 'pause', reason: 'critical' });
  });

  test('a reply that ends during its probe ends the probe, and a record sampled while it still ran is not taken for pressure from elsewhere', () => {
    const events = [gen(0, true), rec(2000, 'critical'), gen(2100, false), paused(2110), rec(2600, 'critical')];
    expect(last(events)).toMatchObject({ mode: 'run', reason: null });
  });

  test('where the browser estimates its own contribution, that decides without a probe', () => {
    expect(last([gen(0, true), rec(2000, 'critical', 0.9)])).toEqual({ mode: 'run', reason: null, wakeAtMs: null });
    expect(last([gen(0, true), rec(2000, 'critical', 0.2)])).toEqual({ mode: 'pause', reason: 'critical', wakeAtMs: null });
  });
});

/** Pace changes a pacer shows, on a fake clock: [ms, mode, reason] each time either changes. */
type Shown = [number, ThrottleMode, PaceReason][];

/**
 * Replays a recording through a pacer on a fake clock. The engine confirms a pause `ackMs` after it is asked (the
 * rest of a token's step); records arrive 10 ms after their time, like the page received them.
 */
async function replay(recording: Recording, ackMs = 25): Promise<{ shown: Shown; asked: [number, ThrottleMode][] }> {
  const shown: Shown = [];
  const asked: [number, ThrottleMode][] = [];
  const pacer = createPacer(
    (mode) => {
      asked.push([Date.now(), mode]);
      return new Promise((done) => setTimeout(done, ackMs));
    },
    (mode, reason) => {
      const prev = shown.at(-1);
      if (prev?.[1] !== mode || prev[2] !== reason) shown.push([Date.now(), mode, reason]);
    },
    DEFAULT_TIMING,
    () => Date.now(),
  );
  const at = (ms: number, act: () => void) => setTimeout(act, ms - Date.now());
  for (const [ms, state] of recording.records) at(ms + 10, () => pacer.record(state, ms));
  for (const [start, end] of recording.replies) {
    at(start, () => pacer.generating(true));
    at(end, () => pacer.generating(false));
  }
  const endMs = Math.max(...recording.replies.map(([, end]) => end), ...recording.records.map(([ms]) => ms)) + 5000;
  await vi.advanceTimersByTimeAsync(endMs);
  return { shown, asked };
}

/** The pace shown between two times: the one showing at `fromMs`, and the changes after it until `toMs`. */
function between(shown: Shown, fromMs: number, toMs: number): Shown {
  const showing = shown.filter(([ms]) => ms <= fromMs).at(-1);
  return [...(showing ? [showing] : []), ...shown.filter(([ms]) => ms > fromMs && ms <= toMs)];
}

/** Milliseconds spent paused without a reason (probes) between two times. */
function probeMs(shown: Shown, from: number, to: number): number {
  let total = 0;
  shown.forEach(([ms, mode, reason], i) => {
    const end = Math.min(to, shown[i + 1]?.[0] ?? to);
    if (mode === 'pause' && reason === null && end > ms) total += end - Math.max(ms, from);
  });
  return total;
}

describe('pacer', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  test('on the reply recorded with nothing else running, it probes once, for about a second, and never slows or pauses for pressure', async () => {
    const [sentMs, doneMs] = OWN_REPLY.replies[0];
    const { shown, asked } = await replay(OWN_REPLY);
    expect(between(shown, sentMs, doneMs).filter(([, , reason]) => reason !== null)).toEqual([]);
    // The one probe: asked on the critical record at 8083, ended by the nominal one sampled at 9085.
    expect(asked.filter(([ms]) => ms > sentMs && ms < doneMs)).toEqual([[8093, 'pause'], [9095, 'run']]);
    expect(probeMs(shown, sentMs, doneMs) / (doneMs - sentMs)).toBeLessThan(0.1);
  });

  test('on the reply recorded with other programs loading the device, it pauses and slows as the app did, at the same times', async () => {
    const [sentMs, doneMs] = OTHER_LOAD.replies[0];
    const { shown } = await replay(OTHER_LOAD);
    const reasonOf = (text: string): PaceReason => (text.startsWith('Paused') ? 'critical' : text.startsWith('Slowed') ? 'serious' : null);
    const during = ([ms]: [number, ...unknown[]]) => ms > sentMs && ms < doneMs;
    const app = OTHER_LOAD.banners.filter(during).map(([ms, text]): [number, PaceReason] => [ms, reasonOf(text)]);
    const replayed = shown.filter((s, i) => during(s) && s[2] !== shown[i - 1]?.[2]).map(([ms, , reason]): [number, PaceReason] => [ms, reason]);
    expect(replayed.map(([, reason]) => reason)).toEqual(app.map(([, reason]) => reason));
    replayed.forEach(([ms], i) => expect(Math.abs(ms - app[i][0])).toBeLessThan(50));
  });

  test('a probe whose pause is never confirmed waits, paused, without a deadline', async () => {
    const shown: Shown = [];
    const pacer = createPacer(() => new Promise(() => undefined), (mode, reason) => shown.push([Date.now(), mode, reason]), DEFAULT_TIMING, () => Date.now());
    pacer.generating(true);
    pacer.record('critical', 0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(shown.at(-1)).toEqual([0, 'pause', null]);
  });

  test('the background pauses whatever the pressure; with pressure ignored, pressure never slows or pauses', async () => {
    const modes: [ThrottleMode, PaceReason][] = [];
    const pacer = createPacer(async () => undefined, (mode, reason) => modes.push([mode, reason]), DEFAULT_TIMING, () => Date.now());
    pacer.record('critical', 0);
    expect(modes.at(-1)).toEqual(['pause', 'critical']);
    pacer.hidden(true);
    expect(modes.at(-1)).toEqual(['pause', 'background']);
    pacer.hidden(false);
    pacer.ignorePressure(true);
    expect(modes.at(-1)).toEqual(['run', null]);
    pacer.generating(true);
    pacer.record('critical', 5000);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(modes.at(-1)).toEqual(['run', null]);
  });

  test('only the latest request\'s confirmation counts: a pause already undone does not make the reply\'s pressure look like another program\'s', async () => {
    const shown: Shown = [];
    const pacer = createPacer(
      (mode) => new Promise((done) => setTimeout(done, mode === 'pause' ? 500 : 10)),
      (mode, reason) => shown.push([Date.now(), mode, reason]),
      DEFAULT_TIMING,
      () => Date.now(),
    );
    pacer.generating(true);
    pacer.record('critical', 0); // a probe: pause asked, confirmed only at 500
    await vi.advanceTimersByTimeAsync(100);
    pacer.record('fair', 100); // the reply's own: run again, before the pause was confirmed
    await vi.advanceTimersByTimeAsync(1500);
    pacer.record('critical', 1600); // the reply ran all along: its own load
    expect(shown.at(-1)).toEqual([1600, 'run', null]);
  });
});
