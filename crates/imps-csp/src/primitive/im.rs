//! Instant messaging and block/grant list primitives (spec notes 2.5; seed section 4).

use crate::codec::csp_struct;

csp_struct! {
    /// `SendMessage-Request`.
    pub struct SendMessageRequest {}
}

csp_struct! {
    /// `GetMessage-Request`.
    pub struct GetMessageRequest {}
}

csp_struct! {
    /// `ForwardMessage-Request`.
    pub struct ForwardMessageRequest {}
}

csp_struct! {
    /// `RejectMessage-Request`.
    pub struct RejectMessageRequest {}
}

csp_struct! {
    /// `GetMessageList-Request`.
    pub struct GetMessageListRequest {}
}

csp_struct! {
    /// `SetDeliveryMethod-Request`.
    pub struct SetDeliveryMethodRequest {}
}

csp_struct! {
    /// `GetBlockedList-Request`.
    pub struct GetBlockedListRequest {}
}

csp_struct! {
    /// `BlockEntity-Request`.
    pub struct BlockEntityRequest {}
}

csp_struct! {
    /// `SendMessage-Response`.
    pub struct SendMessageResponse {}
}

csp_struct! {
    /// `GetMessage-Response`.
    pub struct GetMessageResponse {}
}

csp_struct! {
    /// `GetMessageList-Response`.
    pub struct GetMessageListResponse {}
}

csp_struct! {
    /// `GetBlockedList-Response`.
    pub struct GetBlockedListResponse {}
}

csp_struct! {
    /// `ForwardMessage-Response`.
    pub struct ForwardMessageResponse {}
}

csp_struct! {
    /// `NewMessage`.
    pub struct NewMessage {}
}

csp_struct! {
    /// `MessageNotification`.
    pub struct MessageNotification {}
}

csp_struct! {
    /// `DeliveryReport-Request`.
    pub struct DeliveryReportRequest {}
}

csp_struct! {
    /// `MessageDelivered`.
    pub struct MessageDelivered {}
}
