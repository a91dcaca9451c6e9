// SPDX-License-Identifier: MIT OR Apache-2.0
//! From the boot page table to the kernel's final view of memory.
//!
//! The reset code maps only the first 32 MiB of RAM. Here we drop the boot
//! identity section, split the address space (TTBCR.N), map and read the
//! device tree the loader passed, and extend the linear map to all the RAM
//! it describes (up to [`LINEAR_MAP_MAX`]). The result is the
//! `kernel::boot::BootInfo` the generic core starts from.
//!
//! It comes in two steps because the device tree decides which UART is the
//! console (`/chosen/stdout-path`): [`read_boot_device_tree`] runs before
//! there is a console and prints nothing, keeping any problem for
//! [`finish_memory_setup`], which runs once the console is registered.

use crate::descriptor::{Attributes, SECTION_SIZE};
use crate::image::EmbeddedInitrd;
use crate::layout::{
    BOOT_LINEAR_MAP_SIZE, DEVICE_TREE_WINDOW, DEVICE_TREE_WINDOW_SIZE, KERNEL_VIRTUAL_BASE,
    LINEAR_MAP_MAX,
};
use crate::mmu;
use kernel::addr::{PhysAddr, PhysRange, VirtAddr};
use kernel::boot::BootInfo;
use kernel::devicetree::{self, DeviceTreeInfo};
use kernel::platform::LinearMap;
use kernel::println;

unsafe extern "C" {
    /// Physical address of RAM's first byte (an absolute linker symbol from
    /// the board's memory fragment).
    static __kml_ram_phys_base: u8;
    /// First byte of the kernel image (virtual).
    static __kernel_start: u8;
    /// First byte past the kernel image, its .bss and boot stacks (virtual).
    static __kernel_end: u8;
    /// The reset entry point (virtual).
    fn _start();
    /// The image table's embedded-ramdisk record: offset from `_start` and
    /// size, written into the image by `cargo xtask build --embed-initrd`
    /// after linking (`crate::image`; defined in `boot`).
    static kml_embedded_initrd: [u32; 2];
}

/// The physical address where RAM starts, as the board's linker fragment
/// says.
pub fn ram_base() -> PhysAddr {
    // Only the symbol's address is taken, never its contents.
    PhysAddr(&raw const __kml_ram_phys_base as usize as u32)
}

/// What the first look at the device tree found, before any console.
pub struct EarlyDeviceTree {
    /// The parsed tree, if one was passed and is usable.
    pub tree: Option<DeviceTreeInfo<'static>>,
    /// Where its blob lies.
    blob: Option<PhysRange>,
    /// What went wrong, to report once there is a console.
    problem: Option<DeviceTreeProblem>,
}

/// Why the boot loader's device tree was not used.
enum DeviceTreeProblem {
    /// Its window could not be mapped.
    Unmappable(PhysAddr, mmu::MapError),
    /// It is not a device tree we can read.
    Unusable(PhysAddr, devicetree::DeviceTreeError),
}

/// Leaves the boot regime (identity section gone, address space split)
/// and maps and parses the device tree at `device_tree` (r2 from the boot
/// loader; 0 if none). Prints nothing: there is no console yet.
///
/// # Safety
/// Call once, first thing in `kml_board_main`, before anything else uses
/// memory below 2 GiB or the device tree window; `virtual_minus_physical`
/// is the reset code's.
pub unsafe fn read_boot_device_tree(
    device_tree: PhysAddr,
    virtual_minus_physical: u32,
) -> EarlyDeviceTree {
    let identity =
        VirtAddr((_start as *const () as usize as u32).wrapping_sub(virtual_minus_physical));
    // SAFETY: we run at virtual addresses since kml_virtual_entry; the
    // identity section only held the reset code.
    unsafe { mmu::split_address_space(identity) };
    // SAFETY: called once, before anything else uses the window.
    match unsafe { read_device_tree(device_tree) } {
        Ok(Some((tree, blob))) => EarlyDeviceTree {
            tree: Some(tree),
            blob: Some(blob),
            problem: None,
        },
        Ok(None) => EarlyDeviceTree {
            tree: None,
            blob: None,
            problem: None,
        },
        Err(problem) => EarlyDeviceTree {
            tree: None,
            blob: None,
            problem: Some(problem),
        },
    }
}

