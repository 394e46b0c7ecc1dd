//! Minimal bindings to the system libwbxml2, used only by the benchmarks and interop tests to
//! compare imps with it. This is the one crate of the project that uses `unsafe`; every call is
//! wrapped in a safe function that owns and frees what libwbxml allocates.
#![warn(missing_docs)]

use std::os::raw::{c_int, c_uchar, c_uint, c_ulong, c_void};

/// A libwbxml error code (`WBXMLError`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WbxmlError(pub c_int);

/// libwbxml's language codes for WV-CSP.
pub mod lang {
    /// Let the document's public id decide.
    pub const UNKNOWN: u32 = 0;
    /// WV CSP 1.1.
    pub const WV_CSP11: u32 = 2301;
    /// WV CSP 1.2.
    pub const WV_CSP12: u32 = 2302;
}

#[repr(C)]
struct GenXmlParams {
    gen_type: c_int,
    lang: c_uint,
    charset: c_uint,
    indent: c_uchar,
    keep_ignorable_ws: c_uchar,
}

#[repr(C)]
struct GenWbxmlParams {
    wbxml_version: c_int,
    keep_ignorable_ws: c_uchar,
    use_strtbl: c_uchar,
    produce_anonymous: c_uchar,
}

extern "C" {
    fn wbxml_parser_create() -> *mut c_void;
    fn wbxml_parser_destroy(parser: *mut c_void);
    fn wbxml_parser_parse(parser: *mut c_void, wbxml: *mut c_uchar, len: c_ulong) -> c_int;
    fn wbxml_tree_from_wbxml(
        wbxml: *mut c_uchar,
        len: c_ulong,
        lang: c_uint,
        charset: c_uint,
        tree: *mut *mut c_void,
    ) -> c_int;
    fn wbxml_tree_destroy(tree: *mut c_void);
    fn wbxml_conv_wbxml2xml_withlen(
        wbxml: *mut c_uchar,
        len: c_ulong,
        xml: *mut *mut c_uchar,
        xml_len: *mut c_ulong,
        params: *mut GenXmlParams,
    ) -> c_int;
    fn wbxml_conv_xml2wbxml_withlen(
        xml: *mut c_uchar,
        len: c_ulong,
        wbxml: *mut *mut c_uchar,
        wbxml_len: *mut c_ulong,
        params: *mut GenWbxmlParams,
    ) -> c_int;
    fn wbxml_free(p: *mut c_void);
}

const WBXML_OK: c_int = 0;
const GEN_XML_COMPACT: c_int = 0;
const CHARSET_UTF8: c_uint = 106;
const WBXML_VERSION_13: c_int = 0x03;

fn check(rc: c_int) -> Result<(), WbxmlError> {
    if rc == WBXML_OK {
        Ok(())
    } else {
        Err(WbxmlError(rc))
    }
}

/// Parses a WBXML document with libwbxml's parser and no content handler (its fastest path).
pub fn parse(wbxml: &[u8]) -> Result<(), WbxmlError> {
    // libwbxml takes a mutable pointer but does not write through it; give it a copy anyway.
    let mut buf = wbxml.to_vec();
    // SAFETY: the parser is created, used once with a valid buffer of the given length, and
    // destroyed; no pointer outlives the call.
    unsafe {
        let p = wbxml_parser_create();
        if p.is_null() {
            return Err(WbxmlError(-1));
        }
        let rc = wbxml_parser_parse(p, buf.as_mut_ptr(), buf.len() as c_ulong);
        wbxml_parser_destroy(p);
        check(rc)
    }
}

/// Parses a WBXML document into libwbxml's tree (and frees it).
pub fn parse_tree(wbxml: &[u8], lang: u32) -> Result<(), WbxmlError> {
    let mut buf = wbxml.to_vec();
    // SAFETY: valid buffer and out-pointer; the tree is destroyed when built.
    unsafe {
        let mut tree: *mut c_void = std::ptr::null_mut();
        let rc = wbxml_tree_from_wbxml(buf.as_mut_ptr(), buf.len() as c_ulong, lang, CHARSET_UTF8, &mut tree);
        if !tree.is_null() {
            wbxml_tree_destroy(tree);
        }
        check(rc)
    }
}

/// Converts WBXML to compact XML.
pub fn wbxml2xml(wbxml: &[u8], lang: u32) -> Result<Vec<u8>, WbxmlError> {
    let mut buf = wbxml.to_vec();
    let mut params = GenXmlParams { gen_type: GEN_XML_COMPACT, lang, charset: 0, indent: 0, keep_ignorable_ws: 0 };
    // SAFETY: valid input buffer and out-pointers; the output is copied and freed with wbxml_free.
    unsafe {
        let mut out: *mut c_uchar = std::ptr::null_mut();
        let mut out_len: c_ulong = 0;
        let rc =
            wbxml_conv_wbxml2xml_withlen(buf.as_mut_ptr(), buf.len() as c_ulong, &mut out, &mut out_len, &mut params);
        take(rc, out, out_len)
    }
}

/// Converts XML to WBXML 1.3 without a string table.
pub fn xml2wbxml(xml: &[u8]) -> Result<Vec<u8>, WbxmlError> {
    let mut buf = xml.to_vec();
    let mut params =
        GenWbxmlParams { wbxml_version: WBXML_VERSION_13, keep_ignorable_ws: 0, use_strtbl: 0, produce_anonymous: 0 };
    // SAFETY: as for wbxml2xml.
    unsafe {
        let mut out: *mut c_uchar = std::ptr::null_mut();
        let mut out_len: c_ulong = 0;
        let rc =
            wbxml_conv_xml2wbxml_withlen(buf.as_mut_ptr(), buf.len() as c_ulong, &mut out, &mut out_len, &mut params);
        take(rc, out, out_len)
    }
}

/// Copies and frees a buffer libwbxml returned.
///
/// # Safety
/// `out` must be null or a buffer of `len` bytes allocated by libwbxml.
unsafe fn take(rc: c_int, out: *mut c_uchar, len: c_ulong) -> Result<Vec<u8>, WbxmlError> {
    let result = if rc == WBXML_OK && !out.is_null() {
        Ok(std::slice::from_raw_parts(out, len as usize).to_vec())
    } else {
        Err(WbxmlError(if rc == WBXML_OK { -1 } else { rc }))
    };
    if !out.is_null() {
        wbxml_free(out as *mut c_void);
    }
    result
}

#[cfg(test)]
mod tests {
    #[test]
    fn converts_both_ways() {
        let xml = br#"<?xml version="1.0"?><!DOCTYPE WV-CSP-Message PUBLIC "-//OMA//DTD WV-CSP 1.1//EN" "http://www.openmobilealliance.org/DTD/WV-CSP.XML"><WV-CSP-Message><Session><SessionDescriptor><SessionType>Outband</SessionType></SessionDescriptor><Transaction><TransactionDescriptor><TransactionMode>Request</TransactionMode><TransactionID>1</TransactionID></TransactionDescriptor><TransactionContent><Polling-Request/></TransactionContent></Transaction></Session></WV-CSP-Message>"#;
        let wbxml = super::xml2wbxml(xml).unwrap();
        assert_eq!(&wbxml[..4], b"\x03\x10\x6a\x00");
        super::parse(&wbxml).unwrap();
        super::parse_tree(&wbxml, super::lang::UNKNOWN).unwrap();
        let back = super::wbxml2xml(&wbxml, super::lang::UNKNOWN).unwrap();
        assert!(String::from_utf8_lossy(&back).contains("<Polling-Request/>"));
        assert!(super::parse(b"\x03\x10\x6a\x00\x49").is_err());
    }
}
