// SPDX-License-Identifier: MIT OR Apache-2.0
//! Little-endian field access in byte buffers, for the safe serialisers.
//!
//! The `repr(C)` structs of this crate are never transmuted: each turns
//! itself into bytes field by field at the offsets Linux's C layout gives
//! (checked by `offset_of!` assertions next to each struct), so padding is
//! always zero and no `unsafe` is needed. ARM EABI is little-endian. The
//! offsets are constants, so an out-of-range write is a bug in this crate
//! and panics in the tests that cover every serialiser.

/// Writes `value` at `offset`.
pub(crate) fn put_u16(buffer: &mut [u8], offset: usize, value: u16) {
    buffer[offset..offset + 2].copy_from_slice(&value.to_le_bytes());
}

/// Writes `value` at `offset`.
pub(crate) fn put_u32(buffer: &mut [u8], offset: usize, value: u32) {
    buffer[offset..offset + 4].copy_from_slice(&value.to_le_bytes());
}

/// Writes `value` at `offset`.
pub(crate) fn put_u64(buffer: &mut [u8], offset: usize, value: u64) {
    buffer[offset..offset + 8].copy_from_slice(&value.to_le_bytes());
}

/// Reads the `u16` at `offset`.
pub(crate) fn get_u16(buffer: &[u8], offset: usize) -> u16 {
    u16::from_le_bytes([buffer[offset], buffer[offset + 1]])
}

/// Reads the `u32` at `offset`.
pub(crate) fn get_u32(buffer: &[u8], offset: usize) -> u32 {
    let mut word = [0; 4];
    word.copy_from_slice(&buffer[offset..offset + 4]);
    u32::from_le_bytes(word)
}

/// Reads the `u64` at `offset`.
pub(crate) fn get_u64(buffer: &[u8], offset: usize) -> u64 {
    let mut word = [0; 8];
    word.copy_from_slice(&buffer[offset..offset + 8]);
    u64::from_le_bytes(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_little_endian() {
        let mut buffer = [0u8; 16];
        put_u16(&mut buffer, 0, 0x0102);
        put_u32(&mut buffer, 2, 0x0304_0506);
        put_u64(&mut buffer, 6, 0x0708_090a_0b0c_0d0e);
        assert_eq!(buffer[..3], [0x02, 0x01, 0x06]);
        assert_eq!(get_u16(&buffer, 0), 0x0102);
        assert_eq!(get_u32(&buffer, 2), 0x0304_0506);
        assert_eq!(get_u64(&buffer, 6), 0x0708_090a_0b0c_0d0e);
    }
}
