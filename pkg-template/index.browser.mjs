// Browsers (with or without a bundler): the wasm module is fetched and compiled before this
// module finishes loading (top-level await), so the classes are usable right after import.
import init, * as glue from './wasm/mcp_task_store_wasm.mjs';
import { guarded } from './guard.mjs';

await init({ module_or_path: new URL('./wasm/mcp_task_store_wasm_bg.wasm', import.meta.url) });

export const { InMemoryTaskStore, InMemoryTaskMessageQueue } = guarded(glue);
export { cancelTask, runTask } from './tasks.mjs';