/// Finishes memory set-up and describes it for the core: reports what
/// [`read_boot_device_tree`] could not, checks the load address, and maps
/// all the RAM the tree (or `default_ram_size`) describes.
///
/// # Safety
/// Call once, after [`read_boot_device_tree`], with its result and the
/// same offset.
pub unsafe fn finish_memory_setup(
    early: EarlyDeviceTree,
    virtual_minus_physical: u32,
    default_ram_size: u32,
) -> BootInfo {
    match early.problem {
        Some(DeviceTreeProblem::Unmappable(address, error)) => {
            println!("warning: cannot map the device tree at {address}: {error:?}");
        }
        Some(DeviceTreeProblem::Unusable(address, error)) => {
            println!("warning: device tree at {address} unusable ({error}); using board defaults");
        }
        None => {}
    }
    let expected = KERNEL_VIRTUAL_BASE.wrapping_sub(ram_base().as_u32());
    assert_eq!(
        virtual_minus_physical,
        expected,
        "kernel loaded at the wrong address: linked for RAM at {}",
        ram_base()
    );
    let tree = early.tree;
    let ram = tree.as_ref().and_then(|tree| tree.memory).map_or_else(
        || PhysRange::from_start_size(ram_base(), default_ram_size).expect("board RAM below 4 GiB"),
        |ram| clip_to_kernel_base(ram, default_ram_size),
    );
    let linear_map = extend_linear_map(ram);
    let kernel_image = kernel_image();
    let embedded_initrd = embedded_initrd(kernel_image);
    BootInfo {
        device_tree: tree,
        device_tree_blob: early.blob,
        ram,
        linear_map,
        // The ramdisk is part of the loaded image: nothing may go there.
        kernel_image: PhysRange {
            start: kernel_image.start,
            end: embedded_initrd.map_or(kernel_image.end, |initrd| initrd.end),
        },
        embedded_initrd,
    }
}

/// The ramdisk `cargo xtask build --embed-initrd` appended to the image, if
/// the image's table records one. It lies past the kernel's `.bss`, so
/// nothing has touched it since the loader (or the relocation) put it
/// there; a record that says otherwise is reported and ignored.
fn embedded_initrd(kernel_image: PhysRange) -> Option<PhysRange> {
    // SAFETY: the record is two words of the image's header, which nothing
    // writes at run time; a volatile read because xtask fills them in after
    // the compiler last saw them.
    let words = unsafe { core::ptr::read_volatile(&raw const kml_embedded_initrd) };
    let record = EmbeddedInitrd::from_words(words)?;
    let start = kernel_image.start.checked_add(record.offset);
    let range = start.and_then(|start| PhysRange::from_start_size(start, record.size));
    match range {
        Some(range) if range.start >= kernel_image.end => Some(range),
        _ => {
            println!(
                "warning: the image records an embedded ramdisk at offset {:#x} ({} bytes), \
                 inside the kernel or past 4 GiB; ignored",
                record.offset, record.size
            );
            None
        }
    }
}

/// RAM must start where the kernel was linked to find it.
fn clip_to_kernel_base(ram: PhysRange, default_ram_size: u32) -> PhysRange {
    if ram.contains(ram_base()) {
        return PhysRange {
            start: ram_base(),
            end: ram.end,
        };
    }
    println!(
        "warning: device tree RAM {}..{} does not hold the kernel's RAM base {}; using the board default",
        ram.start,
        ram.end,
        ram_base()
    );
    PhysRange::from_start_size(ram_base(), default_ram_size).expect("board RAM below 4 GiB")
}

