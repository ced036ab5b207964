// mcp-task-store-wasm/init, outside Node: an entry without top-level await that loads nothing
// until asked, for runtimes that forbid top-level await (service workers, extension service
// workers, esbuild's iife) or compiling WebAssembly from bytes (Cloudflare Workers: pass the
// module your bundler makes of 'mcp-task-store-wasm/wasm' to initSync).
//
//   import { init, InMemoryTaskStore } from 'mcp-task-store-wasm/init';
//   await init(); // fetches wasm/mcp_task_store_wasm_bg.wasm beside this file
import { loadModule } from './web.mjs';

export { InMemoryTaskStore, InMemoryTaskMessageQueue, cancelTask, runTask, initSync } from './web.mjs';
export { persistToIndexedDB, restoreFromIndexedDB, persistToFile, restoreFromFile } from './web.mjs';

/**
 * Loads the module, by default from the .wasm file beside this one (a literal `new URL(…,
 * import.meta.url)`, which Vite, webpack and Parcel turn into an emitted asset). Resolves once
 * the classes are usable; later calls resolve at once.
 */
export async function init(input) {
  await loadModule(input ?? new URL('./wasm/mcp_task_store_wasm_bg.wasm', import.meta.url));
}
