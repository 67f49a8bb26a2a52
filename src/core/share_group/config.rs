//! Share group configuration: the broker's `group.share.*` settings, the group's
//! `share.auto.offset.reset`, and the share consumer's `share.acknowledgement.mode`.
//!
//! Defaults and bounds are Kafka 4.2's (`group-coordinator/.../modern/share/ShareGroupConfig.java`,
//! `GroupConfig.java`, `clients/.../consumer/ConsumerConfig.java`):
//!
//! | config                                    | default | valid          |
//! |-------------------------------------------|---------|----------------|
//! | `group.share.delivery.count.limit`        | 5       | [2, 10]        |
//! | `group.share.record.lock.duration.ms`     | 30000   | [1000, 3600000], and within min..max below |
//! | `group.share.min.record.lock.duration.ms` | 15000   | [1000, 30000]  |
//! | `group.share.max.record.lock.duration.ms` | 60000   | [30000, 3600000] |
//! | `group.share.partition.max.record.locks`  | 2000    | [100, 10000]   |
//! | `share.auto.offset.reset` (group)         | latest  | latest, earliest, by_duration:… |
//! | `share.acknowledgement.mode` (consumer)   | implicit | implicit, explicit |
//!
//! Kafka 4.0 shipped `group.share.partition.max.record.locks` = 200; 4.1 raised it to 2000.
//! The playground does not model `by_duration:` resets (rejected with a one-line message).

use std::fmt;

/// A Kafka-named config error: `ConfigException` / `InvalidConfigurationException` text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

pub const DELIVERY_COUNT_LIMIT: &str = "group.share.delivery.count.limit";
pub const RECORD_LOCK_DURATION_MS: &str = "group.share.record.lock.duration.ms";
pub const MIN_RECORD_LOCK_DURATION_MS: &str = "group.share.min.record.lock.duration.ms";
pub const MAX_RECORD_LOCK_DURATION_MS: &str = "group.share.max.record.lock.duration.ms";
pub const PARTITION_MAX_RECORD_LOCKS: &str = "group.share.partition.max.record.locks";
pub const SHARE_AUTO_OFFSET_RESET: &str = "share.auto.offset.reset";
pub const SHARE_ACKNOWLEDGEMENT_MODE: &str = "share.acknowledgement.mode";

/// `ConfigDef.Range.between(min, max)` as Kafka checks it, with `ConfigException`'s text:
/// "Invalid value 0 for configuration group.share.delivery.count.limit: Value must be at least 2".
fn check_range(name: &str, value: i64, min: i64, max: i64) -> Result<(), ConfigError> {
    let why = if value < min {
        format!("Value must be at least {min}")
    } else if value > max {
        format!("Value must be no more than {max}")
    } else {
        return Ok(());
    };
    Err(ConfigError { message: format!("Invalid value {value} for configuration {name}: {why}") })
}

/// The broker's share group settings (`ShareGroupConfig`). Build with [`ShareGroupConfig::new`]
/// so that every value is inside Kafka's bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShareGroupConfig {
    delivery_count_limit: u16,
    record_lock_duration_ms: u64,
    min_record_lock_duration_ms: u64,
    max_record_lock_duration_ms: u64,
    partition_max_record_locks: u32,
}

impl Default for ShareGroupConfig {
    fn default() -> Self {
        ShareGroupConfig {
            delivery_count_limit: 5,
            record_lock_duration_ms: 30_000,
            min_record_lock_duration_ms: 15_000,
            max_record_lock_duration_ms: 60_000,
            partition_max_record_locks: 2000,
        }
    }
}

/// The values a user may set; `None` keeps Kafka's default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShareGroupConfigInput {
    pub delivery_count_limit: Option<i64>,
    pub record_lock_duration_ms: Option<i64>,
    pub min_record_lock_duration_ms: Option<i64>,
    pub max_record_lock_duration_ms: Option<i64>,
    pub partition_max_record_locks: Option<i64>,
}

