//! # mcp-task-store-wasm
//!
//! A task store for the Model Context Protocol's *tasks* utility (spec 2025-11-25).
//!
//! - [`core`] holds every rule (state machine, TTL, sessions, cursors, validation) in plain
//!   Rust, with the clock passed in. Use it natively as [`core::TaskStore`].
//! - `wasm` (compiled for `wasm32` only) is the thin binding that npm users see as
//!   `InMemoryTaskStore`: value conversion, `Date.now()`, one JS timer, Promises.

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

#[cfg(target_arch = "wasm32")]
pub use wasm::{InMemoryTaskMessageQueue, InMemoryTaskStore};
