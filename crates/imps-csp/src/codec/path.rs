//! The element path of a decoding position, shared by the XML and WBXML sources: errors name it.
//!
//! Kept cheaply (a copy of a small value per start and a counter per end) so that the path of an
//! error is at hand without costing the common, error-free decode much.

use crate::schema::Elem;
use crate::Version;

/// One step of the path.
#[derive(Clone, Copy)]
enum Seg {
    /// A CSP element.
    Known(Elem),
    /// An element no CSP version defines (or a token the version's table lacks): an index into
    /// [`ElementPath::names`].
    Unknown(u32),
}

/// The open elements, and the one most recently ended while no other has started since.
pub(crate) struct ElementPath {
    /// The open elements (`..depth`), then possibly the one most recently ended (at `depth`) and
    /// stale steps beyond it.
    stack: Vec<Seg>,
    depth: usize,
    /// The names of unknown elements met so far.
    names: Vec<String>,
}

impl ElementPath {
    /// The path inside the root `WV-CSP-Message`; sized for CSP's usual nesting (about 12) so
    /// that it does not grow while decoding.
    pub(crate) fn root() -> Self {
        let mut stack = Vec::with_capacity(16);
        stack.push(Seg::Known(Elem::WVCSPMessage));
        ElementPath { stack, depth: 1, names: Vec::new() }
    }

    #[inline]
    fn push(&mut self, seg: Seg) -> usize {
        self.stack.truncate(self.depth);
        self.stack.push(seg);
        self.depth += 1;
        self.depth
    }

    /// A CSP element starts; returns the new depth.
    #[inline]
    pub(crate) fn push_known(&mut self, elem: Elem) -> usize {
        self.push(Seg::Known(elem))
    }

    /// An element of another name starts; returns the new depth.
    pub(crate) fn push_unknown(&mut self, name: String) -> usize {
        let i = self.names.len() as u32;
        self.names.push(name);
        self.push(Seg::Unknown(i))
    }

    /// The element of an XML name starts; returns the new depth.
    pub(crate) fn push_name(&mut self, name: &str) -> usize {
        match super::lookup::elem_from_name(name) {
            Some(e) => self.push_known(e),
            None => self.push_unknown(name.to_owned()),
        }
    }

    /// The innermost open element ends; errors raised next name it.
    #[inline]
    pub(crate) fn pop(&mut self) {
        if self.depth > 0 {
            self.depth -= 1;
        } else {
            self.stack.clear();
        }
    }

    fn push_seg(&self, out: &mut String, seg: Seg, version: Version) {
        out.push('/');
        match seg {
            Seg::Known(e) => out.push_str(e.name(version)),
            Seg::Unknown(i) => out.push_str(&self.names[i as usize]),
        }
    }

    /// The name of the innermost open element.
    pub(crate) fn top_name(&self, version: Version) -> String {
        match self.stack[..self.depth].last() {
            Some(Seg::Known(e)) => e.name(version).to_owned(),
            Some(Seg::Unknown(i)) => self.names[*i as usize].clone(),
            None => String::new(),
        }
    }

    /// The path of the open elements (for errors raised inside an element).
    pub(crate) fn open(&self, version: Version) -> String {
        let mut p = String::new();
        for &s in &self.stack[..self.depth] {
            self.push_seg(&mut p, s, version);
        }
        p
    }

    /// The path errors name (see [`Source::path`](super::Source::path)): the open elements, and
    /// the element just ended if none started since.
    pub(crate) fn current(&self, version: Version) -> String {
        let mut p = self.open(version);
        if let Some(&seg) = self.stack.get(self.depth) {
            self.push_seg(&mut p, seg, version);
        }
        p
    }
}
