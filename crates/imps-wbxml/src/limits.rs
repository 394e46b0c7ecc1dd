//! Resource limits for the reader. Every limit is checked before memory is committed.

/// Limits the [`Reader`](crate::Reader) enforces; exceeding one is an [`ErrorKind`](crate::ErrorKind)
/// carrying the offset where it happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Limits {
    /// Largest accepted document, in bytes. Default 16 MiB.
    pub max_input: usize,
    /// Deepest accepted element nesting. Default 64.
    pub max_depth: usize,
    /// Largest accepted string table, in bytes. Default 1 MiB.
    pub max_string_table: usize,
    /// Most attributes accepted on one element. Default 64.
    pub max_attributes: usize,
    /// Largest accepted `OPAQUE` block, in bytes. Default 4 MiB.
    pub max_opaque: usize,
}

impl Limits {
    /// The defaults, usable in `const` context.
    pub const DEFAULT: Limits = Limits {
        max_input: 16 * 1024 * 1024,
        max_depth: 64,
        max_string_table: 1024 * 1024,
        max_attributes: 64,
        max_opaque: 4 * 1024 * 1024,
    };

    /// Sets [`max_input`](Self::max_input).
    pub fn with_max_input(mut self, v: usize) -> Self {
        self.max_input = v;
        self
    }
    /// Sets [`max_depth`](Self::max_depth).
    pub fn with_max_depth(mut self, v: usize) -> Self {
        self.max_depth = v;
        self
    }
    /// Sets [`max_string_table`](Self::max_string_table).
    pub fn with_max_string_table(mut self, v: usize) -> Self {
        self.max_string_table = v;
        self
    }
    /// Sets [`max_attributes`](Self::max_attributes).
    pub fn with_max_attributes(mut self, v: usize) -> Self {
        self.max_attributes = v;
        self
    }
    /// Sets [`max_opaque`](Self::max_opaque).
    pub fn with_max_opaque(mut self, v: usize) -> Self {
        self.max_opaque = v;
        self
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}
