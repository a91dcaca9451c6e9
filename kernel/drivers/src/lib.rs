// SPDX-License-Identifier: MIT OR Apache-2.0
//! Device drivers for the IP blocks of the supported boards.
//!
//! One file per IP block, described with `tock-registers` and named as its
//! reference manual names it. No file here knows an address: a board crate
//! turns a base address into a driver handle in one `unsafe` constructor.
//! Drivers implement the core's traits (`kernel::console::Console`, ...), so
//! the core never learns which UART it is talking to.
#![no_std]

pub mod a9_global_timer;
pub mod a9_private_timer;
pub mod a9_scu;
pub mod am572x_crossbar;
pub mod gic;
pub mod imx_uart;
pub mod ns16550;
pub mod pl011;
pub mod pl310;
pub mod uart_config;
pub mod wugen;

mod mmio;

#[cfg(test)]
mod fake_registers;
