'use strict';
// `mcp-task-store-wasm/redis` (Node only): RedisTaskStore and its message queue.
//
// Redis holds the records; the Rust core decides. Every call reads what it needs (one round
// trip), asks `TaskRules` (the core's pure rules, compiled into the same wasm module as the
// in-memory store) what the outcome is, and writes the new record with one generic script
// that compares the record's version and sets it, its result, its expiry and publishes the
// change, atomically. The script knows nothing of tasks: no state machine, no ttl rule, no
// session rule is written here or in Lua. A lost race (another process changed the record
// between the read and the write) is read again and decided again, a bounded number of
// times.
//
// Keys (`P` = keyPrefix). A task's keys share the hash tag of its id, so a script touching
// them is valid on Redis Cluster; the indexes share the tag `{idx}`:
//   P{<id>}:r  hash { v: version, t: record JSON }      P{<id>}:v  result JSON
//   P{<id>}:q  list of queued messages (JSON)
//   P{idx}:seq creation counter   P{idx}:key cursor key   P{idx}:all  zset of every task
//   P{idx}:u   zset of unowned tasks   P{idx}:o:<session>  zset of a session's tasks
// (zset score = creation position). Changes are published on the channel `P` + `events`.

const { createHash, randomUUID } = require('node:crypto');
const { once } = require('node:events');
const { TaskRules } = require('./wasm/mcp_task_store_wasm.cjs');

const INTERNAL_ERROR = -32603;
const INVALID_PARAMS = -32602;
const DEFAULT_PREFIX = 'mcp:tasks:';
/** Reads and decisions per write before a lost race becomes an error. */
const MAX_ATTEMPTS = 16;
/** Redis keeps a task's keys this long past its deadline (clocks of hosts differ a little; the core decides expiry from the record, so a later removal changes nothing). */
const EXPIRY_GRACE_MS = 1000;
/** The largest creation counter (what a cursor is first decoded against). */
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

// The one write: compare the version, then set or delete, set the expiry, publish.
// KEYS: record, result, queue. ARGV: expected version ('0': must not exist), new version
// ('' = delete), record JSON, result JSON or '', expiry in ms or '', channel, message.
const WRITE_SCRIPT = `
local v = redis.call('HGET', KEYS[1], 'v')
if (v or '0') ~= ARGV[1] then return 0 end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
else
  redis.call('HSET', KEYS[1], 'v', ARGV[2], 't', ARGV[3])
  if ARGV[4] ~= '' then redis.call('SET', KEYS[2], ARGV[4]) end
  if ARGV[5] ~= '' then
    for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[5]) end
  end
end
redis.call('PUBLISH', ARGV[6], ARGV[7])
return 1
`;

