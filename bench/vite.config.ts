// Builds the benchmark page (bench/page) to dist-bench/: GLM Pocket's engine worker and transformers.js.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'bench/page',
  base: './',
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: { outDir: '../../dist-bench', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 8192 },
});
