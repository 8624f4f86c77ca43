// Service worker registration (workbox-window), the "update available" prompt, and app install:
// the browser's install prompt where it offers one, instructions for iOS where it does not.
import { Workbox } from 'workbox-window';

interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
}

export const pwa = $state({
  updateAvailable: false,
  canInstall: false,
  showIosInstructions: false,
});

let workbox: Workbox | null = null;
let installEvent: BeforeInstallPromptEvent | null = null;

export function startPwa(): void {
  const standalone = matchMedia('(display-mode: standalone)').matches || (navigator as { standalone?: boolean }).standalone === true;
  pwa.showIosInstructions = !standalone && /iphone|ipad|ipod/i.test(navigator.userAgent);
  addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault();
    installEvent = event as BeforeInstallPromptEvent;
    pwa.canInstall = true;
  });
  if (import.meta.env.DEV || !('serviceWorker' in navigator)) return;
  workbox = new Workbox(new URL('sw.js', document.baseURI).href);
  workbox.addEventListener('waiting', () => (pwa.updateAvailable = true));
  void workbox.register();
}

/** Activates the waiting service worker and reloads into the new version. */
export function applyUpdate(): void {
  workbox?.addEventListener('controlling', () => location.reload());
  workbox?.messageSkipWaiting();
}

export async function installApp(): Promise<void> {
  await installEvent?.prompt();
  installEvent = null;
  pwa.canInstall = false;
}