// Appends to a task's queue if the task's record exists and the queue has room.
// KEYS: record, queue. ARGV: message JSON, most messages, expiry in ms or ''.
const ENQUEUE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local n = redis.call('LLEN', KEYS[2])
if n >= tonumber(ARGV[2]) then return -2 - n end
redis.call('RPUSH', KEYS[2], ARGV[1])
if ARGV[3] ~= '' then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
return 1
`;

// Takes a whole queue. KEYS: queue.
const TAKE_ALL_SCRIPT = `
local all = redis.call('LRANGE', KEYS[1], 0, -1)
redis.call('DEL', KEYS[1])
return all
`;

function sha1(text) {
  return createHash('sha1').update(text).digest('hex');
}

const SCRIPTS = {
  write: { text: WRITE_SCRIPT, sha: sha1(WRITE_SCRIPT) },
  enqueue: { text: ENQUEUE_SCRIPT, sha: sha1(ENQUEUE_SCRIPT) },
  takeAll: { text: TAKE_ALL_SCRIPT, sha: sha1(TAKE_ALL_SCRIPT) },
};

function codedError(message, code, ErrorClass, cause) {
  const error = new (ErrorClass || Error)(message, cause === undefined ? undefined : { cause });
  error.code = code;
  return error;
}

function describe(value) {
  if (typeof value === 'string') return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' || typeof value === 'function' ? `a ${typeof value}` : String(value);
}

/** The command function of a node-redis (v5) or ioredis (v5) client: `(args) => Promise<reply>`. */
function commandsOf(client, name) {
  if (client !== null && typeof client === 'object') {
    // ioredis first: it has a `sendCommand` too, taking its own Command objects.
    if (typeof client.call === 'function' && typeof client.callBuffer === 'function' && typeof client.duplicate === 'function') {
      return { kind: 'ioredis', send: (args) => client.call(...args) };
    }
    if (typeof client.sendCommand === 'function' && typeof client.duplicate === 'function') {
      return { kind: 'node-redis', send: (args) => client.sendCommand(args) };
    }
  }
  throw codedError(`${name}: expected a connected node-redis (v5+) or ioredis (v5+) client, got ${describe(client)}`,
    INVALID_PARAMS, TypeError);
}

/** Subscribes `connection` to `channel`; `onMessage(text)` per message. Resolves once subscribed. */
async function subscribe(connection, kind, channel, onMessage) {
  if (kind === 'node-redis') {
    if (!connection.isOpen) await connection.connect();
    await connection.subscribe(channel, (message) => onMessage(String(message)));
    return () => connection.unsubscribe(channel);
  }
  // A connection still connecting refuses commands when its offline queue is off (as the
  // README advises): wait until it is ready.
  if (connection.status === 'wait') await connection.connect();
  if (connection.status !== 'ready') await once(connection, 'ready');
  const handler = (ch, message) => {
    if (String(ch) === channel) onMessage(String(message));
  };
  connection.on('message', handler);
  try {
    await connection.subscribe(channel);
  } catch (error) {
    connection.off('message', handler);
    throw error;
  }
  return async () => {
    connection.off('message', handler);
    await connection.unsubscribe(channel);
  };
}

async function closeConnection(connection, kind) {
  try {
    if (kind === 'node-redis') {
      if (connection.isOpen) await connection.close();
    } else {
      await connection.quit();
    }
  } catch {
    if (kind === 'ioredis') connection.disconnect();
  }
}

/** Escapes glob characters for `SCAN MATCH`. */
function globEscape(text) {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

const OWN_OPTIONS = ['client', 'subscriber', 'keyPrefix'];

// Private state of each store (a WeakMap, so nothing of it shows on the object).
const internals = new WeakMap();

function state(self, name) {
  const s = internals.get(self);
  if (s === undefined) {
    throw codedError(`Invalid this: RedisTaskStore.${name} must be called on a RedisTaskStore`, INVALID_PARAMS, TypeError);
  }
  return s;
}

/** The time left until `deadline` (ms since the epoch) plus the grace, as Redis takes it; '' for none. */
function expiryArg(deadline) {
  if (deadline === null || deadline === undefined) return '';
  return String(Math.max(1, Math.ceil(deadline - Date.now())) + EXPIRY_GRACE_MS);
}

class RedisTaskStore {
  constructor(options) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw codedError(`options: expected an object with a client, got ${describe(options)}`, INVALID_PARAMS, TypeError);
    }
    const ruleOptions = {};
    for (const key of Object.keys(options)) {
      if (!OWN_OPTIONS.includes(key)) ruleOptions[key] = options[key];
    }
    // The core checks the store's settings (and rejects unknown ones) as for InMemoryTaskStore.
    const rules = new TaskRules(ruleOptions);
    const commands = commandsOf(options.client, 'options.client');
    let subscriber;
    if (options.subscriber !== undefined && options.subscriber !== null) {
      const sub = commandsOf(options.subscriber, 'options.subscriber');
      subscriber = { connection: options.subscriber, kind: sub.kind, owned: false };
    }
    const prefix = options.keyPrefix === undefined ? DEFAULT_PREFIX : options.keyPrefix;
    if (typeof prefix !== 'string') {
      throw codedError(`options.keyPrefix: expected a string, got ${describe(prefix)}`, INVALID_PARAMS, TypeError);
    }
    if (/[{}]/.test(prefix)) {
      throw codedError(`options.keyPrefix: ${describe(prefix)} must not contain '{' or '}' (the store's keys use hash tags)`,
        INVALID_PARAMS, RangeError);
    }
    internals.set(this, {
      rules,
      client: options.client,
      kind: commands.kind,
      send: commands.send,
      subscriber,
      prefix,
      keys: {
        seq: `${prefix}{idx}:seq`,
        cursorKey: `${prefix}{idx}:key`,
        all: `${prefix}{idx}:all`,
        unowned: `${prefix}{idx}:u`,
        owner: (session) => `${prefix}{idx}:o:${session}`,
        record: (id) => `${prefix}{${id}}:r`,
        result: (id) => `${prefix}{${id}}:v`,
        queue: (id) => `${prefix}{${id}}:q`,
        channel: `${prefix}events`,
      },
      cursorReady: null,
      // Tells this store's own published changes (delivered as made) from other processes'.
      origin: randomUUID(),
      subscribed: null,
      unsubscribe: null,
      listeners: new Set(),
      waiters: new Map(),
      waiterCount: 0,
      roundTrips: 0,
      closed: false,
      onListenerError: rules.onListenerError,
    });
  }

  async createTask(taskParams, requestId, request, sessionId) {
    const s = state(this, 'createTask');
    const session = s.rules.checkCreate(taskParams, requestId, request, sessionId);
    await cursorKey(s);
    const counted = [['INCR', s.keys.seq], ['ZCARD', s.keys.all]];
    if (session !== undefined) counted.push(['ZCARD', s.keys.owner(session)]);
    const [seq, held, owned] = await batch(s, 'createTask', counted);
    const d = s.rules.create(taskParams, requestId, request, sessionId, Number(seq) - 1, Number(held), Number(owned ?? 0));
    const id = d.task.taskId;
    const [written] = await batch(s, 'createTask', [
      writeArgs(s, id, d, ''),
      ['ZADD', s.keys.all, String(d.seq), id],
      ['ZADD', session === undefined ? s.keys.unowned : s.keys.owner(session), String(d.seq), id],
    ]);
    if (Number(written) !== 1) throw codedError(`createTask: task id ${id} is already taken`, INTERNAL_ERROR);
    deliver(s, d);
    return d.task;
  }

  async getTask(taskId, sessionId) {
    const d = await readVisible(state(this, 'getTask'), 'getTask', taskId, sessionId);
    return d === null ? null : d.task;
  }

  async updateTaskStatus(taskId, status, statusMessage, sessionId) {
    const s = state(this, 'updateTaskStatus');
    await change(s, 'updateTaskStatus', taskId, (text) => s.rules.updateStatus(text, taskId, status, statusMessage, sessionId));
  }

  async storeTaskResult(taskId, status, result, sessionId, statusMessage) {
    const s = state(this, 'storeTaskResult');
    await change(s, 'storeTaskResult', taskId, (text) => s.rules.storeResult(text, taskId, status, result, sessionId, statusMessage));
  }

  async getTaskResult(taskId, sessionId) {
    const s = state(this, 'getTaskResult');
    const id = s.rules.taskKey(taskId);
    s.rules.session(sessionId);
    let text = null;
    let resultText = null;
    if (id !== undefined) {
      [text, resultText] = await batch(s, 'getTaskResult', [['HGET', s.keys.record(id), 't'], ['GET', s.keys.result(id)]]);
    }
    return s.rules.result(text, taskId, resultText, sessionId);
  }

  async cancelTask(taskId, sessionId) {
    const s = state(this, 'cancelTask');
    const d = await change(s, 'cancelTask', taskId, (text) => s.rules.cancel(text, taskId, undefined, sessionId));
    return d.task;
  }

  async deleteTask(taskId, sessionId) {
    const s = state(this, 'deleteTask');
    const d = await change(s, 'deleteTask', taskId, (text) => s.rules.remove(text, taskId, 'deleted', sessionId), true);
    return d !== null;
  }

  async listTasks(cursor, sessionId) {
    const s = state(this, 'listTasks');
    const session = s.rules.session(sessionId);
    await cursorKey(s);
    // The creation counter only tells a cursor from one never issued. For one of our cursors
    // it is read with the first range of the page (one round trip less) and the cursor is
    // checked against it before the page is answered; text that is not one of our cursors
    // (perhaps a task id, as the SDK's cursors are) is resolved first.
    const given = cursor !== undefined && cursor !== null;
    let start = s.rules.listStart(cursor, sessionId, MAX_SAFE, undefined);
    let counterRead = false;
    if (start === -1) {
      const nextSeq = Number((await batch(s, 'listTasks', [['GET', s.keys.seq]]))[0] ?? 0);
      const id = s.rules.taskKey(cursor);
      const text = id === undefined ? null : await readRecord(s, 'listTasks', id);
      start = s.rules.listStart(cursor, sessionId, nextSeq, text);
      counterRead = true;
    }
    const pageSize = s.rules.pageSize;
    const indexes = session === undefined ? [s.keys.all] : [s.keys.owner(session), s.keys.unowned];
    const withCounter = given && !counterRead ? ['GET', s.keys.seq] : null;
    const { tasks, seqs, counter } = await collect(s, 'listTasks', indexes, start, pageSize + 1, sessionId, withCounter);
    if (withCounter !== null) s.rules.listStart(cursor, sessionId, Number(counter ?? 0), undefined);
    const page = { tasks: tasks.slice(0, pageSize) };
    if (tasks.length > pageSize) page.nextCursor = s.rules.cursorAfter(seqs[pageSize - 1], session);
    return page;
  }

  async getAllTasks() {
    const s = state(this, 'getAllTasks');
    const { tasks } = await collect(s, 'getAllTasks', [s.keys.all], 0, Infinity, undefined);
    return tasks;
  }

  async cleanup() {
    const s = state(this, 'cleanup');
    for (;;) {
      const ids = await batch(s, 'cleanup', [['ZRANGEBYSCORE', s.keys.all, '-inf', '+inf', 'LIMIT', '0', '500']]);
      const members = ids[0] || [];
      if (members.length === 0) break;
      for (const id of members) {
        const d = await change(s, 'cleanup', id, (text) => (text === null ? null : s.rules.remove(text, id, 'cleared', undefined)), true);
        if (d === null) await batch(s, 'cleanup', [['ZREM', s.keys.all, id], ['ZREM', s.keys.unowned, id]]);
      }
    }
    // The indexes and whatever else is left under the prefix (queues of tasks gone, owner
    // sets), but the creation counter and the cursor key: cursors handed out stay invalid.
    let scanCursor = '0';
    const pattern = `${globEscape(s.prefix)}*`;
    do {
      const [nextCursor, found] = (await batch(s, 'cleanup', [['SCAN', scanCursor, 'MATCH', pattern, 'COUNT', '500']]))[0];
      scanCursor = String(nextCursor);
      const keep = [s.keys.cursorKey, s.keys.seq];
      const keys = (found || []).map(String).filter((k) => !keep.includes(k));
      if (keys.length > 0) await batch(s, 'cleanup', keys.map((k) => ['DEL', k]));
    } while (scanCursor !== '0');
  }

  onStatusChange(listener, options) {
    const s = state(this, 'onStatusChange');
    if (typeof listener !== 'function') {
      throw codedError(`listener: expected a function, got ${describe(listener)}`, INVALID_PARAMS, TypeError);
    }
    const sessionId = statusChangeSession(s, options);
    if (s.closed) throw codedError('onStatusChange: the store was closed', INTERNAL_ERROR);
    const entry = { see: (d) => callListener(s, listener, d.event), sessionId, taskId: undefined };
    s.listeners.add(entry);
    ensureSubscribed(s).catch(() => {});
    let done = false;
    return () => {
      if (done) return;
      done = true;
      s.listeners.delete(entry);
    };
  }

  watch(options) {
    const s = state(this, 'watch');
    const [iterator, sessionId, taskId] = s.rules.watch(options);
    const signal = options === undefined || options === null ? undefined : options.signal;
    if (s.closed || (signal !== undefined && signal !== null && signal.aborted)) {
      s.rules.endWatch(iterator);
      return iterator;
    }
    const entry = { sessionId: sessionId ?? undefined, taskId: undefined, iterator, version: -1, early: null, see: null };
    const push = (d) => {
      if (d.version <= entry.version && d.event.type !== 'removed') return;
      const last = entry.taskId !== undefined && (d.terminal || d.event.type === 'removed');
      s.rules.pushWatch(iterator, d.event, last);
    };
    entry.see = (d) => (entry.early === null ? push(d) : entry.early.push(d));
    s.listeners.add(entry);
    s.rules.setWatchOff(iterator, () => s.listeners.delete(entry));
    if (taskId === undefined || taskId === null) {
      ensureSubscribed(s).catch(() => s.rules.endWatch(iterator));
      return iterator;
    }
    // One task: only its changes after the call (see startingPoint).
    const id = s.rules.taskKey(taskId);
    entry.taskId = id ?? taskId;
    entry.early = [];
    if (id === undefined) {
      s.rules.endWatch(iterator);
      return iterator;
    }
    startingPoint(s, 'watch', id).then(({ text, again }) => {
      const d = s.rules.read(text, taskId, sessionId);
      if (d === null || d.terminal) {
        s.rules.endWatch(iterator);
        return;
      }
      entry.version = d.version;
      const early = entry.early;
      entry.early = null;
      for (const e of early) push(e);
      const now = s.rules.read(again, taskId, sessionId);
      if (now === null) s.rules.endWatch(iterator);
    }, () => s.rules.endWatch(iterator));
    return iterator;
  }

  waitForUpdate(taskId, options) {
    return wait(this, 'waitForUpdate', taskId, options, false);
  }

  waitForTerminal(taskId, options) {
    return wait(this, 'waitForTerminal', taskId, options, true);
  }

  stats() {
    const s = state(this, 'stats');
    return { waiters: s.waiterCount, listeners: s.listeners.size, roundTrips: s.roundTrips };
  }

  messageQueue() {
    const s = state(this, 'messageQueue');
    if (s.queue === undefined) s.queue = new RedisTaskMessageQueue(QUEUE_TOKEN, this);
    return s.queue;
  }

  async close() {
    const s = state(this, 'close');
    if (s.closed) return;
    s.closed = true;
    for (const entries of s.waiters.values()) {
      for (const w of entries) w.fail(codedError(`The store was closed while waiting for task ${w.id}`, INTERNAL_ERROR));
    }
    for (const entry of s.listeners) if (entry.iterator !== undefined) s.rules.endWatch(entry.iterator);
    s.listeners.clear();
    // A subscription being set up finishes first, so its connection is not left open.
    if (s.subscribed !== null) await s.subscribed.catch(() => {});
    const unsubscribe = s.unsubscribe;
    s.unsubscribe = null;
    if (s.subscriber !== undefined) {
      if (s.subscriber.owned) {
        await closeConnection(s.subscriber.connection, s.subscriber.kind);
      } else if (unsubscribe !== null) {
        await unsubscribe().catch(() => {});
      }
    }
  }
}

