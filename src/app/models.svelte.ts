// Installed packs, downloads and the loaded model, as the UI sees them. All work happens in the
// engine worker; this module keeps the state the components show.
import { parseGlmConfig } from '../engine/formats/config';
import { modelSizes, planLoad, type LoadPlan, type Unfit } from '../engine/runtime/fit';
import type { WeightFormat } from '../engine/formats/weights';
import { fetchManifest, type InstallProgress } from '../store/packs';
import type { Backend, ModelInfo, PackSummary } from '../worker/protocol';
import { DEMO_PACK_ID, demoPackUrl } from './demo';
import { engine } from './engine';
import { browserDevice, type BrowserDevice } from '../worker/device-facts';
import { memoryBudgetBytes, settings, saveSettings } from './settings.svelte';

export const models = $state({
  packs: [] as PackSummary[],
  storage: null as { usedBytes: number; quotaBytes: number } | null,
  /** Pack being downloaded, with its progress. */
  download: null as { id: string; progress: InstallProgress | null } | null,
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

export async function refreshPacks(): Promise<void> {
  models.packs = await engine.listPacks();
  const estimate = await navigator.storage?.estimate?.();
  models.storage = estimate?.quota ? { usedBytes: estimate.usage ?? 0, quotaBytes: estimate.quota } : null;
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
  models.loading = pack?.name ?? id;
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

/** Installs a pack from a folder URL (resuming a partial one) and refreshes the list. */
export async function installPack(url: string, id: string): Promise<void> {
  models.download = { id, progress: null };
  models.error = '';
  try {
    await engine.install(url, (progress) => (models.download = { id, progress }));
  } catch (error) {
    models.error = (error as Error).message;
    throw error;
  } finally {
    models.download = null;
    await refreshPacks();
  }
}

const TOKEN_KEY = 'glm-pocket.hub-token';

/** The access token for gated repositories: kept in this browser only, sent only to the chosen endpoint. */
export const hubToken = {
  get: () => localStorage.getItem(TOKEN_KEY) ?? '',
  set: (token: string) => (token ? localStorage.setItem(TOKEN_KEY, token) : localStorage.removeItem(TOKEN_KEY)),
};

export const importState = $state({ repo: '', partsDone: 0, partsTotal: 0 });

/** Runs an import in the worker with its progress shown under `label`; errors go to models.error. */
async function runImport(label: string, start: (onProgress: (done: number, total: number) => void) => Promise<unknown>): Promise<void> {
  importState.repo = label;
  models.error = '';
  try {
    await start((done, total) => {
      importState.partsDone = done;
      importState.partsTotal = total;
    });
  } catch (error) {
    models.error = (error as Error).message;
  } finally {
    importState.repo = '';
    await refreshPacks();
  }
}

/** Imports a repository in the worker (Range requests, conversion, store); resumes an interrupted one. */
export function importRepo(repo: string, revision: string, endpoint: string, format: WeightFormat, gguf = ''): Promise<void> {
  const request = { repo, revision: revision || undefined, endpoint: endpoint || undefined, token: hubToken.get() || undefined, format, gguf: gguf || undefined };
  return runImport(repo, (onProgress) => engine.importRepo(request, onProgress));
}

/** Adds a folder picked on the device (a pack, or a checkpoint converted to `format`). */
export function importFolder(files: File[], format: WeightFormat): Promise<void> {
  return runImport(files[0]?.webkitRelativePath.split('/')[0] ?? '', (onProgress) => engine.importFiles(files, format, onProgress));
}

export async function deletePack(id: string): Promise<void> {
  await engine.deletePack(id);
  await refreshPacks();
}

export interface PackCheck {
  url: string;
  id: string;
  name: string;
  totalBytes: number;
  /** Why this device cannot run it, or null. */
  unfit: Unfit | null;
}

/** Reads a pack's manifest before downloading, and says whether the device can hold it. */
export async function checkPack(url: string): Promise<PackCheck> {
  const base = new URL(url.endsWith('/') ? url : `${url}/`, document.baseURI).href;
  const manifest = await fetchManifest(base);
  const sizes = modelSizes(parseGlmConfig(manifest.config), manifest.format);
  const plan = planLoad({ ...sizes, weightBytes: manifest.totalBytes }, (await browserDevice(true)).facts, { backend: await resolveBackend(), contextTokens: settings.contextLength, budgetBytes: memoryBudgetBytes() });
  return { url: base, id: manifest.id, name: manifest.name, totalBytes: manifest.totalBytes, unfit: plan.unfit };
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
