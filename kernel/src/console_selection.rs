// SPDX-License-Identifier: MIT OR Apache-2.0
//! Which of a board's UARTs is the console, and why.
//!
//! A board either has one console ([`ConsoleSelection::Fixed`]) or lets the
//! device tree's `/chosen/stdout-path` pick among the UARTs it can drive,
//! with a default for everything else: no tree, no `stdout-path`, a path
//! that leads nowhere or to a device the board does not know
//! ([`ConsoleSelection::StdoutPath`]). The resolution of the path is
//! `devicetree::stdout`'s; this is the choice, and the sentence the boot
//! log prints about it. Pure logic, tested on the host.

use crate::addr::PhysAddr;
use crate::devicetree::{DeviceTreeInfo, StdoutDevice, StdoutError};
use core::fmt;

/// A UART the board can drive as its console.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConsoleUart {
    /// The reference manual's name (`UART2`).
    pub name: &'static str,
    /// Its register block.
    pub physical: PhysAddr,
    /// The register block's size in bytes.
    pub size: u32,
    /// Its interrupt ID at the GIC (32 + SPI number).
    pub interrupt: u32,
}

impl ConsoleUart {
    /// Whether `address` lies in this UART's register block.
    pub fn holds(&self, address: PhysAddr) -> bool {
        address.as_u32().wrapping_sub(self.physical.as_u32()) < self.size
    }
}

/// A board's rule for its console.
#[derive(Clone, Copy, Debug)]
pub enum ConsoleSelection {
    /// Always this UART.
    Fixed(ConsoleUart),
    /// The candidate `stdout-path` leads to, else `default`.
    StdoutPath {
        /// The UARTs `stdout-path` may pick.
        candidates: &'static [ConsoleUart],
        /// The console when it picks none of them.
        default: ConsoleUart,
    },
}

/// Why the console is the UART it is; `Display` says it in a sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsoleReason<'a> {
    /// The board has one console.
    Fixed,
    /// No device tree was passed, or none that could be read.
    NoDeviceTree,
    /// The device tree has no `/chosen/stdout-path`.
    NoStdoutPath,
    /// `stdout-path` (`value`) leads to this UART.
    StdoutPath {
        /// The property as written.
        value: &'a str,
        /// Where it leads.
        device: StdoutDevice<'a>,
    },
    /// `stdout-path` leads to a device that is none of the candidates.
    OtherDevice {
        /// The property as written.
        value: &'a str,
        /// Where it leads.
        device: StdoutDevice<'a>,
    },
    /// `stdout-path` leads nowhere.
    Unresolved {
        /// The property as written.
        value: &'a str,
        /// Why.
        error: StdoutError<'a>,
    },
}

impl ConsoleSelection {
    /// The console for `tree` (or for no tree), and why.
    pub fn choose<'a>(
        &self,
        tree: Option<&DeviceTreeInfo<'a>>,
    ) -> (ConsoleUart, ConsoleReason<'a>) {
        let (candidates, default) = match *self {
            ConsoleSelection::Fixed(uart) => return (uart, ConsoleReason::Fixed),
            ConsoleSelection::StdoutPath {
                candidates,
                default,
            } => (candidates, default),
        };
        let Some(tree) = tree else {
            return (default, ConsoleReason::NoDeviceTree);
        };
        let (Some(value), Some(resolved)) = (tree.stdout_path, tree.stdout_device) else {
            return (default, ConsoleReason::NoStdoutPath);
        };
        let device = match resolved {
            Ok(device) => device,
            Err(error) => return (default, ConsoleReason::Unresolved { value, error }),
        };
        match candidates.iter().find(|uart| uart.holds(device.address)) {
            Some(&uart) => (uart, ConsoleReason::StdoutPath { value, device }),
            None => (default, ConsoleReason::OtherDevice { value, device }),
        }
    }
}

