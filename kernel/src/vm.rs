// SPDX-License-Identifier: MIT OR Apache-2.0
//! Virtual memory of processes: layout, areas, and their page tables.
//!
//! What a process may touch is described by areas (pure data, host-tested);
//! the page tables that make it so are the arch crate's business.

pub mod address_space;
pub mod area;
pub mod layout;
