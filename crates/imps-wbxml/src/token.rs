//! Global tokens of WAP-192-WBXML (section 7.1), valid on every code page.

/// Change the code page of the current token state (tag or attribute); one page byte follows.
pub const SWITCH_PAGE: u8 = 0x00;
/// End of an attribute list or of an element.
pub const END: u8 = 0x01;
/// A character entity: `mb_u_int32` UCS-4 code point follows.
pub const ENTITY: u8 = 0x02;
/// Inline string: NUL-terminated string follows.
pub const STR_I: u8 = 0x03;
/// Literal tag or attribute name: `mb_u_int32` string-table offset follows.
pub const LITERAL: u8 = 0x04;
/// Inline-string extension 0.
pub const EXT_I_0: u8 = 0x40;
/// Inline-string extension 1.
pub const EXT_I_1: u8 = 0x41;
/// Inline-string extension 2.
pub const EXT_I_2: u8 = 0x42;
/// Processing instruction.
pub const PI: u8 = 0x43;
/// Literal tag with content.
pub const LITERAL_C: u8 = 0x44;
/// Integer extension 0.
pub const EXT_T_0: u8 = 0x80;
/// Integer extension 1.
pub const EXT_T_1: u8 = 0x81;
/// Integer extension 2.
pub const EXT_T_2: u8 = 0x82;
/// String-table reference: `mb_u_int32` offset follows.
pub const STR_T: u8 = 0x83;
/// Literal tag with attributes.
pub const LITERAL_A: u8 = 0x84;
/// Single-byte extension 0.
pub const EXT_0: u8 = 0xC0;
/// Single-byte extension 1.
pub const EXT_1: u8 = 0xC1;
/// Single-byte extension 2.
pub const EXT_2: u8 = 0xC2;
/// Opaque data: `mb_u_int32` length and that many bytes follow.
pub const OPAQUE: u8 = 0xC3;
/// Literal tag with attributes and content.
pub const LITERAL_AC: u8 = 0xC4;

/// Tag flag: the element has attributes.
pub const TAG_ATTRIBUTES: u8 = 0x80;
/// Tag flag: the element has content.
pub const TAG_CONTENT: u8 = 0x40;
