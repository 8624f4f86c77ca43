// Pauses generation while the app is in the background and slows or pauses it when the device reports
// compute pressure that is not the reply's own doing (pressure.ts judges), unless the user ignores it; says why.
import type { ThrottleMode } from '../worker/protocol';
import { chat } from './chat.svelte';
import { engine } from './engine';
import { models } from './models.svelte';
import { createPacer, type PaceReason, type PressureState } from './pressure';
import { settings } from './settings.svelte';

export const pace = $state({ mode: 'run' as ThrottleMode, reason: null as PaceReason });

interface PressureRecord {
  state: PressureState;
  time: number;
  ownContributionEstimate?: number | null;
}

type PressureObserverClass = new (callback: (records: PressureRecord[]) => void) => { observe(source: string): Promise<void> };

export function startPace(): void {
  const pacer = createPacer(
    (mode) => engine.throttle(mode),
    (mode, reason) => {
      pace.mode = mode;
      pace.reason = reason;
    },
  );
  document.addEventListener('visibilitychange', () => pacer.hidden(document.visibilityState === 'hidden'));
  $effect.root(() => {
    $effect(() => pacer.generating(chat.replying !== null));
    $effect(() => pacer.working(models.loading !== null || models.download !== null));
    $effect(() => pacer.ignorePressure(settings.ignorePressure));
  });
  const Observer = (globalThis as { PressureObserver?: PressureObserverClass }).PressureObserver;
  if (!Observer) return;
  const observer = new Observer((records) => {
    for (const r of records) pacer.record(r.state, r.time, r.ownContributionEstimate);
  });
  observer.observe('cpu').catch(() => undefined);
}
