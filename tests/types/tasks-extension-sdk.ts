// mcp-task-store-wasm/tasks-extension against the real SDK v2 and ext-tasks 0.2.x types: the
// extension attaches to an McpServer, its answers are the ext-tasks client's types, and
// createRawDispatch is what createTaskSessionFromClient takes. (tsconfig.sdk-v2.json: those
// packages' own declarations need skipLibCheck and Node's types.)
import { McpServer, createMcpHandler, type McpHttpHandler } from '@modelcontextprotocol/server';
import { Client } from '@modelcontextprotocol/client';
import { createTaskSessionFromClient } from '@modelcontextprotocol/ext-tasks/client';
import type { DetailedTaskV2, CreateTaskResultV2, GetTaskResultV2, ErrorV2 } from '@modelcontextprotocol/ext-tasks/core/v2';
import {
  TasksExtension,
  InMemoryTaskStore,
  createRawDispatch,
  type DetailedTask,
  type GetTaskResult,
  type CreateTaskResult,
  type TaskError,
} from 'mcp-task-store-wasm/tasks-extension';

const tasks = new TasksExtension(new InMemoryTaskStore());
export const server: McpServer = tasks.attach(new McpServer({ name: 's', version: '1.0.0' }));
// guard keeps the handler's type (fetch, close, notify, bus).
export const handler: McpHttpHandler = tasks.guard(createMcpHandler(() => tasks.attach(new McpServer({ name: 's', version: '1.0.0' }))));

export function toTheirs(detailed: DetailedTask, answer: GetTaskResult, created: CreateTaskResult, error: TaskError) {
  // The shapes line up with the client's (JSON values are `unknown` on our side, hence the casts of the open parts).
  const a = detailed as DetailedTaskV2;
  const b = answer as GetTaskResultV2;
  const c: Omit<CreateTaskResultV2, '_meta'> = created;
  const d = error as ErrorV2;
  return [a, b, c, d];
}

export function session(client: Client, url: string) {
  return createTaskSessionFromClient(client, {
    endpointId: url,
    rawDispatch: createRawDispatch(url, { headers: { authorization: 'Bearer t' } }),
    v2RequestFraming: { protocolVersion: '2026-07-28', clientInfo: { name: 'c', version: '1' }, clientCapabilities: {} },
  });
}
