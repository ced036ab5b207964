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

function fail(path, value, rule, kind) {
  failure = { path, value, rule, range: kind === 'range', unreadable: kind === 'read' };
  return undefined;
}

function copyValue(value, path, freeze, ancestors) {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value)
        ? value
        : fail(path, value, 'must be a finite number; JSON has no NaN or Infinity', 'range');
    case 'object':
      break;
    default:
      return fail(path, value, 'expected a JSON value (object, array, string, number, boolean or null)', 'type');
  }
  if (value === null) return null;
  if (ancestors.includes(value)) {
    return fail(path, value, 'expected a JSON value without cycles; it contains itself', 'type');
  }
  if (ancestors.length >= MAX_DEPTH) {
    return fail(path, value, `expected at most ${MAX_DEPTH} levels of nesting`, 'type');
  }
  ancestors.push(value);
  reading = path;
  let out;
  if (Array.isArray(value)) {
    out = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      reading = `${path}[${i}]`;
      const item = value[i];
      if (item === undefined) {
        return fail(`${path}[${i}]`, item, 'expected a JSON value; arrays cannot hold undefined', 'type');
      }
      const copy = copyValue(item, `${path}[${i}]`, freeze, ancestors);
      if (copy === undefined) return undefined;
      out[i] = copy;
    }
  } else {
    reading = path;
    const proto = Object.getPrototypeOf(value);
    if (proto !== PLAIN && proto !== null) {
      return fail(path, value, 'expected a plain object or array; class instances such as Date, Map or Uint8Array are not JSON', 'type');
    }
    out = {};
    for (const key of Object.keys(value)) {
      reading = `${path}.${key}`;
      const item = value[key];
      if (item === undefined) continue;
      const copy = copyValue(item, `${path}.${key}`, freeze, ancestors);
      if (copy === undefined) return undefined;
      if (key === '__proto__') {
        Object.defineProperty(out, key, { value: copy, enumerable: true, writable: true, configurable: true });
      } else {
        out[key] = copy;
      }
    }
  }
  ancestors.pop();
  return freeze ? Object.freeze(out) : out;
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
 * A deep copy of a JSON object, frozen if `freeze`; `undefined` if `value` is not JSON or
 * reading it threw (a getter, a Proxy): see `jsonFailure`. Never throws.
 */
export function copyJson(value, name, freeze) {
  failure = null;
  reading = name;
  try {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return fail(name, value, 'expected a JSON object', 'type');
    }
    return copyValue(value, name, freeze, []);
  } catch (thrown) {
    return fail(reading, undefined, `expected a readable value; reading it threw: ${messageOf(thrown)}`, 'read');
  }
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

/** A Promise of a shallow copy of `task` (callers may mutate what they get). */
export function resolveCopy(task) {
  return Promise.resolve({ ...task });
}

/** A Promise of `{ tasks, nextCursor? }`, with copies of the cached Task objects. */
export function resolvePage(tasks, nextCursor) {
  for (let i = 0; i < tasks.length; i++) tasks[i] = { ...tasks[i] };
  return Promise.resolve(nextCursor === undefined ? { tasks } : { tasks, nextCursor });
}

// A lone surrogate (an unpaired U+D800–U+DFFF).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether `value` is a string that survives the trip into wasm memory unchanged: strings
 * cross as UTF-8, where a lone surrogate becomes U+FFFD, so 'A\uD800' and 'A\uFFFD' would
 * arrive as the same text. -1 for a non-string, 0 for a string with a lone surrogate, 1 for a
 * well-formed string.
 */
export function wellFormed(value) {
  if (typeof value !== 'string') return -1;
  return LONE_SURROGATE.test(value) ? 0 : 1;
}
