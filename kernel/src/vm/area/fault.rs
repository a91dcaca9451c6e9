// SPDX-License-Identifier: MIT OR Apache-2.0
//! Page faults on areas, and the stack that grows down on demand.
//!
//! A fault on an unmapped page asks [`Areas::classify_fault`] what to do.
//! Inside an area it is a fill (if the permissions allow the access) or a
//! refusal. Below the stack it may be growth: as on Linux, the stack area
//! extends down to any address a fault hits, as long as the stack stays
//! within `STACK_MAX` of `STACK_TOP` and a guard page clear of the area
//! below. There is no check against the stack pointer (Linux dropped its
//! own in 4.x: programs probe far below it legitimately).

use super::{
    Area, AreaKind, Areas, FaultClass, Permissions, STACK_GUARD_GAP, STACK_LIMIT, page_down,
};
use crate::addr::VirtAddr;
use crate::trap::Access;
use crate::vm::layout::{PAGE_SIZE, STACK_TOP};
use abi::errno::Errno;

impl Areas {
    /// What a fault by `access` at `address`, on a page not mapped yet,
    /// calls for.
    pub fn classify_fault(&self, address: VirtAddr, access: Access) -> FaultClass {
        if let Some(area) = self.find(address) {
            if !area.permissions.allows(access) {
                return FaultClass::Forbidden;
            }
            let fill = area.fill_for(page_down(address.0));
            return FaultClass::Fill {
                permissions: area.permissions,
                fill,
            };
        }
        match self.stack_above(address.0) {
            Some(stack) if !stack.permissions.allows(access) => FaultClass::Forbidden,
            Some(_) => FaultClass::StackGrowth,
            None => FaultClass::Unmapped,
        }
    }

    /// The stack area a fault at `address` (in no area) would grow, if the
    /// stack may grow that far.
    fn stack_above(&self, address: u32) -> Option<&Area> {
        let page = page_down(address);
        if page < STACK_LIMIT {
            return None;
        }
        let index = self.first_ending_after(address);
        let stack = self
            .areas
            .get(index)
            .filter(|area| area.kind == AreaKind::Stack)?;
        let below_end = match index {
            0 => 0,
            _ => self.areas[index - 1].end.0,
        };
        // The guard gap: the grown stack must not come near the area below.
        (below_end + STACK_GUARD_GAP <= page).then_some(stack)
    }

    /// Grows the stack down to cover `address`, after
    /// [`FaultClass::StackGrowth`]; `ENOMEM` if it may not grow that far.
    pub fn grow_stack(&mut self, address: VirtAddr) -> Result<(), Errno> {
        if self.find(address).is_some() {
            return Ok(());
        }
        self.stack_above(address.0).ok_or(Errno::ENOMEM)?;
        let index = self.first_ending_after(address.0);
        self.areas[index].start = VirtAddr(page_down(address.0));
        Ok(())
    }

    /// Makes the stack area for a new program whose initial stack starts at
    /// `stack_pointer`: from its page up to `STACK_TOP`, read and write.
    /// `E2BIG` if the initial stack is larger than the stack may be.
    pub fn add_stack(&mut self, stack_pointer: VirtAddr) -> Result<(), Errno> {
        let sp = stack_pointer.0;
        if !(STACK_LIMIT..=STACK_TOP).contains(&sp) {
            return Err(Errno::E2BIG);
        }
        // At least one page, even for an empty initial stack.
        let start = page_down(sp).min(STACK_TOP - PAGE_SIZE);
        let area = Area {
            start: VirtAddr(start),
            end: VirtAddr(STACK_TOP),
            permissions: Permissions::READ_WRITE,
            kind: AreaKind::Stack,
        };
        self.insert(area)
    }

    /// The stack area ending at `STACK_TOP`, if there is one.
    pub fn stack(&self) -> Option<&Area> {
        self.areas
            .iter()
            .rev()
            .find(|area| area.kind == AreaKind::Stack && area.end.0 == STACK_TOP)
    }
}