impl ShareGroupConfig {
    /// Validates like the broker does at startup: each value against its `ConfigDef` range,
    /// then `ShareGroupConfig.validate()`'s cross-checks ("… must be greater than or equal to …").
    pub fn new(input: ShareGroupConfigInput) -> Result<ShareGroupConfig, ConfigError> {
        let d = ShareGroupConfig::default();
        let limit = input.delivery_count_limit.unwrap_or(d.delivery_count_limit.into());
        let lock = input.record_lock_duration_ms.unwrap_or(d.record_lock_duration_ms as i64);
        let min_lock = input.min_record_lock_duration_ms.unwrap_or(d.min_record_lock_duration_ms as i64);
        let max_lock = input.max_record_lock_duration_ms.unwrap_or(d.max_record_lock_duration_ms as i64);
        let locks = input.partition_max_record_locks.unwrap_or(d.partition_max_record_locks.into());
        check_range(DELIVERY_COUNT_LIMIT, limit, 2, 10)?;
        check_range(RECORD_LOCK_DURATION_MS, lock, 1000, 3_600_000)?;
        check_range(MIN_RECORD_LOCK_DURATION_MS, min_lock, 1000, 30_000)?;
        check_range(MAX_RECORD_LOCK_DURATION_MS, max_lock, 30_000, 3_600_000)?;
        check_range(PARTITION_MAX_RECORD_LOCKS, locks, 100, 10_000)?;
        if lock < min_lock {
            return Err(ConfigError {
                message: format!("{RECORD_LOCK_DURATION_MS} must be greater than or equal to {MIN_RECORD_LOCK_DURATION_MS}"),
            });
        }
        if max_lock < lock {
            return Err(ConfigError {
                message: format!("{MAX_RECORD_LOCK_DURATION_MS} must be greater than or equal to {RECORD_LOCK_DURATION_MS}"),
            });
        }
        // The ranges above make every conversion below lossless.
        Ok(ShareGroupConfig {
            delivery_count_limit: limit as u16,
            record_lock_duration_ms: lock as u64,
            min_record_lock_duration_ms: min_lock as u64,
            max_record_lock_duration_ms: max_lock as u64,
            partition_max_record_locks: locks as u32,
        })
    }

    /// `group.share.delivery.count.limit`: the delivery attempt at which a record that is not
    /// acknowledged is archived instead of made available again.
    pub fn delivery_count_limit(&self) -> u16 {
        self.delivery_count_limit
    }

    /// `group.share.record.lock.duration.ms`: how long an acquired record stays locked.
    pub fn record_lock_duration_ms(&self) -> u64 {
        self.record_lock_duration_ms
    }

    pub fn min_record_lock_duration_ms(&self) -> u64 {
        self.min_record_lock_duration_ms
    }

    pub fn max_record_lock_duration_ms(&self) -> u64 {
        self.max_record_lock_duration_ms
    }

    /// `group.share.partition.max.record.locks`: the in-flight window of a share-partition.
    pub fn partition_max_record_locks(&self) -> u32 {
        self.partition_max_record_locks
    }

    /// A group's `share.record.lock.duration.ms` override, checked as `GroupConfig.validateValues`
    /// checks it against the broker's min and max.
    pub fn validate_group_record_lock_duration_ms(&self, value: i64) -> Result<u64, ConfigError> {
        const GROUP: &str = "share.record.lock.duration.ms";
        if value < self.min_record_lock_duration_ms as i64 {
            return Err(ConfigError {
                message: format!("{GROUP} must be greater than or equal to {MIN_RECORD_LOCK_DURATION_MS}"),
            });
        }
        if value > self.max_record_lock_duration_ms as i64 {
            return Err(ConfigError {
                message: format!("{GROUP} must be less than or equal to {MAX_RECORD_LOCK_DURATION_MS}"),
            });
        }
        Ok(value as u64)
    }
}

/// `share.auto.offset.reset` (a group config): where a share-partition's start offset (SPSO)
/// begins when the group first reads it (`ShareGroupAutoOffsetResetStrategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareAutoOffsetReset {
    /// The log end (high watermark): only records produced from now on. Kafka's default.
    #[default]
    Latest,
    /// The log start offset: the whole retained backlog.
    Earliest,
}