// ---- round trips ----

/** Sends `commands` together (one round trip; `null` entries skipped); their replies in order. */
async function batch(s, op, commands) {
  if (s.closed) throw codedError(`${op}: the store was closed`, INTERNAL_ERROR);
  s.roundTrips += 1;
  const list = commands.filter((c) => c !== null);
  try {
    return await Promise.all(list.map((args) => (args.script ? runScript(s, args) : s.send(args))));
  } catch (error) {
    throw codedError(`${op}: Redis failed: ${error && error.message ? error.message : String(error)}`, INTERNAL_ERROR, Error, error);
  }
}

/** EVALSHA, falling back to EVAL when the server does not have the script (after a restart or SCRIPT FLUSH). */
async function runScript(s, { script, keys, argv }) {
  const args = [String(keys.length), ...keys, ...argv];
  try {
    return await s.send(['EVALSHA', script.sha, ...args]);
  } catch (error) {
    if (!String(error && error.message).startsWith('NOSCRIPT')) throw error;
    return s.send(['EVAL', script.text, ...args]);
  }
}

/**
 * The decision for reading task `taskId` as a caller of `sessionId` (arguments checked
 * before Redis is asked); `null` when the caller cannot reach the task.
 */
async function readVisible(s, op, taskId, sessionId) {
  const id = s.rules.taskKey(taskId);
  s.rules.session(sessionId);
  const text = id === undefined ? null : await readRecord(s, op, id);
  return s.rules.read(text, taskId, sessionId);
}

