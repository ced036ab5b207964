//! `InMemoryTaskMessageQueue`: the JS class over [`crate::core::MessageQueues`].
//!
//! Made on its own (`new InMemoryTaskMessageQueue()`) it holds its queues itself, like the
//! SDK's, takes any task id, and a queue belongs to the session that first filled it.
//! Obtained from a store (`store.messageQueue()`) it shares the store's state: it holds
//! messages only for the store's live tasks, a session reaches a task's queue exactly when
//! the store shows it that task, and a task's queue goes when the task does.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;

use super::args::{self, describe, field};
use super::error::{settle, throw_on_err};
use super::json::{object_copy, Freeze};
use super::task_store::Inner;
use super::timer::now;
use crate::core::params::count;
use crate::core::{MessageQueues, StoreError};

type Queues = MessageQueues<JsValue>;

enum Backing {
    Own(Rc<RefCell<Queues>>),
    Store(Rc<RefCell<Inner>>),
}

/// A per-task FIFO of queued JSON-RPC messages for `@modelcontextprotocol/sdk`.
#[wasm_bindgen]
pub struct InMemoryTaskMessageQueue {
    backing: Backing,
}

const MESSAGE_TYPES: [&str; 4] = ["request", "notification", "response", "error"];

/// Copies a `QueuedMessage` (`{ type, message, timestamp }`) and checks the copy, so what
/// was checked is what is kept (a getter cannot answer differently the second time).
fn queued_message(value: &JsValue) -> Result<JsValue, StoreError> {
    let copy = object_copy("message", value, Freeze::No)?;
    let kind = field("message.type", &copy, "type")?;
    if !kind
        .as_string()
        .is_some_and(|k| MESSAGE_TYPES.contains(&k.as_str()))
    {
        return Err(StoreError::range_error(
            "message.type",
            describe(&kind),
            "must be 'request', 'notification', 'response' or 'error'",
        ));
    }
    args::object(
        "message.message",
        &field("message.message", &copy, "message")?,
    )?;
    let stamp = field("message.timestamp", &copy, "timestamp")?;
    if stamp.as_f64().is_none() {
        return Err(StoreError::type_error(
            "message.timestamp",
            describe(&stamp),
            "a finite number",
        ));
    }
    Ok(copy)
}

/// `maxSize`: absent or `Infinity` for no limit, else a non-negative integer.
fn max_size_arg(value: &JsValue) -> Result<Option<u64>, StoreError> {
    match value.as_f64() {
        _ if args::is_absent(value) => Ok(None),
        Some(n) if n == f64::INFINITY => Ok(None),
        Some(n) => count("maxSize", n).map(Some),
        None => Err(StoreError::type_error(
            "maxSize",
            describe(value),
            "a number",
        )),
    }
}

/// What an operation does when the task is not there for the caller.
enum IfMissing<T> {
    Answer(T),
    NotFound,
}

impl InMemoryTaskMessageQueue {
    pub(super) fn linked(inner: Rc<RefCell<Inner>>) -> Self {
        InMemoryTaskMessageQueue {
            backing: Backing::Store(inner),
        }
    }

