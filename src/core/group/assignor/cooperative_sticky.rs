//! `cooperative-sticky`: mirrors the Java client's
//! [`CooperativeStickyAssignor`](https://github.com/apache/kafka/blob/trunk/clients/src/main/java/org/apache/kafka/clients/consumer/CooperativeStickyAssignor.java).
//!
//! The sticky result, minus every partition that changes owner this round. In the cooperative
//! protocol a partition must be revoked by its owner before anyone else may consume it, so the
//! leader leaves it unassigned now; the owner revokes it and rejoins, and the follow-up
//! rebalance (where nobody owns it any more) hands it to its new owner. This is Java's
//! `computePartitionsTransferringOwnership` + `adjustAssignment`: a partition is held back when
//! it is added to a member that did not own it *and* revoked from a member that did.

use super::sticky::sticky_lists;
use super::RebalanceProtocol;
use super::{ConsumerPartitionAssignor, GroupAssignment, Interned, MemberSubscription, NONE};
use std::collections::BTreeMap;

/// The Java client's `CooperativeStickyAssignor`.
#[derive(Debug, Clone, Copy, Default)]
pub struct CooperativeStickyAssignor;

impl ConsumerPartitionAssignor for CooperativeStickyAssignor {
    fn name(&self) -> &'static str {
        "cooperative-sticky"
    }

    fn supported_protocols(&self) -> &'static [RebalanceProtocol] {
        &[RebalanceProtocol::Eager, RebalanceProtocol::Cooperative]
    }

    fn assign(&self, topics: &BTreeMap<String, u32>, members: &[MemberSubscription]) -> GroupAssignment {
        let g = Interned::new(topics, members);
        let mut lists = sticky_lists(&g, members);
        let total = g.total() as usize;
        let mut new_owner = vec![NONE; total];
        for (m, list) in lists.iter().enumerate() {
            for &p in list {
                new_owner[p as usize] = m as u32;
            }
        }
        // revoked: some member owned it and does not keep it; kept_by_owner: its new owner
        // already owned it (then it is not "added").
        let mut revoked = vec![false; total];
        let mut kept_by_owner = vec![false; total];
        for (m, owned) in g.owned.iter().enumerate() {
            for &p in owned {
                if new_owner[p as usize] == m as u32 {
                    kept_by_owner[p as usize] = true;
                } else {
                    revoked[p as usize] = true;
                }
            }
        }
        for list in &mut lists {
            list.retain(|&p| kept_by_owner[p as usize] || !revoked[p as usize]);
        }
        g.output(members, lists)
    }
}
