// Browsers: keep a store in IndexedDB across reloads. `persistToIndexedDB` writes
// `store.snapshot()` into one record of one object store of the database it is given, on an
// interval, on `pagehide` and when the page becomes hidden; `restoreFromIndexedDB` reads it back
// (`InMemoryTaskStore.restore`). No rule of the store lives here.
//
// The database holds one object store, OBJECT_STORE, with one record under KEY:
// `{ snapshot: string, savedAt: number }` (`savedAt`: ms since the epoch, when it was written).
import * as glue from './wasm/mcp_task_store_wasm.mjs';
import { guarded } from './guard.mjs';

const OBJECT_STORE = 'mcp-task-store';
const KEY = 'snapshot';
const DEFAULT_INTERVAL_MS = 5000;
// setInterval's largest delay; a larger one would fire at once.
const MAX_INTERVAL_MS = 2 ** 31 - 1;

function codedError(message, code, ErrorClass, cause) {
  const error = cause === undefined ? new (ErrorClass || Error)(message) : new (ErrorClass || Error)(message, { cause });
  error.code = code;
  return error;
}

function describe(value) {
  if (typeof value === 'string') return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' || typeof value === 'function' ? `a ${typeof value}` : String(value);
}

function messageOf(error) {
  return error !== null && typeof error === 'object' && typeof error.message === 'string' ? error.message : String(error);
}

function checkName(name) {
  if (typeof name !== 'string' || name.length === 0) {
    throw codedError(`Invalid name: ${describe(name)} (expected the IndexedDB database's name, a non-empty string)`, -32602, TypeError);
  }
}

function indexedDBHere() {
  let idb;
  let cause;
  try {
    idb = globalThis.indexedDB; // some browsers throw here when storage is blocked
  } catch (error) {
    cause = error;
  }
  if (idb === undefined || idb === null) {
    const why = cause === undefined ? '' : `: ${messageOf(cause)}`;
    throw codedError(`IndexedDB is not available here${why} (a browser page or worker has it; in Node use persistToFile / restoreFromFile)`, -32603, Error, cause);
  }
  return idb;
}

/** Opens `name` (at `version`, or its current one), calling `upgrade(db)` on a version change. */
function open(idb, name, version, upgrade) {
  return new Promise((resolve, reject) => {
    const request = version === undefined ? idb.open(name) : idb.open(name, version);
    request.onupgradeneeded = () => upgrade(request.result);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** A connection to `name` that has OBJECT_STORE, creating the database or the object store if needed. */
async function openForSaving(idb, name) {
  const create = (db) => {
    if (!db.objectStoreNames.contains(OBJECT_STORE)) db.createObjectStore(OBJECT_STORE);
  };
  const db = await open(idb, name, undefined, create);
  if (db.objectStoreNames.contains(OBJECT_STORE)) return db;
  // The database exists without it: adding an object store takes a new version.
  const version = db.version + 1;
  db.close();
  return open(idb, name, version, create);
}

/** Writes `record` in one transaction; resolves once it has completed. */
function put(db, record) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(OBJECT_STORE, 'readwrite');
    tx.objectStore(OBJECT_STORE).put(record, KEY);
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new DOMException('The transaction was aborted', 'AbortError'));
    // Ask for the commit now rather than when the task ends: it matters on pagehide.
    if (typeof tx.commit === 'function') tx.commit();
  });
}

/**
 * Saves `store` to the IndexedDB database `options.name` every `options.intervalMs` (default 5000;
 * 0: no interval), on `pagehide`, and on `visibilitychange` when the document becomes hidden.
 * Returns `{ save(), stop() }`: `save()` writes the store as it is now and resolves once the
 * transaction has completed; `stop()` clears the interval and removes the listeners. What a
 * background save (interval, pagehide, hidden) fails with goes to `console.error`.
 */
