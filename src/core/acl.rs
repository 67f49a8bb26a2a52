//! Users, managed-Kafka roles and Kafka ACLs, and the authorizer.
