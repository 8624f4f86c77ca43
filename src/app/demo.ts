// The embedded demo model: its pack ships with the app (public/models/) and installs on first load.
export const DEMO_PACK_ID = 'glm-pocket-demo-q4';

/** Absolute URL of the demo pack folder on the app's own origin. */
export function demoPackUrl(): string {
  return new URL(`models/${DEMO_PACK_ID}/`, document.baseURI).href;
}