async function readRecord(s, op, id) {
  const [text] = await batch(s, op, [['HGET', s.keys.record(id), 't']]);
  return text ?? null;
}

/** The script call that writes decision `d` of task `id` (with `result` JSON, or removing it). */
function writeArgs(s, id, d, resultText, remove) {
  const message = `${s.origin}|${d.code}${d.text}`;
  return {
    script: SCRIPTS.write,
    keys: [s.keys.record(id), s.keys.result(id), s.keys.queue(id)],
    argv: [String(d.previous), remove ? '' : String(d.version), d.text, resultText || '', expiryArg(d.deadline),
      s.keys.channel, message],
  };
}

/**
 * Read, decide, compare-and-set: `decide(text)` gives the decision (or throws the core's
 * rejection, or `null` for "nothing to do"); retried while another process wins the race.
 */
async function change(s, op, taskId, decide, remove) {
  const id = s.rules.taskKey(taskId);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const text = id === undefined ? null : await readRecord(s, op, id);
    const d = decide(text);
    if (d === null) return null;
    const commands = [writeArgs(s, id, d, d.result, remove)];
    if (remove) {
      commands.push(['ZREM', s.keys.all, id]);
      commands.push(['ZREM', d.owner === undefined ? s.keys.unowned : s.keys.owner(d.owner), id]);
    }
    const [written] = await batch(s, op, commands);
    if (Number(written) === 1) {
      deliver(s, d);
      return d;
    }
  }
  throw codedError(`${op}: task ${taskId} kept changing under it (${MAX_ATTEMPTS} attempts); try again`, INTERNAL_ERROR);
}

