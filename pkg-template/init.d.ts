/**
 * `mcp-task-store-wasm/init`: the package's classes and helpers, from an entry without top-level
 * await that loads the WebAssembly module only when asked: `await init()`, or `initSync({ module })`
 * where compiling from bytes is forbidden (Cloudflare Workers: the module your bundler makes of
 * `mcp-task-store-wasm/wasm`). Constructing a class before then throws. In Node, Deno and Bun the
 * module is already loaded (the same instance as the main entry) and both functions do nothing.
 *
 * @example
 * ```ts
 * import { init, InMemoryTaskStore } from 'mcp-task-store-wasm/init';
 * await init(); // fetches the .wasm beside the package's files
 * const taskStore = new InMemoryTaskStore();
 * ```
 */
export * from './index.js';

/**
 * A compiled WebAssembly module: `WebAssembly.Module` where the TypeScript lib declares it (`DOM`, `WebWorker`),
 * any object elsewhere (Node's own types do not declare `WebAssembly`).
 */
export type WasmModule = typeof globalThis extends { WebAssembly: { Module: abstract new (...args: never) => infer M } } ? M : object;

/** A place to fetch the module from, a fetch of it, its bytes, or the compiled module. */
export type InitInput = string | URL | Request | Response | ArrayBuffer | ArrayBufferView | WasmModule;

/**
 * Loads the module: by default fetched from the package's `wasm/mcp_task_store_wasm_bg.wasm` (beside this
 * entry; bundlers that handle `new URL(…, import.meta.url)` emit it). Resolves once the classes are usable;
 * once loaded, later calls resolve at once.
 */
export function init(input?: InitInput | PromiseLike<InitInput>): Promise<void>;

/** Loads the module synchronously from the compiled module (or its bytes). Once loaded, later calls do nothing. */
export function initSync(options: { module: WasmModule | ArrayBuffer | ArrayBufferView } | WasmModule | ArrayBuffer | ArrayBufferView): void;
