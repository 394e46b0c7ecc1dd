//! Criterion benchmark of the presence authorisation engine (`imps-auth`): one presence update
//! fanned out to 10,000 watchers with mixed contact-list, individual and reactive
//! authorisations and mixed subscriptions.
//!
//! Run with `cargo bench --bench auth`; throughput is reported in watcher evaluations (one per
//! watcher per update). Before the measurements it prints the heap bytes of engine state per
//! watcher, counted by a counting global allocator.

use std::hint::black_box;

#[path = "common/counting_alloc.rs"]
mod counting_alloc;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use imps::auth::csp::ids::{ContactListId, UserId};
use imps::auth::csp::presence::{AttrSet, Availability, PresenceAttr, PresenceSubList, TextAttr, UserAvailability};
use imps::auth::{AttrTarget, AuthEngine, Contact, GetOutcome, Limits, ListProperties, SubscribeOutcome, Timestamp};

const WATCHERS: usize = 10_000;

fn set(attrs: &[PresenceAttr]) -> AttrSet {
    attrs.iter().copied().collect()
}

fn watcher(i: usize) -> UserId {
    UserId::from(format!("wv:watcher{i:05}@bench.example"))
}

/// The publisher's state: three contact lists with attribute lists, a default list,
/// individual lists, reactive grants — then the subscriptions. Returns the engine and the heap
/// bytes of (authorisation state, subscriptions).
fn build() -> (AuthEngine, UserId, isize, isize) {
    use PresenceAttr::*;
    let before = counting_alloc::live();
    let limits = Limits {
        max_contacts_per_list: WATCHERS,
        max_user_attribute_lists: WATCHERS,
        max_reactive_records: WATCHERS,
        ..Limits::default()
    };
    let mut e = AuthEngine::with_limits(limits);
    let now = Timestamp::from_secs(1_700_000_000);
    let p = UserId::from("wv:publisher@bench.example");
    let lists = [
        (
            "wv:publisher/family@bench.example",
            set(&[OnlineStatus, UserAvailability, StatusText, StatusMood, GeoLocation]),
        ),
        ("wv:publisher/friends@bench.example", set(&[OnlineStatus, UserAvailability, StatusText])),
        ("wv:publisher/work@bench.example", set(&[OnlineStatus, UserAvailability])),
    ];
    let ids: Vec<ContactListId> = lists.iter().map(|(id, _)| ContactListId::from(*id)).collect();
    // Members: 0-3 of every 10 (friends, family, work, friends+work); 4-5 individual lists
    // (5 also on friends, overridden); 6-9 reactive (6-7 naming attributes, 8-9 the default
    // list).
    let mut members: [Vec<Contact>; 3] = Default::default();
    for i in 0..WATCHERS {
        match i % 10 {
            0 | 5 => members[1].push(Contact::with_nickname(watcher(i), format!("w{i}"))),
            1 => members[0].push(Contact::new(watcher(i))),
            2 => members[2].push(Contact::new(watcher(i))),
            3 => {
                members[1].push(Contact::new(watcher(i)));
                members[2].push(Contact::new(watcher(i)));
            }
            _ => {}
        }
    }
    for (k, id) in ids.iter().enumerate() {
        e.create_contact_list(now, &p, id, ListProperties::default(), &members[k]).unwrap();
        e.set_attribute_list(now, &p, &[AttrTarget::ContactList(id.clone())], &lists[k].1).unwrap();
    }
    e.set_attribute_list(now, &p, &[AttrTarget::Default], &set(&[OnlineStatus, UserAvailability])).unwrap();
    for i in (0..WATCHERS).filter(|i| matches!(i % 10, 4 | 5)) {
        let attrs = if i % 20 < 10 { set(&[OnlineStatus, StatusText]) } else { set(&[UserAvailability]) };
        e.set_attribute_list(now, &p, &[AttrTarget::User(watcher(i))], &attrs).unwrap();
    }
    for i in (0..WATCHERS).filter(|i| i % 10 >= 6) {
        let named = set(&[OnlineStatus, StatusText, UserAvailability]);
        let asked = if i % 10 < 8 { Some(&named) } else { None };
        let r = e.get_presence(now, &watcher(i), &p, asked).unwrap();
        assert_eq!(r.outcome, GetOutcome::PendingAuthorisation);
        e.respond_authorisation(now, &p, &watcher(i), true).unwrap();
    }
    let authorised = counting_alloc::live();
    // Subscriptions: half to everything, half to a few attributes.
    let few = set(&[StatusText, UserAvailability, StatusMood]);
    for i in 0..WATCHERS {
        let attrs = if i % 2 == 0 { None } else { Some(&few) };
        let r = e.subscribe(now, &watcher(i), &p, attrs, None).unwrap();
        assert!(matches!(r.outcome, SubscribeOutcome::Subscribed { .. }));
    }
    let subscribed = counting_alloc::live();
    assert_eq!(e.watcher_list(now, &p).len(), WATCHERS);
    (e, p, authorised - before, subscribed - authorised)
}

fn text(v: &str) -> Option<TextAttr> {
    let mut t = TextAttr::default();
    t.value = Some(v.to_owned());
    Some(t)
}

fn availability(a: Availability) -> Option<UserAvailability> {
    let mut u = UserAvailability::default();
    u.value = Some(a);
    Some(u)
}

fn bench(c: &mut Criterion) {
    let (mut engine, p, auth_bytes, sub_bytes) = build();
    println!(
        "imps-auth state for {WATCHERS} watchers: {} bytes per watcher ({} authorisation state: \
         contact lists, attribute lists, reactive grants; {} watcher list)",
        (auth_bytes + sub_bytes) / WATCHERS as isize,
        auth_bytes / WATCHERS as isize,
        sub_bytes / WATCHERS as isize,
    );
    let now = Timestamp::from_secs(1_700_000_001);

    // Status text and availability change on every update: most watchers get a notification.
    let updates: Vec<PresenceSubList> = ["at lunch", "back"]
        .iter()
        .zip([Availability::Discreet, Availability::Available])
        .map(|(t, a)| {
            let mut u = PresenceSubList::default();
            u.status_text = text(t);
            u.user_availability = availability(a);
            u
        })
        .collect();
    let r = engine.update_presence(now, &p, &updates[0]).unwrap();
    println!("one update: {} notifications in {} distinct views", r.outcome.deliveries.len(), r.outcome.views.len());

    let mut g = c.benchmark_group("auth");
    g.throughput(Throughput::Elements(WATCHERS as u64));
    let mut k = 0;
    g.bench_function("fan_out_10k/notify", |b| {
        b.iter(|| {
            k ^= 1;
            let r = engine.update_presence(now, &p, &updates[k]).unwrap();
            black_box(r.outcome.deliveries.len())
        })
    });
    // An attribute no watcher is authorised for: every watcher is evaluated, none notified.
    let hidden: Vec<PresenceSubList> = ["Helsinki", "Espoo"]
        .iter()
        .map(|t| {
            let mut u = PresenceSubList::default();
            u.free_text_location = text(t);
            u
        })
        .collect();
    g.bench_function("fan_out_10k/nothing_visible", |b| {
        b.iter(|| {
            k ^= 1;
            let r = engine.update_presence(now, &p, &hidden[k]).unwrap();
            black_box(r.outcome.deliveries.len())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
