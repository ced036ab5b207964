// Both ends of MCP in the tab: per session, an McpServer (SDK 1.32) whose tasks live in the one
// shared InMemoryTaskStore, and a Client, joined by the SDK's InMemoryTransport. The server's
// transport carries the session id, so the store binds every task to its session.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { CallToolResultSchema, ElicitRequestSchema, RELATED_TASK_META_KEY } from '@modelcontextprotocol/sdk/types.js';
import { runTask } from 'mcp-task-store-wasm';
import { z } from 'zod';
import { sleep } from './sleep.js';

/** The ttl a client asks for (the short-ttl tool sets its own). */
export const REQUESTED_TTL = 10 * 60_000;
/** How long the short-ttl tool's task (and its result) lives after it ends. */
export const SHORT_TTL = 6_000;

/** The tools, as the page's buttons start them. */
export const TOOLS = [
  { name: 'countdown', label: 'Start countdown', args: { from: 5, stepMs: 600 } },
  { name: 'confirm', label: 'Ask for input', args: { question: 'Ship the release today?' } },
  { name: 'flaky', label: 'Start failing tool', args: { reason: 'the upstream service is down' } },
  { name: 'ephemeral', label: `Start short-ttl (${SHORT_TTL / 1000} s)`, args: {} },
];

const text = (t) => ({ content: [{ type: 'text', text: t }] });

/**
 * The server of one session. Each tool answers tools/call with its task at once and does the work
 * with `runTask` on the store itself, so the work's signal aborts when the task is cancelled or
 * expires, and its return value (or throw) ends the task.
 */
function createServer(store, queue) {
  const server = new McpServer(
    { name: 'mcp-task-store-wasm-www', version: '1.0.0' },
    {
      capabilities: { tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } },
      taskStore: store,
      taskMessageQueue: queue,
    },
  );

  const taskTool = (name, description, inputSchema, work, ttl) =>
    server.experimental.tasks.registerToolTask(name, { description, inputSchema }, {
      async createTask(args, extra) {
        const task = await extra.taskStore.createTask({ ttl: ttl ?? extra.taskRequestedTtl });
        void runTask(store, task.taskId, (ctx) => work(args, ctx), { sessionId: extra.sessionId });
        return { task };
      },
      getTask: (_args, extra) => extra.taskStore.getTask(extra.taskId),
      getTaskResult: (_args, extra) => extra.taskStore.getTaskResult(extra.taskId),
    });

  taskTool(
    'countdown',
    'Counts down, one step every stepMs, with the step as the status message',
    { from: z.number().int().min(1).max(60), stepMs: z.number().int().min(50).max(5_000) },
    async ({ from, stepMs }, ctx) => {
      for (let i = from; i >= 1; i--) {
        await ctx.setStatus(`T-${i}`);
        await sleep(stepMs, ctx.signal);
      }
      await ctx.setStatus('liftoff');
      return text(`liftoff after ${from} steps`);
    },
  );

  taskTool(
    'confirm',
    'Asks the person a yes/no question (elicitation through the task message queue)',
    { question: z.string() },
    async ({ question }, ctx) => {
      await ctx.needInput('waiting for your answer');
      // With relatedTask the request waits in the task's message queue; the client takes it with
      // tasks/result, the page shows a form, and the answer comes back here.
      const answer = await server.server.elicitInput(
        {
          message: question,
          requestedSchema: {
            type: 'object',
            properties: {
              confirm: { type: 'boolean', title: 'Yes?' },
              note: { type: 'string', title: 'Note', maxLength: 80 },
            },
            required: ['confirm'],
          },
        },
        { relatedTask: { taskId: ctx.task.taskId }, signal: ctx.signal, timeout: REQUESTED_TTL },
      );
      await ctx.resume('answer received');
      if (answer.action !== 'accept') return text(`no answer (${answer.action})`);
      const note = answer.content.note ? ` (“${answer.content.note}”)` : '';
      return text(`answer: ${answer.content.confirm ? 'yes' : 'no'}${note}`);
    },
  );

  taskTool(
    'flaky',
    'Fails: its result has isError: true, so the task ends failed',
    { reason: z.string() },
    async ({ reason }, ctx) => {
      await ctx.setStatus('calling upstream…');
      await sleep(900, ctx.signal);
      await ctx.setStatus('upstream answered 503');
      return { ...text(`failed: ${reason}`), isError: true };
    },
  );

  taskTool(
    'ephemeral',
    `Done in a second; the task and its result are kept for ${SHORT_TTL / 1000} s after that`,
    {},
    async (_args, ctx) => {
      await ctx.setStatus('working briefly');
      await sleep(700, ctx.signal);
      await ctx.setStatus(`kept for ${SHORT_TTL / 1000} s`);
      return text('done, gone soon');
    },
    SHORT_TTL,
  );

  return server;
}

/**
 * One session: its server and client, connected. `onInput(request, taskId)` is the client's
 * elicitation handler: it returns a Promise of the person's answer.
 */
export async function openSession(sessionId, store, queue, onInput) {
  const server = createServer(store, queue);
  const client = new Client({ name: 'www-client', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } } });
  client.setRequestHandler(ElicitRequestSchema, (request) =>
    onInput(request.params, request.params._meta?.[RELATED_TASK_META_KEY]?.taskId));
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  serverTransport.sessionId = sessionId; // what the server's task calls carry as the session
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  return {
    id: sessionId,
    client,
    /** Calls `tool` as a task and follows it to its end; resolves with the task id (or rejects). */
    async start(tool) {
      const stream = client.experimental.tasks.callToolStream(
        { name: tool.name, arguments: tool.args },
        CallToolResultSchema,
        { task: { ttl: REQUESTED_TTL } },
      );
      let taskId;
      for await (const message of stream) {
        if (message.type === 'taskCreated') taskId = message.task.taskId;
        // A failed or cancelled task ends the stream with an error: the table already shows it.
        if (message.type === 'error' && !taskId) throw message.error;
      }
      return taskId;
    },
    /** Every task this session sees, over MCP (tasks/list, page by page). */
    async listTasks() {
      const tasks = [];
      let cursor;
      do {
        const page = await client.experimental.tasks.listTasks(cursor);
        tasks.push(...page.tasks);
        cursor = page.nextCursor;
      } while (cursor);
      return tasks;
    },
    /** The text of a terminal task's result (tasks/result). */
    async resultText(taskId) {
      const result = await client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema);
      return result.content?.filter((c) => c.type === 'text').map((c) => c.text).join(' ') ?? '';
    },
    cancel: (taskId) => client.experimental.tasks.cancelTask(taskId),
  };
}
