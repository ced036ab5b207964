#![doc = include_str!("../README.md")]
//!
//! ## Crate layout
//!
//! - [`core`] (the `mcp-task-store-core` crate, re-exported) holds every rule (state
//!   machine, TTL, sessions, cursors, validation) in plain Rust over a versioned task
//!   record, with the clock passed in. Its dependency tree holds no JS.
//! - `numbers`: JS numbers as the binding checks and reports them (plain Rust).
//! - `wasm` (compiled for `wasm32` only) is the thin binding that npm users see as
//!   `InMemoryTaskStore` and `InMemoryTaskMessageQueue`.

pub use mcp_task_store_core as core;

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod numbers;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

#[cfg(target_arch = "wasm32")]
pub use wasm::{InMemoryTaskMessageQueue, InMemoryTaskStore, TaskRules};
