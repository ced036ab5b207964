#!/usr/bin/env node
// An MCP server (Streamable HTTP) whose task tools do their work with `runTask`, and which tells
// each client about its tasks: every change of a task becomes `notifications/tasks/status` (the
// full Task), sent from `store.onStatusChange` to the session that owns the task.
//
//   node examples/run-task-server.mjs [--port 3918] [--host 127.0.0.1]     (--port 0: any free port)
//
// Tools: countdown {from, stepMs}  a status message per step; tasks/cancel stops the work at once
//        explode {message}         the work throws: the task ends failed with that message
// Imported, it exports `startServer({ port, host })` → `{ url, store, close() }` (the tests use it).
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { InMemoryTaskStore, runTask } from 'mcp-task-store-wasm';
import { z } from 'zod';

const text = (t) => ({ content: [{ type: 'text', text: t }] });

export async function startServer({ port = 0, host = '127.0.0.1' } = {}) {
  // One store for all sessions (each sees only its own tasks). A notification that cannot be
  // sent (say, the client is gone) is reported here instead of escaping into the process.
  const store = new InMemoryTaskStore({
    defaultPollInterval: 100,
    onListenerError: (err, event) => console.warn(`status of task ${event.task.taskId} not sent: ${err.message}`),
  });
  const taskMessageQueue = store.messageQueue();
  const sessions = new Map(); // session id -> { transport, server, unsubscribe }

  // A task tool: create the task, answer tools/call with it at once, and run `work` in the
  // background. runTask gets the store itself with the caller's session (not `extra.taskStore`,
  // the request's view, which would send notifications of its own), so `ctx.signal` aborts when
  // the task is cancelled. It records how the work ended and never rejects once work has started.
  const taskTool = (work) => ({
    async createTask(args, extra) {
      const task = await extra.taskStore.createTask({ ttl: extra.taskRequestedTtl });
      runTask(store, task.taskId, (ctx) => work(args, ctx), { sessionId: extra.sessionId }).catch(console.error);
      return { task };
    },
    getTask: (_args, { taskId, taskStore }) => taskStore.getTask(taskId),
    getTaskResult: (_args, { taskId, taskStore }) => taskStore.getTaskResult(taskId),
  });

  function createMcpServer() {
    const server = new McpServer(
      { name: 'run-task-example', version: '1.0.0' },
      { capabilities: { tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } }, taskStore: store, taskMessageQueue },
    );
    server.experimental.tasks.registerToolTask(
      'countdown',
      { description: 'Counts down, one status message per step', inputSchema: { from: z.number().int().min(1).max(100), stepMs: z.number().int().min(0).max(10_000) } },
      taskTool(async ({ from, stepMs }, ctx) => {
        for (let i = from; i >= 1; i--) {
          await ctx.setStatus(`T-${i}`);
          await sleep(stepMs, undefined, { signal: ctx.signal }); // throws once the task is cancelled
        }
        return text(`liftoff after ${from} steps`); // completes the task with this result
      }),
    );
    server.experimental.tasks.registerToolTask(
      'explode',
      { description: 'Fails: its work throws', inputSchema: { message: z.string() } },
      taskTool(async ({ message }) => {
        await sleep(50);
        throw new Error(message); // the task ends failed, its result the message with isError: true
      }),
    );
    return server;
  }

  function closeSession(id) {
    sessions.get(id)?.unsubscribe();
    sessions.delete(id);
  }

  const http = createServer(async (req, res) => {
    try {
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      const sid = req.headers['mcp-session-id'];
      let session = sid ? sessions.get(sid) : undefined;
      if (!session) {
        if (sid || req.method !== 'POST' || !isInitializeRequest(body)) return void res.writeHead(sid ? 404 : 400).end();
        const server = createMcpServer();
        const transport = new StreamableHTTPServerTransport({
          sessionIdGenerator: randomUUID,
          onsessioninitialized: (id) => {
            // The session's own tasks (and unowned ones): each change → notifications/tasks/status.
            // 'created' is left out (tools/call already answers with the task), and so is 'removed'
            // (a removed task is simply "not found"; the spec has no notification for it).
            const unsubscribe = store.onStatusChange(({ type, task }) => {
              if (type === 'status' || type === 'result') {
                return server.server.notification({ method: 'notifications/tasks/status', params: task });
              }
            }, { sessionId: id });
            sessions.set(id, { transport, server, unsubscribe });
            server.server.onclose = () => closeSession(id);
          },
          onsessionclosed: closeSession,
        });
        session = { transport };
        await server.connect(transport);
      }
      await session.transport.handleRequest(req, res, body);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500).end(String(err));
    }
  });
  await new Promise((resolve, reject) => http.once('error', reject).listen(port, host, resolve));

  return {
    url: new URL(`http://${host}:${http.address().port}/mcp`),
    store,
    async close() {
      for (const [id, { server }] of sessions) {
        closeSession(id);
        await server.close().catch(() => {});
      }
      store.cleanup();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

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

// Run as a program: listen, print the URL, stop on Ctrl-C / SIGTERM.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { port: { type: 'string', default: process.env.PORT ?? '3918' }, host: { type: 'string', default: '127.0.0.1' } } });
  const running = await startServer({ port: Number(values.port), host: values.host });
  console.log(`MCP server listening on ${running.url}`);
  const stop = () => running.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