/** The cursor key every process of this prefix shares (made by the first one). */
function cursorKey(s) {
  if (s.cursorReady === null) {
    s.cursorReady = (async () => {
      const mine = s.rules.cursorKey;
      const [, stored] = await batch(s, 'cursor key', [['SET', s.keys.cursorKey, mine, 'NX'], ['GET', s.keys.cursorKey]]);
      s.rules.useCursorKey(stored);
    })();
    s.cursorReady.catch(() => {
      s.cursorReady = null;
    });
  }
  return s.cursorReady;
}

/**
 * Up to `want` tasks the caller may see, from creation position `start` on, merged from the
 * index sets in creation order. Members whose record Redis has dropped are pruned.
 */
async function collect(s, op, indexes, start, want, sessionId, extra = null) {
  const tasks = [];
  const seqs = [];
  let from = start;
  let counter;
  let first = extra;
  const chunk = Math.min(want === Infinity ? 1000 : want, 1000);
  while (tasks.length < want) {
    const ranges = indexes.map((key) => ['ZRANGEBYSCORE', key, String(from), '+inf', 'WITHSCORES', 'LIMIT', '0', String(chunk)]);
    const replies = await batch(s, op, first === null ? ranges : [first, ...ranges]);
    if (first !== null) {
      counter = replies.shift();
      first = null;
    }
    const candidates = [];
    let complete = true;
    for (const reply of replies) {
      const list = reply || [];
      for (let i = 0; i + 1 < list.length; i += 2) candidates.push({ id: String(list[i]), seq: Number(list[i + 1]) });
      if (list.length / 2 === chunk) complete = false;
    }
    candidates.sort((a, b) => a.seq - b.seq);
    // With several indexes, only the positions every one of them has covered are certain.
    let limit = Infinity;
    if (!complete) {
      for (const reply of replies) {
        const list = reply || [];
        if (list.length / 2 === chunk) limit = Math.min(limit, Number(list[list.length - 1]));
      }
    }
    const sure = candidates.filter((c) => c.seq <= limit);
    if (sure.length === 0) break;
    const texts = await batch(s, op, sure.map((c) => ['HGET', s.keys.record(c.id), 't']));
    const gone = [];
    for (let i = 0; i < sure.length && tasks.length < want; i += 1) {
      const text = texts[i] ?? null;
      if (text === null) {
        gone.push(sure[i]);
        continue;
      }
      const d = s.rules.read(text, sure[i].id, sessionId);
      if (d !== null) {
        tasks.push(d.task);
        seqs.push(d.seq);
      }
    }
    if (gone.length > 0) {
      await batch(s, op, indexes.flatMap((key) => [['ZREM', key, ...gone.map((g) => g.id)]]).concat(
        indexes[0] === s.keys.all ? [] : [['ZREM', s.keys.all, ...gone.map((g) => g.id)]]));
    }
    if (complete) break;
    from = limit + 1;
  }
  return { tasks, seqs, counter };
}

