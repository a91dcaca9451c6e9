// SPDX-License-Identifier: MIT OR Apache-2.0
//! A pointer to a device's register block that may live in a `static`.
//!
//! Drivers hold their registers through [`Mmio`] rather than a `&'static`
//! reference for one reason: a board wants its console in a `static`, built
//! by a `const` constructor, and the compiler refuses a reference made from a
//! bare address in a `static`'s initialiser (it cannot prove the address is
//! dereferenceable, and says so). So the address is kept as a raw pointer and
//! turned into a reference at each use, under the promise made once in
//! [`Mmio::new`]. This is the same shape as Tock's `StaticRef`.

use core::ops::Deref;

/// The address of a register block of type `T`, dereferenced on use.
pub(crate) struct Mmio<T> {
    address: *const T,
}

impl<T> Mmio<T> {
    /// Wraps the register block at virtual address `base`.
    ///
    /// # Safety
    ///
    /// `T` must be a register block made only of `tock-registers` cells
    /// (whose accesses are volatile and go through `UnsafeCell`), and `base`
    /// must be the virtual address of a device with that layout, mapped as
    /// device memory and aligned for `T`, for the rest of the kernel's life.
    pub(crate) const unsafe fn new(base: usize) -> Self {
        Self {
            address: base as *const T,
        }
    }
}

impl<T> Deref for Mmio<T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: `new`'s contract keeps the block mapped, aligned and of
        // type `T` for 'static, and `T`'s cells allow shared access.
        unsafe { &*self.address }
    }
}

// SAFETY: no Rust value lives behind the pointer, only device registers.
// Each access is one volatile load or store of an aligned word, which the
// bus serialises; two cores racing can interleave bytes on the wire or
// settings in the device, but cannot break memory safety. Drivers that need
// a sequence to be atomic say so, and their callers hold a lock.
unsafe impl<T> Sync for Mmio<T> {}

// SAFETY: as for `Sync`: the pointer names device memory that every core
// sees at the same address, so the handle may move between them.
unsafe impl<T> Send for Mmio<T> {}
