// Browsers (with or without a bundler): the wasm module is fetched and compiled before this
// module finishes loading (top-level await), so the classes are usable right after import.
// Runtimes without top-level await use mcp-task-store-wasm/init (or /inline) instead.
import { init } from './init.mjs';

await init();

export { InMemoryTaskStore, InMemoryTaskMessageQueue, cancelTask, runTask } from './web.mjs';
export { persistToIndexedDB, restoreFromIndexedDB, persistToFile, restoreFromFile } from './web.mjs';
