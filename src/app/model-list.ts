// The Models page's one list: installed and unfinished packs, then the catalog's models not yet
// here, each with its size, its fit verdict on this device and the one action it offers.
import { parseGlmConfig } from '../engine/formats/config';
import { modelSizes, type Backend, type DeviceFacts } from '../engine/runtime/fit';
import type { PackSummary } from '../worker/protocol';
import { CATALOG, type CatalogEntry } from './catalog';
import { DEMO_PACK_ID } from './demo';
import { downloadVerdict, recommendedIndex, RECOMMENDED_FORMAT, verdictFor, type Verdict } from './verdict';
import { hubImportId } from '../store/import';

export interface ModelRow {
  /** The pack id: of the pack in the store, or the one a download of the catalog model stores into. */
  key: string;
  name: string;
  /** The installed pack's size, or what a download stores. */
  bytes: number;
  verdict: Verdict;
  recommended: boolean;
  /** The pack in the store, when there is one (status 'installing': unfinished). */
  pack?: PackSummary;
  /** The catalog model, when it is one. */
  entry?: CatalogEntry;
}

export interface ListFacts {
  packs: PackSummary[];
  device: DeviceFacts;
  backend: Backend;
  contextTokens: number;
  budgetBytes?: number;
}

/** The catalog model a pack was imported as, if any. */
export function catalogEntryOf(pack: PackSummary): CatalogEntry | undefined {
  return CATALOG.find((entry) => hubImportId({ repo: entry.repo, format: pack.format }) === pack.id);
}

/** The name shown for a pack: the catalog's, with the weight format when it is not the recommended one. */
export function packName(pack: PackSummary): string {
  const entry = catalogEntryOf(pack);
  if (!entry) return pack.name;
  return pack.format === RECOMMENDED_FORMAT ? entry.label : `${entry.label} (${pack.format})`;
}

export function modelRows(facts: ListFacts): ModelRow[] {
  const request = { backend: facts.backend, contextTokens: facts.contextTokens, budgetBytes: facts.budgetBytes };
  // The demo first, then by name.
  const packs = [...facts.packs].sort((a, b) => Number(b.id === DEMO_PACK_ID) - Number(a.id === DEMO_PACK_ID) || packName(a).localeCompare(packName(b)));
  const stored: ModelRow[] = packs.map((pack) => ({
    key: pack.id,
    name: packName(pack),
    bytes: pack.totalBytes,
    verdict: verdictFor(modelSizes(parseGlmConfig(pack.config), pack.format), facts.device, { ...request, stored: pack.status === 'installed' }),
    recommended: false,
    pack,
    entry: catalogEntryOf(pack),
  }));
  const available: ModelRow[] = CATALOG.filter((entry) => !stored.some((row) => row.entry === entry)).map((entry) => ({
    key: hubImportId({ repo: entry.repo, format: RECOMMENDED_FORMAT }),
    name: entry.label,
    bytes: modelSizes(entry.config, RECOMMENDED_FORMAT).weightBytes,
    verdict: downloadVerdict(entry.config, facts.device, request),
    recommended: false,
    entry,
  }));
  const rows = [...stored, ...available];
  // The recommendation is among the catalog's models, installed or not.
  const candidates = rows.filter((row) => row.entry);
  const best = recommendedIndex(candidates.map((row) => ({ weightBytes: modelSizes(row.entry!.config, RECOMMENDED_FORMAT).weightBytes, verdict: row.verdict })));
  if (best >= 0) candidates[best].recommended = true;
  return rows;
}
