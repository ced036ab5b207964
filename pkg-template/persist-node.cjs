'use strict';
// Node: keep a store in a file across restarts. `persistToFile` writes `store.snapshot()`
// atomically (a temporary file beside it, fsync, rename, fsync of the directory), on an
// interval and, when asked, on SIGTERM / SIGINT before the process ends; `restoreFromFile`
// reads it back (`InMemoryTaskStore.restore`). No rule of the store lives here.
// `process.getBuiltinModule` (Node 20.16 on) rather than `require`, so the helpers also work
// in an ES module bundle (esbuild, tsup, rollup), where `require` of a builtin is not there.
const hasBuiltin = typeof process.getBuiltinModule === 'function';
const fs = hasBuiltin ? process.getBuiltinModule('node:fs') : require('node:fs');
const path = hasBuiltin ? process.getBuiltinModule('node:path') : require('node:path');

function codedError(message, code, ErrorClass) {
  const error = new (ErrorClass || Error)(message);
  error.code = code;
  return error;
}

function checkPath(file) {
  if (typeof file !== 'string' || file.length === 0) {
    throw codedError(`Invalid path: ${JSON.stringify(file)} (expected a non-empty string)`, -32602, TypeError);
  }
}

/** Writes `text` to `file` so that a crash leaves either the old file or the new one, whole. */
function writeAtomically(file, text) {
  const dir = path.dirname(path.resolve(file));
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    const fd = fs.openSync(temp, 'w', 0o600);
    try {
      fs.writeFileSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
  } catch (error) {
    try {
      fs.unlinkSync(temp);
    } catch {
      // Not there (the open failed).
    }
    throw error;
  }
  try {
    const dirFd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dirFd);
    } finally {
      fs.closeSync(dirFd);
    }
  } catch {
    // Some file systems cannot fsync a directory; the rename is done either way.
  }
}

function signalsOf(option) {
  if (option === undefined || option === false) return [];
  if (option === true) return ['SIGTERM', 'SIGINT'];
  if (Array.isArray(option) && option.every((s) => typeof s === 'string')) return option;
  throw codedError('Invalid options.signals (expected true, false or an array of signal names)', -32602, TypeError);
}

/**
 * Saves `store` to `file` every `intervalMs` (default 5000; 0 = only on demand) and, with
 * `signals` (true = SIGTERM and SIGINT), when the process receives one, before it ends as it
 * would have. Returns `{ save(), stop() }`: `save()` writes now (synchronously, atomically);
 * `stop()` ends the interval and the signal handling.
 */
function persistToFile(store, file, options) {
  checkPath(file);
  const opts = options ?? {};
  if (typeof opts !== 'object') throw codedError('Invalid options (expected an object)', -32602, TypeError);
  const intervalMs = opts.intervalMs ?? 5000;
  // setInterval treats a delay below 1 ms or above 2^31 - 1 ms as 1 ms: refuse both.
  if (typeof intervalMs !== 'number' || !(intervalMs === 0 || (intervalMs >= 1 && intervalMs <= 2_147_483_647))) {
    throw codedError(`Invalid options.intervalMs: ${intervalMs} (expected 0, or 1 to 2147483647 milliseconds)`, -32602, RangeError);
  }
  const signals = signalsOf(opts.signals);
  const save = () => writeAtomically(file, store.snapshot());
  let timer = null;
  if (intervalMs > 0) {
    timer = setInterval(() => {
      try {
        save();
      } catch (error) {
        console.error(`mcp-task-store-wasm: saving to ${file} failed:`, error);
      }
    }, intervalMs);
    timer.unref();
  }
  const handlers = signals.map((signal) => {
    const handler = () => {
      try {
        save();
      } catch (error) {
        console.error(`mcp-task-store-wasm: saving to ${file} on ${signal} failed:`, error);
      }
      process.removeListener(signal, handler);
      // Nobody else handles it: end as the signal would have without us.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, handler);
    return [signal, handler];
  });
  return {
    save,
    stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      for (const [signal, handler] of handlers) process.removeListener(signal, handler);
      handlers.length = 0;
    },
  };
}

/**
 * The store saved in `file` (`InMemoryTaskStore.restore(text, options)`), or a new empty
 * store if there is no such file. An unreadable or damaged file rejects; it never gives an
 * empty store silently.
 */
async function restoreFromFile(InMemoryTaskStore, file, options) {
  checkPath(file);
  let text;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (error) {
    if (error && error.code === 'ENOENT') return new InMemoryTaskStore(options);
    throw codedError(`Cannot read ${file}: ${error && error.message}`, -32603);
  }
  return InMemoryTaskStore.restore(text, options);
}

/** The helpers, over the store class of the entry that loads them (no require cycle). */
exports.fileHelpers = function fileHelpers(InMemoryTaskStore) {
  return {
    persistToFile,
    restoreFromFile: (file, options) => restoreFromFile(InMemoryTaskStore, file, options),
  };
};
