// Installed packs, downloads and the loaded model, as the UI sees them. All work happens in the
// engine worker; this module keeps the state the components show.
import { parseGlmConfig } from '../engine/formats/config';
import { DEFAULT_ENDPOINT } from '../engine/io/hub';
import { modelSizes, planLoad, type LoadPlan } from '../engine/runtime/fit';
import type { WeightFormat } from '../engine/formats/weights';
import { hubImportId, type HubImportRequest } from '../store/import';
import { fetchManifest } from '../store/packs';
import type { InstallProgress } from '../store/progress';
import type { Backend, ModelInfo, PackSummary } from '../worker/protocol';
import { DEMO_PACK_ID, demoPackUrl } from './demo';
import { engine } from './engine';
import { packName } from './model-list';
import { browserDevice, type BrowserDevice } from '../worker/device-facts';
import { memoryBudgetBytes, settings, saveSettings } from './settings.svelte';
import { verdictFor, type Verdict } from './verdict';

/** The download or import running now. */
export interface Download {
  /** The pack it stores into. */
  id: string;
  /** What the user sees: the catalog's name or the pack's. */
  name: string;
  progress: InstallProgress | null;
  /** Pause and Cancel apply (a download; not the demo, nor a folder copied from the device). */
  stoppable: boolean;
}

export const models = $state({
  packs: [] as PackSummary[],
  storage: null as { usedBytes: number; quotaBytes: number } | null,
  /** This device's facts and the backend a load would use, for the fit verdicts. */
  device: { facts: {} } as BrowserDevice,
  backend: 'wasm' as Backend,
  download: null as Download | null,
  loading: null as string | null,
  info: null as ModelInfo | null,
  /** The loaded pack: its id (what "in use" is decided by) and its name (what is shown). */
  loaded: null as { id: string; name: string } | null,
  error: '',
  notice: '',
  /** A pack whose chunks are missing from storage (evicted by the browser), to download again. */
  repair: null as PackSummary | null,
  /** Another tab of the app holds the model: 'elsewhere' at start, 'moved' when one took over. */
  otherTab: null as 'elsewhere' | 'moved' | null,
  /** Why the engine had to be restarted, when it was. */
  restarted: '',
  /** A model that ran out of memory while loading and now runs in streaming mode. */
  lowMemory: '',
});

const ENGINE_LOCK = 'glm-pocket-engine';

/** Reads the store's packs, the storage estimate and the device's facts again. */
export async function refreshPacks(): Promise<void> {
  models.packs = await engine.listPacks();
  const estimate = await navigator.storage?.estimate?.();
  models.storage = estimate?.quota ? { usedBytes: estimate.usage ?? 0, quotaBytes: estimate.quota } : null;
  [models.device, models.backend] = await Promise.all([browserDevice(true), resolveBackend()]);
}

