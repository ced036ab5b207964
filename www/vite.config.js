// Vite builds the browser demo (www/: index.html, the Tasks utility on SDK 1.32, and extension.html,
// the 2026-07-28 Tasks extension) into www/dist/: `make www`, or `node scripts/www.mjs build`.
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';

const NODE_ONLY = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);

/** Fails the build when anything in the page's graph imports a Node builtin (instead of Vite's silent empty stub). */
const noNodeModules = {
  name: 'www-no-node-modules',
  enforce: 'pre',
  resolveId(id, importer) {
    if (NODE_ONLY.has(id)) this.error(`a Node-only module reached the browser bundle: ${id} (imported by ${importer})`);
    return null;
  },
};

export default {
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  publicDir: false,
  logLevel: 'warn',
  plugins: [noNodeModules],
  build: {
    outDir: fileURLToPath(new URL('./dist/', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // The store's .wasm stays a file of its own (fetched once, compiled while streaming).
    assetsInlineLimit: 0,
    rolldownOptions: {
      input: {
        main: fileURLToPath(new URL('./index.html', import.meta.url)),
        extension: fileURLToPath(new URL('./extension.html', import.meta.url)),
      },
    },
  },
};
