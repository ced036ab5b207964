#!/usr/bin/env node
// An MCP server whose tool calls run as tasks (MCP 2025-11-25 "tasks" utility), kept in
// mcp-task-store-wasm's InMemoryTaskStore, served over Streamable HTTP.
//
//   node examples/server.mjs [--port 3917] [--host 127.0.0.1] [--quiet] [--state tasks.json]
//
// With --state FILE the tasks survive a restart: the store is restored from FILE at start (none
// yet: empty), saved to it every second and on SIGTERM/SIGINT; and a client that comes back
// after a restart with its old session id (sent on its new initialize request) gets that
// session again, so it sees the tasks it owned.
//
// The port comes from --port, else the PORT environment variable, else 3917 (--port 0 picks a
// free one). The endpoint is http://HOST:PORT/mcp; once listening the server prints
//   MCP server listening on http://127.0.0.1:3917/mcp
// and then one line per task event (unless --quiet). Ctrl-C (SIGINT) or SIGTERM stops it.
//
// Tools (all are task tools, taskSupport 'required'):
//   countdown {from, stepMs}  counts down, reporting each step as the task's statusMessage
//   confirm   {question}      asks the client a yes/no question through elicitation (input_required)
//   flaky     {reason}        fails: its result has isError: true, so the task ends 'failed'
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { InMemoryTaskStore, persistToFile, restoreFromFile } from 'mcp-task-store-wasm';
import { z } from 'zod';

const { values: opts } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '3917' },
    host: { type: 'string', default: '127.0.0.1' },
    quiet: { type: 'boolean', default: false },
    state: { type: 'string' },
  },
});
const port = Number(opts.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`server: bad port ${JSON.stringify(opts.port)}`);
  process.exit(2);
}

// ---- logging: one aligned line per event, time relative to start ----
const t0 = performance.now();
const since = () => `+${((performance.now() - t0) / 1000).toFixed(3)}s`.padStart(8);
const log = (what, detail = '') => {
  if (!opts.quiet) console.log(`${since()}  ${what.padEnd(30)}${detail}`);
};
const short = (taskId) => taskId.slice(0, 8);

// ---- the store: one for every session; each session only sees its own tasks ----
// Clients are told to poll every 100 ms; ttls are kept between 1 s (the store's default minimum)
// and 1 hour.
const storeOptions = { defaultPollInterval: 100, maxTtl: 60 * 60_000 };
const store = opts.state ? await restoreFromFile(opts.state, storeOptions) : new InMemoryTaskStore(storeOptions);
const saver = opts.state ? persistToFile(store, opts.state, { intervalMs: 1000 }) : null;
if (opts.state) log('state', `${store.size} task(s) restored from ${opts.state}`);
const taskMessageQueue = store.messageQueue();

const text = (t) => ({ content: [{ type: 'text', text: t }] });

/**
 * The pattern for a task tool: create the task, answer tools/call with it at once, and do the work
 * in the background. The work's result ends the task as 'failed' if it has isError: true, else
 * 'completed'. If the task was cancelled meanwhile, the store refuses the result and the task
 * stays cancelled.
 */
function taskTool(name, work) {
  return {
    async createTask(args, extra) {
      const { taskStore } = extra; // the request's view of the store: bound to this session
      const task = await taskStore.createTask({ ttl: extra.taskRequestedTtl });
      log(`task ${short(task.taskId)} created`, `${name} ${JSON.stringify(args)} ttl=${task.ttl}`);
      (async () => {
        let result;
        try {
          result = await work(args, task.taskId, taskStore);
        } catch (err) {
          result = { ...text(`${name} stopped: ${err.message}`), isError: true };
        }
        const status = result.isError ? 'failed' : 'completed';
        try {
          await taskStore.storeTaskResult(task.taskId, status, result);
          log(`task ${short(task.taskId)} ${status}`, result.content?.[0]?.text ?? '');
        } catch (err) {
          log(`task ${short(task.taskId)} result refused`, err.message);
        }
      })();
      return { task };
    },
    getTask: (_args, { taskId, taskStore }) => taskStore.getTask(taskId),
    getTaskResult: (_args, { taskId, taskStore }) => taskStore.getTaskResult(taskId),
  };
}

