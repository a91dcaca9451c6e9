// SPDX-License-Identifier: MIT OR Apache-2.0
//! The kernel command line: the options the kernel understands.
//!
//! The command line comes from the device tree's `/chosen/bootargs`, which
//! QEMU fills from `-append` and U-Boot from `bootargs`. Tokens are separated
//! by spaces; unknown tokens are kept for later users (init's arguments) and
//! never an error, as on Linux.

/// The options parsed from the kernel command line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CommandLine<'a> {
    /// The whole command line as given.
    pub text: &'a str,
    /// `semihosting`: the kernel runs under QEMU with semihosting enabled and
    /// may exit the emulator with a status.
    pub semihosting: bool,
    /// `kml.selftest=NAME`: a deliberate fault to provoke after boot.
    pub selftest: Option<&'a str>,
    /// `init=PATH`: the first program (default `/init`).
    pub init: Option<&'a str>,
    /// `kml.exit_report`: report every process's end with its system call
    /// counts (by svc and by direct call), for tests.
    pub exit_report: bool,
    /// Everything after `--`: the first program's arguments.
    pub init_arguments: Option<&'a str>,
}

impl<'a> CommandLine<'a> {
    /// Parses `text`. Never fails: unknown tokens are ignored here.
    pub fn parse(text: &'a str) -> CommandLine<'a> {
        let (options, init_arguments) = match text.split_once(" -- ") {
            Some((options, rest)) => (options, Some(rest.trim())),
            None => (text.strip_suffix(" --").unwrap_or(text), None),
        };
        let mut line = CommandLine {
            text,
            init_arguments,
            ..CommandLine::default()
        };
        for token in options.split_ascii_whitespace() {
            match token.split_once('=') {
                None if token == "semihosting" => line.semihosting = true,
                None if token == "kml.exit_report" => line.exit_report = true,
                Some(("kml.selftest", value)) => line.selftest = Some(value),
                Some(("init", value)) => line.init = Some(value),
                _ => {}
            }
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_kernel_options_among_others() {
        let line = CommandLine::parse(
            "console=ttyAMA0 semihosting  kml.selftest=data-abort x=y kml.exit_report",
        );
        assert!(line.semihosting);
        assert!(line.exit_report);
        assert_eq!(line.selftest, Some("data-abort"));
    }

    #[test]
    fn init_and_its_arguments() {
        let line = CommandLine::parse("semihosting init=/bin/sh -- fork-exec cow");
        assert_eq!(line.init, Some("/bin/sh"));
        assert_eq!(line.init_arguments, Some("fork-exec cow"));
        assert!(line.semihosting);
        let line = CommandLine::parse("init=/init --");
        assert_eq!(line.init_arguments, None);
        assert_eq!(line.init, Some("/init"));
    }

    #[test]
    fn empty_and_unknown_lines_set_nothing() {
        assert_eq!(CommandLine::parse(""), CommandLine::default());
        let line = CommandLine::parse("semihosting=no semihostingx");
        assert!(!line.semihosting);
        assert_eq!(line.selftest, None);
    }
}
