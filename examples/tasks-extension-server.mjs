#!/usr/bin/env node
// A 2026-07-28 MCP server (@modelcontextprotocol/server 2.x) whose tool calls run as tasks of
// the Tasks extension (`io.modelcontextprotocol/tasks`), kept in mcp-task-store-wasm's store.
// The same three tools as examples/server.mjs (the 2025-11-25 one), over the extension.
//
//   node examples/tasks-extension-server.mjs [--port 3919] [--host 127.0.0.1] [--quiet]
//
// (after `make pkg`). --port 0 picks a free port. Once listening it prints
//   MCP server listening on http://127.0.0.1:3919/mcp
// and then one line per task event (unless --quiet). It exits with code 3 if the port is busy.
//
// Tools:
//   countdown {from, stepMs}  counts down, reporting each step as the task's statusMessage
//   confirm   {question}      asks the client through an elicitation listed in tasks/get (input_required)
//   flaky     {reason}        fails with a JSON-RPC error, so the task ends 'failed' (in this
//                             extension a tool result with isError: true ends 'completed')
// A request that did not declare the extension never gets a task: the tool then runs inline.
import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { McpServer, createMcpHandler } from '@modelcontextprotocol/server';
import { TasksExtension, InMemoryTaskStore } from 'mcp-task-store-wasm/tasks-extension';
import { z } from 'zod';

const { values: opts } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '3919' },
    host: { type: 'string', default: '127.0.0.1' },
    quiet: { type: 'boolean', default: false },
  },
});
const port = Number(opts.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`server: bad port ${JSON.stringify(opts.port)}`);
  process.exit(2);
}

const t0 = performance.now();
const log = (what, detail = '') => {
  if (!opts.quiet) console.log(`${`+${((performance.now() - t0) / 1000).toFixed(3)}s`.padStart(8)}  ${what.padEnd(30)}${detail}`);
};
const short = (taskId) => taskId.slice(0, 8);
const text = (t) => ({ content: [{ type: 'text', text: t }] });

// The store and the extension live outside the per-request server factory: every request sees
// the same tasks. The store decides every rule (ttl, transitions, who sees which task).
const store = new InMemoryTaskStore({ defaultPollInterval: 100, maxTtl: 60 * 60_000 });
const tasks = new TasksExtension(store, { defaultTtlMs: 10 * 60_000, defaultPollIntervalMs: 100 });
store.onStatusChange(({ type, task, reason }) => {
  if (type === 'created') return; // logged by the tool, with its arguments
  const detail = type === 'removed' ? `(${reason})` : `${task.status}${task.statusMessage ? ` "${task.statusMessage}"` : ''}`;
  log(`task ${short(task.taskId)} ${type}`, detail);
});

/**
 * A task tool: inline when the request did not declare the extension; otherwise create the task
 * (durable before tools/call is answered), answer with it at once, and do the work in the
 * background. A thrown error ends the task `failed` with a JSON-RPC error.
 */
function taskTool(name, work) {
  return async (args, ctx) => {
    if (!tasks.accepts(ctx)) {
      log(`${name} inline`, 'the request did not declare the extension');
      return work(args, { status: async () => {}, requireInput: async () => ({}), signal: new AbortController().signal }, true);
    }
    const task = await tasks.create(ctx);
    log(`task ${short(task.taskId)} created`, `${name} ${JSON.stringify(args)}`);
    void (async () => {
      try {
        const result = await work(args, task, false);
        if (!task.signal.aborted) await task.complete(result);
      } catch (error) {
        if (task.signal.aborted) return; // cancelled or expired: the store keeps it so
        await task.fail({ code: error.code ?? -32603, message: error.message });
      }
    })().catch((error) => log(`task ${short(task.taskId)} not stored`, error.message));
    return task.result();
  };
}

function createServerForRequest() {
  const server = new McpServer({ name: 'mcp-task-store-wasm-tasks-extension', version: '1.0.0' });
  tasks.attach(server); // capability {}, tasks/get, tasks/update, tasks/cancel

  server.registerTool('countdown', {
    description: 'Counts down from `from`, one step every `stepMs` ms, reporting each step as the status message',
    inputSchema: z.object({ from: z.number().int().min(1).max(100).default(5), stepMs: z.number().int().min(0).max(10_000).default(500) }),
  }, taskTool('countdown', async ({ from, stepMs }, task) => {
    for (let i = from; i >= 1; i--) {
      if (task.signal.aborted) throw task.signal.reason;
      await task.status(`T-${i}`);
      await sleep(stepMs);
    }
    return text(`liftoff after ${from} step${from === 1 ? '' : 's'}`);
  }));

  server.registerTool('confirm', {
    description: 'Asks the user a yes/no question (an elicitation listed in tasks/get), then reports the answer',
    inputSchema: z.object({ question: z.string().default('Proceed?') }),
  }, taskTool('confirm', async ({ question }, task, inline) => {
    if (inline) return text('not asked: this client cannot answer input requests of a task');
    await task.status('asking');
    const { answer } = await task.requireInput({
      answer: {
        method: 'elicitation/create',
        params: {
          mode: 'form',
          message: question,
          requestedSchema: { type: 'object', properties: { confirm: { type: 'boolean', title: 'Yes?' } }, required: ['confirm'] },
        },
      },
    });
    if (answer.action !== 'accept') return text(`no answer (${answer.action})`);
    return text(answer.content?.confirm ? 'confirmed: yes' : 'confirmed: no');
  }));

  server.registerTool('flaky', {
    description: 'Always fails with a JSON-RPC error, so the task ends failed',
    inputSchema: z.object({ reason: z.string().default('something broke') }),
  }, taskTool('flaky', async ({ reason }) => {
    await sleep(200);
    throw Object.assign(new Error(`flaky failed: ${reason}`), { code: -32603 });
  }));
  return server;
}

// guard: -32021 for a subscriptions/listen asking for task notifications without the extension.
const handler = tasks.guard(createMcpHandler(createServerForRequest));

// node:http in front of the handler's fetch(Request) → Response.
const http = createServer(async (req, res) => {
  try {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const headers = new Headers(Object.entries(req.headers).filter(([, v]) => typeof v === 'string'));
    const request = new Request(`http://${opts.host}${req.url}`, {
      method: req.method, headers, body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks),
    });
    const response = await handler.fetch(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (response.body) Readable.fromWeb(response.body).pipe(res);
    else res.end();
  } catch (error) {
    res.writeHead(500).end(String(error?.message ?? error));
  }
});
http.on('error', (error) => {
  console.error(`server: ${error.message}`);
  process.exit(error.code === 'EADDRINUSE' ? 3 : 1);
});
http.listen(port, opts.host, () => console.log(`MCP server listening on http://${opts.host}:${http.address().port}/mcp`));

async function stop() {
  http.closeAllConnections();
  http.close();
  await handler.close();
  tasks.close();
  store.cleanup();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
