/**
 * `mcp-task-store-wasm/wasm`: the package's WebAssembly module file. Where `.wasm` imports give a
 * compiled module (Cloudflare Workers / wrangler), pass it to `initSync({ module })` from
 * `mcp-task-store-wasm/init`.
 */
declare const module: import('./init.js').WasmModule;
export default module;
