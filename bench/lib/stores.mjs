// Loading the two stores under test, each the way a user of it would import it.
//
// Ours is imported by its package name, or, when BENCH_PKG_DIR is set (bench/run.mjs sets
// it to a copy of pkg/ taken when the run starts, so a rebuild during a long run cannot
// change or break what is measured), through the Node entry named in that copy's
// package.json.
//
// Our package keeps its wasm instance private, so to read the size of its linear memory
// we watch `new WebAssembly.Instance(...)` while the package loads (its Node glue
// instantiates synchronously on first import) and keep the instance's exported memory.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** How each store is imported (also used by the cold-start and size measurements). */
export const SPECIFIERS = Object.freeze({
  ours: 'mcp-task-store-wasm',
  sdk: '@modelcontextprotocol/sdk/experimental/tasks/stores/in-memory.js',
});

/** The specifier that imports our store: the package name, or BENCH_PKG_DIR's Node entry. */
export function ourSpecifier() {
  const dir = process.env.BENCH_PKG_DIR;
  return dir ? packageEntry(dir) : SPECIFIERS.ours;
}

/**
 * The specifier of the store ours is compared with: the SDK's, or with BENCH_BASELINE_DIR
 * set (`bench/run.mjs --baseline=DIR`), the Node entry of an earlier build of this package,
 * to see what a change costs.
 */
export function otherSpecifier() {
  const dir = process.env.BENCH_BASELINE_DIR;
  return dir ? packageEntry(dir) : SPECIFIERS.sdk;
}

/** Whether ours is compared with an earlier build of itself rather than the SDK's store. */
export const againstBaseline = () => Boolean(process.env.BENCH_BASELINE_DIR);

/** The Node ESM entry of a built package directory, as a file URL. */
function packageEntry(dir) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const dot = manifest.exports['.'];
  // A condition's target is a path, or an object of nested conditions ({ types, default }).
  const target = (t) => (typeof t === 'string' || t === undefined ? t : t.default);
  return pathToFileURL(join(dir, target(dot.node?.import) ?? target(dot.import) ?? manifest.main)).href;
}

/** Display names (the other store is the SDK's, or a baseline build of ours). */
export function labels() {
  return againstBaseline()
    ? { ours: 'ours (wasm)', sdk: 'baseline (wasm)', short: 'baseline' }
    : { ours: 'ours (wasm)', sdk: 'SDK (TS)', short: 'SDK' };
}

/**
 * Imports one store. Resolves to `{ name, create, wasmMemory }`: `create()` makes a fresh
 * store with default settings (page size 10 and poll interval 1000 ms for both; ours
 * keeps its default minimum ttl, below the ttl the workload asks for, and has its task
 * limits lifted), and `wasmMemory`
 * is a wasm build's `WebAssembly.Memory` (null for the SDK's store). `sdk` names the other
 * store: the SDK's, or the baseline build.
 */
export async function loadStore(name) {
  if (name === 'sdk' && !againstBaseline()) {
    const { InMemoryTaskStore } = await import(SPECIFIERS.sdk);
    return { name, create: () => new InMemoryTaskStore(), wasmMemory: null };
  }
  if (name !== 'ours' && name !== 'sdk') throw new Error(`unknown store ${name}`);
  const memories = [];
  const Original = WebAssembly.Instance;
  WebAssembly.Instance = class extends Original {
    constructor(module, imports) {
      super(module, imports);
      if (this.exports.memory instanceof WebAssembly.Memory) memories.push(this.exports.memory);
    }
  };
  let mod;
  try {
    mod = await import(name === 'ours' ? ourSpecifier() : otherSpecifier());
  } finally {
    WebAssembly.Instance = Original;
  }
  const { InMemoryTaskStore } = mod;
  // The task limits lifted (the SDK's store has none): 1M tasks over 4 sessions is more than
  // the default maxTasksPerSession.
  const options = { maxTasks: Infinity, maxTasksPerSession: Infinity };
  return { name, create: () => new InMemoryTaskStore(options), wasmMemory: memories[0] ?? null };
}

/** Frees a store's resources once it is done with: cleanup(), and for ours the wasm object. */
export function dispose(store) {
  store.cleanup();
  if (typeof store.free === 'function') store.free();
}