// ---- events and waits ----

function statusChangeSession(s, options) {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw codedError(`options: expected an object, got ${describe(options)}`, INVALID_PARAMS, TypeError);
  }
  for (const key of Object.keys(options)) {
    if (key !== 'sessionId') {
      throw codedError(`options.${key}: an unknown option; expected one of: sessionId`, INVALID_PARAMS, TypeError);
    }
  }
  return s.rules.session(options.sessionId);
}

function callListener(s, listener, event) {
  const report = (error) => {
    try {
      if (typeof s.onListenerError === 'function') s.onListenerError(error, event);
      else console.error('mcp-task-store-wasm: an onStatusChange listener failed:', error);
    } catch (thrown) {
      try {
        console.error('mcp-task-store-wasm: onListenerError threw:', thrown);
      } catch {
        // Nowhere left to report to.
      }
    }
  };
  try {
    const out = listener.call(undefined, event);
    if (out !== null && typeof out === 'object' && typeof out.then === 'function') out.then(undefined, report);
  } catch (error) {
    report(error);
  }
}

/** Subscribes to the store's channel (once; a subscriber connection made if none was given). */
function ensureSubscribed(s) {
  if (s.closed) return Promise.reject(codedError('the store was closed', INTERNAL_ERROR));
  if (s.subscribed === null) {
    s.subscribed = (async () => {
      if (s.subscriber === undefined) {
        const connection = s.client.duplicate();
        // The store's own connection: its errors (Redis gone) show as failed calls elsewhere;
        // an 'error' event with no listener would end the process.
        connection.on('error', () => {});
        s.subscriber = { connection, kind: s.kind, owned: true };
      }
      const unsubscribe = await subscribe(s.subscriber.connection, s.subscriber.kind, s.keys.channel, (message) => onMessage(s, message));
      if (s.closed) {
        await unsubscribe().catch(() => {});
        return;
      }
      s.unsubscribe = unsubscribe;
    })();
    s.subscribed.catch(() => {
      s.subscribed = null;
    });
  }
  return s.subscribed.catch((error) => {
    throw codedError(`subscribing to the store's events failed: ${error && error.message ? error.message : String(error)}`,
      INTERNAL_ERROR, Error, error);
  });
}

