// SPDX-License-Identifier: MIT OR Apache-2.0
//! Build script shared by the board crates: links with the board's layout.
//!
//! Each board crate is named `board-<board>` and links with
//! `linker/<board>.ld`, its memory fragment, which includes `kernel.ld`.

use std::env;
use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let package = env::var("CARGO_PKG_NAME").expect("set by cargo");
    let board = package
        .strip_prefix("board-")
        .expect("board crates are named board-<board>");
    let linker = manifest
        .join("../../linker")
        .canonicalize()
        .expect("linker/ exists");
    println!(
        "cargo:rustc-link-arg-bins=-T{}",
        linker.join(format!("{board}.ld")).display()
    );
    println!("cargo:rustc-link-arg-bins=-L{}", linker.display());
    println!("cargo:rerun-if-changed={}", linker.display());
}
