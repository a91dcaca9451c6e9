// SPDX-License-Identifier: MIT OR Apache-2.0
//! Links the test programs with `linker/user.ld`.
//!
//! `rustc-link-arg-bins` applies the script to this package's binaries only:
//! the library and build script itself link as usual.

use std::path::Path;

fn main() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = manifest.join("../../linker/user.ld");
    println!("cargo:rerun-if-changed={}", script.display());
    println!("cargo:rustc-link-arg-bins=-T{}", script.display());
    // Our pages are 4 KiB; without this lld aligns segments to 64 KiB.
    println!("cargo:rustc-link-arg-bins=-zmax-page-size=4096");
}
