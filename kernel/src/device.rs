// SPDX-License-Identifier: MIT OR Apache-2.0
//! The device files every Linux program expects: `/dev/null`, `/dev/zero`,
//! `/dev/console` and `/dev/tty`.
//!
//! The ramdisk has no device nodes (cpio archives made by users rarely
//! do), yet shells redirect background jobs from `/dev/null` and applets
//! write to it. These paths are answered before the ramdisk is asked, in
//! every root (chroot included), as character devices with Linux's
//! numbers.

/// A device file's behaviour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Device {
    /// Reads end at once, writes vanish (1:3).
    Null,
    /// Reads give zeros, writes vanish (1:5).
    Zero,
    /// The kernel console (5:1; `/dev/tty` too, there is no other
    /// terminal).
    Console,
}

impl Device {
    /// The device at `path` as the process sees it (absolute, resolved),
    /// if it is one.
    pub fn at(path: &str) -> Option<Device> {
        match path {
            "/dev/null" => Some(Device::Null),
            "/dev/zero" => Some(Device::Zero),
            "/dev/console" | "/dev/tty" => Some(Device::Console),
            _ => None,
        }
    }

    /// Its `st_rdev`: major in bits 8-15, minor in 0-7 (old encoding,
    /// exact for these small numbers).
    pub const fn rdev(self) -> u64 {
        match self {
            Device::Null => 0x0103,
            Device::Zero => 0x0105,
            Device::Console => 0x0501,
        }
    }

    /// An inode number for stat, distinct from the ramdisk's small ones.
    pub const fn inode(self) -> u64 {
        0xde00 + self.rdev()
    }

    /// Fills `chunk` as a read would; the bytes read.
    pub fn read(self, chunk: &mut [u8]) -> usize {
        match self {
            Device::Null | Device::Console => 0,
            Device::Zero => {
                chunk.fill(0);
                chunk.len()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_usual_paths_are_devices_and_nothing_else_is() {
        assert_eq!(Device::at("/dev/null"), Some(Device::Null));
        assert_eq!(Device::at("/dev/zero"), Some(Device::Zero));
        assert_eq!(Device::at("/dev/tty"), Some(Device::Console));
        assert_eq!(Device::at("/dev/console"), Some(Device::Console));
        assert_eq!(Device::at("/dev/nul"), None);
        assert_eq!(Device::at("dev/null"), None);
        assert_eq!(Device::at("/dev"), None);
    }

    #[test]
    fn null_reads_nothing_and_zero_reads_zeros() {
        let mut chunk = [7u8; 5];
        assert_eq!(Device::Null.read(&mut chunk), 0);
        assert_eq!(chunk, [7; 5]);
        assert_eq!(Device::Zero.read(&mut chunk), 5);
        assert_eq!(chunk, [0; 5]);
        assert_eq!(Device::Null.rdev(), 0x103);
    }
}
