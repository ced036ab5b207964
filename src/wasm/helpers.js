// JS helpers the wasm binding imports: work that would otherwise cross the JS/wasm
// boundary once per property or per field. No rule of the task store lives here; what
// state there is (the reason for the last failed copy, the last formatted second) is a
// cache of the current call. Every function here returns normally: an exception thrown
// through wasm frames would leave the store mid-call.

const PLAIN = Object.prototype;
const MAX_DEPTH = 64;

// Why the last copyJson failed: { path, value, rule, range, unreadable } (`range`: the
// value has the right type but not an allowed value; `unreadable`: reading it threw).
let failure = null;
// Where the walk is reading, for an exception thrown by a getter or a Proxy.
let reading = '';
// The length of the JSON text of the last copy (escapes not counted).
let bytes = 0;

function fail(path, value, rule, kind) {
  failure = { path, value, rule, range: kind === 'range', unreadable: kind === 'read' };
  return undefined;
}

const OMIT = Symbol('omit');

/**
 * The JSON value `value` (at `path`) stands for, copied, as `JSON.stringify` would carry it:
 * `toJSON` is called (a `Date` becomes its ISO string), boxed primitives are unboxed,
 * non-finite numbers become `null`, an object's own enumerable string keys are copied (of
 * any class), and `undefined`, functions and symbols are left out of objects (`OMIT`) and
 * become `null` in arrays. What JSON cannot carry at all (a bigint, a cycle) and nesting
 * deeper than MAX_DEPTH fail with the path (`undefined`).
 */
function copyValue(value, key, path, ancestors) {
  if ((typeof value === 'object' && value !== null) || typeof value === 'bigint') {
    reading = path;
    const toJSON = value.toJSON;
    if (typeof toJSON === 'function') value = toJSON.call(value, key);
  }
  switch (typeof value) {
    case 'string':
      bytes += value.length + 2;
      return value;
    case 'boolean':
      bytes += 5;
      return value;
    case 'number':
      if (!Number.isFinite(value)) {
        bytes += 4;
        return null;
      }
      bytes += `${value}`.length;
      return value;
    case 'bigint':
      return fail(path, value, 'expected a JSON value; JSON cannot carry a bigint', 'type');
    case 'object':
      break;
    default:
      return OMIT;
  }
  if (value === null) {
    bytes += 4;
    return null;
  }
  if (value instanceof Number) return copyValue(Number(value), key, path, ancestors);
  if (value instanceof String) return copyValue(String(value), key, path, ancestors);
  if (value instanceof Boolean) return copyValue(value.valueOf(), key, path, ancestors);
  if (ancestors.includes(value)) {
    return fail(path, value, 'expected a JSON value without cycles; it contains itself', 'type');
  }
  if (ancestors.length >= MAX_DEPTH) {
    return fail(path, value, `expected at most ${MAX_DEPTH} levels of nesting`, 'type');
  }
  ancestors.push(value);
  reading = path;
  bytes += 2;
  let out;
  if (Array.isArray(value)) {
    const length = value.length;
    out = new Array(length);
    for (let i = 0; i < length; i++) {
      const at = `${path}[${i}]`;
      reading = at;
      const copy = copyValue(value[i], String(i), at, ancestors);
      if (copy === undefined) return undefined;
      if (copy === OMIT) bytes += 4;
      bytes += 1;
      out[i] = copy === OMIT ? null : copy;
    }
  } else {
    out = {};
    for (const name of Object.keys(value)) {
      const at = `${path}.${name}`;
      reading = at;
      const copy = copyValue(value[name], name, at, ancestors);
      if (copy === undefined) return undefined;
      if (copy === OMIT) continue;
      bytes += name.length + 4;
      if (name === '__proto__') {
        Object.defineProperty(out, name, { value: copy, enumerable: true, writable: true, configurable: true });
      } else {
        out[name] = copy;
      }
    }
  }
  ancestors.pop();
  return out;
}

function messageOf(thrown) {
  try {
    const message = typeof thrown === 'object' && thrown !== null ? thrown.message : thrown;
    return String(message).slice(0, 120);
  } catch {
    return 'an exception';
  }
}

/**
 * A deep copy of what `value` is in JSON (see `copyValue`); it must be a
 * JSON object. `undefined` if it is not, if JSON cannot carry it, or if reading it threw (a
 * getter, a Proxy): see `jsonFailure`. Never throws.
 */
