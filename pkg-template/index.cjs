'use strict';
// Node, CommonJS: the wasm module is compiled synchronously on first require.
const { guarded } = require('./guard.cjs');
const tasks = require('./tasks.cjs');

const classes = guarded(require('./wasm/mcp_task_store_wasm.cjs'));

exports.InMemoryTaskStore = classes.InMemoryTaskStore;
exports.InMemoryTaskMessageQueue = classes.InMemoryTaskMessageQueue;
exports.cancelTask = tasks.cancelTask;
exports.runTask = tasks.runTask;
