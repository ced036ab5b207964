//! The pure Rust core: the rules of MCP tasks, with no JS in sight.
//!
//! - [`status`]: the status state machine.
//! - [`task`]: task ids and the Task object.
//! - [`store`]: the store (creation, lookup with sessions, status changes, results,
//!   paging, expiry).
//! - [`queue`]: per-task message queues.
//! - [`cursor`]: listing cursors.
//! - [`params`]: argument checks and settings.
//! - [`error`]: the error type with MCP codes.
//! - [`time`]: milliseconds and timestamps; the clock is always passed in.

pub mod cursor;
pub mod error;
pub mod params;
pub mod queue;
pub mod status;
pub mod store;
pub mod task;
pub mod time;

pub use error::{ErrorClass, StoreError, INTERNAL_ERROR, INVALID_PARAMS};
pub use params::StoreConfig;
pub use queue::MessageQueues;
pub use status::{Outcome, TaskStatus, ALL_STATUSES};
pub use store::{CreateParams, Handle, Page, Stored, TaskRef, TaskStore};
pub use task::{IdSource, Task, TaskId};
pub use time::{format_iso8601, Millis};
