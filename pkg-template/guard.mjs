// Every method of the two classes checks its `this` before anything reaches wasm. The
// generated glue passes `this.__wbg_ptr` straight into the module, so a method called on the
// wrong object (a store method on a queue: another type's memory read as its own), detached
// (`const f = store.getTask; f(id)`) or after `free()` would otherwise hang, throw an
// internal message, or worse. Misuse is reported like bad input: a rejected Promise (methods
// that return one) or a thrown TypeError, with code -32602. `free()` twice does nothing.
// Prototypes already wrapped (a module loaded once per glue, so once per class).
const guardedPrototypes = new WeakSet();

function isLive(self, cls) {
  return self instanceof cls && typeof self.__wbg_ptr === 'number' && self.__wbg_ptr !== 0;
}

function misuse(cls, name, self) {
  let what;
  if (self === undefined || self === null) what = `${self} (a method called detached from its object)`;
  else if (self instanceof cls && self.__wbg_ptr === 0) what = 'a freed object (free() was called)';
  else what = `not an ${cls.name}`;
  const err = new TypeError(`Invalid this: ${what}; ${cls.name}.${name} must be called on a live ${cls.name}`);
  err.code = -32602;
  return err;
}

/**
 * Wraps every prototype member of `cls` (once, however often called) with the check;
 * `promising` names the methods that return a Promise (misuse rejects it rather than throw).
 */
export function guard(cls, promising) {
  const proto = cls.prototype;
  if (guardedPrototypes.has(proto)) return cls;
  guardedPrototypes.add(proto);
  for (const key of Reflect.ownKeys(proto)) {
    if (key === 'constructor' || (typeof key === 'string' && key.startsWith('__'))) continue;
    const desc = Object.getOwnPropertyDescriptor(proto, key);
    const name = typeof key === 'symbol' ? `[${key.description}]` : key;
    if (desc.get) {
      const get = desc.get;
      desc.get = function () {
        if (!isLive(this, cls)) throw misuse(cls, name, this);
        return get.call(this);
      };
    } else if (typeof desc.value !== 'function') {
      continue;
    } else if (key === 'free' || key === Symbol.dispose) {
      const free = desc.value;
      desc.value = function () {
        if (this instanceof cls && this.__wbg_ptr === 0) return undefined;
        if (!isLive(this, cls)) throw misuse(cls, name, this);
        return free.call(this);
      };
    } else if (promising.includes(key)) {
      const method = desc.value;
      desc.value = function (...args) {
        if (!isLive(this, cls)) return Promise.reject(misuse(cls, name, this));
        return method.apply(this, args);
      };
    } else {
      const method = desc.value;
      desc.value = function (...args) {
        if (!isLive(this, cls)) throw misuse(cls, name, this);
        return method.apply(this, args);
      };
    }
    Object.defineProperty(proto, key, desc);
  }
  return cls;
}

// ---- The fast path of getTask and getTaskResult ----
//
// A read answered here, without entering wasm, when the binding has published what the core
// would answer (see `fast` in src/wasm/state.rs): the task's entry holds the fields of its
// Task for its current version (the core's change log marks it out of date), the caller's
// session is the task's owner token exactly (both absent, or the same string: a strict
// subset of the session rule), and the clock is before `h`, the core's earliest deadline in
// the store (so its lazy expiry would remove nothing). Anything else, errors included, goes
// to the core. Nothing is decided here.

// Per store: the object the binding publishes into (`{ index, h, task, clone }`), kept on the store
// under a symbol (a property read is cheaper than a WeakMap lookup); dropped on free().
const FAST = Symbol('mcp-task-store-wasm fast reads');

/** The published object of a live store (fetched from the binding once), or undefined. */
function fastOf(store, cls) {
  const fast = store === null || store === undefined ? undefined : store[FAST];
  if (fast !== undefined || !isLive(store, cls)) return fast;
  const made = store.__fastReads();
  Object.defineProperty(store, FAST, { value: made, writable: true, configurable: true, enumerable: false });
  return made;
}

function dropFast(store) {
  if (store !== null && typeof store === 'object' && Object.prototype.hasOwnProperty.call(store, FAST)) store[FAST] = undefined;
}

/** The entry of `taskId` if the fast path may answer for `sessionId` now, else undefined. */
function fastEntry(fast, taskId, sessionId) {
  const entry = fast.index.get(taskId);
  if (entry === undefined || entry.owner !== sessionId) return undefined;
  const h = fast.h;
  if (h === Infinity) return entry;
  try {
    return Date.now() < h ? entry : undefined;
  } catch {
    return undefined;
  }
}

function installFastReads(cls) {
  const proto = cls.prototype;
  if (fastInstalled.has(proto)) return;
  fastInstalled.add(proto);
  const { getTask, getTaskResult, free } = proto;
  const dispose = proto[Symbol.dispose];
  Object.defineProperty(proto, 'getTask', { configurable: true, writable: true, value(taskId, sessionId) {
    const fast = fastOf(this, cls);
    const entry = fast === undefined ? undefined : fastEntry(fast, taskId, sessionId);
    if (entry === undefined) return getTask.call(this, taskId, sessionId);
    // Changed in a way the write did not write into the entry: the core brings it up to date.
    const task = entry.status === undefined ? this.__view(entry.slot) : fast.task(entry);
    return task === undefined ? getTask.call(this, taskId, sessionId) : Promise.resolve(task);
  } });
  Object.defineProperty(proto, 'getTaskResult', { configurable: true, writable: true, value(taskId, sessionId) {
    const fast = fastOf(this, cls);
    const entry = fast === undefined ? undefined : fastEntry(fast, taskId, sessionId);
    if (entry === undefined || entry.result === undefined) return getTaskResult.call(this, taskId, sessionId);
    return Promise.resolve(fast.clone(entry.result));
  } });
  Object.defineProperty(proto, 'free', { configurable: true, writable: true, value() {
    dropFast(this);
    return free.call(this);
  } });
  if (typeof dispose === 'function') {
    Object.defineProperty(proto, Symbol.dispose, { configurable: true, writable: true, value() {
      dropFast(this);
      return dispose.call(this);
    } });
  }
}
const fastInstalled = new WeakSet();

/** Guards both classes of a loaded glue module (and gives the store its fast reads); returns them. */
export function guarded(glue) {
  const store = guard(glue.InMemoryTaskStore,
    ['createTask', 'getTask', 'storeTaskResult', 'getTaskResult', 'updateTaskStatus', 'listTasks',
      'waitForUpdate', 'waitForTerminal', 'deleteTask', 'cancelTask']);
  installFastReads(store);
  return {
    InMemoryTaskStore: store,
    InMemoryTaskMessageQueue: guard(glue.InMemoryTaskMessageQueue, ['enqueue', 'dequeue', 'dequeueAll']),
  };
}
