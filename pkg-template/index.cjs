'use strict';
// Node, CommonJS: the wasm module is compiled synchronously on first require.
const wasm = require('./wasm/mcp_task_store_wasm.cjs');

exports.InMemoryTaskStore = wasm.InMemoryTaskStore;
exports.InMemoryTaskMessageQueue = wasm.InMemoryTaskMessageQueue;
