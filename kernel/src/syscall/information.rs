// SPDX-License-Identifier: MIT OR Apache-2.0
//! System calls that describe the system: uname.

use crate::process::with_current;
use crate::uaccess;
use abi::errno::Errno;
use abi::uname::UtsName;

/// uname(buffer).
pub fn uname(buffer: u32) -> Result<u32, Errno> {
    let board = crate::platform::get().board_name();
    let version = concat!("KML-rs ", env!("CARGO_PKG_VERSION"));
    let name = UtsName::new("Linux", board, "6.1.0-kml-rs", version, "armv7l", "(none)");
    with_current(|process| uaccess::copy_to_user(&mut process.memory, buffer, &name.to_bytes()))?;
    Ok(0)
}
