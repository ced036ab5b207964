/**
 * `mcp-task-store-wasm/wasm`, required: the package's WebAssembly module file. Where `.wasm` files load
 * as compiled modules (Cloudflare Workers / wrangler), pass it to `initSync({ module })` from
 * `mcp-task-store-wasm/init`. (Node itself does not load .wasm files with require.)
 */
declare const module: import('./init.cjs').WasmModule;
export = module;
