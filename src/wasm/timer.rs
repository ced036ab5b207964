//! The clock and the one timer, read from `globalThis` at call time so fake timers
//! (vitest, jest, sinon) installed after import are honoured.

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;

use crate::core::{Millis, MAX_MILLIS};

#[wasm_bindgen(module = "/src/wasm/helpers.js")]
extern "C" {
    /// `Date.now()`, NaN if it throws (a try/catch in JS is cheaper than a `catch` import).
    #[wasm_bindgen(js_name = now)]
    fn date_now() -> f64;
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_name = setTimeout)]
    fn set_timeout(callback: &Function, delay: f64) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue) -> Result<(), JsValue>;
}

/// `Date.now()` as milliseconds since the epoch: 0 for a clock before 1970 or a broken
/// one, at most the end of year 9999 ([`MAX_MILLIS`]).
pub fn now() -> Millis {
    let ms = date_now();
    if ms.is_finite() && ms > 0.0 {
        (ms as Millis).min(MAX_MILLIS)
    } else {
        0
    }
}

/// The longest delay `setTimeout` honours (2^31 - 1 ms, about 24.8 days); longer ones
/// would fire at once, so the timer is armed for this long and re-armed when it fires.
const MAX_DELAY: Millis = 2_147_483_647;

/// At most one pending timer, armed for the earliest deadline.
#[derive(Default)]
pub struct Timer {
    handle: Option<JsValue>,
    fires_at: Option<Millis>,
    keeps_alive: bool,
}

impl Timer {
    /// Makes sure a timer fires by `deadline` (no-op if one already does), or that none is
    /// pending when there is no deadline. `callback` runs when it fires. In Node the timer is
    /// `unref`'d, so task expiry never keeps the process alive, unless `keep_alive` (someone
    /// awaits a wait's `timeout`, as with any `setTimeout` they would have made themselves).
    pub fn arm(
        &mut self,
        deadline: Option<Millis>,
        now: Millis,
        callback: &Function,
        keep_alive: bool,
    ) {
        let Some(deadline) = deadline else {
            self.cancel();
            return;
        };
        // A timer already due to fire by then will do; one overdue (its callback lost to
        // abandoned fake timers, say) is replaced.
        if self.keeps_alive == keep_alive
            && self.fires_at.is_some_and(|at| at <= deadline && at >= now)
        {
            return;
        }
        self.cancel();
        let delay = deadline.saturating_sub(now).min(MAX_DELAY);
        // Without a working setTimeout the store still expires tasks lazily on every call.
        if let Ok(handle) = set_timeout(callback, delay as f64) {
            if !keep_alive {
                unref(&handle);
            }
            self.handle = Some(handle);
            self.fires_at = Some(now.saturating_add(delay));
            self.keeps_alive = keep_alive;
        }
    }

    /// Forgets the timer that just fired.
    pub fn fired(&mut self) {
        self.handle = None;
        self.fires_at = None;
        self.keeps_alive = false;
    }

    /// Clears the pending timer, if any.
    pub fn cancel(&mut self) {
        if let Some(handle) = self.handle.take() {
            let _ = clear_timeout(&handle);
        }
        self.fires_at = None;
        self.keeps_alive = false;
    }

    /// Whether a timer is pending.
    pub fn is_pending(&self) -> bool {
        self.handle.is_some()
    }
}

/// Calls `handle.unref()` where the host has it (Node and Node-like fake timers).
fn unref(handle: &JsValue) {
    if !handle.is_object() {
        return;
    }
    if let Ok(method) = Reflect::get(handle, &JsValue::from_str("unref")) {
        if method.is_function() {
            let _ = method.unchecked_ref::<Function>().call0(handle);
        }
    }
}
