// Pauses generation while the app is in the background and slows or pauses it when the device
// reports compute pressure (the Compute Pressure API, where the browser has it), and says why.
import type { ThrottleMode } from '../worker/protocol';
import { engine } from './engine';

type PressureState = 'nominal' | 'fair' | 'serious' | 'critical';

export const pace = $state({ mode: 'run' as ThrottleMode, reason: null as 'background' | 'serious' | 'critical' | null });

let hidden = false;
let pressure: PressureState = 'nominal';

function apply(): void {
  const reason = hidden ? 'background' : pressure === 'critical' ? 'critical' : pressure === 'serious' ? 'serious' : null;
  const mode: ThrottleMode = reason === 'background' || reason === 'critical' ? 'pause' : reason === 'serious' ? 'slow' : 'run';
  pace.reason = reason;
  if (mode === pace.mode) return;
  pace.mode = mode;
  void engine.throttle(mode);
}

interface PressureRecord {
  state: PressureState;
}

export function startPace(): void {
  document.addEventListener('visibilitychange', () => {
    hidden = document.visibilityState === 'hidden';
    apply();
  });
  const Observer = (globalThis as { PressureObserver?: new (callback: (records: PressureRecord[]) => void) => { observe(source: string): Promise<void> } }).PressureObserver;
  if (!Observer) return;
  const observer = new Observer((records) => {
    pressure = records.at(-1)?.state ?? 'nominal';
    apply();
  });
  observer.observe('cpu').catch(() => undefined);
}
