// Node, ES modules: the same instance as `require` gives, so ESM and CJS users share one
// module (no dual-package hazard).
import { createRequire } from 'node:module';

const wasm = createRequire(import.meta.url)('./wasm/mcp_task_store_wasm.cjs');

export const InMemoryTaskStore = wasm.InMemoryTaskStore;
export const InMemoryTaskMessageQueue = wasm.InMemoryTaskMessageQueue;