impl ShareAutoOffsetReset {
    pub const ALL: [ShareAutoOffsetReset; 2] = [ShareAutoOffsetReset::Latest, ShareAutoOffsetReset::Earliest];

    pub fn name(self) -> &'static str {
        match self {
            ShareAutoOffsetReset::Latest => "latest",
            ShareAutoOffsetReset::Earliest => "earliest",
        }
    }

    /// Parses Kafka's value, case-sensitively as `ShareGroupAutoOffsetResetStrategy.Validator`
    /// does. `by_duration:` is Kafka's too, but the playground does not model it.
    pub fn parse(text: &str) -> Result<ShareAutoOffsetReset, ConfigError> {
        match text {
            "latest" => Ok(ShareAutoOffsetReset::Latest),
            "earliest" => Ok(ShareAutoOffsetReset::Earliest),
            t if t.starts_with("by_duration:") => Err(ConfigError {
                message: format!("{SHARE_AUTO_OFFSET_RESET}={t}: by_duration is not modelled by the playground"),
            }),
            t => Err(ConfigError {
                message: format!(
                    "Invalid value {t} for configuration {SHARE_AUTO_OFFSET_RESET}: Invalid value `{t}` for configuration {SHARE_AUTO_OFFSET_RESET}. The value must be either 'earliest', 'latest' or of the format 'by_duration:<PnDTnHnMn.nS>'."
                ),
            }),
        }
    }
}

/// `share.acknowledgement.mode` (a share consumer config).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareAcknowledgementMode {
    /// The next `poll` or `commitSync`/`commitAsync` accepts every record the last poll delivered.
    #[default]
    Implicit,
    /// The application calls `acknowledge(record, ACCEPT | RELEASE | REJECT | RENEW)` per record.
    Explicit,
}

impl ShareAcknowledgementMode {
    pub const ALL: [ShareAcknowledgementMode; 2] =
        [ShareAcknowledgementMode::Implicit, ShareAcknowledgementMode::Explicit];

