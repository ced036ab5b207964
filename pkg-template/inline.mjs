// mcp-task-store-wasm/inline, outside Node: the module's bytes are inlined (base64) and
// compiled synchronously at import. No .wasm file to serve or copy, no top-level await, no
// init(): for bundlers that do not emit the .wasm referenced by `new URL(…, import.meta.url)`
// (esbuild), iife bundles, and workers. Costs a third more bytes than the .wasm and gives up
// streaming compilation; not for runtimes that forbid compiling from bytes (Cloudflare Workers).
import { initSync } from './web.mjs';
import { base64 } from './wasm/mcp_task_store_wasm_bg.base64.mjs';

function decode(text) {
  if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

initSync({ module: decode(base64) });

export { InMemoryTaskStore, InMemoryTaskMessageQueue, cancelTask, runTask } from './web.mjs';
export { persistToIndexedDB, restoreFromIndexedDB, persistToFile, restoreFromFile } from './web.mjs';
