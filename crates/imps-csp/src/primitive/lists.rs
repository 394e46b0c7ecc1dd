//! Contact list and attribute list primitives (spec notes 2.4; seed 3.2, 3.3.2).

use crate::codec::csp_struct;

csp_struct! {
    /// `GetList-Request`.
    pub struct GetListRequest {}
}

csp_struct! {
    /// `CreateList-Request`.
    pub struct CreateListRequest {}
}

csp_struct! {
    /// `DeleteList-Request`.
    pub struct DeleteListRequest {}
}

csp_struct! {
    /// `ListManage-Request`.
    pub struct ListManageRequest {}
}

csp_struct! {
    /// `CreateAttributeList-Request`.
    pub struct CreateAttributeListRequest {}
}

csp_struct! {
    /// `DeleteAttributeList-Request`.
    pub struct DeleteAttributeListRequest {}
}

csp_struct! {
    /// `GetAttributeList-Request`.
    pub struct GetAttributeListRequest {}
}

csp_struct! {
    /// `GetList-Response`.
    pub struct GetListResponse {}
}

csp_struct! {
    /// `ListManage-Response`.
    pub struct ListManageResponse {}
}

csp_struct! {
    /// `GetAttributeList-Response`.
    pub struct GetAttributeListResponse {}
}

csp_struct! {
    /// `CreateList-Response`.
    pub struct CreateListResponse {}
}