/// Maps the device tree blob read-only into its window and parses it:
/// `Ok(None)` when none was passed, an error (for the caller to report
/// once it can) when it cannot be used; the board defaults still boot.
///
/// # Safety
/// Call once; the window must be unused.
unsafe fn read_device_tree(
    address: PhysAddr,
) -> Result<Option<(DeviceTreeInfo<'static>, PhysRange)>, DeviceTreeProblem> {
    if address.as_u32() == 0 {
        return Ok(None);
    }
    let read_only = Attributes {
        access: crate::descriptor::Access::KernelReadOnly,
        executable: false,
        ..Attributes::KERNEL_RAM
    };
    // SAFETY: the boot loader put the blob in RAM; mapping it read-only into
    // the unused window creates no writable alias.
    let mapped = unsafe {
        mmu::map_sections(
            VirtAddr(DEVICE_TREE_WINDOW),
            address,
            DEVICE_TREE_WINDOW_SIZE,
            read_only,
        )
    };
    mapped.map_err(|error| DeviceTreeProblem::Unmappable(address, error))?;
    let start = DEVICE_TREE_WINDOW + (address.as_u32() & (SECTION_SIZE - 1));
    let available = (DEVICE_TREE_WINDOW + DEVICE_TREE_WINDOW_SIZE - start) as usize;
    // SAFETY: the window maps at least `available` bytes from `start`,
    // read-only and for the kernel's lifetime; the frames stay reserved.
    let window = unsafe { core::slice::from_raw_parts(start as usize as *const u8, available) };
    let parsed = devicetree::blob_size(window).and_then(|size| {
        let truncated = devicetree::DeviceTreeError::Truncated {
            needed: size,
            available: window.len(),
        };
        let blob = window.get(..size).ok_or(truncated)?;
        devicetree::parse(blob)
    });
    let tree = parsed.map_err(|error| DeviceTreeProblem::Unusable(address, error))?;
    Ok(PhysRange::from_start_size(address, tree.total_size as u32).map(|range| (tree, range)))
}

/// Maps the rest of RAM (past the boot map) into the linear map.
fn extend_linear_map(ram: PhysRange) -> LinearMap {
    let size = ram.size().min(LINEAR_MAP_MAX) & !(SECTION_SIZE - 1);
    let size = size.max(BOOT_LINEAR_MAP_SIZE);
    if size > BOOT_LINEAR_MAP_SIZE {
        let start = ram
            .start
            .checked_add(BOOT_LINEAR_MAP_SIZE)
            .expect("RAM below 4 GiB");
        // SAFETY: the device tree (or the board) says this is RAM; the
        // linear map is the kernel's one mapping of it.
        let mapped = unsafe {
            mmu::map_sections(
                VirtAddr(KERNEL_VIRTUAL_BASE + BOOT_LINEAR_MAP_SIZE),
                start,
                size - BOOT_LINEAR_MAP_SIZE,
                Attributes::KERNEL_RAM,
            )
        };
        mapped.expect("linear map region is reserved for RAM");
    }
    LinearMap {
        physical: PhysRange::from_start_size(ram.start, size).expect("RAM below 4 GiB"),
        virtual_base: VirtAddr(KERNEL_VIRTUAL_BASE),
    }
}

/// The physical range of the kernel image, .bss included (an embedded
/// ramdisk excluded).
fn kernel_image() -> PhysRange {
    // Only the symbols' addresses are taken, never their contents.
    let (start, end) = (
        &raw const __kernel_start as u32,
        &raw const __kernel_end as u32,
    );
    let to_physical = |address: u32| PhysAddr(address - KERNEL_VIRTUAL_BASE + ram_base().as_u32());
    PhysRange {
        start: to_physical(start),
        end: to_physical(end),
    }
}
