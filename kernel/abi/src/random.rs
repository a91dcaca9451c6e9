// SPDX-License-Identifier: MIT OR Apache-2.0
//! getrandom flags, from include/uapi/linux/random.h.
//!
//! Linux refuses any other bit with `EINVAL`, and `GRND_INSECURE` together
//! with `GRND_RANDOM` as well; [`check_flags`] is that rule.

use crate::errno::Errno;

/// Do not block when no randomness is ready (`EAGAIN` instead).
pub const GRND_NONBLOCK: u32 = 0x0001;
/// Historic: draw from the "random" pool rather than "urandom".
pub const GRND_RANDOM: u32 = 0x0002;
/// Return bytes even before the pool is initialised.
pub const GRND_INSECURE: u32 = 0x0004;

/// Whether getrandom accepts `flags`.
pub const fn check_flags(flags: u32) -> Result<(), Errno> {
    if flags & !(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE) != 0
        || flags & (GRND_INSECURE | GRND_RANDOM) == GRND_INSECURE | GRND_RANDOM
    {
        Err(Errno::EINVAL)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_follow_linux() {
        assert_eq!(check_flags(0), Ok(()));
        assert_eq!(check_flags(GRND_NONBLOCK | GRND_RANDOM), Ok(()));
        assert_eq!(check_flags(GRND_NONBLOCK | GRND_INSECURE), Ok(()));
        assert_eq!(check_flags(GRND_INSECURE | GRND_RANDOM), Err(Errno::EINVAL));
        assert_eq!(check_flags(0x8), Err(Errno::EINVAL));
    }
}
