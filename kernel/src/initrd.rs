// SPDX-License-Identifier: MIT OR Apache-2.0
//! The ramdisk the boot loader passed: found, checked, kept for execve.
//!
//! QEMU's `-initrd` and U-Boot both record the ramdisk's physical range in
//! the device tree's `/chosen` (`linux,initrd-start`/`-end`). When they
//! record none, the kernel image may carry one (`cargo xtask build
//! --embed-initrd`; the arch crate finds it). The archive is parsed in
//! place once at boot, and the kernel says which one it uses; a bad archive
//! is reported and refused, and the kernel then has no programs to run.

use crate::addr::PhysRange;
use crate::frame_access;
use crate::println;
use crate::ramdisk::Ramdisk;
use spin::Once;

static RAMDISK: Once<Ramdisk<'static>> = Once::new();

/// Where the ramdisk came from, for the boot log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InitrdSource {
    /// The boot loader's, named by the device tree's `/chosen`.
    DeviceTree,
    /// The one carried in the kernel image.
    Embedded,
}

impl InitrdSource {
    fn describe(self) -> &'static str {
        match self {
            InitrdSource::DeviceTree => "from the device tree",
            InitrdSource::Embedded => "embedded in the kernel image",
        }
    }
}

/// Parses the ramdisk at `range` (in the linear map) and keeps it.
pub fn load(range: PhysRange, source: InitrdSource) {
    let Some(bytes) = frame_access::physical_slice(range) else {
        println!(
            "initrd: {}..{} ({}) is outside the kernel's linear map; ignored",
            range.start,
            range.end,
            source.describe()
        );
        return;
    };
    match Ramdisk::parse(bytes) {
        Ok(ramdisk) => {
            println!(
                "initrd: {} KiB at {}, {} entries ({})",
                range.size() >> 10,
                range.start,
                ramdisk.entries().len(),
                source.describe()
            );
            RAMDISK.call_once(|| ramdisk);
        }
        Err(error) => println!("initrd: refused ({}): {error}", source.describe()),
    }
}

/// The ramdisk, if one was passed and accepted.
pub fn get() -> Option<&'static Ramdisk<'static>> {
    RAMDISK.get()
}
