// SPDX-License-Identifier: MIT OR Apache-2.0
//! The ramdisk the boot loader passed: found, checked, kept for execve.
//!
//! QEMU's `-initrd` and U-Boot both record the ramdisk's physical range in
//! the device tree's `/chosen` (`linux,initrd-start`/`-end`). The archive is
//! parsed in place once at boot; a bad archive is reported and refused, and
//! the kernel then has no programs to run.

use crate::addr::PhysRange;
use crate::frame_access;
use crate::println;
use crate::ramdisk::Ramdisk;
use spin::Once;

static RAMDISK: Once<Ramdisk<'static>> = Once::new();

/// Parses the ramdisk at `range` (in the linear map) and keeps it.
pub fn load(range: PhysRange) {
    let Some(bytes) = frame_access::physical_slice(range) else {
        println!(
            "initrd: {}..{} is outside the kernel's linear map; ignored",
            range.start, range.end
        );
        return;
    };
    match Ramdisk::parse(bytes) {
        Ok(ramdisk) => {
            println!(
                "initrd: {} KiB at {}, {} entries",
                range.size() >> 10,
                range.start,
                ramdisk.entries().len()
            );
            RAMDISK.call_once(|| ramdisk);
        }
        Err(error) => println!("initrd: refused: {error}"),
    }
}

/// The ramdisk, if one was passed and accepted.
pub fn get() -> Option<&'static Ramdisk<'static>> {
    RAMDISK.get()
}
