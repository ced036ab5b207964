#![doc = include_str!("../README.md")]
//!
//! ## Crate layout
//!
//! - [`core`] holds every rule (state machine, TTL, sessions, cursors, validation) in plain
//!   Rust, with the clock passed in.
//! - `wasm` (compiled for `wasm32` only) is the thin binding that npm users see as
//!   `InMemoryTaskStore` and `InMemoryTaskMessageQueue`.

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

#[cfg(target_arch = "wasm32")]
pub use wasm::{InMemoryTaskMessageQueue, InMemoryTaskStore};