/** A change published by another process (this store's own are delivered as they are made). */
function onMessage(s, message) {
  if (s.closed) return;
  const bar = message.indexOf('|');
  if (bar < 0 || message.slice(0, bar) === s.origin) return;
  const d = s.rules.fromMessage(message.slice(bar + 1));
  if (d !== null) deliver(s, d);
}

/** Hands a change to this process's listeners, watches and waits. */
function deliver(s, d) {
  if (s.closed) return;
  const id = d.task.taskId;
  for (const entry of [...s.listeners]) {
    if (entry.taskId !== undefined && entry.taskId !== id) continue;
    if (entry.sessionId !== undefined && !s.rules.sees(d.owner, entry.sessionId)) continue;
    if (!s.listeners.has(entry)) continue;
    entry.see(d);
  }
  const waiting = s.waiters.get(id);
  if (waiting !== undefined) for (const w of [...waiting]) w.see(d);
}

/**
 * Where a wait or a one-task watch starts: the task's version when the call was made. The
 * read is sent at once, on the connection this process's changes go through, so it comes
 * before any change the caller makes after the call; the subscription follows, then a
 * second read catches a change another process made while it was being set up.
 */
function startingPoint(s, op, id) {
  const first = readRecord(s, op, id);
  const settled = (async () => {
    const text = await first;
    await ensureSubscribed(s);
    const again = await readRecord(s, op, id);
    return { text, again };
  })();
  settled.catch(() => {});
  return settled;
}

