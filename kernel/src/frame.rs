// SPDX-License-Identifier: MIT OR Apache-2.0
//! Physical frame allocator: a bitmap over the RAM the kernel does not use.
//!
//! This module owns the answer to "which 4 KiB frames of RAM are free". It
//! knows nothing about what a frame is used for (page tables, user pages,
//! kernel stacks); callers get a [`PhysFrame`] and hand it back with
//! [`FrameAllocator::free`]. It is a bitmap rather than a free list because
//! the allocator must also hand out *contiguous, aligned* runs (a VMSAv7 L1
//! table is 16 KiB on a 16 KiB boundary), which a free list cannot find
//! without sorting, and because a bitmap can check a double free for one bit
//! of state per frame: 8 KiB of bitmap for 256 MiB of RAM. The board code
//! builds it once from the device tree's memory range, then reserves the
//! kernel image, heap, device tree blob and initrd before the first
//! allocation. Nothing here panics: bad input to `free` is an error, and the
//! bitmap itself is allocated fallibly.

use alloc::vec::Vec;
use core::fmt;

use crate::addr::{PhysAddr, PhysRange};

/// Size of one physical frame, and of the small page the MMU maps it with.
pub const FRAME_SIZE: u32 = 4096;

/// Bits in one bitmap word.
const WORD_BITS: usize = u64::BITS as usize;

/// One 4 KiB frame of physical memory, identified by its first address.
///
/// The address is always a multiple of [`FRAME_SIZE`]: the constructors
/// check it, and [`FrameAllocator`] only makes aligned ones.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct PhysFrame(PhysAddr);

impl PhysFrame {
    /// The frame that starts at `start`, or `None` if `start` is not a
    /// multiple of [`FRAME_SIZE`]. Used to turn an address read back from a
    /// page-table entry into something that can be freed.
    pub const fn from_start(start: PhysAddr) -> Option<Self> {
        if start.is_aligned(FRAME_SIZE) {
            Some(Self(start))
        } else {
            None
        }
    }

    /// The frame that holds `address`.
    pub const fn containing(address: PhysAddr) -> Self {
        Self(address.align_down(FRAME_SIZE))
    }

    /// First physical address of the frame.
    pub const fn start(self) -> PhysAddr {
        self.0
    }
}

/// Why the frame allocator refused a request.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FrameError {
    /// The RAM range holds no whole frame once its edges are rounded inward.
    NoWholeFrame(PhysRange),
    /// The kernel heap could not hold the bitmap.
    BitmapAllocation {
        /// Number of bitmap bytes that were asked for.
        bytes: usize,
    },
    /// A freed frame does not start on a frame boundary.
    Misaligned(PhysAddr),
    /// A freed frame lies outside the RAM this allocator manages.
    OutsideRam(PhysAddr),
    /// A freed frame was already free.
    DoubleFree(PhysAddr),
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoWholeFrame(range) => write!(
                f,
                "RAM {}..{} holds no whole {FRAME_SIZE}-byte frame",
                range.start, range.end
            ),
            Self::BitmapAllocation { bytes } => {
                write!(f, "no heap for the {bytes}-byte frame bitmap")
            }
            Self::Misaligned(address) => {
                write!(f, "freed frame {address} is not {FRAME_SIZE}-byte aligned")
            }
            Self::OutsideRam(address) => {
                write!(f, "freed frame {address} is outside managed RAM")
            }
            Self::DoubleFree(address) => write!(f, "frame {address} freed twice"),
        }
    }
}

/// Hands out and takes back the 4 KiB frames of one RAM range.
///
/// Invariants: bit `i` of the bitmap is 1 when frame `i` (counting from
/// `base`) is in use, and for the padding bits past `frame_count` in the last
/// word (so a search never has to stop early); `free_frames` is the number
/// of 0 bits; every frame below `search_hint` is in use.
#[derive(Debug)]
pub struct FrameAllocator {
    /// Address of frame 0.
    base: PhysAddr,
    /// Number of frames managed.
    frame_count: usize,
    /// One bit per frame, 1 = in use.
    bitmap: Vec<u64>,
    /// Number of frames currently free.
    free_frames: usize,
    /// Lowest index that may be free; keeps repeated `allocate` linear.
    search_hint: usize,
}

