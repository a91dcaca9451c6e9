// SPDX-License-Identifier: MIT OR Apache-2.0
//! Interrupts: the GIC, the event timer, and dispatch to the core.
//!
//! The board names its GIC, its event timer and the interrupt lines; this
//! module brings them up and turns each acknowledged line into a
//! `kernel::interrupt::Source`. Interrupts are taken only while a process
//! runs (the kernel keeps CPSR.I set); when the kernel idles it executes
//! WFI with interrupts still masked, which wakes on a pending interrupt,
//! and then polls the GIC here, so no interrupt is ever taken in kernel
//! mode.

use crate::generic_timer::VirtualTimer;
use crate::mmu;
use drivers::a9_private_timer::A9PrivateTimer;
use drivers::gic::{GicCpuInterface, GicDistributor, InterruptId};
use kernel::addr::PhysAddr;
use kernel::interrupt::Source;
use spin::Once;

/// Where a board's GIC lives.
pub struct GicAddresses {
    /// The distributor (GICD).
    pub distributor: PhysAddr,
    /// The CPU interface (GICC).
    pub cpu_interface: PhysAddr,
}

/// Which timer raises the scheduler's one-shot events.
pub enum EventTimer {
    /// The generic timer's virtual timer (Cortex-A15), PPI 27.
    GenericVirtual,
    /// The Cortex-A9 private timer at `physical` (PERIPHBASE + 0x600),
    /// PPI 29, counting PERIPHCLK.
    A9Private {
        /// Its registers.
        physical: PhysAddr,
    },
}

/// The interrupt wiring of a board.
pub struct InterruptWiring {
    /// The GIC.
    pub gic: GicAddresses,
    /// The event timer.
    pub timer: EventTimer,
    /// The event timer's interrupt ID.
    pub timer_interrupt: u32,
}

struct Interrupts {
    distributor: GicDistributor,
    cpu_interface: GicCpuInterface,
    private_timer: Option<A9PrivateTimer>,
    timer_interrupt: u32,
    console_interrupt: u32,
}

static INTERRUPTS: Once<Interrupts> = Once::new();

/// Maps and initialises the GIC and the event timer, and enables the
/// timer's and the console's (`console_interrupt`: the UART the board
/// chose) lines. `periphclk_hz` is the A9 private timer's input clock
/// (unused for the generic timer).
pub fn init(
    wiring: &InterruptWiring,
    console_interrupt: u32,
    periphclk_hz: u32,
) -> Result<(), mmu::MapError> {
    // SAFETY: the board names its GIC blocks and timer: devices.
    let (distributor, cpu_interface) = unsafe {
        (
            mmu::map_device(wiring.gic.distributor, 0x1000)?,
            mmu::map_device(wiring.gic.cpu_interface, 0x100)?,
        )
    };
    let private_timer = match wiring.timer {
        EventTimer::GenericVirtual => None,
        EventTimer::A9Private { physical } => {
            // SAFETY: as above.
            let base = unsafe { mmu::map_device(physical, 0x20)? };
            // SAFETY: just mapped, for good; this is its only handle.
            Some(unsafe { A9PrivateTimer::new(base.as_usize(), periphclk_hz) })
        }
    };
    let interrupts = INTERRUPTS.call_once(|| Interrupts {
        // SAFETY: just mapped, for good; these are the only handles.
        distributor: unsafe { GicDistributor::new(distributor.as_usize()) },
        // SAFETY: as above.
        cpu_interface: unsafe { GicCpuInterface::new(cpu_interface.as_usize()) },
        private_timer,
        timer_interrupt: wiring.timer_interrupt,
        console_interrupt,
    });
    interrupts.distributor.init();
    interrupts.cpu_interface.init();
    for line in [interrupts.timer_interrupt, interrupts.console_interrupt] {
        let Some(id) = InterruptId::checked(line) else {
            kernel::println!("interrupts: line {line} is not a GIC interrupt ID");
            continue;
        };
        interrupts.distributor.set_priority(id, 0xA0);
        interrupts.distributor.enable(id);
    }
    Ok(())
}

/// Arms the event timer for `deadline`, or stops it. `now` is read only
/// by a timer that counts a delay (the A9 private timer), not by one that
/// compares with the counter (the generic timer).
pub fn set_timer(deadline: Option<u64>, now: impl FnOnce() -> u64) {
    let Some(interrupts) = INTERRUPTS.get() else {
        return;
    };
    match (&interrupts.private_timer, deadline) {
        (None, Some(deadline)) => VirtualTimer::arm(deadline),
        (None, None) => VirtualTimer::disarm(),
        (Some(timer), Some(deadline)) => {
            let delay = deadline.saturating_sub(now()).max(1);
            timer.start_one_shot(timer.ticks_for_delay(delay));
        }
        (Some(timer), None) => timer.stop(),
    }
}

/// Acknowledges and dispatches every pending interrupt.
pub fn dispatch_pending() {
    let Some(interrupts) = INTERRUPTS.get() else {
        return;
    };
    while let Some(interrupt) = interrupts.cpu_interface.acknowledge() {
        let line = u32::from(interrupt.id().number());
        let source = if line == interrupts.timer_interrupt {
            // One-shot: silence it until the scheduler re-arms it.
            match &interrupts.private_timer {
                Some(timer) => {
                    timer.clear_interrupt();
                }
                None => VirtualTimer::disarm(),
            }
            Source::Timer
        } else if line == interrupts.console_interrupt {
            Source::ConsoleInput
        } else {
            Source::Unexpected(line)
        };
        kernel::interrupt::handle(source);
        interrupts.cpu_interface.end_of_interrupt(interrupt);
    }
}

/// Waits for an interrupt with interrupts masked, then dispatches. An
/// outer cache that needs draining first (erratum 769419) is drained.
pub fn wait_for_interrupt() {
    crate::cache::before_idle();
    crate::cpu::wait_for_interrupt();
    dispatch_pending();
}