async function wait(self, op, taskId, options, untilTerminal) {
  const s = state(self, op);
  const [sessionId, signal, timeout] = s.rules.waitOptions(options);
  const id = s.rules.taskKey(taskId);
  if (id === undefined) throw s.rules.notFound(taskId);
  if (s.closed) throw codedError(`${op}: the store was closed`, INTERNAL_ERROR);
  const start = startingPoint(s, op, id);
  const called = Date.now();
  return new Promise((resolve, reject) => {
    const timers = [];
    let offAbort = null;
    const w = {
      id,
      version: Infinity,
      early: [],
      settled: false,
      see(d) {
        if (w.version === Infinity) {
          w.early.push(d);
          return;
        }
        if (d.event.type === 'removed') w.fail(s.rules.removedError(id, d.event.reason));
        else if (d.version > w.version && (!untilTerminal || d.terminal)) w.done({ ...d.task });
      },
      done(task) {
        if (finish()) resolve(task);
      },
      fail(error) {
        if (finish()) reject(error);
      },
    };
    function finish() {
      if (w.settled) return false;
      w.settled = true;
      for (const t of timers) clearTimeout(t);
      if (offAbort !== null) offAbort();
      const set = s.waiters.get(id);
      if (set !== undefined) {
        set.delete(w);
        if (set.size === 0) s.waiters.delete(id);
      }
      s.waiterCount -= 1;
      return true;
    }
    if (!s.waiters.has(id)) s.waiters.set(id, new Set());
    s.waiters.get(id).add(w);
    s.waiterCount += 1;
    if (signal !== undefined) {
      const onAbort = () => w.fail(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      offAbort = () => signal.removeEventListener('abort', onAbort);
    }
    start.then(({ text, again }) => {
      if (w.settled) return;
      const d = s.rules.read(text, taskId, sessionId);
      if (d === null) {
        w.fail(s.rules.notFound(taskId));
        return;
      }
      if (untilTerminal && d.terminal) {
        w.done({ ...d.task });
        return;
      }
      if (signal !== undefined && signal.aborted) {
        w.fail(signal.reason);
        return;
      }
      w.version = d.version;
      for (const early of w.early.splice(0)) w.see(early);
      if (w.settled) return;
      const now = s.rules.read(again, taskId, sessionId);
      if (now === null) {
        // Gone while the subscription was set up: its deadline passed, or it was removed.
        w.fail(s.rules.removedError(id, d.deadline !== null && Date.now() >= d.deadline ? 'expired' : 'deleted'));
        return;
      }
      if (now.version > d.version && (!untilTerminal || now.terminal)) {
        w.done({ ...now.task });
        return;
      }
      if (timeout !== undefined) {
        timers.push(setTimeout(() => w.fail(s.rules.timeoutError(timeout, id)), Math.max(0, called + timeout - Date.now())));
      }
      const deadline = now.deadline;
      if (deadline !== null) {
        // The task's deadline ends the wait even when Redis sends no expiry notification.
        const timer = setTimeout(() => w.fail(s.rules.removedError(id, 'expired')), Math.max(0, deadline - Date.now()));
        if (typeof timer.unref === 'function') timer.unref();
        timers.push(timer);
      }
    }, (error) => w.fail(error));
  });
}

// ---- the message queue ----

// Only RedisTaskStore.messageQueue() makes queues (it holds this token).
const QUEUE_TOKEN = Symbol('RedisTaskMessageQueue');
const queueStores = new WeakMap();

class RedisTaskMessageQueue {
  constructor(token, store) {
    if (token !== QUEUE_TOKEN) {
      throw codedError('RedisTaskMessageQueue: get one from RedisTaskStore.messageQueue()', INVALID_PARAMS, TypeError);
    }
    queueStores.set(this, store);
  }

  async enqueue(taskId, message, sessionId, maxSize) {
    const s = queueState(this, 'enqueue');
    const limit = s.rules.queueLimit(maxSize);
    const text = s.rules.messageText(message);
    const d = await readVisible(s, 'enqueue', taskId, sessionId);
    if (d === null) throw s.rules.notFound(taskId);
    const id = d.task.taskId;
    const [pushed] = await batch(s, 'enqueue', [{
      script: SCRIPTS.enqueue,
      keys: [s.keys.record(id), s.keys.queue(id)],
      argv: [text, String(limit), expiryArg(d.deadline)],
    }]);
    const n = Number(pushed);
    if (n === -1) throw s.rules.notFound(taskId);
    if (n <= -2) throw s.rules.queueFull(-2 - n, limit);
  }

  async dequeue(taskId, sessionId) {
    const s = queueState(this, 'dequeue');
    const d = await readVisible(s, 'dequeue', taskId, sessionId);
    if (d === null) return undefined;
    const [message] = await batch(s, 'dequeue', [['LPOP', s.keys.queue(d.task.taskId)]]);
    return message === null || message === undefined ? undefined : JSON.parse(message);
  }

  async dequeueAll(taskId, sessionId) {
    const s = queueState(this, 'dequeueAll');
    const d = await readVisible(s, 'dequeueAll', taskId, sessionId);
    if (d === null) return [];
    const [all] = await batch(s, 'dequeueAll', [{ script: SCRIPTS.takeAll, keys: [s.keys.queue(d.task.taskId)], argv: [] }]);
    return (all || []).map((m) => JSON.parse(m));
  }
}

function queueState(self, name) {
  const store = queueStores.get(self);
  if (store === undefined) {
    throw codedError(`Invalid this: RedisTaskMessageQueue.${name} must be called on a queue from messageQueue()`, INVALID_PARAMS, TypeError);
  }
  return internals.get(store);
}

exports.RedisTaskStore = RedisTaskStore;
exports.RedisTaskMessageQueue = RedisTaskMessageQueue;