impl FrameAllocator {
    /// An allocator over `ram`, with every frame free.
    ///
    /// Both edges are rounded inward to frame boundaries, so a partial frame
    /// at either end is never handed out.
    pub fn new(ram: PhysRange) -> Result<Self, FrameError> {
        let start = ram.start.align_up(FRAME_SIZE);
        let end = ram.end.align_down(FRAME_SIZE);
        let base = match start {
            Some(base) if base < end => base,
            _ => return Err(FrameError::NoWholeFrame(ram)),
        };
        let frame_count = ((end.as_u32() - base.as_u32()) / FRAME_SIZE) as usize;
        let words = frame_count.div_ceil(WORD_BITS);

        // The heap may be small this early in boot, so ask rather than abort.
        let mut bitmap = Vec::new();
        bitmap
            .try_reserve_exact(words)
            .map_err(|_| FrameError::BitmapAllocation {
                bytes: words * size_of::<u64>(),
            })?;
        bitmap.resize(words, 0);

        // Padding bits past the last frame count as used forever.
        let tail = frame_count % WORD_BITS;
        if tail != 0
            && let Some(last) = bitmap.last_mut()
        {
            *last = !0 << tail;
        }

        Ok(Self {
            base,
            frame_count,
            bitmap,
            free_frames: frame_count,
            search_hint: 0,
        })
    }

    /// The frame-aligned RAM range this allocator manages.
    pub fn ram(&self) -> PhysRange {
        PhysRange {
            start: self.base,
            end: self.frame_address(self.frame_count),
        }
    }

    /// Marks every frame that shares a byte with `range` as in use.
    ///
    /// The parts of `range` outside managed RAM are ignored, so a caller can
    /// pass the kernel image or device tree without first checking where
    /// they lie. Reserving an already used frame is harmless.
    pub fn reserve(&mut self, range: PhysRange) {
        let ram = self.ram();
        let start = range.start.max(ram.start);
        let end = range.end.min(ram.end);
        if start >= end {
            return;
        }
        let first = ((start.as_u32() - ram.start.as_u32()) / FRAME_SIZE) as usize;
        // Round up so a range ending mid-frame still claims that frame.
        let past_last = (end.as_u32() - ram.start.as_u32()).div_ceil(FRAME_SIZE) as usize;
        for index in first..past_last {
            self.mark_used(index);
        }
    }

    /// The free frame with the lowest address, now marked used, or `None`
    /// when every frame is in use.
    pub fn allocate(&mut self) -> Option<PhysFrame> {
        let first_word = self.search_hint / WORD_BITS;
        for word_index in first_word..self.bitmap.len() {
            let word = self.bitmap[word_index];
            if word != !0 {
                let index = word_index * WORD_BITS + word.trailing_ones() as usize;
                self.mark_used(index);
                self.search_hint = index + 1;
                return Some(PhysFrame(self.frame_address(index)));
            }
        }
        // Nothing free at or past the hint, and everything below it is used.
        self.search_hint = self.frame_count;
        None
    }

