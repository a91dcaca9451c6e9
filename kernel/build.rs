// SPDX-License-Identifier: MIT OR Apache-2.0
//! Build script of the kernel core: embeds the vDSO when there is one.
//!
//! `cargo xtask build` links the vDSO first and names it in `KML_VDSO`;
//! the kernel then carries it (`include_bytes!` of `$OUT_DIR/vdso.so`).
//! A plain `cargo build` or `cargo test` has no vDSO and embeds nothing:
//! the kernel then maps none (and says so at boot).

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    let out = PathBuf::from(env::var("OUT_DIR").expect("set by cargo")).join("vdso.so");
    println!("cargo:rerun-if-env-changed=KML_VDSO");
    let image = match env::var_os("KML_VDSO") {
        Some(path) if !path.is_empty() => {
            println!("cargo:rerun-if-changed={}", PathBuf::from(&path).display());
            fs::read(&path).unwrap_or_else(|error| panic!("KML_VDSO={path:?}: {error}"))
        }
        _ => Vec::new(),
    };
    fs::write(&out, image).expect("OUT_DIR is writable");
}
