//! Consumer groups: the coordinator, the classic (eager, cooperative) and KIP-848 protocols,
//! the assignors and committed offsets.

pub mod assignor;
