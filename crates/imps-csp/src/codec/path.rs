//! The element path of a decoding position, shared by the XML and WBXML sources: errors name it.

use crate::schema::Elem;
use crate::Version;

/// One step of the path.
pub(crate) enum Seg {
    /// A CSP element.
    Known(Elem),
    /// An element no CSP version defines (or a token the version's table lacks).
    Unknown(String),
}

impl Seg {
    /// The step of an element name.
    pub(crate) fn of_name(name: &str) -> Seg {
        match super::lookup::elem_from_name(name) {
            Some(e) => Seg::Known(e),
            None => Seg::Unknown(name.to_owned()),
        }
    }

    fn push_name(&self, out: &mut String, version: Version) {
        match self {
            Seg::Known(e) => out.push_str(e.name(version)),
            Seg::Unknown(n) => out.push_str(n),
        }
    }
}

/// The open elements, and the one most recently ended while no other has started since.
pub(crate) struct ElementPath {
    stack: Vec<Seg>,
    last_closed: Option<Seg>,
}

impl ElementPath {
    /// The path inside the root `WV-CSP-Message`; sized for CSP's usual nesting (about 12) so
    /// that it does not grow while decoding.
    pub(crate) fn root() -> Self {
        let mut stack = Vec::with_capacity(16);
        stack.push(Seg::Known(Elem::WVCSPMessage));
        ElementPath { stack, last_closed: None }
    }

    /// An element starts; returns the new depth.
    pub(crate) fn push(&mut self, seg: Seg) -> usize {
        self.stack.push(seg);
        self.last_closed = None;
        self.stack.len()
    }

    /// The innermost open element ends; errors raised next name it.
    pub(crate) fn pop(&mut self) {
        self.last_closed = self.stack.pop();
    }

    /// The path of the open elements (for errors raised inside an element).
    pub(crate) fn open(&self, version: Version) -> String {
        let mut p = String::new();
        for s in &self.stack {
            p.push('/');
            s.push_name(&mut p, version);
        }
        p
    }

    /// The path errors name (see [`Source::path`](super::Source::path)): the open elements, and
    /// the element just ended if none started since.
    pub(crate) fn current(&self, version: Version) -> String {
        let mut p = self.open(version);
        if let Some(seg) = &self.last_closed {
            p.push('/');
            seg.push_name(&mut p, version);
        }
        p
    }
}