    /// Reads the `taskId` and `sessionId` arguments and runs `op` on the queues with the
    /// task id and the session it should apply, or answers `missing` when a linked queue's
    /// store does not show the caller this task.
    fn with<T>(
        &self,
        task_id: &JsValue,
        session_id: &JsValue,
        missing: IfMissing<T>,
        op: impl FnOnce(&mut Queues, &str, Option<&str>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let task_id = args::string("taskId", task_id)?;
        let session = args::opt_string("sessionId", session_id)?;
        let (task_id, session) = (task_id.as_str(), session.as_deref());
        let busy = || StoreError::Internal {
            message: "the queue was called from inside one of its own calls".into(),
        };
        match &self.backing {
            Backing::Own(queues) => op(
                &mut *queues.try_borrow_mut().map_err(|_| busy())?,
                task_id,
                session,
            ),
            Backing::Store(inner) => {
                let mut inner = inner.try_borrow_mut().map_err(|_| busy())?;
                match inner.visible_queues(task_id, session, now())? {
                    // The store has checked the session; the queue need not.
                    Some(queues) => op(queues, task_id, None),
                    None => match missing {
                        IfMissing::Answer(value) => Ok(value),
                        IfMissing::NotFound => Err(StoreError::NotFound {
                            task_id: crate::core::error::quote_input(task_id),
                        }),
                    },
                }
            }
        }
    }
}

#[wasm_bindgen]
impl InMemoryTaskMessageQueue {
    /// An empty queue of its own (not linked to a store; see `InMemoryTaskStore.messageQueue`).
    #[wasm_bindgen(constructor)]
    pub fn new() -> InMemoryTaskMessageQueue {
        InMemoryTaskMessageQueue {
            backing: Backing::Own(Rc::default()),
        }
    }

    /// Appends a message to a task's queue; rejects (enqueuing nothing) when the queue
    /// already holds `maxSize` messages.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn enqueue(
        &self,
        #[wasm_bindgen(js_name = taskId, unchecked_param_type = "string")] task_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "QueuedMessage")] message: JsValue,
        #[wasm_bindgen(js_name = sessionId, unchecked_param_type = "string | undefined")]
        session_id: JsValue,
        #[wasm_bindgen(js_name = maxSize, unchecked_param_type = "number | undefined")]
        max_size: JsValue,
    ) -> Promise {
        settle((|| {
            let max = max_size_arg(&max_size)?;
            let copy = queued_message(&message)?;
            self.with(&task_id, &session_id, IfMissing::NotFound, |q, id, s| {
                q.enqueue(id, copy, s, max)
            })?;
            Ok(JsValue::UNDEFINED)
        })())
    }

    /// Takes the oldest message of a task's queue, or `undefined`.
    #[wasm_bindgen(unchecked_return_type = "Promise<QueuedMessage | undefined>")]
    pub fn dequeue(
        &self,
        #[wasm_bindgen(js_name = taskId, unchecked_param_type = "string")] task_id: JsValue,
        #[wasm_bindgen(js_name = sessionId, unchecked_param_type = "string | undefined")]
        session_id: JsValue,
    ) -> Promise {
        let message = self.with(
            &task_id,
            &session_id,
            IfMissing::Answer(None),
            |q, id, s| q.dequeue(id, s),
        );
        settle(message.map(|m| m.unwrap_or(JsValue::UNDEFINED)))
    }

    /// Takes every message of a task's queue, oldest first.
    #[wasm_bindgen(js_name = dequeueAll, unchecked_return_type = "Promise<QueuedMessage[]>")]
    pub fn dequeue_all(
        &self,
        #[wasm_bindgen(js_name = taskId, unchecked_param_type = "string")] task_id: JsValue,
        #[wasm_bindgen(js_name = sessionId, unchecked_param_type = "string | undefined")]
        session_id: JsValue,
    ) -> Promise {
        let all = self.with(
            &task_id,
            &session_id,
            IfMissing::Answer(Vec::new()),
            |q, id, s| q.dequeue_all(id, s),
        );
        settle(all.map(|all| all.into_iter().collect::<Array>().into()))
    }

    /// How many tasks have messages waiting (drained queues are freed).
    #[wasm_bindgen(getter, js_name = queueCount)]
    pub fn queue_count(&self) -> Result<u32, JsValue> {
        let count = match &self.backing {
            Backing::Own(queues) => queues.try_borrow().ok().map(|q| q.task_count()),
            Backing::Store(inner) => inner
                .try_borrow_mut()
                .ok()
                .map(|mut i| i.queue_count(now())),
        };
        throw_on_err(count.map(|n| n as u32).ok_or_else(|| StoreError::Internal {
            message: "the queue was called from inside one of its own calls".into(),
        }))
    }
}

impl Default for InMemoryTaskMessageQueue {
    fn default() -> Self {
        Self::new()
    }
}
