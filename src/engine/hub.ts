// Hugging Face repositories (or a mirror, or a self-hosted copy) as CheckpointFiles: files resolve
// at `{endpoint}/{repo}/resolve/{revision}/{file}` and are read with HTTP Range requests.
import { CheckpointError } from './errors';
import type { CheckpointFiles } from './files';
import { httpFiles } from './http-files';

export const DEFAULT_ENDPOINT = 'https://huggingface.co';

export interface HubLocation {
  repo: string;
  revision?: string;
  endpoint?: string;
  /** An access token for gated repositories or token-protected mirrors. */
  token?: string;
}

export function hubFiles(location: HubLocation): CheckpointFiles {
  if (!/^[\w.-]+\/[\w.-]+$/.test(location.repo)) throw new CheckpointError(location.repo, 'is not a repository id: expected "owner/name", e.g. zai-org/glm-edge-1.5b-chat');
  const endpoint = (location.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
  const base = `${endpoint}/${location.repo}/resolve/${encodeURIComponent(location.revision ?? 'main')}/`;
  const files = httpFiles(base, { headers: location.token ? { Authorization: `Bearer ${location.token}` } : {} });
  return {
    ...files,
    label: `${location.repo}@${location.revision ?? 'main'} on ${endpoint}`,
  };
}
