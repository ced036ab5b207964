// A 2026-07-28 MCP server (@modelcontextprotocol/server 2.x) serving the Tasks extension
// (`io.modelcontextprotocol/tasks`) with mcp-task-store-wasm. Run: node examples/tasks-extension-server.mjs
// (after `make pkg`), then point a 2026-07-28 client with the extension at http://127.0.0.1:3000/mcp.
import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { McpServer, createMcpHandler } from '@modelcontextprotocol/server';
import { TasksExtension, InMemoryTaskStore } from 'mcp-task-store-wasm/tasks-extension';

// The store and the extension live outside the per-request server factory: every request
// sees the same tasks. The store decides every rule (ttl, transitions, who sees what).
const tasks = new TasksExtension(new InMemoryTaskStore(), { defaultTtlMs: 3_600_000, defaultPollIntervalMs: 1_000 });

const handler = createMcpHandler(() => {
  const server = new McpServer({ name: 'tasks-extension-example', version: '1.0.0' });
  tasks.attach(server); // capability {}, tasks/get, tasks/update, tasks/cancel

  server.registerTool('report', { description: 'Writes a report after asking for confirmation' }, async (ctx) => {
    // A client that did not declare the extension on this request never gets a task: run inline.
    if (!tasks.accepts(ctx)) return { content: [{ type: 'text', text: 'report (written synchronously)' }] };

    const task = await tasks.create(ctx, { ttlMs: 600_000 }); // durable: tasks/get finds it from now on
    void (async () => {
      await task.status('collecting');
      // Listed in tasks/get as inputRequests until tasks/update answers every key.
      const { confirm } = await task.requireInput({
        confirm: {
          method: 'elicitation/create',
          params: { mode: 'form', message: 'Write the report?', requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } } } },
        },
      });
      if (task.signal.aborted) return; // tasks/cancel (or expiry) aborts the signal
      const ok = confirm.action === 'accept' && confirm.content?.ok === true;
      // A tool error is still `completed` in this extension; `fail` is for JSON-RPC errors.
      await task.complete({ content: [{ type: 'text', text: ok ? 'report written' : 'not confirmed' }], isError: !ok });
    })().catch((error) => task.fail({ code: -32603, message: String(error?.message ?? error) }).catch(() => {}));
    return task.result(); // { resultType: 'task', taskId, status, ttlMs, pollIntervalMs, ... }
  });
  return server;
});

// node:http in front of the handler's fetch(Request) → Response.
createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const headers = new Headers(Object.entries(req.headers).filter(([, v]) => typeof v === 'string'));
  const request = new Request(`http://127.0.0.1${req.url}`, {
    method: req.method, headers, body: req.method === 'GET' ? undefined : Buffer.concat(chunks),
  });
  const response = await handler.fetch(request);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (response.body) Readable.fromWeb(response.body).pipe(res);
  else res.end();
}).listen(3000, '127.0.0.1', () => console.log('listening on http://127.0.0.1:3000/mcp'));
