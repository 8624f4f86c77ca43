// Svelte: TypeScript in components through Vite's preprocessing.
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

export default { preprocess: vitePreprocess() };
