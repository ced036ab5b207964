// The tasks extension on a stateful Streamable HTTP server: sessions held by the SDK v2's
// WebStandardStreamableHTTPServerTransport (`sessionIdGenerator`, one long-lived McpServer per
// session), composed as the SDK documents it with a strict 2026-07-28 endpoint
// (`createMcpHandler(factory, { legacy: 'reject' })` for requests with the per-request envelope,
// `isLegacyRequest` routing the rest to the sessions). One TasksExtension and one store serve
// both legs. @modelcontextprotocol/server 2.4.0's session transport speaks the 2025 revisions
// only (it answers a 2026-07-28 request with 400), whose requests carry no per-request client
// capabilities: a session's tools/call never declares the extension, so it never gets a task
// and runs inline, and its tasks/* calls are -32021; tasks live on the 2026-07-28 leg.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { McpServer, WebStandardStreamableHTTPServerTransport, createMcpHandler, isLegacyRequest } from '@modelcontextprotocol/server';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { TasksExtension, InMemoryTaskStore } from 'mcp-task-store-wasm/tasks-extension';
import { EXTENSION_ID, listen, connectSession, rawRequest, envelope } from './fixtures/tasks-extension/harness.mjs';

const text = (t) => ({ content: [{ type: 'text', text: t }] });
const store = new InMemoryTaskStore({ defaultPollInterval: 20 });
const tasks = new TasksExtension(store, { defaultTtlMs: 60_000, defaultPollIntervalMs: 20 });
/** Each server the endpoint made, with the leg it serves. */
const made = [];

function makeServer(leg) {
  const server = new McpServer({ name: `tasks-extension-${leg}`, version: '1.0.0' });
  made.push(leg);
  tasks.attach(server);
  server.registerTool('report', { description: 'a task where the request allows one, inline otherwise' }, async (ctx) => {
    if (!tasks.accepts(ctx)) return text(`inline on ${leg} (session ${ctx.sessionId ?? 'none'})`);
    const task = await tasks.create(ctx);
    void (async () => {
      const { go } = await task.requireInput({ go: { method: 'elicitation/create', params: { message: 'go?', requestedSchema: { type: 'object', properties: {} } } } });
      await task.complete(text(`done (${go.action})`));
    })().catch((error) => task.fail({ code: -32603, message: String(error?.message ?? error) }).catch(() => {}));
    return task.result();
  });
  return server;
}

/** The endpoint: sessions for 2025-era requests, the strict modern handler for the rest. */
function endpoint() {
  const modern = createMcpHandler(() => makeServer('modern'), { legacy: 'reject' });
  const sessions = new Map();
  return {
    sessions,
    async fetch(request, options) {
      if (!(await isLegacyRequest(request))) return modern.fetch(request, options);
      const sessionId = request.headers.get('mcp-session-id');
      let transport = sessionId ? sessions.get(sessionId) : undefined;
      if (transport === undefined) {
        if (sessionId) return Response.json({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }, { status: 404 });
        transport = new WebStandardStreamableHTTPServerTransport({
          sessionIdGenerator: () => crypto.randomUUID(),
          onsessioninitialized: (id) => sessions.set(id, transport),
          onsessionclosed: (id) => sessions.delete(id),
        });
        await makeServer('session').connect(transport);
      }
      return transport.handleRequest(request, options);
    },
    async close() {
      for (const transport of sessions.values()) await transport.close();
      await modern.close();
    },
  };
}

let server;
let sessions;
before(async () => {
  const handler = endpoint();
  sessions = handler.sessions;
  server = await listen(handler);
});
after(async () => {
  await server.close();
  tasks.close();
  store.cleanup();
});

async function legacyClient() {
  const client = new Client({ name: 'legacy-client', version: '1.0.0' }, { capabilities: { elicitation: {}, extensions: { [EXTENSION_ID]: {} } } });
  const transport = new StreamableHTTPClientTransport(new URL(server.url));
  await client.connect(transport);
  return { client, transport };
}

