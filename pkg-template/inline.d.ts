/**
 * `mcp-task-store-wasm/inline`: the main entry's exports, with the WebAssembly module inlined in the
 * JavaScript and compiled synchronously at import (no .wasm file to serve, no top-level await). For
 * bundlers that do not emit the .wasm file (esbuild) and iife bundles. In Node, Deno and Bun it is the
 * main entry.
 */
export * from './index.js';
