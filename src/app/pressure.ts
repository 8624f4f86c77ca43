// Whether compute pressure should slow or pause a reply. Chromium's "cpu" pressure follows the whole
// device's CPU utilisation, so on a small device a reply alone reports critical: pressure that rises while
// the app generates is checked by pausing a moment (a probe), and throttles only if it stays while the
// app's own work is stopped. Pure state (judge, advise) and a small driver (createPacer) for the page.
import type { ThrottleMode } from '../worker/protocol';

export type PressureState = 'nominal' | 'fair' | 'serious' | 'critical';
/** The states that throttle a reply, when they come from elsewhere. */
type HighState = 'serious' | 'critical';

/** What the judge learns, in time order; `ms` on performance.now()'s clock, which PressureRecord.time shares. */
export type PressureEvent =
  /** A pressure record; `ownContribution`: the browser's estimate of this page's share (0 to 1), where it gives one. */
  | { type: 'record'; ms: number; state: PressureState; ownContribution?: number | null }
  /** A reply started or ended. */
  | { type: 'generating'; ms: number; generating: boolean }
  /** Work of the app's own that the engine cannot pause (loading, installing or importing a model) started or ended. */
  | { type: 'working'; ms: number; working: boolean }
  /** The engine confirmed that it paused (for a probe, the background or pressure). */
  | { type: 'paused'; ms: number }
  /** The engine was told to run or slow again. */
  | { type: 'resumed'; ms: number }
  /** Time passed: a deadline the judge asked for (PressureAdvice.wakeAtMs). */
  | { type: 'tick'; ms: number };

export interface PressureTiming {
  /** Chromium samples once a second: a record covers the utilisation of the second before it. */
  sampleMs: number;
  /** How long a probe waits, after the engine paused, for the pressure to fall: two samples and a margin. */
  probeMs: number;
  /** How long a verdict holds before high pressure under the app's own load is probed again. */
  holdMs: number;
  /** Each probe in a row that finds only the app's own load makes the next verdict hold twice as long, up to this. */
  maxHoldMs: number;
}

export const DEFAULT_TIMING: PressureTiming = { sampleMs: 1000, probeMs: 2500, holdMs: 60_000, maxHoldMs: 600_000 };

/** A record's own-contribution estimate at or above this says the pressure is the page's own doing. */
const OWN_SHARE = 0.5;

export interface PressureJudge {
  timing: PressureTiming;
  generating: boolean;
  working: boolean;
  /** The engine confirmed a pause and has not been told to run since. */
  paused: boolean;
  /** When the app's own work last stopped loading the CPU; null while it runs. */
  idleSinceMs: number | null;
  /** The latest state reported, and whether it was read free of the app's own work. */
  state: PressureState;
  stateFree: boolean;
  /** Pressure from elsewhere (heat, other programs): what throttles the reply. */
  external: HighState | null;
  /** When the probe under way was asked for; null when none is. */
  probeSinceMs: number | null;
  /** Until then high pressure under the reply is taken as the reply's own, as the last probe found. */
  ownUntilMs: number;
  /** How long the next probe that finds only the app's own load makes its verdict hold. */
  nextOwnMs: number;
  /** Until then pressure from elsewhere, once found, follows the state without a probe (the reply slowed adds to it). */
  externalUntilMs: number;
}

export interface PressureAdvice {
  mode: ThrottleMode;
  reason: HighState | null;
  /** When the judge wants a tick (a probe due, or the state to read again); null when it does not. */
  wakeAtMs: number | null;
}

export function newJudge(timing: PressureTiming = DEFAULT_TIMING): PressureJudge {
  return { timing, generating: false, working: false, paused: false, idleSinceMs: -Infinity, state: 'nominal', stateFree: true, external: null, probeSinceMs: null, ownUntilMs: -Infinity, nextOwnMs: timing.holdMs, externalUntilMs: -Infinity };
}

const high = (state: PressureState): HighState | null => (state === 'serious' || state === 'critical' ? state : null);

/** The judge after one event. */
export function judge(j: PressureJudge, event: PressureEvent): PressureJudge {
  return maybeProbe(step(j, event), event.ms);
}

function step(j: PressureJudge, event: PressureEvent): PressureJudge {
  switch (event.type) {
    case 'generating':
      // A probe ends with its reply; the next record free of the app's work says what is left.
      return { ...busy(j, event.ms, { generating: event.generating }), probeSinceMs: event.generating ? j.probeSinceMs : null };
    case 'working':
      return busy(j, event.ms, { working: event.working });
    case 'paused':
      return busy(j, event.ms, { paused: true });
    case 'resumed':
      return busy(j, event.ms, { paused: false });
    case 'tick': {
      // Chromium sends a record when the state changes: none since the app's work stopped means the state stands.
      const due = rereadDueMs(j);
      if (due === null || event.ms < due) return j;
      return conclude({ ...j, stateFree: true }, event.ms, high(j.state), true);
    }
    case 'record': {
      const free = j.idleSinceMs !== null && event.ms - j.timing.sampleMs >= j.idleSinceMs;
      return record({ ...j, state: event.state, stateFree: free }, event.ms, event.ownContribution);
    }
  }
}

/** Notes whether the app's own work loads the CPU: a reply that the engine is not holding paused, or a model loading. */
function busy(j: PressureJudge, ms: number, change: Partial<Pick<PressureJudge, 'generating' | 'working' | 'paused'>>): PressureJudge {
  const next = { ...j, ...change };
  const now = (next.generating && !next.paused) || next.working;
  return { ...next, idleSinceMs: now ? null : (j.idleSinceMs ?? ms) };
}

