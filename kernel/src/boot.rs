// SPDX-License-Identifier: MIT OR Apache-2.0
//! The generic boot sequence, from a mapped kernel to a running system.
//!
//! The arch crate's reset code turns the MMU on and the board crate finds its
//! console and RAM; then [`kernel_main`] takes over: it carves the heap,
//! builds the frame allocator over the RAM nobody else uses, prints the
//! banner and runs the self-checks. Until processes exist (issue 3) a clean
//! boot ends here with exit status 0.

use crate::addr::{PhysAddr, PhysRange};
use crate::command_line::CommandLine;
use crate::devicetree::DeviceTreeInfo;
use crate::fatal;
use crate::frame::{FRAME_SIZE, FrameAllocator};
use crate::initrd::InitrdSource;
use crate::platform::{ExitStatus, LinearMap, Platform};
use crate::{heap, println, selftest};

/// Bytes of RAM given to the kernel heap (16 KiB of it per thread's
/// kernel stack).
pub const HEAP_SIZE: u32 = 8 << 20;

/// What the board found out before handing over to the core.
pub struct BootInfo {
    /// The device tree the boot loader passed, read through the linear map.
    pub device_tree: Option<DeviceTreeInfo<'static>>,
    /// Where the device tree blob lies, so its frames stay reserved.
    pub device_tree_blob: Option<PhysRange>,
    /// All of RAM (from the device tree, or the board's default).
    pub ram: PhysRange,
    /// The part of RAM the kernel can address: the linear map.
    pub linear_map: LinearMap,
    /// The kernel image (text, data, bss, boot stacks and page table, and
    /// an embedded ramdisk after them).
    pub kernel_image: PhysRange,
    /// A ramdisk carried in the kernel image (`cargo xtask build
    /// --embed-initrd`), used when the device tree names none.
    pub embedded_initrd: Option<PhysRange>,
}

/// The first lines of the boot log: who we are, on what, and the CPU mode
/// the boot loader entered us in (`SVC`, `HYP`). The board prints them as
/// soon as its console works, before its own set-up reports and before
/// the heap exists; [`kernel_main`] goes on from there.
pub fn print_greeting(platform: &dyn Platform, entry_mode: &str) {
    /// The CPU's description, formatted through the platform.
    struct Cpu<'a>(&'a dyn Platform);
    impl core::fmt::Display for Cpu<'_> {
        fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            self.0.describe_cpu(f)
        }
    }
    println!(
        "KML-rs {} on {} (Kernel-Mode Linux for ARMv7-A)",
        env!("CARGO_PKG_VERSION"),
        platform.board_name()
    );
    println!("CPU: {}, entered in {entry_mode} mode", Cpu(platform));
}

/// The generic kernel entry, called by the board once the console works.
pub fn kernel_main(platform: &'static dyn Platform, boot: BootInfo) -> ! {
    let command_line = CommandLine::parse(
        boot.device_tree
            .as_ref()
            .and_then(|tree| tree.bootargs)
            .unwrap_or(""),
    );
    fatal::register(platform, command_line.semihosting);

    let heap_range = start_heap(&boot);
    let mut frames = build_frame_allocator(&boot, heap_range);
    print_banner(&boot, &command_line, &frames);

    selftest::run_checks(platform, &boot.linear_map, &mut frames);
    if let Some(name) = command_line.selftest {
        selftest::inject(platform, name);
    }
    println!("self-checks passed");
    crate::platform::register(platform);
    crate::memory::init(frames, boot.linear_map);
    crate::vdso::init();
    crate::process::exit::set_report(command_line.exit_report);
    let passed = boot.device_tree.as_ref().and_then(|tree| tree.initrd);
    match (passed, boot.embedded_initrd) {
        (Some(range), _) => crate::initrd::load(range, InitrdSource::DeviceTree),
        (None, Some(range)) => crate::initrd::load(range, InitrdSource::Embedded),
        (None, None) => println!("initrd: none passed"),
    }
    if crate::initrd::get().is_none() {
        println!("no ramdisk, so no init to run: stopping");
        fatal::stop(ExitStatus::Success);
    }
    let init = command_line.init.unwrap_or("/init");
    let arguments: alloc::vec::Vec<&str> = command_line
        .init_arguments
        .map(|text| text.split_ascii_whitespace().collect())
        .unwrap_or_default();
    println!("starting {init}");
    crate::process::start_init(init, &arguments)
}

/// Gives the heap the RAM just past the kernel image; returns its range.
#[allow(unsafe_code)] // the one call of `heap::init`, listed in the crate root
fn start_heap(boot: &BootInfo) -> PhysRange {
    let start = boot
        .kernel_image
        .end
        .align_up(FRAME_SIZE)
        .expect("kernel image ends below 4 GiB");
    let heap = PhysRange::from_start_size(start, HEAP_SIZE).expect("heap below 4 GiB");
    let virtual_start = boot.linear_map.virtual_address(heap.start);
    let virtual_end = boot.linear_map.virtual_address(PhysAddr(heap.end.0 - 1));
    let (Some(virtual_start), Some(_)) = (virtual_start, virtual_end) else {
        panic!(
            "heap {heap:?} lies outside the linear map {:?}",
            boot.linear_map
        );
    };
    // SAFETY: the heap range is RAM past the kernel image, inside the linear
    // map (checked above), and reserved from the frame allocator below, so
    // nothing else will use it; kernel_main runs once.
    unsafe { heap::init(virtual_start, HEAP_SIZE as usize) };
    heap
}

/// Frames: all addressable RAM minus the kernel, heap, device tree, initrd.
fn build_frame_allocator(boot: &BootInfo, heap: PhysRange) -> FrameAllocator {
    let mut frames = match FrameAllocator::new(boot.linear_map.physical) {
        Ok(frames) => frames,
        Err(error) => panic!("cannot manage RAM {:?}: {error}", boot.linear_map.physical),
    };
    // Everything from the start of RAM to the end of the heap: the boot
    // loader's scratch area below the image, the image, the heap.
    frames.reserve(PhysRange {
        start: boot.ram.start,
        end: heap.end,
    });
    if let Some(blob) = boot.device_tree_blob {
        frames.reserve(blob);
    }
    if let Some(initrd) = boot.device_tree.as_ref().and_then(|tree| tree.initrd) {
        frames.reserve(initrd);
    }
    frames
}

/// The rest of the banner, after [`print_greeting`]: memory, device tree,
/// command line.
fn print_banner(boot: &BootInfo, command_line: &CommandLine<'_>, frames: &FrameAllocator) {
    let source = if boot
        .device_tree
        .as_ref()
        .and_then(|tree| tree.memory)
        .is_some()
    {
        "device tree"
    } else {
        "board default"
    };
    println!(
        "RAM: {} MiB at {} ({source})",
        boot.ram.size() >> 20,
        boot.ram.start
    );
    if boot.linear_map.physical.size() < boot.ram.size() {
        println!(
            "RAM: only the first {} MiB are mapped by the kernel",
            boot.linear_map.physical.size() >> 20
        );
    }
    println!(
        "Memory: {} frames free of {} (4 KiB each); kernel image {} KiB, heap {} KiB",
        frames.free_count(),
        frames.total_count(),
        boot.kernel_image.size() >> 10,
        HEAP_SIZE >> 10
    );
    if let Some(tree) = &boot.device_tree {
        println!("Device tree: {}", tree.model.unwrap_or("(no model)"));
    } else {
        println!("Device tree: none passed; using the board's defaults");
    }
    println!("Command line: {}", command_line.text);
}
