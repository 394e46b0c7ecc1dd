//! Presence values inside SSP: CSP `PresenceSubList` elements embedded as they are.
//!
//! Baraza writes presence in SSP as the CSP `PresenceSubList` XML (inside `PresenceValue` and
//! `AttributeList`), so this codec does too, and reuses the CSP codec for it rather than a second
//! description of the presence attributes. The CSP codec reads and writes whole messages only, so
//! a fragment travels in a **carrier**: a one-transaction CSP message whose primitive holds the
//! value (`UpdatePresence-Request` for presence values, `GetPresence-Request` for requested
//! attribute sets). Encoding writes the carrier and lifts its `PresenceSubList` element out;
//! decoding puts the embedded element into a carrier and decodes that. The element's own
//! `xmlns` (`…/IMPS-PA1.3`, `…/WV-PA1.2`, `…/PA1.1`) names the CSP version of its content; values
//! are written in 1.3 when 1.3 can carry them, else in 1.2, else 1.1.

use imps_csp::presence::{AttrSet, PresenceSubList};
use imps_csp::primitive::presence::{GetPresenceRequest, UpdatePresenceRequest};
use imps_csp::{Message, Primitive, SessionDescriptor, Transaction, Version};

use crate::xml::{self, ReadLimits, XElement};
use crate::Error;

const PSL: &str = "PresenceSubList";
const LIMITS: ReadLimits = ReadLimits { max_size: 1 << 20, max_depth: 64 };

fn carrier(p: Primitive) -> Message {
    Message::new(SessionDescriptor::outband(), Transaction::request("0", p))
}

/// Finds the first `PresenceSubList` in a tree (depth-first).
fn find_psl(e: &XElement) -> Option<&XElement> {
    if e.name == PSL {
        return Some(e);
    }
    e.children.iter().find_map(find_psl)
}

fn replace_psl(e: &mut XElement, with: &XElement) -> bool {
    if e.name == PSL {
        *e = with.clone();
        return true;
    }
    e.children.iter_mut().any(|c| replace_psl(c, with))
}

fn lift(p: Primitive) -> Result<XElement, Error> {
    let m = carrier(p);
    for v in [Version::V1_3, Version::V1_2, Version::V1_1] {
        let Ok(bytes) = m.to_xml(v) else { continue };
        let tree = xml::read(&bytes, LIMITS)?;
        if let Some(psl) = find_psl(&tree) {
            return Ok(psl.clone());
        }
    }
    Err(Error::Unencodable { element: PSL, reason: "no CSP version carries this presence value" })
}

fn version_of(e: &XElement) -> Version {
    let ns = e.attr("xmlns").unwrap_or_default();
    Version::ALL.into_iter().find(|v| v.pa_namespace() == ns).unwrap_or(Version::V1_3)
}

fn embed(e: &XElement, path: &str, template: Primitive) -> Result<Primitive, Error> {
    let csp = |message: String| Error::Csp { path: path.to_owned(), message };
    let v = version_of(e);
    let bytes = carrier(template).to_xml(v).map_err(|err| csp(err.to_string()))?;
    let mut tree = xml::read(&bytes, LIMITS)?;
    if !replace_psl(&mut tree, e) {
        return Err(csp("carrier without PresenceSubList".into()));
    }
    let mut out = String::new();
    xml::write(&mut out, &tree)?;
    let decoded = Message::decode_xml(out.as_bytes()).map_err(|err| csp(err.to_string()))?;
    decoded.message.transactions.into_iter().next().map(|t| t.primitive).ok_or_else(|| csp("empty carrier".into()))
}

/// A presence value as an SSP child element.
pub(crate) fn encode_presence(p: &PresenceSubList) -> Result<XElement, Error> {
    let mut u = UpdatePresenceRequest::default();
    *u.presence_sub_list = p.clone();
    lift(u.into())
}

/// A presence value from an embedded `PresenceSubList` element at `path`.
pub(crate) fn decode_presence(e: &XElement, path: &str) -> Result<PresenceSubList, Error> {
    match embed(e, path, UpdatePresenceRequest::default().into())? {
        Primitive::UpdatePresenceRequest(u) => Ok(*u.presence_sub_list),
        _ => Err(Error::Csp { path: path.to_owned(), message: "unexpected carrier".into() }),
    }
}

/// A set of requested attributes as an SSP child element.
pub(crate) fn encode_attrs(a: &AttrSet) -> Result<XElement, Error> {
    lift(GetPresenceRequest::users(["wv:x"]).with_attributes(a.clone()).into())
}

/// A set of requested attributes from an embedded `PresenceSubList` element at `path`.
pub(crate) fn decode_attrs(e: &XElement, path: &str) -> Result<AttrSet, Error> {
    let template = GetPresenceRequest::users(["wv:x"]).with_attributes(AttrSet::default());
    match embed(e, path, template.into())? {
        Primitive::GetPresenceRequest(g) => Ok(g.presence_sub_list.unwrap_or_default()),
        _ => Err(Error::Csp { path: path.to_owned(), message: "unexpected carrier".into() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use imps_csp::presence::PresenceAttr;

    #[test]
    fn presence_and_attribute_sets_survive_the_carrier() {
        let mut p = PresenceSubList::default();
        p.set_online(true);
        let mut t = imps_csp::presence::TextAttr::default();
        t.qualifier = Some(true);
        t.value = Some("at lunch".into());
        p.status_text = Some(t);
        let e = encode_presence(&p).unwrap();
        assert_eq!(e.attr("xmlns"), Some(Version::V1_3.pa_namespace()));
        assert_eq!(decode_presence(&e, "/x").unwrap(), p);

        let mut a = AttrSet::default();
        a.insert(PresenceAttr::OnlineStatus).insert(PresenceAttr::StatusText);
        let e = encode_attrs(&a).unwrap();
        assert_eq!(decode_attrs(&e, "/x").unwrap(), a);
        assert_eq!(decode_attrs(&encode_attrs(&AttrSet::default()).unwrap(), "/x").unwrap(), AttrSet::default());
    }

    #[test]
    fn a_bad_fragment_is_a_csp_error_and_extensions_pass() {
        let mut q = XElement::new("Qualifier");
        q.text = "maybe".into();
        let mut os = XElement::new("OnlineStatus");
        os.children.push(q);
        let mut e = XElement::new(PSL);
        e.children.push(os);
        assert!(matches!(decode_presence(&e, "/x"), Err(Error::Csp { .. })));

        let mut e = XElement::new(PSL);
        e.children.push(XElement::new("VendorAttribute"));
        let p = decode_presence(&e, "/x").unwrap();
        assert_eq!(decode_presence(&encode_presence(&p).unwrap(), "/x").unwrap(), p);
    }
}
