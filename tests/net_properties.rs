//! Properties of the simulated network (`core::net`), over random traffic and failures:
//! envelopes arrive in `(deliver_at, seq)` order, never early, and every request ends exactly
//! once — its response arrives, or it times out exactly `request.timeout.ms` after it was sent.
#![cfg(not(target_arch = "wasm32"))]

use broker_playground::core::ids::{BrokerId, CorrelationId, NodeId};
use broker_playground::core::net::{Network, Payload};
use proptest::prelude::*;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
enum Op {
    /// Client `c` sends a request to broker `b`; `answer` says whether the broker will answer.
    Send {
        c: u8,
        b: u8,
        answer: bool,
    },
    /// Time moves on by `ms`, delivering everything due.
    Wait {
        ms: u16,
    },
    Latency {
        c: u8,
        b: u8,
        ms: u16,
    },
    BrokerUp {
        b: u8,
        up: bool,
    },
    Link {
        c: u8,
        b: u8,
        up: bool,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..3u8, 0..2u8, prop::bool::weighted(0.8)).prop_map(|(c, b, answer)| Op::Send { c, b, answer }),
        4 => (0..400u16).prop_map(|ms| Op::Wait { ms }),
        1 => (0..3u8, 0..2u8, 0..300u16).prop_map(|(c, b, ms)| Op::Latency { c, b, ms }),
        1 => (0..2u8, any::<bool>()).prop_map(|(b, up)| Op::BrokerUp { b, up }),
        1 => (0..3u8, 0..2u8, any::<bool>()).prop_map(|(c, b, up)| Op::Link { c, b, up }),
    ]
}

fn client(c: u8) -> NodeId {
    NodeId::consumer(&format!("c{c}"))
}

fn broker(b: u8) -> NodeId {
    NodeId::Broker(BrokerId(i32::from(b) + 1))
}

const TIMEOUT: u64 = 1_000;

#[derive(Debug, Default)]
struct Ledger {
    /// correlation → (sent at, whether the broker answers it)
    sent: BTreeMap<CorrelationId, (u64, bool)>,
    ended: BTreeMap<CorrelationId, Payload<u8, u8>>,
    last: Option<(u64, u64)>,
}

impl Ledger {
    /// Delivers everything due at or before `now`; brokers answer at once when they should.
    fn drain(&mut self, net: &mut Network<u8, u8>, now: u64) -> Result<(), TestCaseError> {
        while let Some(env) = net.pop_due(now) {
            let key = (env.deliver_at, env.seq);
            prop_assert!(self.last.is_none_or(|l| l < key), "out of order: {:?} after {:?}", key, self.last);
            prop_assert!(env.deliver_at <= now);
            self.last = Some(key);
            match env.payload {
                Payload::Request(_) => {
                    prop_assert!(env.to.is_broker());
                    if self.sent[&env.correlation].1 {
                        net.send_response(env.deliver_at, env.to, env.from, env.correlation, 0);
                    }
                }
                end => {
                    let (sent_at, _) = self.sent[&env.correlation];
                    if end == Payload::TimedOut {
                        prop_assert_eq!(env.deliver_at, sent_at + TIMEOUT, "timed out on time");
                    } else {
                        prop_assert!(env.deliver_at < sent_at + TIMEOUT);
                    }
                    prop_assert!(
                        self.ended.insert(env.correlation, end).is_none(),
                        "request {:?} ended twice",
                        env.correlation
                    );
                }
            }
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn delivery_is_in_time_then_send_order_and_every_request_ends_exactly_once(
        ops in prop::collection::vec(op(), 1..80)
    ) {
        let mut net: Network<u8, u8> = Network::new(0, TIMEOUT);
        let mut ledger = Ledger::default();
        let mut now = 0u64;
        let mut failures = false;
        for op in &ops {
            match *op {
                Op::Send { c, b, answer } => {
                    let id = net.send_request(now, client(c), broker(b), c);
                    ledger.sent.insert(id, (now, answer));
                }
                Op::Wait { ms } => {
                    now += u64::from(ms);
                }
                Op::Latency { c, b, ms } => {
                    net.set_latency(client(c), broker(b), u64::from(ms));
                    net.set_latency(broker(b), client(c), u64::from(ms));
                }
                Op::BrokerUp { b, up } => {
                    failures |= !up;
                    net.set_node_up(&broker(b), up);
                }
                Op::Link { c, b, up } => {
                    failures |= !up;
                    net.set_link_up(&client(c), &broker(b), up);
                }
            }
            ledger.drain(&mut net, now)?;
        }
        ledger.drain(&mut net, u64::MAX)?;
        prop_assert_eq!(net.outstanding(), 0);
        prop_assert_eq!(net.next_delivery_at(), None);
        for (id, (_, answer)) in &ledger.sent {
            let end = ledger.ended.get(id);
            prop_assert!(end.is_some(), "request {:?} never ended", id);
            if !failures && *answer && *end.unwrap() == Payload::TimedOut {
                // Without failures an answered request can only time out if latency ≥ timeout.
                prop_assert!(false, "request {:?} timed out on a healthy network", id);
            }
            if !*answer {
                prop_assert_eq!(end, Some(&Payload::TimedOut));
            }
        }
    }
}
