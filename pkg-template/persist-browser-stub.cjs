'use strict';
// Node (and Deno, Bun through the Node entry): the IndexedDB helpers exist under the same names
// as in browsers, so code written for both loads everywhere, but they only say where to look.
// In Node a store is kept in a file: persistToFile / restoreFromFile (persist-node.cjs).

function browserOnly(name, instead) {
  const error = new Error(`${name} is for browsers; in Node use ${instead}`);
  error.code = -32603;
  return error;
}

/** Browsers only: throws an `Error` (code -32603) in Node. */
function persistToIndexedDB(_store, _options) {
  throw browserOnly('persistToIndexedDB', 'persistToFile');
}

/** Browsers only: rejects with an `Error` (code -32603) in Node. */
async function restoreFromIndexedDB(_name, _options) {
  throw browserOnly('restoreFromIndexedDB', 'restoreFromFile');
}

exports.persistToIndexedDB = persistToIndexedDB;
exports.restoreFromIndexedDB = restoreFromIndexedDB;
