// SPDX-License-Identifier: MIT OR Apache-2.0
//! The boards xtask knows and where their files live in the workspace.
//!
//! Every path xtask reads or writes is derived here from the workspace root and
//! a [`Board`], so the layout contract with the board crates (package
//! `board-<board>`, ELF at `target/armv7a-none-eabi/release/board-<board>`,
//! artifacts in `target/kml/<board>/`) is written down exactly once.

use std::fmt;
use std::path::{Path, PathBuf};

use clap::ValueEnum;

/// The Rust target every board is built for.
pub const TARGET: &str = "armv7a-none-eabi";

/// A board crate under `boards/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ValueEnum)]
pub enum Board {
    /// NXP i.MX6 Quad (SABRE Lite), Cortex-A9; QEMU machine `sabrelite`.
    Imx6q,
    /// TI AM572x (BeagleBoard-X15 / EVM), Cortex-A15; no QEMU model.
    Am572x,
    /// QEMU `virt` with a Cortex-A15: stands in for the AM572x.
    QemuVirt,
}

impl Board {
    /// Every board, in the order `cargo xtask build` builds them.
    pub const ALL: [Board; 3] = [Board::Imx6q, Board::Am572x, Board::QemuVirt];

    /// The name used on the command line, in test files and in paths.
    pub fn name(self) -> &'static str {
        match self {
            Board::Imx6q => "imx6q",
            Board::Am572x => "am572x",
            Board::QemuVirt => "qemu-virt",
        }
    }

    /// Looks a board up by its [`Board::name`].
    pub fn from_name(name: &str) -> Option<Board> {
        Board::ALL.into_iter().find(|board| board.name() == name)
    }

    /// The Cargo package of the board crate.
    pub fn package(self) -> String {
        format!("board-{}", self.name())
    }

    /// The start of the board's RAM and the size every configuration of it
    /// has at least (the kernel's link address and the images' load and
    /// entry addresses must lie inside).
    pub fn ram(self) -> (u64, u64) {
        match self {
            // i.MX6Q MMDC window; the SABRE Lite has 1 GiB.
            Board::Imx6q => (0x1000_0000, 1 << 30),
            // AM572x EMIF; the X15 and the EVM have 2 GiB, 1 GiB assumed.
            Board::Am572x => (0x8000_0000, 1 << 30),
            // QEMU virt; `cargo xtask run` gives it 256 MiB.
            Board::QemuVirt => (0x4000_0000, 256 << 20),
        }
    }

    /// Whether QEMU can boot this board's kernel.
    pub fn has_emulator(self) -> bool {
        self != Board::Am572x
    }
}

impl fmt::Display for Board {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The files `cargo xtask build` writes for one board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifacts {
    /// The board this set belongs to.
    pub board: Board,
    /// `target/kml/<board>/`.
    pub dir: PathBuf,
    /// The linked kernel, with symbols (for gdb).
    pub elf: PathBuf,
    /// The flat image QEMU's `-kernel` loads.
    pub bin: PathBuf,
    /// The same bytes as `bin` under the name U-Boot's `bootz` users expect
    /// (the kernel's first bytes are a zImage header).
    pub zimage: PathBuf,
    /// `bin` wrapped in a U-Boot legacy header, for `bootm`.
    pub uimage: PathBuf,
    /// `zImage` with an embedded ramdisk (`build --embed-initrd`).
    pub zimage_initrd: PathBuf,
    /// `uImage` with an embedded ramdisk.
    pub uimage_initrd: PathBuf,
    /// The demo ramdisk (the test programs), for U-Boot or `-initrd`.
    pub initrd: PathBuf,
    /// The generated device tree, for boards QEMU has none for.
    pub dtb: Option<PathBuf>,
}

impl Artifacts {
    /// The artifact paths of `board` in the workspace at `root`.
    pub fn new(root: &Path, board: Board) -> Self {
        let dir = root.join("target").join("kml").join(board.name());
        let dtb = (board == Board::Imx6q).then(|| dir.join("qemu-sabrelite.dtb"));
        Artifacts {
            board,
            elf: dir.join("kml.elf"),
            bin: dir.join("kml.bin"),
            zimage: dir.join("zImage"),
            uimage: dir.join("uImage"),
            zimage_initrd: dir.join("zImage-initrd"),
            uimage_initrd: dir.join("uImage-initrd"),
            initrd: dir.join("initrd.cpio"),
            dtb,
            dir,
        }
    }
}

/// Where Cargo leaves the board's linked ELF (under `CARGO_TARGET_DIR`
/// when that is set, as Cargo itself does).
pub fn cargo_elf(root: &Path, board: Board) -> PathBuf {
    crate::build::target_dir(root)
        .join(TARGET)
        .join("release")
        .join(board.package())
}

/// The workspace root: the parent of the xtask package.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// `path` relative to the current directory when it lies below it, for
/// messages and command lines a person may copy.
pub fn display_path(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for board in Board::ALL {
            assert_eq!(Board::from_name(board.name()), Some(board));
        }
        assert_eq!(Board::from_name("imx7"), None);
        assert_eq!(Board::QemuVirt.package(), "board-qemu-virt");
    }

    #[test]
    fn only_imx6q_gets_a_dtb() {
        let root = Path::new("/ws");
        let imx = Artifacts::new(root, Board::Imx6q);
        assert_eq!(imx.bin, Path::new("/ws/target/kml/imx6q/kml.bin"));
        assert_eq!(
            imx.dtb.as_deref(),
            Some(Path::new("/ws/target/kml/imx6q/qemu-sabrelite.dtb"))
        );
        assert_eq!(Artifacts::new(root, Board::QemuVirt).dtb, None);
        assert_eq!(
            cargo_elf(root, Board::Am572x),
            Path::new("/ws/target/armv7a-none-eabi/release/board-am572x")
        );
    }
}
