//! Message queues: the side channel of a task (an elicitation request sent while the task
//! is `input_required`, a response routed back to it).
//!
//! [`Fifo`] is one task's queue with the overflow rule. Two owners use it:
//! - a store's own queues ([`crate::TaskStore::enqueue`] and friends): a task's queue lives
//!   in the task's slot, so it holds messages only for live tasks, a caller reaches it
//!   exactly when the store shows the caller the task, and it goes with the task;
//! - [`MessageQueues`], queues on their own, keyed by any task id (the SDK queues replies
//!   for a related task whether or not a store holds it). A queue belongs to the session
//!   that first enqueued into it, under the store's session rule ([`crate::visible_to`]).
//!
//! Either way a queue exists only while it holds messages: draining it frees it.

use std::collections::{HashMap, VecDeque};

use super::{params, visible_to, StoreError};

/// One task's messages, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fifo<M> {
    items: VecDeque<M>,
}

impl<M> Default for Fifo<M> {
    fn default() -> Self {
        Fifo {
            items: VecDeque::new(),
        }
    }
}

impl<M> Fifo<M> {
    /// Appends `message`. With `max_size`, a queue already holding that many messages
    /// rejects it (and nothing is enqueued).
    pub fn push(&mut self, message: M, max_size: Option<u64>) -> Result<(), StoreError> {
        let len = self.items.len();
        if let Some(max) = max_size {
            if len as u64 >= max {
                return Err(StoreError::QueueFull { size: len, max });
            }
        }
        self.items.push_back(message);
        Ok(())
    }

    /// Takes the oldest message.
    pub fn pop(&mut self) -> Option<M> {
        self.items.pop_front()
    }

    /// Takes every message, oldest first.
    pub fn take_all(&mut self) -> Vec<M> {
        std::mem::take(&mut self.items).into()
    }

    /// Messages waiting.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether no message waits.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The messages, oldest first, without taking them.
    pub fn iter(&self) -> impl Iterator<Item = &M> {
        self.items.iter()
    }
}

#[derive(Debug)]
struct Owned<M> {
    owner: Option<Box<str>>,
    fifo: Fifo<M>,
}

/// The message queues of many tasks, keyed by task id, on their own (not linked to a
/// store).
#[derive(Debug)]
pub struct MessageQueues<M> {
    queues: HashMap<Box<str>, Owned<M>>,
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
        match self.queues.get_mut(task_id) {
            Some(queue) if visible_to(queue.owner.as_deref(), session) => {
                queue.fifo.push(message, max_size)
            }
            Some(_) => Err(StoreError::not_found(task_id)),
            None => {
                let mut fifo = Fifo::default();
                fifo.push(message, max_size)?;
                let owner = session.map(Into::into);
                self.queues.insert(task_id.into(), Owned { owner, fifo });
                Ok(())
            }
        }
    }

    /// Takes the oldest message of `task_id`'s queue.
    pub fn dequeue(
        &mut self,
        task_id: &str,
        session: Option<&str>,
    ) -> Result<Option<M>, StoreError> {
        Ok(self.take(task_id, session, Fifo::pop)?.flatten())
    }

    /// Takes every message of `task_id`'s queue, oldest first.
    pub fn dequeue_all(
        &mut self,
        task_id: &str,
        session: Option<&str>,
    ) -> Result<Vec<M>, StoreError> {
        Ok(self
            .take(task_id, session, Fifo::take_all)?
            .unwrap_or_default())
    }

    /// Runs `op` on the queue of `task_id` if `session` may reach it, freeing it once empty.
    fn take<T>(
        &mut self,
        task_id: &str,
        session: Option<&str>,
        op: impl FnOnce(&mut Fifo<M>) -> T,
    ) -> Result<Option<T>, StoreError> {
        let session = params::session(session)?;
        let Some(queue) = self
            .queues
            .get_mut(task_id)
            .filter(|q| visible_to(q.owner.as_deref(), session))
        else {
            return Ok(None);
        };
        let out = op(&mut queue.fifo);
        if queue.fifo.is_empty() {
            self.queues.remove(task_id);
        }
        Ok(Some(out))
    }

    /// Messages waiting for `task_id`, whatever the session.
    pub fn len_of(&self, task_id: &str) -> usize {
        self.queues.get(task_id).map_or(0, |q| q.fifo.len())
    }

    /// Tasks with waiting messages.
    pub fn task_count(&self) -> usize {
        self.queues.len()
    }

    /// Drops every queue.
    pub fn clear(&mut self) {
        self.queues.clear();
    }
}