function createMcpServer() {
  const server = new McpServer(
    { name: 'mcp-task-store-wasm-example', version: '1.0.0' },
    {
      capabilities: { tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } },
      taskStore: store,
      taskMessageQueue,
    },
  );

  server.experimental.tasks.registerToolTask(
    'countdown',
    {
      description: 'Counts down from `from`, one step every `stepMs` ms, reporting each step as the status message',
      inputSchema: {
        from: z.number().int().min(1).max(100).default(5),
        stepMs: z.number().int().min(0).max(10_000).default(500),
      },
    },
    taskTool('countdown', async ({ from, stepMs }, taskId, taskStore) => {
      for (let i = from; i >= 1; i--) {
        // Throws once the task was cancelled (a terminal task takes no more updates).
        await taskStore.updateTaskStatus(taskId, 'working', `T-${i}`);
        await sleep(stepMs);
      }
      return text(`liftoff after ${from} step${from === 1 ? '' : 's'}`);
    }),
  );

  server.experimental.tasks.registerToolTask(
    'confirm',
    {
      description: 'Asks the user a yes/no question (elicitation), then reports the answer',
      inputSchema: { question: z.string().default('Proceed?') },
    },
    taskTool('confirm', async ({ question }, taskId, taskStore) => {
      await taskStore.updateTaskStatus(taskId, 'input_required', 'waiting for an answer');
      log(`task ${short(taskId)} input_required`, `elicitation queued: ${JSON.stringify(question)}`);
      // With relatedTask the request goes into the task's message queue; the client receives it
      // on its tasks/result stream, answers, and the answer comes back here.
      const answer = await server.server.elicitInput(
        {
          message: question,
          requestedSchema: {
            type: 'object',
            properties: { confirm: { type: 'boolean', title: 'Yes?' } },
            required: ['confirm'],
          },
        },
        { relatedTask: { taskId } },
      );
      log(`task ${short(taskId)} got answer`, JSON.stringify(answer));
      await taskStore.updateTaskStatus(taskId, 'working', 'answer received');
      if (answer.action !== 'accept') return text(`no answer (${answer.action})`);
      return text(answer.content.confirm ? 'confirmed: yes' : 'confirmed: no');
    }),
  );

  server.experimental.tasks.registerToolTask(
    'flaky',
    {
      description: 'Always fails: returns a result with isError: true, so the task ends failed',
      inputSchema: { reason: z.string().default('something broke') },
    },
    taskTool('flaky', async ({ reason }) => {
      await sleep(200);
      return { ...text(`flaky failed: ${reason}`), isError: true };
    }),
  );

  return server;
}

// ---- Streamable HTTP on a plain Node http server: one transport + McpServer per session ----
const sessions = new Map(); // session id -> { transport, server }

function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined);
      } catch (err) {
        reject(err);
      }
    });
    req.on('error', reject);
  });
}

function jsonError(res, status, message) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

const http = createServer(async (req, res) => {
  try {
    if (new URL(req.url, 'http://localhost').pathname !== '/mcp') return jsonError(res, 404, 'Not found: use /mcp');
    let body;
    if (req.method === 'POST') {
      try {
        body = await readJson(req);
      } catch {
        return jsonError(res, 400, 'Parse error');
      }
    }
    const sid = req.headers['mcp-session-id'];
    let session = sid ? sessions.get(sid) : undefined;
    if (!session) {
      // With --state, a client back after a restart may initialize again under its old id.
      const resumes = Boolean(opts.state && sid && req.method === 'POST' && isInitializeRequest(body));
      if (sid && !resumes) return jsonError(res, 404, 'Session not found');
      if (req.method !== 'POST' || !isInitializeRequest(body)) return jsonError(res, 400, 'No valid session id');
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => (resumes ? sid : randomUUID()),
        onsessioninitialized: (id) => {
          sessions.set(id, session);
          log(`session ${short(id)} opened`);
        },
        onsessionclosed: (id) => {
          sessions.delete(id);
          log(`session ${short(id)} closed`);
        },
      });
      const server = createMcpServer();
      session = { transport, server };
      await server.connect(transport);
    }
    await session.transport.handleRequest(req, res, body);
  } catch (err) {
    console.error('server: error handling a request:', err);
    if (!res.headersSent) jsonError(res, 500, 'Internal server error');
  }
});

http.on('error', (err) => {
  console.error(`server: cannot listen on ${opts.host}:${port}: ${err.message}`);
  process.exit(err.code === 'EADDRINUSE' ? 3 : 1);
});

http.listen(port, opts.host, () => {
  const { port: actual } = http.address();
  console.log(`MCP server listening on http://${opts.host}:${actual}/mcp`);
});

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  log('stopping', `(${signal})`);
  if (saver) {
    saver.save();
    saver.stop();
    log('state', `${store.size} task(s) saved to ${opts.state}`);
  }
  for (const { server } of sessions.values()) await server.close().catch(() => {});
  sessions.clear();
  store.cleanup();
  http.closeAllConnections();
  http.close(() => process.exit(0));
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
