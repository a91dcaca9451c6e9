// SPDX-License-Identifier: MIT OR Apache-2.0
//! futex(2) operations and flags, from include/uapi/linux/futex.h.
//!
//! The second argument is an operation in the low bits, or'ed with
//! [`FUTEX_PRIVATE_FLAG`] (the futex is not shared with other address
//! spaces) and [`FUTEX_CLOCK_REALTIME`] (an absolute timeout counts on the
//! wall clock).

/// Sleep while `*uaddr == val`, with a relative timeout.
pub const FUTEX_WAIT: u32 = 0;
/// Wake up to `val` sleepers.
pub const FUTEX_WAKE: u32 = 1;
/// Wake `val` sleepers, move up to `val2` others to `uaddr2`.
pub const FUTEX_REQUEUE: u32 = 3;
/// FUTEX_REQUEUE, if `*uaddr == val3` still.
pub const FUTEX_CMP_REQUEUE: u32 = 4;
/// FUTEX_WAIT with an absolute timeout and a bitset in `val3`.
pub const FUTEX_WAIT_BITSET: u32 = 9;
/// FUTEX_WAKE of the sleepers whose bitset meets `val3`.
pub const FUTEX_WAKE_BITSET: u32 = 10;
/// The futex is private to the caller's address space.
pub const FUTEX_PRIVATE_FLAG: u32 = 128;
/// The absolute timeout is on CLOCK_REALTIME, not CLOCK_MONOTONIC.
pub const FUTEX_CLOCK_REALTIME: u32 = 256;
/// The operation's bits.
pub const FUTEX_CMD_MASK: u32 = !(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
/// The bitset that matches every waiter (plain WAIT and WAKE use it).
pub const FUTEX_BITSET_MATCH_ANY: u32 = 0xffff_ffff;
