//! `InMemoryTaskMessageQueue`: the JS class over the core's message queues.
//!
//! Made on its own (`new InMemoryTaskMessageQueue()`) it holds a
//! [`crate::core::MessageQueues`], like the SDK's: any task id, and a queue belongs to the
//! session that first filled it. Obtained from a store (`store.messageQueue()`) it uses the
//! queues the core's store keeps in each task's slot: messages only for live tasks, a
//! session reaches a task's queue exactly when the store shows it that task, and a task's
//! queue goes when the task does (all decided by the core).

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;

use super::args::{self, count, describe, field};
use super::error::{busy, range_error, settle, throw_on_err, type_error};
use super::json::object_copy;
use super::state::{with_state, Inner, Store};
use crate::core::TaskRef;
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
pub(super) fn queued_message(value: &JsValue) -> Result<JsValue, StoreError> {
    let copy = object_copy("message", value)?;
    let kind = field("message.type", &copy, "type")?;
    if !kind
        .as_string()
        .is_some_and(|k| MESSAGE_TYPES.contains(&k.as_str()))
    {
        return Err(range_error(
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
        return Err(type_error(
            "message.timestamp",
            describe(&stamp),
            "a finite number",
        ));
    }
    Ok(copy)
}

/// `maxSize`: absent or `Infinity` for no limit, else a non-negative integer.
pub(super) fn max_size_arg(value: &JsValue) -> Result<Option<u64>, StoreError> {
    match value.as_f64() {
        _ if args::is_absent(value) => Ok(None),
        Some(n) if n == f64::INFINITY => Ok(None),
        Some(n) => count("maxSize", n).map(Some),
        None => Err(type_error("maxSize", describe(value), "a number")),
    }
}

/// Where a queue call goes: the standalone queues, under a task id; or a linked store's
/// queue of a task, at a time.
enum Target<'a> {
    Own(&'a mut Queues, &'a str),
    Store(&'a mut Store, TaskRef<'a>, u64),
}

impl InMemoryTaskMessageQueue {
    pub(super) fn linked(inner: Rc<RefCell<Inner>>) -> Self {
        InMemoryTaskMessageQueue {
            backing: Backing::Store(inner),
        }
    }

    /// Reads the `taskId` and `sessionId` arguments and runs `op` on the queues this object
    /// uses, with the caller's session.
    fn run<T>(
        &self,
        task_id: &JsValue,
        session_id: &JsValue,
        op: impl FnOnce(Target<'_>, Option<&str>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        match &self.backing {
            Backing::Own(queues) => {
                let task_id = args::exact_string("taskId", task_id)?;
                let session = args::opt_exact_string("sessionId", session_id)?;
                let mut queues = queues.try_borrow_mut().map_err(|_| busy())?;
                op(Target::Own(&mut queues, &task_id), session.as_deref())
            }
            Backing::Store(state) => with_state(state, |inner, t| {
                let key = inner.key(task_id)?;
                let session = inner.sessions.resolve(session_id)?;
                let id = inner.task_ref(&key);
                let session = inner.sessions.name(session);
                op(Target::Store(&mut inner.store, id, t), session)
            }),
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
            let message = queued_message(&message)?;
            self.run(&task_id, &session_id, |target, session| match target {
                Target::Own(queues, id) => queues.enqueue(id, message, session, max),
                Target::Store(store, id, now) => store.enqueue(id, message, session, max, now),
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
        let message = self.run(&task_id, &session_id, |target, session| match target {
            Target::Own(queues, id) => queues.dequeue(id, session),
            Target::Store(store, id, now) => store.dequeue(id, session, now),
        });
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
        let all = self.run(&task_id, &session_id, |target, session| match target {
            Target::Own(queues, id) => queues.dequeue_all(id, session),
            Target::Store(store, id, now) => store.dequeue_all(id, session, now),
        });
        settle(all.map(|all| all.into_iter().collect::<Array>().into()))
    }

    /// How many tasks have messages waiting (drained queues are freed).
    #[wasm_bindgen(getter, js_name = queueCount)]
    pub fn queue_count(&self) -> Result<u32, JsValue> {
        let count = match &self.backing {
            Backing::Own(queues) => queues
                .try_borrow()
                .map(|q| q.task_count())
                .map_err(|_| busy()),
            Backing::Store(state) => with_state(state, |inner, t| Ok(inner.store.queued_tasks(t))),
        };
        throw_on_err(count.map(|n| n as u32))
    }
}

impl Default for InMemoryTaskMessageQueue {
    fn default() -> Self {
        Self::new()
    }
}
