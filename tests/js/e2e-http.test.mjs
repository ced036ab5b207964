// End to end over Streamable HTTP: the SDK's StreamableHTTPServerTransport on a plain Node http
// server (127.0.0.1, random port, one transport + McpServer per session, session ids), all
// sessions sharing one mcp-task-store-wasm store and its linked message queue, and real
// StreamableHTTPClientTransport clients.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import {
  createTaskCall,
  createTaskClient,
  createTaskServer,
  newStore,
  rejection,
  scenarios,
  until,
  WorkLog,
} from './e2e-shared.mjs';

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

/** An MCP endpoint at /mcp: a new session (transport + McpServer) per initialize request. */
async function startHttpServer({ store, queue, log }) {
  const sessions = new Map(); // session id -> { transport, server }
  const http = createServer(async (req, res) => {
    try {
      if (new URL(req.url, 'http://127.0.0.1').pathname !== '/mcp') {
        res.writeHead(404).end();
        return;
      }
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      const sid = req.headers['mcp-session-id'];
      let session = sid ? sessions.get(sid) : undefined;
      if (!session) {
        if (sid || req.method !== 'POST' || !isInitializeRequest(body)) {
          res.writeHead(sid ? 404 : 400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'No valid session' }, id: null }));
          return;
        }
        const transport = new StreamableHTTPServerTransport({
          sessionIdGenerator: randomUUID,
          onsessioninitialized: (id) => sessions.set(id, session),
          onsessionclosed: (id) => sessions.delete(id),
        });
        const server = createTaskServer({ store, queue, log, name: 'e2e-http-server' });
        session = { transport, server };
        await server.connect(transport);
      }
      await session.transport.handleRequest(req, res, body);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500).end(String(err));
    }
  });
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = new URL(`http://127.0.0.1:${http.address().port}/mcp`);
  return {
    url,
    sessions,
    async close() {
      for (const { server } of sessions.values()) await server.close();
      sessions.clear();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

async function connectClient(url, name) {
  const client = createTaskClient({ name });
  const transport = new StreamableHTTPClientTransport(url);
  await client.connect(transport);
  assert.ok(transport.sessionId, 'the server gave this client a session id');
  return { client, transport, sessionId: transport.sessionId };
}

async function setup(clients = 1) {
  const store = newStore();
  const queue = store.messageQueue();
  const log = new WorkLog();
  const http = await startHttpServer({ store, queue, log });
  const connected = [];
  for (let i = 0; i < clients; i++) connected.push(await connectClient(http.url, `e2e-client-${i + 1}`));
  return {
    store,
    queue,
    log,
    http,
    clients: connected,
    client: connected[0].client,
    sessionId: connected[0].sessionId,
    async close() {
      await log.settle();
      for (const c of connected) await c.client.close();
      await http.close();
      store.cleanup();
    },
  };
}

for (const [name, scenario] of Object.entries(scenarios)) {
  test(`http: ${name}`, async () => {
    const fixture = await setup();
    try {
      await scenario(fixture);
    } finally {
      await fixture.close();
    }
  });
}

test('http: tasks are bound to their session: a second client cannot get, list, cancel or read them', async () => {
  const f = await setup(2);
  try {
    const [a, b] = f.clients;
    assert.notEqual(a.sessionId, b.sessionId);

    const aRunning = await createTaskCall(a.client, 'slow', { ms: 400 });
    const aDone = (await createTaskCall(a.client, 'echo', { text: 'for A only' })).taskId;
    await f.log.done(aDone);
    const bOwn = await createTaskCall(b.client, 'echo', { text: 'for B' });

    // The store keeps them under their sessions.
    assert.ok(await f.store.getTask(aRunning.taskId, a.sessionId));
    assert.equal(await f.store.getTask(aRunning.taskId, b.sessionId), null);

    for (const id of [aRunning.taskId, aDone]) {
      const get = await rejection(b.client.experimental.tasks.getTask(id), 'B tasks/get of A task');
      assert.equal(get.code, -32602);
      const res = await rejection(
        b.client.experimental.tasks.getTaskResult(id, CallToolResultSchema),
        'B tasks/result of A task',
      );
      assert.equal(res.code, -32602);
    }
    const cancel = await rejection(b.client.experimental.tasks.cancelTask(aRunning.taskId), 'B tasks/cancel of A task');
    assert.equal(cancel.code, -32602);
    assert.equal((await a.client.experimental.tasks.getTask(aRunning.taskId)).status, 'working', 'B cancelled A task');

    const bList = await b.client.experimental.tasks.listTasks();
    assert.deepEqual(bList.tasks.map((t) => t.taskId), [bOwn.taskId]);
    assert.equal(bList.nextCursor, undefined);
    const aList = await a.client.experimental.tasks.listTasks();
    assert.deepEqual(aList.tasks.map((t) => t.taskId), [aRunning.taskId, aDone]);

    // A's task id used as a cursor by B is not a way in either.
    const viaCursor = await b.client.experimental.tasks.listTasks(aRunning.taskId).then(
      (page) => page.tasks.map((t) => t.taskId),
      (err) => err.code,
    );
    assert.equal(viaCursor, -32602, `B listing after A task id: ${JSON.stringify(viaCursor)}`);

    // A still reads its own result.
    const result = await a.client.experimental.tasks.getTaskResult(aDone, CallToolResultSchema);
    assert.equal(result.content[0].text, 'for A only');
  } finally {
    await f.close();
  }
});

test("http: one session's queued elicitation is delivered only on that session's tasks/result", async () => {
  const f = await setup(2);
  try {
    const [a, b] = f.clients;
    // A starts the task without following it, so the elicitation waits in the queue.
    const task = await createTaskCall(a.client, 'confirm', { question: 'Only for A?' });
    await until(
      async () => (await f.store.getTask(task.taskId, a.sessionId)).status === 'input_required' && f.queue.queueCount > 0,
      3000,
      'the elicitation to be queued',
    );
    const err = await rejection(
      b.client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema),
      'B tasks/result of A input_required task',
    );
    assert.equal(err.code, -32602);
    assert.equal(b.client.elicitations.length, 0, 'B received A elicitation');
    assert.equal(f.queue.queueCount, 1, 'B took a message from A queue');

    // A's tasks/result delivers the request, A answers, and the result follows.
    const result = await a.client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema);
    assert.equal(a.client.elicitations.length, 1);
    assert.equal(a.client.elicitations[0].params.message, 'Only for A?');
    assert.equal(result.content[0].text, 'confirmed');
    assert.equal((await a.client.experimental.tasks.getTask(task.taskId)).status, 'completed');
  } finally {
    await f.close();
  }
});
