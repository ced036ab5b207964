//! The wasm32 binding: the only place JS is touched.
//!
//! - [`state`]: the core store with the binding's JS caches, and the one way into it.
//! - [`task_store`]: the `InMemoryTaskStore` class.
//! - [`events`]: status listeners, `watch` iterators and waits.
//! - [`task_view`]: building the JS `Task` object.
//! - [`queue`]: the `InMemoryTaskMessageQueue` class.
//! - [`rules`]: `TaskRules`, the core's rules for stores kept elsewhere (Redis).
//! - [`snapshot`]: `snapshot()` and `InMemoryTaskStore.restore()`.
//! - [`json`]: checking and copying results.
//! - [`args`]: reading arguments.
//! - [`timer`]: `Date.now()` and the one timer.
//! - [`error`]: core errors as JS `Error`s, Promise helpers.

mod args;
mod error;
mod events;
mod json;
mod queue;
mod rules;
mod snapshot;
mod state;
mod task_store;
mod task_view;
mod timer;

pub use queue::InMemoryTaskMessageQueue;
pub use rules::TaskRules;
pub use task_store::InMemoryTaskStore;
