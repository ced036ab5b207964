'use strict';
// Node, CommonJS: the wasm module is compiled synchronously on first require.
const wasm = require('./node/mcp_task_store_wasm.js');

exports.InMemoryTaskStore = wasm.InMemoryTaskStore;
exports.InMemoryTaskMessageQueue = wasm.InMemoryTaskMessageQueue;
