// Small pure helpers for what the page shows.

export const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

export const STATUS_LABEL = {
  working: 'working',
  input_required: 'input required',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** The first 8 characters of a task id: enough to tell the rows apart. */
export const shortId = (taskId) => taskId.slice(0, 8);

/**
 * When the store drops the task (ms since the epoch), or null without a ttl: the ttl counts from
 * creation, and from the end once the task is terminal (the store's rule).
 */
export function deadlineOf(task) {
  if (task.ttl == null) return null;
  return Date.parse(TERMINAL.has(task.status) ? task.lastUpdatedAt : task.createdAt) + task.ttl;
}

const two = (n) => String(n).padStart(2, '0');

/** 24-hour local time of an ISO timestamp (or of ms since the epoch), e.g. 09:41:07. */
export function clockTime(when) {
  const d = new Date(when);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** "42 s", "9 min 58 s", "expiring" for a ttl countdown. */
export function remaining(ms) {
  if (ms <= 0) return 'expiring';
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
}
