// SPDX-License-Identifier: MIT OR Apache-2.0
//! The kernel's random bytes: getrandom and AT_RANDOM.
//!
//! No board driver gives entropy yet. QEMU's `virt` and `sabrelite`
//! models wire no hardware RNG that KML-rs drives (the i.MX6Q has RNGB
//! and CAAM, neither driven here; the AM572x has an RNG block, not driven
//! either). So the bytes come from a ChaCha20 stream (RFC 8439's block
//! function) keyed from the free-running counter when first used and
//! re-keyed with the counter's value at every request, with fast key
//! erasure (the key is replaced after each request, so earlier output
//! cannot be recomputed from a later state). The only "entropy" is the
//! timing of requests, which an observer can guess and which under
//! `-icount` is the same on every run: the bytes are well mixed and
//! differ per call, but they are **not cryptographic**. A real source
//! should feed [`stir`] when one is wired up.

use spin::Mutex;

/// ChaCha's constant words, "expand 32-byte k".
const SIGMA: [u32; 4] = [0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574];

/// One ChaCha quarter round on words `a`, `b`, `c`, `d` of `state`.
fn quarter_round(state: &mut [u32; 16], a: usize, b: usize, c: usize, d: usize) {
    state[a] = state[a].wrapping_add(state[b]);
    state[d] = (state[d] ^ state[a]).rotate_left(16);
    state[c] = state[c].wrapping_add(state[d]);
    state[b] = (state[b] ^ state[c]).rotate_left(12);
    state[a] = state[a].wrapping_add(state[b]);
    state[d] = (state[d] ^ state[a]).rotate_left(8);
    state[c] = state[c].wrapping_add(state[d]);
    state[b] = (state[b] ^ state[c]).rotate_left(7);
}

/// The ChaCha20 block function (RFC 8439 section 2.3): 64 bytes of
/// stream for `key`, block `counter` and `nonce`.
pub fn chacha20_block(key: &[u32; 8], counter: u32, nonce: &[u32; 3]) -> [u8; 64] {
    let mut input = [0u32; 16];
    input[..4].copy_from_slice(&SIGMA);
    input[4..12].copy_from_slice(key);
    input[12] = counter;
    input[13..].copy_from_slice(nonce);
    let mut state = input;
    for _ in 0..10 {
        quarter_round(&mut state, 0, 4, 8, 12);
        quarter_round(&mut state, 1, 5, 9, 13);
        quarter_round(&mut state, 2, 6, 10, 14);
        quarter_round(&mut state, 3, 7, 11, 15);
        quarter_round(&mut state, 0, 5, 10, 15);
        quarter_round(&mut state, 1, 6, 11, 12);
        quarter_round(&mut state, 2, 7, 8, 13);
        quarter_round(&mut state, 3, 4, 9, 14);
    }
    let mut output = [0u8; 64];
    for (index, chunk) in output.chunks_exact_mut(4).enumerate() {
        let word = state[index].wrapping_add(input[index]);
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    output
}

/// A ChaCha20 stream generator with fast key erasure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generator {
    key: [u32; 8],
    /// Requests served, the nonce of the next one: no stream repeats
    /// even if a stir brings back an old key.
    requests: u64,
}

impl Generator {
    /// A generator keyed from `seed`.
    pub fn new(seed: u64) -> Generator {
        let mut generator = Generator {
            key: [0x4B4D_4C2D, 0x7273_0000, 0, 0, 0, 0, 0, 0],
            requests: 0,
        };
        generator.stir(seed);
        generator
    }

    /// Mixes `value` into the key.
    pub fn stir(&mut self, value: u64) {
        self.key[0] ^= value as u32;
        self.key[1] ^= (value >> 32) as u32;
        self.rekey();
    }

    /// Fills `output` with stream bytes, then replaces the key.
    pub fn fill(&mut self, output: &mut [u8]) {
        let nonce = [self.requests as u32, (self.requests >> 32) as u32, 1];
        for (block, chunk) in output.chunks_mut(64).enumerate() {
            let bytes = chacha20_block(&self.key, block as u32, &nonce);
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        self.requests = self.requests.wrapping_add(1);
        self.rekey();
    }

    /// Replaces the key with stream output no request ever returns (the
    /// nonce's last word is 0 here, 1 in [`Generator::fill`]).
    fn rekey(&mut self) {
        let nonce = [self.requests as u32, (self.requests >> 32) as u32, 0];
        let block = chacha20_block(&self.key, 0, &nonce);
        for (word, chunk) in self.key.iter_mut().zip(block.chunks_exact(4)) {
            *word = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        }
    }
}

/// The kernel's generator, keyed at its first use.
static GENERATOR: Mutex<Option<Generator>> = Mutex::new(None);

/// Mixes `value` (a reading of some changing source) into the generator.
pub fn stir(value: u64) {
    let mut generator = GENERATOR.lock();
    generator
        .get_or_insert_with(|| Generator::new(value))
        .stir(value);
}

/// Fills `output` with random bytes (not cryptographic: see the file
/// doc), stirring in the clock first.
pub fn fill(output: &mut [u8]) {
    let now = crate::time::now();
    let mut generator = GENERATOR.lock();
    let generator = generator.get_or_insert_with(|| Generator::new(now));
    generator.stir(now);
    generator.fill(output);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_matches_rfc_8439() {
        // Section 2.3.2: key 00 01 .. 1f, nonce 00:00:00:09 00:00:00:4a
        // 00:00:00:00, block count 1.
        let mut key = [0u32; 8];
        for (index, word) in key.iter_mut().enumerate() {
            let base = (index * 4) as u8;
            *word = u32::from_le_bytes([base, base + 1, base + 2, base + 3]);
        }
        let nonce = [0x0900_0000, 0x4a00_0000, 0];
        let block = chacha20_block(&key, 1, &nonce);
        assert_eq!(
            block[..16],
            [
                0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f, 0xdd, 0x1f, 0xa3, 0x20,
                0x71, 0xc4
            ]
        );
        assert_eq!(block[60..], [0xa2, 0x50, 0x3c, 0x4e]);
    }

    #[test]
    fn every_request_differs() {
        let mut generator = Generator::new(42);
        let mut first = [0u8; 100];
        let mut second = [0u8; 100];
        generator.fill(&mut first);
        generator.fill(&mut second);
        assert_ne!(first, second);
        assert_ne!(first[..64], first[64..]);
        // The same seed and requests give the same bytes (no hidden input).
        let mut again = Generator::new(42);
        let mut repeat = [0u8; 100];
        again.fill(&mut repeat);
        assert_eq!(first, repeat);
        let mut other = Generator::new(43);
        other.fill(&mut repeat);
        assert_ne!(first, repeat);
    }

    #[test]
    fn stirring_changes_the_stream() {
        let mut plain = Generator::new(1);
        let mut stirred = plain.clone();
        stirred.stir(0);
        let (mut a, mut b) = ([0u8; 16], [0u8; 16]);
        plain.fill(&mut a);
        stirred.fill(&mut b);
        assert_ne!(a, b);
    }
}
