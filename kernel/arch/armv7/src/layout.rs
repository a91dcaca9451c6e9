// SPDX-License-Identifier: MIT OR Apache-2.0
//! The kernel's virtual address map.
//!
//! TTBCR.N = 1 splits the 4 GiB: below 2 GiB belongs to the running process
//! (TTBR0), above it to the kernel (TTBR1). Inside the kernel half:
//!
//! | range                     | what                                      |
//! |---------------------------|-------------------------------------------|
//! | 0xC000_0000..0xF000_0000  | linear map of RAM (at most 768 MiB)       |
//! | 0xF000_0000..0xFF00_0000  | device windows, 1 MiB sections            |
//! | 0xFF00_0000..0xFF40_0000  | the boot loader's device tree, read-only  |
//!
//! `linker/kernel.ld` links the kernel at [`KERNEL_VIRTUAL_BASE`] plus the
//! board's load offset; the two must agree (a boot-time check says so).

/// Where physical RAM's first byte appears: the start of the linear map.
pub const KERNEL_VIRTUAL_BASE: u32 = 0xC000_0000;
/// The largest amount of RAM the linear map covers.
pub const LINEAR_MAP_MAX: u32 = 0x3000_0000;
/// First address of the device window.
pub const DEVICE_WINDOW_START: u32 = 0xF000_0000;
/// First address past the device window.
pub const DEVICE_WINDOW_END: u32 = 0xFF00_0000;
/// Where the device tree is mapped while and after it is read.
pub const DEVICE_TREE_WINDOW: u32 = 0xFF00_0000;
/// Size of the device tree window (the blob may start anywhere in its
/// first MiB and be up to 2 MiB long).
pub const DEVICE_TREE_WINDOW_SIZE: u32 = 4 << 20;
/// RAM the boot code maps before the device tree says how much there is:
/// enough for the kernel image and its heap.
pub const BOOT_LINEAR_MAP_SIZE: u32 = 32 << 20;
/// TTBCR.N: the kernel half starts at 2 GiB.
pub const TTBCR_SPLIT: u32 = 1;

const _: () = assert!(KERNEL_VIRTUAL_BASE + LINEAR_MAP_MAX <= DEVICE_WINDOW_START);
const _: () = assert!(
    KERNEL_VIRTUAL_BASE >= 0x8000_0000,
    "kernel must be in TTBR1's half"
);