export function persistToIndexedDB(store, options) {
  if (store === null || typeof store !== 'object' || typeof store.snapshot !== 'function') {
    throw codedError(`Invalid store: ${describe(store)} (expected an InMemoryTaskStore)`, -32602, TypeError);
  }
  if (options === null || typeof options !== 'object') {
    throw codedError(`Invalid options: ${describe(options)} (expected { name, intervalMs? })`, -32602, TypeError);
  }
  const { name } = options;
  checkName(name);
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  if (typeof intervalMs !== 'number' || !(intervalMs >= 0 && intervalMs <= MAX_INTERVAL_MS)) {
    throw codedError(`Invalid options.intervalMs: ${describe(intervalMs)} (expected milliseconds, 0 to ${MAX_INTERVAL_MS}; 0: no interval)`, -32602, typeof intervalMs === 'number' ? RangeError : TypeError);
  }
  const idb = indexedDBHere();

  // One connection while running, opened now so that a save on pagehide can start its
  // transaction at once (a page being unloaded does not wait for an open). After stop(), each
  // save() opens its own and closes it.
  let stopped = false;
  let shared = null;
  const connect = () => {
    if (stopped) return openForSaving(idb, name);
    if (shared === null) {
      const opening = openForSaving(idb, name).then((db) => {
        // Another connection wants to delete or upgrade the database: let it; the next save reopens.
        db.onversionchange = () => {
          db.close();
          if (shared === opening) shared = null;
        };
        db.onclose = () => {
          if (shared === opening) shared = null;
        };
        return db;
      });
      opening.catch(() => {
        if (shared === opening) shared = null; // the next save tries again
      });
      shared = opening;
    }
    return shared;
  };

  let inFlight = 0;
  const write = async (record) => {
    inFlight++;
    try {
      for (let attempt = 0; ; attempt++) {
        const ownConnection = stopped;
        const connecting = connect();
        const db = await connecting;
        try {
          return await put(db, record);
        } catch (error) {
          // The shared connection was closed under us (versionchange, stop()): once more on a new one.
          if (error && error.name === 'InvalidStateError' && attempt === 0) {
            if (shared === connecting) shared = null;
            continue;
          }
          throw error;
        } finally {
          if (ownConnection) db.close();
        }
      }
    } catch (error) {
      throw codedError(`Saving the task store to IndexedDB database ${JSON.stringify(name)} failed: ${messageOf(error)}`, -32603, Error, error);
    } finally {
      inFlight--;
    }
  };

  const save = () => {
    let record;
    try {
      record = { snapshot: store.snapshot(), savedAt: Date.now() };
    } catch (error) {
      return Promise.reject(error);
    }
    return write(record);
  };

  const background = (when) => {
    save().catch((error) => {
      console.error(`mcp-task-store-wasm: saving to IndexedDB database ${JSON.stringify(name)} ${when} failed:`, error);
    });
  };

  connect().catch(() => {}); // a failure here is reported by the first save
  // A save still running (a large store, a slow disk) is not queued behind by the interval.
  const timer = intervalMs > 0 ? setInterval(() => inFlight === 0 && background('on its interval'), intervalMs) : null;
  const target = typeof globalThis.addEventListener === 'function' ? globalThis : null;
  const doc = typeof document !== 'undefined' && document !== null && typeof document.addEventListener === 'function' ? document : null;
  const onPageHide = () => background('on pagehide');
  const onVisibilityChange = () => {
    if (doc.visibilityState === 'hidden') background('when the page was hidden');
  };
  if (target !== null) target.addEventListener('pagehide', onPageHide);
  if (doc !== null) doc.addEventListener('visibilitychange', onVisibilityChange);

  return {
    save,
    stop() {
      if (stopped) return;
      stopped = true;
      if (timer !== null) clearInterval(timer);
      if (target !== null) target.removeEventListener('pagehide', onPageHide);
      if (doc !== null) doc.removeEventListener('visibilitychange', onVisibilityChange);
      // Saves already started keep the connection until their transactions complete.
      const current = shared;
      shared = null;
      if (current !== null) current.then((db) => db.close(), () => {});
    },
  };
}

/** The record of database `name`, or `undefined` if there is no such database, object store or record. */
function readRecord(idb, name) {
  return new Promise((resolve, reject) => {
    let absent = false;
    const request = idb.open(name);
    request.onupgradeneeded = (event) => {
      // No such database: opening it would create it. Abort, so that reading leaves nothing behind.
      if (event.oldVersion === 0) {
        absent = true;
        request.transaction.abort();
      }
    };
    request.onerror = (event) => {
      if (absent) {
        event.preventDefault();
        resolve(undefined);
      } else {
        reject(request.error);
      }
    };
    request.onsuccess = () => {
      const db = request.result;
      try {
        if (!db.objectStoreNames.contains(OBJECT_STORE)) {
          db.close();
          resolve(undefined);
          return;
        }
        const tx = db.transaction(OBJECT_STORE, 'readonly');
        const get = tx.objectStore(OBJECT_STORE).get(KEY);
        tx.oncomplete = () => {
          db.close();
          resolve(get.result);
        };
        tx.onabort = () => {
          db.close();
          reject(tx.error ?? get.error);
        };
      } catch (error) {
        db.close();
        reject(error);
      }
    };
  });
}

/**
 * The store saved by `persistToIndexedDB` in database `name` (`InMemoryTaskStore.restore(snapshot,
 * options)`), or a new empty store (`new InMemoryTaskStore(options)`) if nothing was saved there.
 * A damaged record rejects with the store's error; it never gives an empty store silently.
 */
export async function restoreFromIndexedDB(name, options) {
  checkName(name);
  const idb = indexedDBHere();
  const { InMemoryTaskStore } = guarded(glue);
  let record;
  try {
    record = await readRecord(idb, name);
  } catch (error) {
    throw codedError(`Reading the task store from IndexedDB database ${JSON.stringify(name)} failed: ${messageOf(error)}`, -32603, Error, error);
  }
  if (record === undefined) return new InMemoryTaskStore(options);
  if (record === null || typeof record !== 'object' || typeof record.snapshot !== 'string') {
    throw codedError(`Invalid record in IndexedDB database ${JSON.stringify(name)}: ${describe(record)} (expected { snapshot: string, savedAt: number }, as persistToIndexedDB writes)`, -32602, TypeError);
  }
  return InMemoryTaskStore.restore(record.snapshot, options);
}

function nodeOnly(name, instead) {
  return codedError(`${name} is for Node; in browsers use ${instead}`, -32603);
}

/** Node only (the Node entry has the real one): throws an `Error` (code -32603) here. */
export function persistToFile(_store, _path, _options) {
  throw nodeOnly('persistToFile', 'persistToIndexedDB');
}

/** Node only (the Node entry has the real one): rejects with an `Error` (code -32603) here. */
export async function restoreFromFile(_path, _options) {
  throw nodeOnly('restoreFromFile', 'restoreFromIndexedDB');
}