function record(j: PressureJudge, ms: number, ownContribution: number | null | undefined): PressureJudge {
  const highState = high(j.state);
  if (typeof ownContribution === 'number' && ownContribution >= 0 && ownContribution <= 1) {
    // The browser says how much is the page's own: no probe needed.
    const external = ownContribution < OWN_SHARE ? highState : null;
    return { ...j, probeSinceMs: null, external, ownUntilMs: Infinity, externalUntilMs: Infinity };
  }
  // Low pressure with the app's work in it is low without it too.
  if (highState === null) return conclude(j, ms, null, false);
  if (j.stateFree) return conclude(j, ms, highState, true);
  // High, and the app's own work is in it: pressure from elsewhere, while its verdict holds, follows the state.
  if (j.probeSinceMs === null && j.external !== null && ms < j.externalUntilMs) return { ...j, external: highState };
  return j;
}

/** Settles what the pressure from elsewhere is; a probe's verdict, or one read free of the app's work, holds a while. */
function conclude(j: PressureJudge, ms: number, external: PressureJudge['external'], free: boolean): PressureJudge {
  if (j.probeSinceMs !== null && external === null) {
    // Only the app's own load: probe less and less often while that stays true.
    return { ...j, external, probeSinceMs: null, ownUntilMs: ms + j.nextOwnMs, nextOwnMs: Math.min(2 * j.nextOwnMs, j.timing.maxHoldMs) };
  }
  if (free && external !== null) {
    // Pressure from elsewhere: the next high pressure under the reply is probed, whatever earlier probes found.
    return { ...j, external, probeSinceMs: null, externalUntilMs: ms + j.timing.holdMs, ownUntilMs: -Infinity, nextOwnMs: j.timing.holdMs };
  }
  return { ...j, external, probeSinceMs: null };
}

/** When a probe is due: the pressure is high while a reply runs (and nothing that cannot pause) and no verdict holds. */
function probeDueMs(j: PressureJudge): number | null {
  if (j.probeSinceMs !== null || !j.generating || j.working || j.idleSinceMs !== null || high(j.state) === null) return null;
  return j.external === null ? j.ownUntilMs : j.externalUntilMs;
}

/** When the latest state, read with the app's work in it, counts as read without: probeMs after that work stopped. */
function rereadDueMs(j: PressureJudge): number | null {
  return j.idleSinceMs === null || j.stateFree ? null : j.idleSinceMs + j.timing.probeMs;
}

function maybeProbe(j: PressureJudge, ms: number): PressureJudge {
  const due = probeDueMs(j);
  return due !== null && ms >= due ? { ...j, probeSinceMs: ms } : j;
}

/** The pace that the judge advises: a probe pauses without a reason to show; pressure from elsewhere slows or pauses. */
export function advise(j: PressureJudge): PressureAdvice {
  const dues = [rereadDueMs(j), probeDueMs(j)].filter((ms): ms is number => ms !== null && Number.isFinite(ms));
  const wakeAtMs = dues.length ? Math.min(...dues) : null;
  if (j.probeSinceMs !== null) return { mode: 'pause', reason: null, wakeAtMs };
  return { mode: j.external === 'critical' ? 'pause' : j.external === 'serious' ? 'slow' : 'run', reason: j.external, wakeAtMs };
}

export type PaceReason = 'background' | 'serious' | 'critical' | null;

/** What the page tells a pacer; each call re-decides the pace. */
export interface Pacer {
  record(state: PressureState, ms: number, ownContribution?: number | null): void;
  generating(on: boolean): void;
  working(on: boolean): void;
  hidden(on: boolean): void;
  ignorePressure(on: boolean): void;
}

/**
 * Drives a judge from the page: the background pauses, pressure follows the judge unless the user ignores it;
 * `throttle` is asked for each change of mode and its settling tells the judge that a pause took effect.
 */
export function createPacer(throttle: (mode: ThrottleMode) => Promise<unknown>, show: (mode: ThrottleMode, reason: PaceReason) => void, timing = DEFAULT_TIMING, now = () => performance.now()): Pacer {
  let j = newJudge(timing);
  let hidden = false;
  let ignore = false;
  let mode: ThrottleMode = 'run';
  let asked = 0;
  let wake: ReturnType<typeof setTimeout> | undefined;
  const feed = (event: PressureEvent) => {
    j = judge(j, event);
    apply();
  };
  const apply = () => {
    const advice: PressureAdvice = ignore ? { mode: 'run', reason: null, wakeAtMs: null } : advise(j);
    const next = hidden ? 'pause' : advice.mode;
    clearTimeout(wake);
    if (advice.wakeAtMs !== null) wake = setTimeout(() => feed({ type: 'tick', ms: now() }), Math.max(0, advice.wakeAtMs - now()));
    show(next, hidden ? 'background' : advice.reason);
    if (next === mode) return;
    mode = next;
    const ask = ++asked;
    // Only the latest request's answer counts: an earlier pause may already have been undone.
    void throttle(next).then(() => ask === asked && next === 'pause' && feed({ type: 'paused', ms: now() }));
    if (next !== 'pause') feed({ type: 'resumed', ms: now() });
  };
  return {
    record: (state, ms, ownContribution) => feed({ type: 'record', ms, state, ownContribution }),
    generating: (on) => feed({ type: 'generating', ms: now(), generating: on }),
    working: (on) => feed({ type: 'working', ms: now(), working: on }),
    hidden: (on) => {
      hidden = on;
      apply();
    },
    ignorePressure: (on) => {
      ignore = on;
      apply();
    },
  };
}