export function copyJson(value, name) {
  failure = null;
  reading = name;
  bytes = 0;
  try {
    const copy = copyValue(value, '', name, []);
    if (copy === undefined) return undefined;
    if (typeof copy !== 'object' || copy === null || Array.isArray(copy)) {
      return fail(name, value, 'expected a JSON object', 'type');
    }
    return copy;
  } catch (thrown) {
    return fail(reading, undefined, `expected a readable value; reading it threw: ${messageOf(thrown)}`, 'read');
  }
}

/**
 * A deep copy of a JSON value the store already holds (checked when stored), for a caller
 * to own: a stored result is handed out as a fresh copy on every read.
 */
export function cloneJson(value) {
  try {
    return typeof value === 'object' && value !== null ? cloneValue(value) : value;
  } catch {
    // Cannot happen for what the store holds (checked JSON, at most 64 levels); never throw
    // through wasm frames.
    return value;
  }
}

// What the store holds is checked JSON: plain objects (own enumerable string keys, data
// properties only), arrays and primitives. A spread or `slice` copies one level (V8 does it
// in one step, from the source's shape); the objects and arrays in it are then copied in
// turn. An own `__proto__` key is defined, never assigned (which would set the prototype).
const hasOwn = Object.prototype.hasOwnProperty;
function cloneValue(value) {
  if (Array.isArray(value)) {
    const out = value.slice();
    for (let i = 0; i < out.length; i++) {
      const item = out[i];
      if (typeof item === 'object' && item !== null) out[i] = cloneValue(item);
    }
    return out;
  }
  const out = { ...value };
  for (const name in out) {
    const item = out[name];
    if (typeof item !== 'object' || item === null || !hasOwn.call(out, name)) continue;
    if (name === '__proto__') {
      Object.defineProperty(out, name, { value: cloneValue(item), enumerable: true, writable: true, configurable: true });
    } else {
      out[name] = cloneValue(item);
    }
  }
  return out;
}

/** About how many bytes the JSON text of the last `copyJson`'s value takes. */
export function jsonBytes() {
  return bytes;
}

/** Why the last `copyJson` returned `undefined`. */
export function jsonFailure() {
  return failure;
}