impl fmt::Display for ConsoleReason<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Fixed => write!(f, "the board's console"),
            Self::NoDeviceTree => write!(f, "no usable device tree, so the board's default"),
            Self::NoStdoutPath => write!(
                f,
                "the device tree has no /chosen/stdout-path, so the board's default"
            ),
            Self::StdoutPath { value, device } => {
                write!(f, "the device tree's stdout-path \"{value}\" leads here")?;
                match device.alias_value {
                    Some(node) => write!(f, " ({} = {node})", device.path),
                    None => Ok(()),
                }
            }
            Self::OtherDevice { value, device } => write!(
                f,
                "the device tree's stdout-path \"{value}\" leads to {}, not a UART this board drives, so the board's default",
                device.address
            ),
            Self::Unresolved { value, error } => write!(
                f,
                "the device tree's stdout-path \"{value}\" leads nowhere ({error}), so the board's default"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devicetree;
    use alloc::format;
    use alloc::string::String;

    const UART1: ConsoleUart = ConsoleUart {
        name: "UART1",
        physical: PhysAddr(0x0202_0000),
        size: 0x4000,
        interrupt: 32 + 26,
    };
    const UART2: ConsoleUart = ConsoleUart {
        name: "UART2",
        physical: PhysAddr(0x021E_8000),
        size: 0x4000,
        interrupt: 32 + 27,
    };
    /// The imx6q board's rule.
    const IMX6Q: ConsoleSelection = ConsoleSelection::StdoutPath {
        candidates: &[UART2, UART1],
        default: UART1,
    };

    static STOCK: &[u8] = include_bytes!("devicetree/testdata/imx6q-sabrelite-stock.dtb");
    static SABRELITE: &[u8] = include_bytes!("devicetree/testdata/sabrelite.dtb");
    static QEMU_VIRT: &[u8] = include_bytes!("devicetree/testdata/qemu-virt.dtb");

    fn choose(selection: ConsoleSelection, blob: Option<&[u8]>) -> (&'static str, String) {
        let tree = blob.map(|blob| devicetree::parse(blob).expect("fixture parses"));
        let (uart, reason) = selection.choose(tree.as_ref());
        (uart.name, format!("{reason}"))
    }

    #[test]
    fn the_stock_tree_picks_uart2() {
        assert_eq!(
            choose(IMX6Q, Some(STOCK)),
            (
                "UART2",
                "the device tree's stdout-path \"/soc/bus@2100000/serial@21e8000\" leads here"
                    .into()
            )
        );
        assert_eq!(choose(IMX6Q, Some(SABRELITE)).0, "UART2");
    }

    #[test]
    fn no_tree_or_another_device_falls_back_to_uart1() {
        assert_eq!(
            choose(IMX6Q, None),
            (
                "UART1",
                "no usable device tree, so the board's default".into()
            )
        );
        // QEMU virt's tree names its PL011 at 0x09000000.
        assert_eq!(
            choose(IMX6Q, Some(QEMU_VIRT)),
            (
                "UART1",
                "the device tree's stdout-path \"/pl011@9000000\" leads to 0x09000000, not a UART this board drives, so the board's default".into()
            )
        );
    }

    #[test]
    fn the_stock_trees_uart1_is_picked_as_itself() {
        let tree = devicetree::parse(STOCK).unwrap();
        let uart1 = DeviceTreeInfo {
            stdout_path: Some("serial0:115200n8"),
            stdout_device: Some(devicetree::stdout::resolve(STOCK, "serial0:115200n8")),
            ..tree
        };
        let (uart, reason) = IMX6Q.choose(Some(&uart1));
        assert_eq!(uart, UART1);
        assert!(matches!(reason, ConsoleReason::StdoutPath { .. }));
    }

    #[test]
    fn a_fixed_console_ignores_the_tree() {
        assert_eq!(
            choose(ConsoleSelection::Fixed(UART2), Some(QEMU_VIRT)),
            ("UART2", "the board's console".into())
        );
    }

    #[test]
    fn unresolved_and_missing_paths_say_why() {
        let tree = devicetree::parse(STOCK).unwrap();
        let broken = DeviceTreeInfo {
            stdout_path: Some("serial7:115200n8"),
            stdout_device: Some(Err(StdoutError::UnknownAlias("serial7"))),
            ..tree
        };
        let (uart, reason) = IMX6Q.choose(Some(&broken));
        assert_eq!(uart, UART1);
        assert_eq!(
            format!("{reason}"),
            "the device tree's stdout-path \"serial7:115200n8\" leads nowhere (no alias serial7 in /aliases), so the board's default"
        );
        let silent = DeviceTreeInfo {
            stdout_path: None,
            stdout_device: None,
            ..tree
        };
        assert_eq!(IMX6Q.choose(Some(&silent)).1, ConsoleReason::NoStdoutPath);
    }

    #[test]
    fn an_alias_is_shown_with_what_it_stands_for() {
        let tree = devicetree::parse(STOCK).unwrap();
        let aliased = DeviceTreeInfo {
            stdout_path: Some("serial1:115200n8"),
            stdout_device: Some(devicetree::stdout::resolve(STOCK, "serial1:115200n8")),
            ..tree
        };
        let (uart, reason) = IMX6Q.choose(Some(&aliased));
        assert_eq!(uart, UART2);
        assert_eq!(
            format!("{reason}"),
            "the device tree's stdout-path \"serial1:115200n8\" leads here (serial1 = /soc/bus@2100000/serial@21e8000)"
        );
    }

    #[test]
    fn an_address_inside_the_block_counts() {
        assert!(UART2.holds(PhysAddr(0x021E_8000)));
        assert!(UART2.holds(PhysAddr(0x021E_BFFF)));
        assert!(!UART2.holds(PhysAddr(0x021E_C000)));
        assert!(!UART2.holds(PhysAddr(0x021E_7FFF)));
    }
}
