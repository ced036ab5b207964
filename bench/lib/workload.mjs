// The workload both stores are run on: realistic requests and results, sessions, a ttl,
// and a scattered visiting order. Nothing here is timed.
import { randomFillSync } from 'node:crypto';

/** The ttl every task asks for: one hour, so nothing expires during a run. */
export const TTL_MS = 3_600_000;

/** `taskParams` of every createTask call (the poll interval takes the store's default). */
export const TASK_PARAMS = Object.freeze({ ttl: TTL_MS });

/** Tasks are spread round-robin over these sessions; listing pages through the first. */
export const SESSIONS = Object.freeze(['session-0', 'session-1', 'session-2', 'session-3']);

/** Session of task number `i`. */
export const sessionOf = (i) => SESSIONS[i % SESSIONS.length];

/** Length in characters of each result's text (hex digits, one byte each). */
export const RESULT_TEXT_CHARS = 1024;

/** Length in characters of each request's distinct query string. */
const QUERY_CHARS = 128;

/**
 * Distinct random hex strings, cut from a large random buffer that is refilled when used
 * up. Each string is a fresh flat string (not a slice or rope of a shared one), so every
 * task really holds its own bytes.
 */
export class HexSource {
  #buf = Buffer.alloc(1 << 20);
  #at = this.#buf.length;

  /** A new string of `chars` hex digits (`chars` even). */
  next(chars) {
    const bytes = chars / 2;
    if (this.#at + bytes > this.#buf.length) {
      randomFillSync(this.#buf);
      this.#at = 0;
    }
    const text = this.#buf.toString('hex', this.#at, this.#at + bytes);
    this.#at += bytes;
    return text;
  }
}

/**
 * The request of task `i`: a `tools/call` with arguments, about 300 bytes as JSON, with a
 * distinct query string per task.
 */
export function makeRequest(i, hex) {
  return {
    method: 'tools/call',
    params: {
      name: 'search_documents',
      arguments: {
        query: hex.next(QUERY_CHARS),
        limit: 20,
        includeArchived: false,
        tags: ['reports', `team-${i % 16}`],
      },
      _meta: { progressToken: i },
    },
  };
}

/** A tool result with about 1 KB of distinct text, as a tool call returns it. */
export function makeResult(hex) {
  return { content: [{ type: 'text', text: hex.next(RESULT_TEXT_CHARS) }] };
}

/** Step between visited tasks: a prime, so `(k * STRIDE) % n` never repeats for k < n
 * when n is a product of 2s and 5s (every size the benchmark uses). */
const STRIDE = 7919;

/**
 * `count` distinct task indexes out of `n`, in a scattered order (so lookups do not walk
 * memory in creation order).
 */
export function scatteredOrder(n, count) {
  const order = new Int32Array(count);
  for (let k = 0; k < count; k++) order[k] = (k * STRIDE) % n;
  return order;
}
