//! Per-task message queues: the side channel of a task (an elicitation request sent while
//! the task is `input_required`, a response routed back to it).
//!
//! A queue exists only while it holds messages: draining it frees it. A queue belongs to
//! the session that first enqueued into it, with the store's session rule: another session
//! neither sees nor changes it; calls without a session are unrestricted; a queue made
//! without a session is open to all. Any task id is accepted (the SDK queues replies for a
//! related task whether or not the store holds it).

use std::collections::{HashMap, VecDeque};

use super::{params, StoreError};

#[derive(Debug)]
struct Queue<M> {
    owner: Option<Box<str>>,
    items: VecDeque<M>,
}

impl<M> Queue<M> {
    fn open_to(&self, session: Option<&str>) -> bool {
        match (&self.owner, session) {
            (Some(owner), Some(me)) => **owner == *me,
            _ => true,
        }
    }
}

/// The message queues of many tasks, keyed by task id.
#[derive(Debug)]
pub struct MessageQueues<M> {
    queues: HashMap<Box<str>, Queue<M>>,
}

impl<M> Default for MessageQueues<M> {
    fn default() -> Self {
        MessageQueues {
            queues: HashMap::new(),
        }
    }
}

impl<M> MessageQueues<M> {
    /// Appends `message` to the queue of `task_id`. With `max_size`, a queue already holding
    /// that many messages rejects it (and nothing is enqueued).
    pub fn enqueue(
        &mut self,
        task_id: &str,
        message: M,
        session: Option<&str>,
        max_size: Option<u64>,
    ) -> Result<(), StoreError> {
        let session = params::session(session)?;
        let len = match self.queues.get(task_id) {
            Some(queue) if !queue.open_to(session) => return Err(StoreError::not_found(task_id)),
            Some(queue) => queue.items.len(),
            None => 0,
        };
        if let Some(max) = max_size {
            if len as u64 >= max {
                return Err(StoreError::QueueFull { size: len, max });
            }
        }
        self.queues
            .entry(task_id.into())
            .or_insert_with(|| Queue {
                owner: session.map(Into::into),
                items: VecDeque::new(),
            })
            .items
            .push_back(message);
        Ok(())
    }

    /// Takes the oldest message of `task_id`'s queue.
    pub fn dequeue(
        &mut self,
        task_id: &str,
        session: Option<&str>,
    ) -> Result<Option<M>, StoreError> {
        let session = params::session(session)?;
        let Some(queue) = self.queues.get_mut(task_id).filter(|q| q.open_to(session)) else {
            return Ok(None);
        };
        let message = queue.items.pop_front();
        if queue.items.is_empty() {
            self.queues.remove(task_id);
        }
        Ok(message)
    }

    /// Takes every message of `task_id`'s queue, oldest first.
    pub fn dequeue_all(
        &mut self,
        task_id: &str,
        session: Option<&str>,
    ) -> Result<Vec<M>, StoreError> {
        let session = params::session(session)?;
        if !self.queues.get(task_id).is_some_and(|q| q.open_to(session)) {
            return Ok(Vec::new());
        }
        Ok(self
            .queues
            .remove(task_id)
            .map(|q| q.items.into())
            .unwrap_or_default())
    }

    /// Messages waiting for `task_id`, whatever the session.
    pub fn len_of(&self, task_id: &str) -> usize {
        self.queues.get(task_id).map_or(0, |q| q.items.len())
    }

    /// Tasks with waiting messages.
    pub fn task_count(&self) -> usize {
        self.queues.len()
    }

    /// Drops the queue of a task (its task is gone).
    pub fn remove_task(&mut self, task_id: &str) {
        self.queues.remove(task_id);
    }

    /// Drops every queue.
    pub fn clear(&mut self) {
        self.queues.clear();
    }
}
