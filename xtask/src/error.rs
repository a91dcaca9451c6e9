// SPDX-License-Identifier: MIT OR Apache-2.0
//! The one error type of xtask: a message with its chain of context.
//!
//! xtask is a developer tool, so an error is only ever printed, never matched on.
//! A `String` that grows a `context: cause` prefix at each layer is all we need;
//! it keeps the dependency list short and every message reads like a sentence
//! ("building board-imx6q: cargo exited with status 101").

use std::fmt;

/// An error message, already formatted for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(String);

/// `Result` with xtask's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// Makes an error from a complete message.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// Adds a "what we were doing" prefix to any displayable error.
pub trait Context<T> {
    /// Wraps the error as `"{context}: {error}"`; the closure runs only on error.
    fn context_with(self, context: impl FnOnce() -> String) -> Result<T>;

    /// Like [`Context::context_with`] with a fixed message.
    fn context(self, context: &str) -> Result<T>;
}

impl<T, E: fmt::Display> Context<T> for std::result::Result<T, E> {
    fn context_with(self, context: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|error| Error(format!("{}: {error}", context())))
    }

    fn context(self, context: &str) -> Result<T> {
        self.context_with(|| context.to_owned())
    }
}

/// Returns early with an [`Error`] built from a format string.
macro_rules! bail {
    ($($arg:tt)*) => {
        return Err($crate::error::Error::new(format!($($arg)*)))
    };
}
pub(crate) use bail;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_prefixes_the_cause() {
        let result: std::result::Result<(), &str> = Err("file not found");
        let error = result.context("reading kml.elf").unwrap_err();
        assert_eq!(error.to_string(), "reading kml.elf: file not found");
    }
}