    /// `count` free frames in a row, the first one at a physical address
    /// that is a multiple of `align_frames` frames, now marked used. Returns
    /// the first frame, or `None` if no such run exists or either argument
    /// is zero.
    ///
    /// The alignment is of the physical address, not of the index inside
    /// this allocator, so a 16 KiB L1 table (`count` 4, `align_frames` 4)
    /// really lands on a 16 KiB boundary even if RAM does not start on one.
    pub fn allocate_contiguous(&mut self, count: usize, align_frames: usize) -> Option<PhysFrame> {
        if count == 0 || align_frames == 0 {
            return None;
        }
        let mut candidate = self.align_index(self.search_hint, align_frames)?;
        loop {
            let past_end = candidate.checked_add(count)?;
            if past_end > self.frame_count {
                return None;
            }
            // The first used frame inside the run decides where to try next.
            match (candidate..past_end)
                .rev()
                .find(|&index| self.is_used(index))
            {
                Some(used) => candidate = self.align_index(used + 1, align_frames)?,
                None => break,
            }
        }
        for index in candidate..candidate + count {
            self.mark_used(index);
        }
        if candidate == self.search_hint {
            self.search_hint = candidate + count;
        }
        Some(PhysFrame(self.frame_address(candidate)))
    }

    /// Returns `frame` to the free pool.
    ///
    /// A frame that is misaligned, outside managed RAM or already free is
    /// refused and the allocator is left unchanged: each of those means a
    /// bookkeeping bug in the caller, and hiding it would let two owners
    /// share a frame later.
    pub fn free(&mut self, frame: PhysFrame) -> Result<(), FrameError> {
        let address = frame.start();
        // Unreachable through the public constructors; one AND is cheap
        // insurance against a frame built some other way in this module.
        if !address.is_aligned(FRAME_SIZE) {
            return Err(FrameError::Misaligned(address));
        }
        if !self.ram().contains(address) {
            return Err(FrameError::OutsideRam(address));
        }
        let index = ((address.as_u32() - self.base.as_u32()) / FRAME_SIZE) as usize;
        if !self.is_used(index) {
            return Err(FrameError::DoubleFree(address));
        }
        self.bitmap[index / WORD_BITS] &= !(1 << (index % WORD_BITS));
        self.free_frames += 1;
        self.search_hint = self.search_hint.min(index);
        Ok(())
    }

    /// Number of frames that are free.
    pub fn free_count(&self) -> usize {
        self.free_frames
    }

    /// Number of frames managed, free or not.
    pub fn total_count(&self) -> usize {
        self.frame_count
    }

    /// Number of frames in use (reserved or allocated).
    pub fn used_count(&self) -> usize {
        self.frame_count - self.free_frames
    }

    /// Whether frame `index` is in use. `index` must be below `frame_count`.
    fn is_used(&self, index: usize) -> bool {
        self.bitmap[index / WORD_BITS] & (1 << (index % WORD_BITS)) != 0
    }

    /// Marks frame `index` used, keeping `free_frames` in step.
    fn mark_used(&mut self, index: usize) {
        let bit = 1 << (index % WORD_BITS);
        let word = &mut self.bitmap[index / WORD_BITS];
        if *word & bit == 0 {
            *word |= bit;
            self.free_frames -= 1;
        }
    }

    /// Physical address of frame `index`; `index` may be `frame_count`.
    fn frame_address(&self, index: usize) -> PhysAddr {
        // Cannot wrap: `new` built `frame_count` from a range below 4 GiB.
        PhysAddr(self.base.as_u32() + index as u32 * FRAME_SIZE)
    }