test('stateful: a session (Mcp-Session-Id) is kept by one long-lived server with the extension attached, advertised as exactly {}; its tools/call, which cannot declare the extension per request, runs inline and makes no task', async () => {
  const before = store.size;
  const serversBefore = made.filter((leg) => leg === 'session').length;
  const { client, transport } = await legacyClient();
  try {
    assert.equal(client.getProtocolEra(), 'legacy');
    assert.match(transport.sessionId, /^[0-9a-f-]{36}$/);
    assert.ok(sessions.has(transport.sessionId));
    assert.deepEqual(client.getServerCapabilities().extensions, { [EXTENSION_ID]: {} });
    for (let i = 0; i < 3; i++) {
      const result = await client.callTool({ name: 'report', arguments: {} });
      assert.notEqual(result.resultType, 'task');
      assert.ok(!('taskId' in result));
      assert.equal(result.content[0].text, `inline on session (session ${transport.sessionId})`);
    }
    assert.equal(made.filter((leg) => leg === 'session').length, serversBefore + 1); // one server for the whole session
    assert.equal(store.size, before);
  } finally {
    await transport.terminateSession();
    await client.close();
  }
  assert.equal(sessions.size, 0);
});

test('stateful: tasks/get, tasks/update and tasks/cancel inside a session are -32021 naming the extension (a 2025-era request carries no per-request capabilities), even for a task that exists', async () => {
  const created = (await rawRequest(server.url, 'tools/call', { name: 'report', arguments: {} })).result;
  assert.equal(created.resultType, 'task');
  const { client, transport } = await legacyClient();
  try {
    for (const method of ['tasks/get', 'tasks/update', 'tasks/cancel']) {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-session-id': transport.sessionId,
          'mcp-protocol-version': transport.protocolVersion ?? '2025-11-25',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 7, method, params: { taskId: created.taskId, inputResponses: {} } }),
      });
      const body = await response.text();
      const message = response.headers.get('content-type').includes('text/event-stream')
        ? JSON.parse(body.split('\n').find((l) => l.startsWith('data: ')).slice(6))
        : JSON.parse(body);
      assert.equal(message.error?.code, -32021, `${method}: ${body}`);
      assert.deepEqual(message.error.data, { requiredCapabilities: { extensions: { [EXTENSION_ID]: {} } } });
    }
  } finally {
    await transport.terminateSession();
    await client.close();
  }
  assert.equal((await rawRequest(server.url, 'tasks/get', { taskId: created.taskId })).result.status, 'input_required');
  await rawRequest(server.url, 'tasks/cancel', { taskId: created.taskId });
});

test('stateful and 2026-07-28 on one endpoint, one store: while a session is open, the official ext-tasks client runs a task through input_required to completed on the modern leg', async () => {
  const legacy = await legacyClient();
  const asked = [];
  const { session, close } = await connectSession(server.url, {
    onInputRequest: async (request) => {
      asked.push(request.params.message);
      return { action: 'accept', content: {} };
    },
  });
  try {
    const execution = await session.callTool('report', {});
    assert.equal(execution.kind, 'task');
    const outcome = await execution.result();
    assert.equal(outcome.status, 'completed');
    assert.deepEqual(outcome.result.content, [{ type: 'text', text: 'done (accept)' }]);
    assert.deepEqual(asked, ['go?']);
    // The session is still there and still served inline.
    const inline = await legacy.client.callTool({ name: 'report', arguments: {} });
    assert.match(inline.content[0].text, /^inline on session/);
  } finally {
    await close();
    await legacy.transport.terminateSession();
    await legacy.client.close();
  }
});

test('stateful: what the above relies on: in @modelcontextprotocol/server 2.4.0 a session transport refuses a 2026-07-28 request (400), even inside an initialized session', async () => {
  const { client, transport } = await legacyClient();
  const session = sessions.get(transport.sessionId);
  try {
    const response = await session.handleRequest(new Request(server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-session-id': transport.sessionId,
        'mcp-protocol-version': '2026-07-28',
        'mcp-method': 'tools/call',
        'mcp-name': 'report',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'report', arguments: {}, _meta: envelope() } }),
    }));
    assert.equal(response.status, 400);
    assert.match(await response.text(), /Unsupported protocol version: 2026-07-28/);
  } finally {
    await transport.terminateSession();
    await client.close();
  }
});