/** WebGPU where a hardware adapter exists; a software adapter (SwiftShader) is slower than wasm. */
export async function resolveBackend(): Promise<Backend> {
  if (settings.backend !== 'auto') return settings.backend;
  const adapter = await navigator.gpu?.requestAdapter().catch(() => null);
  if (!adapter) return 'wasm';
  const software = (adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter || /swiftshader/i.test(adapter.info.architecture);
  return software ? 'wasm' : 'webgpu';
}

/** The plan for loading an installed pack here (its out-of-memory retry included). */
function loadPlan(pack: PackSummary, backend: Backend, device: BrowserDevice): LoadPlan {
  return planLoad(modelSizes(parseGlmConfig(pack.config), pack.format), device.facts, { backend, contextTokens: settings.contextLength, budgetBytes: memoryBudgetBytes(), stored: true });
}

export async function loadPack(id: string, backend?: Backend): Promise<void> {
  const pack = models.packs.find((p) => p.id === id);
  models.loading = pack ? packName(pack) : id;
  models.error = '';
  try {
    const load = (budgetBytes: number | undefined, chosen: Backend) =>
      engine.load({ location: { kind: 'pack', id }, backend: chosen, maxSequenceLength: settings.contextLength, memoryBudgetBytes: budgetBytes });
    const chosen = backend ?? (await resolveBackend());
    try {
      models.info = await load(memoryBudgetBytes(), chosen);
    } catch (error) {
      if ((error as Error).name !== 'OutOfMemoryError' || !pack) throw error;
      const plan = loadPlan(pack, chosen, await browserDevice());
      // Out of memory while loading: load again as the plan says (the CPU, streaming most of the model).
      models.lowMemory = pack.name;
      models.info = await load(plan.retry.budgetBytes, plan.retry.backend);
    }
    models.loaded = { id, name: models.loading };
    settings.modelId = id;
    saveSettings();
  } catch (error) {
    models.error = (error as Error).message;
    // A downloaded pack's source is its folder URL (ending in "/"); an imported one is re-imported instead.
    if ((error as Error).name === 'ChunkMissingError' && pack?.sourceUrl.endsWith('/')) models.repair = pack;
    throw error;
  } finally {
    models.loading = null;
  }
}

/** Downloads the chunks of a pack that the browser evicted, then loads it again. */
export async function repairPack(): Promise<void> {
  const pack = models.repair;
  if (!pack) return;
  models.repair = null;
  await installPack(pack.sourceUrl, pack.id);
  await loadPack(pack.id);
}

/** The running download's stop: `cancel` also deletes what it stored. */
let running: { controller: AbortController; cancel: boolean } | null = null;

/**
 * Runs a download (or import) with its progress in models.download. Resolves true when it completed,
 * false when Pause or Cancel stopped it; other errors go to models.error and are thrown.
 */
async function runDownload(target: Omit<Download, 'progress'>, start: (onProgress: (p: InstallProgress) => void, signal: AbortSignal) => Promise<unknown>): Promise<boolean> {
  const stop = { controller: new AbortController(), cancel: false };
  running = stop;
  models.download = { ...target, progress: null };
  models.error = '';
  try {
    await start((progress) => models.download && (models.download.progress = progress), stop.controller.signal);
    return true;
  } catch (error) {
    if (stop.controller.signal.aborted) return false;
    models.error = (error as Error).message;
    throw error;
  } finally {
    running = null;
    models.download = null;
    if (stop.cancel) await engine.deletePack(target.id);
    await refreshPacks();
  }
}

/** Installs a pack from a folder URL (resuming a partial one) and refreshes the list. */
export async function installPack(url: string, id: string, name = id): Promise<boolean> {
  return runDownload({ id, name, stoppable: id !== DEMO_PACK_ID }, (onProgress, signal) => engine.install(url, onProgress, signal));
}

const TOKEN_KEY = 'glm-pocket.hub-token';
const ENDPOINT_KEY = 'glm-pocket.hub-endpoint';

/** The access token for gated repositories: kept in this browser only, sent only to the chosen endpoint. */
export const hubToken = {
  get: () => localStorage.getItem(TOKEN_KEY) ?? '',
  set: (token: string) => (token ? localStorage.setItem(TOKEN_KEY, token) : localStorage.removeItem(TOKEN_KEY)),
};

/** Where models download from: Hugging Face, or a mirror (many users in China use one). */
export const hubEndpoint = {
  get: () => localStorage.getItem(ENDPOINT_KEY) || DEFAULT_ENDPOINT,
  set: (endpoint: string) => (endpoint && endpoint !== DEFAULT_ENDPOINT ? localStorage.setItem(ENDPOINT_KEY, endpoint) : localStorage.removeItem(ENDPOINT_KEY)),
};

/** Imports (or resumes importing) a repository in the worker: Range requests, conversion, store. */
export function importRepo(request: HubImportRequest, name = request.repo): Promise<boolean> {
  const full = { ...request, token: hubToken.get() || undefined };
  return runDownload({ id: hubImportId(request), name, stoppable: true }, (onProgress, signal) => engine.importRepo(full, onProgress, signal));
}

/** Adds a folder picked on the device (a pack, or a checkpoint converted to `format`). */
export function importFolder(files: File[], format: WeightFormat): Promise<boolean> {
  const folder = files[0]?.webkitRelativePath.split('/')[0] ?? '';
  return runDownload({ id: `file:${folder}`, name: folder, stoppable: false }, (onProgress) => engine.importFiles(files, format, onProgress));
}

/** Pause: stops the running download, keeping what it stored (Resume continues from there). */
export function pauseDownload(): void {
  running?.controller.abort();
}

/** Cancel: stops the download of pack `id` if it runs, and deletes what it stored. */
export async function cancelDownload(id: string): Promise<void> {
  if (running && models.download?.id === id) {
    running.cancel = true;
    running.controller.abort();
    return;
  }
  await deletePack(id);
}

/** Continues an unfinished pack from what it stored, as it was started. */
export function resumeDownload(pack: PackSummary, name = pack.name): Promise<boolean> {
  if (pack.resume?.kind === 'install') return installPack(pack.resume.url, pack.id, name);
  if (pack.resume?.kind === 'import') return importRepo(pack.resume.request, name);
  return Promise.resolve(false);
}

/** Removes a pack, installed or not, with everything it stored. */
export async function deletePack(id: string): Promise<void> {
  await engine.deletePack(id);
  await refreshPacks();
}

export interface PackCheck {
  url: string;
  id: string;
  name: string;
  totalBytes: number;
  /** How it would run on this device. */
  verdict: Verdict;
}

/** Reads a pack's manifest before downloading, and says how it would run on this device. */
export async function checkPack(url: string): Promise<PackCheck> {
  const base = new URL(url.endsWith('/') ? url : `${url}/`, document.baseURI).href;
  const manifest = await fetchManifest(base);
  const sizes = { ...modelSizes(parseGlmConfig(manifest.config), manifest.format), weightBytes: manifest.totalBytes };
  const verdict = verdictFor(sizes, (await browserDevice(true)).facts, { backend: await resolveBackend(), contextTokens: settings.contextLength, budgetBytes: memoryBudgetBytes() });
  return { url: base, id: manifest.id, name: manifest.name, totalBytes: manifest.totalBytes, verdict };
}

/** Packs that did not finish downloading and are not downloading now (paused, failed, or the page was closed). */
export function unfinishedPacks(): PackSummary[] {
  return models.packs.filter((p) => p.status === 'installing' && p.id !== models.download?.id);
}

/**
 * Runs the engine only while this tab holds the app's Web Lock, so two tabs never both load a model
 * (nor download the demo twice). `steal` takes the lock from the tab that has it.
 */
export function claimEngine(steal = false): void {
  if (!navigator.locks) {
    startModels().catch(() => undefined);
    return;
  }
  navigator.locks
    .request(ENGINE_LOCK, steal ? { steal: true } : { ifAvailable: true }, (lock) => {
      if (!lock) {
        models.otherTab = 'elsewhere';
        return;
      }
      models.otherTab = null;
      startModels().catch(() => undefined);
      return new Promise<void>(() => undefined); // held for the life of the tab
    })
    .catch(async () => {
      // Another tab took the lock: free the model here.
      models.otherTab = 'moved';
      models.info = null;
      await engine.unload();
    });
}

/** First start: install the embedded demo if it is not there, then load the chosen model. */
export async function startModels(): Promise<void> {
  await refreshPacks();
  if (!models.packs.some((p) => p.id === DEMO_PACK_ID && p.status === 'installed')) {
    await installPack(demoPackUrl(), DEMO_PACK_ID);
  }
  const chosen = models.packs.find((p) => p.id === settings.modelId && p.status === 'installed');
  await loadPack(chosen?.id ?? DEMO_PACK_ID);
}

engine.onRestart = (reason) => {
  models.notice = '';
  models.restarted = reason;
  models.info = null;
  void loadPack(settings.modelId).catch(() => undefined);
};

engine.onDeviceLost = (reason) => {
  models.notice = reason;
  void loadPack(settings.modelId, 'wasm');
};
