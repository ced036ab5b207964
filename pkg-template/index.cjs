'use strict';
// Node, CommonJS: the wasm module is compiled synchronously on first require.

// V8 before 12 (Node 20) can abort the process ("Fatal error … unreachable code" in
// Deoptimizer::DoComputeBuiltinContinuation, SIGTRAP) when an optimized function that called
// into WebAssembly is deoptimized while that call runs (JS run from the call, a status listener
// say, invalidated what it assumed) and the call returns a reference (a Promise, an object).
// Not inlining JS-to-wasm calls into optimized code avoids it; it costs calls into any wasm
// module of the process a little. Newer V8 (Node 22 on) has no such bug and is left alone.
if (Number.parseInt(String(process.versions.v8), 10) < 12) {
  try {
    // Not `require`: an ES module bundle of this file has none for builtins.
    const v8 = typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule('node:v8') : require('node:v8');
    v8.setFlagsFromString('--no-turbo-inline-js-wasm-calls');
  } catch {
    // A runtime without the flag: nothing to work around.
  }
}
const { guarded } = require('./guard.cjs');
const tasks = require('./tasks.cjs');

const classes = guarded(require('./wasm/mcp_task_store_wasm.cjs'));

exports.InMemoryTaskStore = classes.InMemoryTaskStore;
exports.InMemoryTaskMessageQueue = classes.InMemoryTaskMessageQueue;
exports.cancelTask = tasks.cancelTask;
exports.runTask = tasks.runTask;
Object.assign(exports, require('./persist-node.cjs').fileHelpers(classes.InMemoryTaskStore));
Object.assign(exports, require('./persist-browser-stub.cjs'));
