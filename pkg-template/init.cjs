'use strict';
// mcp-task-store-wasm/init in Node (and Deno, Bun): the module is loaded when the package is
// (index.cjs, synchronously), so init() and initSync() have nothing left to do; they exist so
// that code written for every runtime runs here unchanged, on the same instance as the main entry.
const main = require('./index.cjs');

exports.InMemoryTaskStore = main.InMemoryTaskStore;
exports.InMemoryTaskMessageQueue = main.InMemoryTaskMessageQueue;
exports.cancelTask = main.cancelTask;
exports.runTask = main.runTask;
exports.persistToFile = main.persistToFile;
exports.restoreFromFile = main.restoreFromFile;
exports.persistToIndexedDB = main.persistToIndexedDB;
exports.restoreFromIndexedDB = main.restoreFromIndexedDB;
exports.init = async function init(_input) {};
exports.initSync = function initSync(_options) {};