    pub fn name(self) -> &'static str {
        match self {
            ShareAcknowledgementMode::Implicit => "implicit",
            ShareAcknowledgementMode::Explicit => "explicit",
        }
    }

    /// Parses Kafka's value, case-sensitively as `ShareAcknowledgementMode.Validator` does.
    pub fn parse(text: &str) -> Result<ShareAcknowledgementMode, ConfigError> {
        match text {
            "implicit" => Ok(ShareAcknowledgementMode::Implicit),
            "explicit" => Ok(ShareAcknowledgementMode::Explicit),
            t => Err(ConfigError {
                message: format!(
                    "Invalid value {t} for configuration {SHARE_ACKNOWLEDGEMENT_MODE}: Invalid value `{t}` for configuration {SHARE_ACKNOWLEDGEMENT_MODE}. The value must either be 'implicit' or 'explicit'."
                ),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(input: ShareGroupConfigInput) -> String {
        ShareGroupConfig::new(input).map(|_| String::new()).unwrap_or_else(|e| e.message)
    }

    #[test]
    fn share_group_config_defaults_are_kafka_4_2s() {
        let c = ShareGroupConfig::default();
        assert_eq!(c.delivery_count_limit(), 5);
        assert_eq!(c.record_lock_duration_ms(), 30_000);
        assert_eq!(c.partition_max_record_locks(), 2000);
        assert_eq!(ShareGroupConfig::new(ShareGroupConfigInput::default()), Ok(c));
        assert_eq!(ShareAutoOffsetReset::default(), ShareAutoOffsetReset::Latest);
        assert_eq!(ShareAcknowledgementMode::default(), ShareAcknowledgementMode::Implicit);
    }

    #[test]
    fn share_group_config_definition_a_delivery_count_limit_of_0_is_rejected_as_configdef_does() {
        assert_eq!(
            refused(ShareGroupConfigInput { delivery_count_limit: Some(0), ..Default::default() }),
            "Invalid value 0 for configuration group.share.delivery.count.limit: Value must be at least 2"
        );
        assert_eq!(refused(ShareGroupConfigInput {
            delivery_count_limit: Some(11),
            ..Default::default()
        }),
            "Invalid value 11 for configuration group.share.delivery.count.limit: Value must be no more than 10"
        );
    }

    #[test]
    fn share_group_config_validate_a_lock_duration_below_the_minimum_is_rejected() {
        assert_eq!(refused(ShareGroupConfigInput {
            record_lock_duration_ms: Some(500),
            ..Default::default()
        }),
            "Invalid value 500 for configuration group.share.record.lock.duration.ms: Value must be at least 1000"
        );
        assert_eq!(refused(ShareGroupConfigInput {
            record_lock_duration_ms: Some(5000),
            ..Default::default()
        }),
            "group.share.record.lock.duration.ms must be greater than or equal to group.share.min.record.lock.duration.ms"
        );
        assert_eq!(refused(ShareGroupConfigInput {
            record_lock_duration_ms: Some(90_000),
            ..Default::default()
        }),
            "group.share.max.record.lock.duration.ms must be greater than or equal to group.share.record.lock.duration.ms"
        );
        // Lowering the minimum makes a short lock legal, as on a real broker.
        let c = ShareGroupConfig::new(ShareGroupConfigInput {
            record_lock_duration_ms: Some(5000),
            min_record_lock_duration_ms: Some(1000),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(c.record_lock_duration_ms(), 5000);
    }

    #[test]
    fn share_group_config_definition_the_window_is_bounded() {
        assert_eq!(refused(ShareGroupConfigInput {
            partition_max_record_locks: Some(50),
            ..Default::default()
        }),
            "Invalid value 50 for configuration group.share.partition.max.record.locks: Value must be at least 100"
        );
    }

    #[test]
    fn group_config_validate_values_a_group_lock_duration_is_bounded_by_the_brokers() {
        let c = ShareGroupConfig::default();
        assert_eq!(c.validate_group_record_lock_duration_ms(20_000), Ok(20_000));
        assert_eq!(
            c.validate_group_record_lock_duration_ms(1000).unwrap_err().message,
            "share.record.lock.duration.ms must be greater than or equal to group.share.min.record.lock.duration.ms"
        );
        assert_eq!(
            c.validate_group_record_lock_duration_ms(61_000).unwrap_err().message,
            "share.record.lock.duration.ms must be less than or equal to group.share.max.record.lock.duration.ms"
        );
    }

    #[test]
    fn names_parse_back() {
        for r in ShareAutoOffsetReset::ALL {
            assert_eq!(ShareAutoOffsetReset::parse(r.name()), Ok(r));
        }
        for m in ShareAcknowledgementMode::ALL {
            assert_eq!(ShareAcknowledgementMode::parse(m.name()), Ok(m));
        }
        assert!(ShareAutoOffsetReset::parse("by_duration:PT1H").is_err());
    }

    #[test]
    fn share_group_auto_offset_reset_strategy_validator_message() {
        assert_eq!(
            ShareAutoOffsetReset::parse("none").unwrap_err().message,
            "Invalid value none for configuration share.auto.offset.reset: Invalid value `none` for configuration share.auto.offset.reset. The value must be either 'earliest', 'latest' or of the format 'by_duration:<PnDTnHnMn.nS>'."
        );
    }

    #[test]
    fn share_acknowledgement_mode_validator_is_case_sensitive_with_kafkas_message() {
        // ShareAcknowledgementModeTest#testFromString: "IMPLICIT" is refused.
        assert_eq!(
            ShareAcknowledgementMode::parse("EXPLICIT").unwrap_err().message,
            "Invalid value EXPLICIT for configuration share.acknowledgement.mode: Invalid value `EXPLICIT` for configuration share.acknowledgement.mode. The value must either be 'implicit' or 'explicit'."
        );
        assert!(ShareAcknowledgementMode::parse("").is_err());
    }
}
