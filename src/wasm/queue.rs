//! `InMemoryTaskMessageQueue`: the JS class over [`crate::core::MessageQueues`].
//!
//! Made on its own (`new InMemoryTaskMessageQueue()`) it holds its queues itself, like the
//! SDK's. Obtained from a store (`store.messageQueue()`) it shares the store's state, so a
//! task's queue is dropped when the task expires or the store is cleaned up.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;

use super::args::{self, describe, field, object};
use super::error::settle;
use super::json::{object_copy, Freeze};
use super::task_store::Inner;
use super::timer::now;
use crate::core::params::millis;
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

/// Checks a `QueuedMessage` (`{ type, message, timestamp }`) and copies it.
fn queued_message(value: &JsValue) -> Result<JsValue, StoreError> {
    object("message", value)?;
    let kind = field("message.type", value, "type")?;
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
    object(
        "message.message",
        &field("message.message", value, "message")?,
    )?;
    let stamp = field("message.timestamp", value, "timestamp")?;
    if !stamp.as_f64().is_some_and(f64::is_finite) {
        return Err(StoreError::type_error(
            "message.timestamp",
            describe(&stamp),
            "a finite number",
        ));
    }
    object_copy("message", value, Freeze::No)
}

fn max_size_arg(value: &JsValue) -> Result<Option<u64>, StoreError> {
    if args::is_absent(value) {
        return Ok(None);
    }
    let n = value
        .as_f64()
        .ok_or_else(|| StoreError::type_error("maxSize", describe(value), "a number"))?;
    millis("maxSize", n).map(Some).map_err(|_| {
        StoreError::range_error("maxSize", describe(value), "must be a non-negative integer")
    })
}

impl InMemoryTaskMessageQueue {
    pub(super) fn linked(inner: Rc<RefCell<Inner>>) -> Self {
        InMemoryTaskMessageQueue {
            backing: Backing::Store(inner),
        }
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&mut Queues) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let busy = || StoreError::Internal {
            message: "the queue was called from inside one of its own calls".into(),
        };
        match &self.backing {
            Backing::Own(queues) => f(&mut *queues.try_borrow_mut().map_err(|_| busy())?),
            Backing::Store(inner) => f(inner.try_borrow_mut().map_err(|_| busy())?.queues(now())),
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
            let id = args::string("taskId", &task_id)?;
            let session = args::opt_string("sessionId", &session_id)?;
            let max = max_size_arg(&max_size)?;
            let copy = queued_message(&message)?;
            self.with(|q| q.enqueue(&id, copy, session.as_deref(), max))?;
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
        settle((|| {
            let id = args::string("taskId", &task_id)?;
            let session = args::opt_string("sessionId", &session_id)?;
            Ok(self
                .with(|q| q.dequeue(&id, session.as_deref()))?
                .unwrap_or(JsValue::UNDEFINED))
        })())
    }

    /// Takes every message of a task's queue, oldest first.
    #[wasm_bindgen(js_name = dequeueAll, unchecked_return_type = "Promise<QueuedMessage[]>")]
    pub fn dequeue_all(
        &self,
        #[wasm_bindgen(js_name = taskId, unchecked_param_type = "string")] task_id: JsValue,
        #[wasm_bindgen(js_name = sessionId, unchecked_param_type = "string | undefined")]
        session_id: JsValue,
    ) -> Promise {
        settle((|| {
            let id = args::string("taskId", &task_id)?;
            let session = args::opt_string("sessionId", &session_id)?;
            let all = self.with(|q| q.dequeue_all(&id, session.as_deref()))?;
            Ok(all.into_iter().collect::<Array>().into())
        })())
    }

    /// How many tasks have messages waiting (drained queues are freed).
    #[wasm_bindgen(getter, js_name = queueCount)]
    pub fn queue_count(&self) -> Result<u32, JsValue> {
        self.with(|q| Ok(q.task_count() as u32))
            .map_err(|e| super::error::to_js_error(&e))
    }
}

impl Default for InMemoryTaskMessageQueue {
    fn default() -> Self {
        Self::new()
    }
}
