// Hugging Face repositories (or a mirror, or a self-hosted copy) as CheckpointFiles: files resolve
// at `{endpoint}/{repo}/resolve/{revision}/{file}` and are read with HTTP Range requests.
import { CheckpointError } from '../errors';
import type { CheckpointFiles } from './files';
import type { HttpOptions } from './http';
import { httpFiles } from './http-files';

export const DEFAULT_ENDPOINT = 'https://huggingface.co';

export interface HubLocation {
  repo: string;
  revision?: string;
  endpoint?: string;
  /** An access token for gated repositories or token-protected mirrors. */
  token?: string;
}

/** A repository id as the Hub allows it: owner/name, each of letters, digits, `-`, `_`, `.`, not starting or ending with `-` or `.`. */
const REPO_PART = /^\w(?:[\w.-]*\w)?$/;

/** The location with its defaults filled in, or a CheckpointError saying which part is wrong. */
export function checkHubLocation(location: HubLocation): Required<Omit<HubLocation, 'token'>> & Pick<HubLocation, 'token'> {
  const parts = location.repo.split('/');
  if (parts.length !== 2 || !parts.every((part) => REPO_PART.test(part) && !part.includes('..'))) {
    throw new CheckpointError(location.repo, 'is not a repository id: expected "owner/name", e.g. zai-org/glm-edge-1.5b-chat');
  }
  const revision = location.revision ?? 'main';
  if (revision === '' || revision === '.' || revision === '..' || /[\u0000-\u001f]/.test(revision)) {
    throw new CheckpointError(revision, 'is not a revision: give a branch, tag or commit, e.g. main');
  }
  const endpoint = (location.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
  let url: URL | null = null;
  try {
    url = new URL(endpoint);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash) {
    throw new CheckpointError(endpoint, 'is not an endpoint: give the address of the Hub or a mirror, e.g. https://huggingface.co');
  }
  return { repo: location.repo, revision, endpoint, token: location.token };
}

export function hubFiles(location: HubLocation, options: HttpOptions = {}): CheckpointFiles {
  const { repo, revision, endpoint, token } = checkHubLocation(location);
  const base = `${endpoint}/${repo}/resolve/${encodeURIComponent(revision)}/`;
  const files = httpFiles(base, { ...options, headers: token ? { Authorization: `Bearer ${token}` } : {} });
  return {
    ...files,
    label: `${repo}@${revision} on ${endpoint}`,
  };
}
