// The classes over wasm-bindgen's `web` glue, and the two ways to load the module into it. No
// top-level await and no `import.meta` here: the entries decide where the module comes from
// (index.browser.mjs and init.mjs: fetched beside them; inline.mjs: inlined bytes; a Workers
// user: the module their bundler compiled).
import load, * as glue from './wasm/mcp_task_store_wasm.mjs';
import { guarded } from './guard.mjs';

export const { InMemoryTaskStore, InMemoryTaskMessageQueue } = guarded(glue);
export { cancelTask, runTask } from './tasks.mjs';
export { persistToIndexedDB, restoreFromIndexedDB, persistToFile, restoreFromFile } from './persist-browser.mjs';

/** Loads the module (once; later calls do nothing) from a URL, a Response, bytes or a WebAssembly.Module. */
export async function loadModule(input) {
  await load({ module_or_path: input });
}

/** `initSync({ module })` (or the module alone): module is a WebAssembly.Module or its bytes. */
export function initSync(options) {
  const module = options !== null && typeof options === 'object' && Object.getPrototypeOf(options) === Object.prototype
    ? options.module
    : options;
  glue.initSync({ module });
}
