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

/** Guards both classes of a loaded glue module; returns them. */
export function guarded(glue) {
  return {
    InMemoryTaskStore: guard(glue.InMemoryTaskStore,
      ['createTask', 'getTask', 'storeTaskResult', 'getTaskResult', 'updateTaskStatus', 'listTasks',
        'waitForUpdate', 'waitForTerminal', 'deleteTask', 'cancelTask']),
    InMemoryTaskMessageQueue: guard(glue.InMemoryTaskMessageQueue, ['enqueue', 'dequeue', 'dequeueAll']),
  };
}