// Captured at load: formatting a given instant must not depend on fake timers installed later.
const RealDate = Date;
const toISOString = Date.prototype.toISOString;
// `toISOString` costs about a microsecond; timestamps come in bursts within one second, so
// the `YYYY-MM-DDTHH:MM:SS.` part of the last second is kept and the milliseconds appended.
let lastSecond = NaN;
let lastPrefix = '';
function iso(ms) {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastPrefix = toISOString.call(new RealDate(second * 1000)).slice(0, 20);
    lastSecond = second;
  }
  const milli = ms - second * 1000;
  return `${lastPrefix}${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

/**
 * The wire Task object, fields in the spec's order; `statusMessage` only when set.
 * `createdAt` comes made (once per task); `lastUpdatedAt` arrives as milliseconds and is
 * formatted here, which is cheaper than decoding a string out of wasm memory.
 */
export function makeTask(taskId, status, statusMessage, createdAt, createdMs, lastUpdatedMs, ttl, pollInterval) {
  const lastUpdatedAt = lastUpdatedMs === createdMs ? createdAt : iso(lastUpdatedMs);
  return statusMessage === undefined
    ? { taskId, status, createdAt, lastUpdatedAt, ttl, pollInterval }
    : { taskId, status, statusMessage, createdAt, lastUpdatedAt, ttl, pollInterval };
}

// The spec's status names, in the order of the core's ALL_STATUSES.
const STATUSES = ['working', 'input_required', 'completed', 'failed', 'cancelled'];

/** The place of a status name in STATUSES: -1 for another string, -2 for a non-string. */
export function statusIndex(value) {
  return typeof value === 'string' ? STATUSES.indexOf(value) : -2;
}

/** The number `map` holds for `key`, or -1 (the binding's maps hold slot numbers). */
export function numberAt(map, key) {
  const n = map.get(key);
  return n === undefined ? -1 : n;
}

/** An instant as an ISO 8601 string. */
export function isoTime(ms) {
  return iso(ms);
}

/** `Date.now()`, read from the global at call time (fake timers count); NaN if it throws. */
export function now() {
  try {
    const ms = Date.now();
    return typeof ms === 'number' ? ms : NaN;
  } catch {
    return NaN;
  }
}

/** A shallow copy of `task` (callers may mutate what they get). */
export function shallowCopy(task) {
  return { ...task };
}

/** A Promise of `{ tasks, nextCursor? }` (each Task made for this page). */
export function resolvePage(tasks, nextCursor) {
  return Promise.resolve(nextCursor === undefined ? { tasks } : { tasks, nextCursor });
}

// A lone surrogate (an unpaired U+D800–U+DFFF).
// `String.prototype.isWellFormed` (Node 20, browsers of 2023 on) is several times faster
// than the expression, which older engines use.
const HAS_WELL_FORMED = typeof String.prototype.isWellFormed === 'function';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether `value` is a string that survives the trip into wasm memory unchanged: strings
 * cross as UTF-8, where a lone surrogate becomes U+FFFD, so 'A\uD800' and 'A\uFFFD' would
 * arrive as the same text. -1 for a non-string, 0 for a string with a lone surrogate, 1 for a
 * well-formed string.
 */
export function wellFormed(value) {
  if (typeof value !== 'string') return -1;
  if (HAS_WELL_FORMED) return value.isWellFormed() ? 1 : 0;
  return LONE_SURROGATE.test(value) ? 0 : 1;
}

// ---- Events and waits: the JS side of `events.rs` (objects, Promises, iterators). ----

const EVENT_TYPES = ['created', 'status', 'result', 'removed'];
const REASONS = ['expired', 'deleted', 'cleared'];

/** A frozen event `{ type, task, reason? }` with a frozen copy of `task`. */
export function makeEvent(kind, task, reason) {
  const type = EVENT_TYPES[kind];
  const copy = Object.freeze({ ...task });
  return Object.freeze(kind === 3 ? { type, task: copy, reason: REASONS[reason] } : { type, task: copy });
}

function report(onError, error, event) {
  try {
    if (typeof onError === 'function') {
      onError(error, event);
    } else {
      console.error('mcp-task-store-wasm: an onStatusChange listener failed:', error);
    }
  } catch (thrown) {
    try {
      console.error('mcp-task-store-wasm: onListenerError threw:', thrown);
    } catch {
      // Nowhere left to report to.
    }
  }
}

/** Calls a listener; a throw or a rejected Promise goes to `onError`. Never throws. */
export function callListener(listener, event, onError) {
  try {
    const out = listener.call(undefined, event);
    if (out !== null && (typeof out === 'object' || typeof out === 'function') && typeof out.then === 'function') {
      out.then(undefined, (error) => report(onError, error, event));
    }
  } catch (error) {
    report(onError, error, event);
  }
}

/** Calls `settle(value)` and then `off()` (removing an abort listener). Never throws. */
export function settleWith(settle, value, off) {
  try {
    settle(value);
  } catch {
    // A Promise's resolve/reject does not throw.
  }
  if (typeof off === 'function') {
    try {
      off();
    } catch {
      // Nothing to undo.
    }
  }
}

/** An Error with a JSON-RPC `code`, and `name` / `reason` when given. */
export function codedError(message, code, name, reason) {
  const error = new Error(message);
  if (name !== undefined) error.name = name;
  error.code = code;
  if (reason !== undefined) error.reason = reason;
  return error;
}

/** -1: not an AbortSignal; 0: a signal not aborted; 1: an aborted one. Never throws. */
export function signalState(value) {
  try {
    if (typeof value !== 'object' || value === null) return -1;
    if (typeof value.aborted !== 'boolean' || typeof value.addEventListener !== 'function'
        || typeof value.removeEventListener !== 'function') {
      return -1;
    }
    return value.aborted ? 1 : 0;
  } catch {
    return -1;
  }
}

/** `signal.reason`, or an AbortError if reading it throws. */
export function abortReason(signal) {
  try {
    return signal.reason;
  } catch {
    return codedError('The operation was aborted', -32603, 'AbortError');
  }
}

// The waits listening to each signal: signal → { listener, waits: Map(control → Set(key)) }.
// One `abort` listener per signal however many waits share it (Node warns past 10).
const abortWaits = new WeakMap();

/**
 * Makes `control(1, key, signal.reason)` run when `signal` aborts; returns the function that
 * stops that. Never throws (returns undefined if the signal refuses the listener).
 */
export function onAbort(signal, control, key) {
  try {
    let entry = abortWaits.get(signal);
    if (entry === undefined) {
      const waits = new Map();
      const listener = () => {
        abortWaits.delete(signal);
        const reason = abortReason(signal);
        for (const [each, keys] of waits) {
          for (const k of keys) each(1, k, reason);
        }
      };
      signal.addEventListener('abort', listener, { once: true });
      entry = { listener, waits };
      abortWaits.set(signal, entry);
    }
    let keys = entry.waits.get(control);
    if (keys === undefined) {
      keys = new Set();
      entry.waits.set(control, keys);
    }
    keys.add(key);
    return () => {
      keys.delete(key);
      if (keys.size > 0) return;
      entry.waits.delete(control);
      if (entry.waits.size > 0 || abortWaits.get(signal) !== entry) return;
      abortWaits.delete(signal);
      signal.removeEventListener('abort', entry.listener);
    };
  } catch {
    return undefined;
  }
}

/** The unsubscribe function of listener `key`: calls `control(0, key)` once. */
export function unsubscriber(control, key) {
  let subscribed = true;
  return function unsubscribe() {
    if (subscribed) {
      subscribed = false;
      control(0, key, undefined);
    }
  };
}

/** The object `stats()` returns. */
export function makeStats(tasks, working, inputRequired, completed, failed, cancelled, sessions, pendingTimers, waiters, listeners) {
  return {
    tasks,
    byStatus: { working, input_required: inputRequired, completed, failed, cancelled },
    sessions,
    pendingTimers,
    waiters,
    listeners,
  };
}

// The state of each `watch` iterator, out of the user's reach.
const watches = new WeakMap();

/**
 * A `watch` iterator: events are buffered (at most `size`) until read. It ends on
 * `return()`, when `signal` aborts, or after an event pushed as `last`; one event more than
 * `size` unsubscribes it and, once what it holds is read, its `next()` rejects.
 */
export function makeWatch(size, signal) {
  const w = { events: [], head: 0, pending: [], done: false, error: null, off: null, abort: null };
  const iterator = {
    next() {
      if (w.head < w.events.length) return Promise.resolve(take(w));
      if (w.error !== null) {
        const error = w.error;
        w.error = null;
        return Promise.reject(error);
      }
      if (w.done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => w.pending.push({ resolve, reject }));
    },
    return() {
      w.events = [];
      w.head = 0;
      w.error = null;
      finish(w);
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  w.size = size;
  watches.set(iterator, w);
  if (signal !== undefined) {
    w.abort = () => iterator.return();
    w.signal = signal;
    try {
      signal.addEventListener('abort', w.abort, { once: true });
    } catch {
      w.abort = null;
    }
  }
  return iterator;
}

function take(w) {
  const value = w.events[w.head];
  w.events[w.head] = undefined;
  w.head += 1;
  if (w.head === w.events.length) {
    w.events = [];
    w.head = 0;
  }
  return { value, done: false };
}

// No more events will arrive: unsubscribe, stop listening to the signal, answer waiting reads.
function finish(w) {
  w.done = true;
  const off = w.off;
  w.off = null;
  if (off !== null) off();
  if (w.abort !== null) {
    try {
      w.signal.removeEventListener('abort', w.abort);
    } catch {
      // The signal is gone with it.
    }
    w.abort = null;
  }
  flush(w);
}

function flush(w) {
  while (w.pending.length > 0) {
    if (w.head < w.events.length) {
      w.pending.shift().resolve(take(w));
    } else if (w.error !== null) {
      const error = w.error;
      w.error = null;
      w.pending.shift().reject(error);
    } else if (w.done) {
      w.pending.shift().resolve({ value: undefined, done: true });
    } else {
      return;
    }
  }
}

/** Sets the function that unsubscribes a watch (ended at once if it already ended). */
export function setWatchOff(iterator, off) {
  const w = watches.get(iterator);
  if (w === undefined) return;
  if (w.done) {
    off();
  } else {
    w.off = off;
  }
}

/** Hands an event to a watch; `last` ends it after this event. Never throws. */
export function pushWatch(iterator, event, last) {
  const w = watches.get(iterator);
  if (w === undefined || w.done) return;
  if (w.events.length - w.head >= w.size) {
    w.error = codedError(
      `watch: more than ${w.size} events were not read (bufferSize); the iterator stopped listening`,
      -32603,
      undefined,
      undefined,
    );
    finish(w);
    return;
  }
  w.events.push(event);
  if (last) {
    finish(w);
  } else {
    flush(w);
  }
}

/** Ends a watch: it yields what it holds, then is done. */
export function endWatch(iterator) {
  const w = watches.get(iterator);
  if (w !== undefined && !w.done) finish(w);
}

// ---- Snapshots ----

/** `JSON.stringify` of a snapshot document (its values are JSON: checked when stored). */
export function jsonText(value) {
  return JSON.stringify(value);
}

let parseError = '';

/** `JSON.parse(text)`, or `undefined` if it is not JSON (`jsonParseError` says why). */
export function parseJsonText(text) {
  try {
    return JSON.parse(text);
  } catch (error) {
    parseError = messageOf(error);
    return undefined;
  }
}

/** Why the last `parseJsonText` failed. */
export function jsonParseError() {
  return parseError;
}

/** A decision of `TaskRules` (see `src/wasm/rules.rs`). */
export function makeDecision(text, previous, version, deadline, task, owner, seq, terminal, event, code) {
  return { text, previous, version, deadline, task, owner, seq, terminal, event, code };
}

// ---- The fast path of getTask / getTaskResult (see `fast` in src/wasm/state.rs) ----

/** The slot of the index entry for `key`, or -1. */
export function slotAt(map, key) {
  const entry = map.get(key);
  return entry === undefined ? -1 : entry.slot;
}

/**
 * Files a task's entry in the index, keyed by its id: its slot, its owner token, the fields
 * of its wire Task `task` (the ones that never change, and `status`, `statusMessage`,
 * `lastUpdatedAt` as the core has them now, with `lastMs`, the time of the last update) and,
 * once stored, its result. A later change rewrites the changing fields (`restate`);
 * `lastUpdatedAt` is then formatted from `lastMs` when first read.
 */
export function fileEntry(map, task, slot, owner, lastMs) {
  const entry = {
    slot, owner, taskId: task.taskId, status: task.status, statusMessage: task.statusMessage,
    createdAt: task.createdAt, lastMs, lastUpdatedAt: task.lastUpdatedAt, ttl: task.ttl,
    pollInterval: task.pollInterval, result: undefined,
  };
  map.set(task.taskId, entry);
  return entry;
}

/** Writes what a change made of a task into its entry (what the core decided). */
export function restate(entry, status, statusMessage, lastMs) {
  entry.status = status;
  entry.statusMessage = statusMessage;
  if (lastMs !== entry.lastMs) {
    entry.lastMs = lastMs;
    entry.lastUpdatedAt = undefined;
  }
}

/** The task changed and its entry was not restated: out of date until it is. */
export function stale(entry) {
  entry.status = undefined;
}

/** The wire Task of an entry that is up to date: a fresh object, fields in the spec's order. */
export function taskOf(entry) {
  let lastUpdatedAt = entry.lastUpdatedAt;
  if (lastUpdatedAt === undefined) lastUpdatedAt = entry.lastUpdatedAt = iso(entry.lastMs);
  return entry.statusMessage === undefined
    ? { taskId: entry.taskId, status: entry.status, createdAt: entry.createdAt, lastUpdatedAt,
      ttl: entry.ttl, pollInterval: entry.pollInterval }
    : { taskId: entry.taskId, status: entry.status, statusMessage: entry.statusMessage,
      createdAt: entry.createdAt, lastUpdatedAt, ttl: entry.ttl, pollInterval: entry.pollInterval };
}

/**
 * The object the fast path reads: the index, the earliest deadline `h`, the Task of an
 * entry, and the copy of a result a reader gets.
 */
export function makeFast(index) {
  return { index, h: -Infinity, task: taskOf, clone: cloneJson };
}

/** Publishes the store's earliest deadline. */
export function setHorizon(fast, h) {
  fast.h = h;
}

/** Publishes a task's stored result. */
export function publishResult(entry, result) {
  entry.result = result;
}
