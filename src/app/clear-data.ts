// Clear all data: every conversation, model pack, setting and cache of the app on this device, then
// a reload into the app as a fresh profile sees it (the first-run welcome; the demo installs again).
import { closeChats } from './chat.svelte';
import { engine } from './engine';

/** The app's IndexedDB databases, for browsers that cannot list them (indexedDB.databases()). */
const DATABASES = ['glm-pocket-chats', 'glm-pocket-packs', 'glm-pocket-chunks', 'glm-pocket-imports'];

function deleteDatabase(name: string, onBlocked: () => void): Promise<void> {
  return new Promise((done, fail) => {
    const request = indexedDB.deleteDatabase(name);
    // Blocked (another tab of the app holds it open), the deletion waits until that tab closes it.
    request.onblocked = onBlocked;
    request.onsuccess = () => done();
    request.onerror = () => fail(request.error);
  });
}

/** Clears everything and reloads; `onBlocked` is told when another tab keeps a database open (the clearing waits for it). */
export async function clearAllData(onBlocked: () => void): Promise<void> {
  await closeChats();
  // The engine worker holds the pack stores open: ending it closes them (no restart, no model load).
  engine.onRestart = null;
  engine.onDeviceLost = null;
  engine.restart('clearing all data');
  const listed = (await indexedDB.databases?.().catch(() => [])) ?? [];
  const names = new Set([...DATABASES, ...listed.map((d) => d.name).filter((n): n is string => !!n)]);
  await Promise.all([...names].map((name) => deleteDatabase(name, onBlocked)));
  localStorage.clear();
  sessionStorage.clear();
  // Offline, the app's offline copy stays (without it the reload would find nothing to open).
  if (navigator.onLine) {
    await Promise.all((await caches?.keys().catch(() => []) ?? []).map((key) => caches.delete(key)));
    const registrations = (await navigator.serviceWorker?.getRegistrations().catch(() => [])) ?? [];
    await Promise.all(registrations.map((r) => r.unregister()));
  }
  location.reload();
}
