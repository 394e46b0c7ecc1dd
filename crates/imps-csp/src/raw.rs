//! Extension data kept losslessly: elements this crate does not model (unknown presence
//! attributes, `ExtBlock` and `Extended-Data` content).

/// An element kept as it came: name, attributes and content.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RawElement {
    /// The element name (local name in XML; a CSP name or literal in WBXML).
    pub name: String,
    /// Attributes other than namespace declarations, in document order.
    pub attributes: Vec<(String, String)>,
    /// The content.
    pub children: Vec<RawNode>,
}

/// A node of raw content.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum RawNode {
    /// A child element.
    Element(RawElement),
    /// Character data.
    Text(String),
}

impl RawElement {
    /// An element with text content only.
    pub fn text(name: impl Into<String>, text: impl Into<String>) -> Self {
        RawElement { name: name.into(), attributes: Vec::new(), children: vec![RawNode::Text(text.into())] }
    }
}

/// Arbitrary extension elements that survive any encoding: names no CSP version defines, no
/// attributes (CSP elements carry none), and either one non-empty text or child elements.
#[cfg(any(test, feature = "arbitrary"))]
impl<'a> arbitrary::Arbitrary<'a> for RawElement {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        fn element(u: &mut arbitrary::Unstructured<'_>, depth: u8) -> arbitrary::Result<RawElement> {
            let name = format!("X-Ext{}", u.int_in_range(0..=99u8)?);
            let children = if depth == 0 || u.arbitrary()? {
                let text: String = String::arbitrary(u)?.chars().filter(|c| c.is_alphanumeric()).take(20).collect();
                if text.is_empty() {
                    Vec::new()
                } else {
                    vec![RawNode::Text(text)]
                }
            } else {
                let n = u.int_in_range(0..=2u8)?;
                (0..n).map(|_| element(u, depth - 1).map(RawNode::Element)).collect::<arbitrary::Result<_>>()?
            };
            Ok(RawElement { name, attributes: Vec::new(), children })
        }
        element(u, 2)
    }
}