    /// The smallest index at or above `index` whose physical frame number is
    /// a multiple of `align_frames`, or `None` past the end of RAM.
    fn align_index(&self, index: usize, align_frames: usize) -> Option<usize> {
        let base_frame = (self.base.as_u32() / FRAME_SIZE) as usize;
        let frame_number = base_frame.checked_add(index)?;
        let aligned = frame_number.checked_next_multiple_of(align_frames)?;
        let aligned_index = aligned - base_frame;
        (aligned_index < self.frame_count).then_some(aligned_index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A range from raw numbers, for brevity.
    fn range(start: u32, end: u32) -> PhysRange {
        PhysRange {
            start: PhysAddr(start),
            end: PhysAddr(end),
        }
    }

    /// 256 MiB at 1 GiB, like QEMU `virt -m 256M`.
    fn virt_ram() -> FrameAllocator {
        FrameAllocator::new(range(0x4000_0000, 0x5000_0000)).unwrap()
    }

    #[test]
    fn fresh_allocator_is_all_free() {
        let frames = virt_ram();
        assert_eq!(frames.total_count(), 65536);
        assert_eq!(frames.free_count(), 65536);
        assert_eq!(frames.used_count(), 0);
        assert_eq!(frames.ram(), range(0x4000_0000, 0x5000_0000));
    }

    #[test]
    fn unaligned_ram_edges_round_inward() {
        let frames = FrameAllocator::new(range(0x1000_0001, 0x1000_5FFF)).unwrap();
        assert_eq!(frames.ram(), range(0x1000_1000, 0x1000_5000));
        assert_eq!(frames.total_count(), 4);
        // Less than one whole frame, and an empty range, are both refused.
        let tiny = range(0x1000_0001, 0x1000_1FFF);
        assert_eq!(
            FrameAllocator::new(tiny).unwrap_err(),
            FrameError::NoWholeFrame(tiny)
        );
        assert!(FrameAllocator::new(range(0x2000, 0x1000)).is_err());
        // The top of the address space rounds without overflowing.
        let top = FrameAllocator::new(range(0xFFFF_E001, 0xFFFF_FFFF)).unwrap_err();
        assert!(matches!(top, FrameError::NoWholeFrame(_)));
    }

    #[test]
    fn reserve_claims_touched_frames_and_clips() {
        let mut frames = virt_ram();
        // One byte each side of a frame boundary: two frames.
        frames.reserve(range(0x4000_0FFF, 0x4000_1001));
        assert_eq!(frames.used_count(), 2);
        // Starts below RAM: only the part inside counts (frames 0..3).
        frames.reserve(range(0x3000_0000, 0x4000_3000));
        assert_eq!(frames.used_count(), 3);
        // Ends past RAM: the last two frames.
        frames.reserve(range(0x4FFF_E000, 0xF000_0000));
        assert_eq!(frames.used_count(), 5);
        // Wholly outside, and empty: nothing.
        frames.reserve(range(0x1000_0000, 0x2000_0000));
        frames.reserve(range(0x4800_0000, 0x4800_0000));
        assert_eq!(frames.used_count(), 5);
        assert_eq!(frames.allocate().unwrap().start(), PhysAddr(0x4000_3000));
    }

    #[test]
    fn allocate_until_exhausted() {
        // 70 frames: one whole bitmap word and a partial one.
        let mut frames = FrameAllocator::new(range(0x8000_0000, 0x8004_6000)).unwrap();
        for index in 0..70 {
            let frame = frames.allocate().unwrap();
            assert_eq!(frame.start(), PhysAddr(0x8000_0000 + index * FRAME_SIZE));
        }
        assert_eq!(frames.allocate(), None);
        assert_eq!(frames.free_count(), 0);
        assert_eq!(frames.allocate_contiguous(1, 1), None);
    }

    #[test]
    fn freed_frame_is_reused_lowest_first() {
        let mut frames = virt_ram();
        let first = frames.allocate().unwrap();
        let second = frames.allocate().unwrap();
        let third = frames.allocate().unwrap();
        frames.free(second).unwrap();
        frames.free(first).unwrap();
        assert_eq!(frames.free_count(), 65536 - 1);
        assert_eq!(frames.allocate(), Some(first));
        assert_eq!(frames.allocate(), Some(second));
        assert_eq!(
            frames.allocate().unwrap().start(),
            PhysAddr(third.start().0 + FRAME_SIZE)
        );
    }

    #[test]
    fn double_free_is_an_error() {
        let mut frames = virt_ram();
        let frame = frames.allocate().unwrap();
        frames.free(frame).unwrap();
        assert_eq!(
            frames.free(frame),
            Err(FrameError::DoubleFree(frame.start()))
        );
        // Never allocated at all is the same mistake.
        let never = PhysFrame::from_start(PhysAddr(0x4800_0000)).unwrap();
        assert_eq!(
            frames.free(never),
            Err(FrameError::DoubleFree(never.start()))
        );
        assert_eq!(frames.free_count(), 65536);
    }

    #[test]
    fn misaligned_or_outside_free_is_an_error() {
        let mut frames = virt_ram();
        frames.reserve(frames.ram());
        // Only code in this module can build a misaligned frame.
        let crooked = PhysFrame(PhysAddr(0x4000_0800));
        assert_eq!(
            frames.free(crooked),
            Err(FrameError::Misaligned(PhysAddr(0x4000_0800)))
        );
        assert_eq!(PhysFrame::from_start(PhysAddr(0x4000_0800)), None);
        assert_eq!(
            PhysFrame::containing(PhysAddr(0x4000_0800)).start(),
            PhysAddr(0x4000_0000)
        );
        for outside in [0x3FFF_F000, 0x5000_0000, 0] {
            let frame = PhysFrame::from_start(PhysAddr(outside)).unwrap();
            assert_eq!(
                frames.free(frame),
                Err(FrameError::OutsideRam(PhysAddr(outside)))
            );
        }
        assert_eq!(frames.free_count(), 0);
    }

    #[test]
    fn contiguous_allocation_is_aligned_and_skips_holes() {
        // RAM starts one frame past a 16 KiB boundary.
        let mut frames = FrameAllocator::new(range(0x1000_1000, 0x1010_0000)).unwrap();
        let table = frames.allocate_contiguous(4, 4).unwrap();
        assert_eq!(table.start(), PhysAddr(0x1000_4000));
        assert_eq!(frames.used_count(), 4);
        // The three frames skipped for alignment are still free, lowest first.
        assert_eq!(frames.allocate().unwrap().start(), PhysAddr(0x1000_1000));

        // A single used frame in the middle of the next aligned run pushes
        // the search past it.
        frames.reserve(range(0x1000_A000, 0x1000_B000));
        let second = frames.allocate_contiguous(4, 4).unwrap();
        assert_eq!(second.start(), PhysAddr(0x1000_C000));
        assert_eq!(frames.used_count(), 1 + 4 + 1 + 4);

        // Unaligned runs fill the hole before the reserved frame.
        assert_eq!(
            frames.allocate_contiguous(2, 1).unwrap().start(),
            PhysAddr(0x1000_2000)
        );
        assert_eq!(
            frames.allocate_contiguous(2, 1).unwrap().start(),
            PhysAddr(0x1000_8000)
        );
    }

    #[test]
    fn contiguous_allocation_refuses_the_impossible() {
        let mut frames = FrameAllocator::new(range(0x1000_0000, 0x1000_8000)).unwrap();
        assert_eq!(frames.allocate_contiguous(0, 1), None);
        assert_eq!(frames.allocate_contiguous(1, 0), None);
        assert_eq!(frames.allocate_contiguous(9, 1), None);
        assert_eq!(frames.allocate_contiguous(usize::MAX, 1), None);
        assert_eq!(frames.allocate_contiguous(1, usize::MAX), None);
        // Frame 1 used: no 4-aligned run of 4 except frames 4..8.
        frames.reserve(range(0x1000_1000, 0x1000_2000));
        assert_eq!(
            frames.allocate_contiguous(4, 4).unwrap().start(),
            PhysAddr(0x1000_4000)
        );
        assert_eq!(frames.allocate_contiguous(4, 4), None);
        assert_eq!(frames.free_count(), 3);
    }

    #[test]
    fn errors_read_clearly() {
        let text = alloc::format!("{}", FrameError::DoubleFree(PhysAddr(0x4000_0000)));
        assert_eq!(text, "frame 0x40000000 freed twice");
        let text = alloc::format!("{}", FrameError::NoWholeFrame(range(1, 2)));
        assert_eq!(
            text,
            "RAM 0x00000001..0x00000002 holds no whole 4096-byte frame"
        );
    }
}
