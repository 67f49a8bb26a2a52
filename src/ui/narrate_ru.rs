//! The timeline in Russian: one `match` over every [`EventKind`], so a new kind of event does
//! not compile until it is told here too. Kafka's terms as Russian-speaking Kafka users write
//! them: партиция, консьюмер, продюсер, группа, ребаланс, коммит, лаг, offset; config names,
//! error codes and group states stay as Kafka prints them.

use super::state::reason_text;
use super::text::Lang;
use crate::core::config::GroupProtocol;
use crate::core::event::{Event, EventKind, LeaveReason};
use crate::core::group::assignor::TopicPartition;
use crate::core::time::format_clock;

/// `[mm:ss.mmm] narration` in `lang`.
pub fn line(e: &Event, lang: Lang) -> String {
    match lang {
        Lang::En => e.line(),
        Lang::Ru => format!("[{}] {}", format_clock(e.at), crate::core::event::escape_controls(&narrate(e))),
    }
}

fn tps(ps: &[TopicPartition]) -> String {
    if ps.is_empty() {
        return "ничего".to_string();
    }
    ps.iter().map(|tp| format!("{}-{}", tp.topic, tp.partition)).collect::<Vec<_>>().join(", ")
}

/// The event in Russian.
pub fn narrate(e: &Event) -> String {
    use EventKind::*;
    let reason = |r| reason_text(r, Lang::Ru);
    match &e.kind {
        TopicCreated { topic, partitions } => format!("создан топик {topic}, партиций: {partitions}"),
        TopicDeleted { topic } => format!("топик {topic} удалён"),
        PartitionsAdded { topic, from, to } => format!(
            "топик {topic}: партиций {from} -> {to} (данные не переезжают; ключи теперь могут попадать в другие партиции)"
        ),
        RetentionDeleted { topic, partition, removed, log_start } => format!(
            "retention удалил старые записи из {topic}-{partition}: {removed}; начало лога теперь {log_start}"
        ),
        ProducerAdded { producer, topic } => format!("добавлен продюсер {producer}, пишет в {topic}"),
        ProducerRemoved { producer } => format!("продюсер {producer} удалён"),
        ProducerPaused { producer } => format!("продюсер {producer} на паузе"),
        ProducerResumed { producer } => format!("продюсер {producer} продолжает"),
        ProducerChanged { producer } => format!("настройки продюсера {producer} изменены"),
        Produced { producer, topic, partition, base_offset, count, key } => {
            let key = match key {
                Some(k) => format!("ключ {k:?}"),
                None => "без ключа".to_string(),
            };
            if *count == 1 {
                format!("{producer} записал запись ({key}) в {topic}-{partition}, offset {base_offset}")
            } else {
                format!(
                    "{producer} записал {count} записей в {topic}-{partition}, offset {base_offset}..{}",
                    base_offset + count - 1
                )
            }
        }
        ProduceFailed { producer, topic, error } => format!("{producer} не смог записать в {topic}: {error}"),
        ConsumerAdded { consumer } => format!("добавлен консьюмер {consumer}"),
        ConsumerRemoved { consumer } => format!("консьюмер {consumer} удалён"),
        ConsumerChanged { consumer } => format!("настройки консьюмера {consumer} изменены"),
        ConsumerPaused { consumer } => format!("консьюмер {consumer} на паузе"),
        ConsumerResumed { consumer } => format!("консьюмер {consumer} продолжает"),
        ConsumerCrashed { consumer, unprocessed: 0, .. } => {
            format!("консьюмер {consumer} упал (heartbeat больше нет, LeaveGroup не отправлен)")
        }
        ConsumerCrashed { consumer, unprocessed, committed_ahead: true } => format!(
            "консьюмер {consumer} упал посреди пачки: не обработано полученных записей — {unprocessed}, но их offset закоммичен до обработки — их больше никто не прочитает (at-most-once: потеряны)"
        ),
        ConsumerCrashed { consumer, unprocessed, committed_ahead: false } => format!(
            "консьюмер {consumer} упал посреди пачки: не обработано полученных записей — {unprocessed}; коммита не было, их прочитают снова (at-least-once)"
        ),
        ConsumerRestarted { consumer } => format!("консьюмер {consumer} перезапущен"),
        PartitionsAssignedManually { consumer, partitions } => {
            format!("консьюмер {consumer} сам назначил себе {} (без группы, assign())", tps(partitions))
        }
        Fetched { consumer, topic, partition, from, count, redelivered } => {
            let dup = if *redelivered > 0 {
                format!(" — из них повторно: {redelivered} (дубли at-least-once)")
            } else {
                String::new()
            };
            format!(
                "{consumer} получил через poll() записей: {count} из {topic}-{partition}, offset {from}..{}{dup}",
                from + count.saturating_sub(1)
            )
        }
        OffsetReset { consumer, topic, partition, policy, offset, out_of_range } => {
            let why = if *out_of_range { "offset вне диапазона" } else { "нет закоммиченного offset" };
            format!("{consumer}: {why} для {topic}-{partition}; auto.offset.reset={policy} -> offset {offset}")
        }
        PositionRestored { consumer, topic, partition, offset } => {
            format!("{consumer} продолжает {topic}-{partition} с закоммиченного offset {offset}")
        }
        Seeked { consumer, topic, partition, offset } => {
            format!("{consumer} перешёл (seek) в {topic}-{partition} на offset {offset}")
        }
        ConsumerError { consumer, error, detail } => format!("{consumer}: {error} ({detail})"),
        Committed { consumer, group, offsets, auto } => format!(
            "{consumer} закоммитил {} для группы {group}{}",
            offsets.iter().map(|(tp, o)| format!("{}-{}={o}", tp.topic, tp.partition)).collect::<Vec<_>>().join(", "),
            if *auto { " (автокоммит)" } else { "" }
        ),
        CommitFailed { consumer, group, error } => {
            format!("{consumer}: коммит для группы {group} не удался: {error}")
        }
        GroupOffsetsAltered { group, offsets } => format!(
            "группа {group}: закоммиченные offset сброшены на {}",
            offsets.iter().map(|(tp, o)| format!("{}-{}={o}", tp.topic, tp.partition)).collect::<Vec<_>>().join(", ")
        ),
        GroupOffsetsDeleted { group, partitions } => format!(
            "группа {group}: закоммиченные offset {} удалены",
            partitions.iter().map(|tp| format!("{}-{}", tp.topic, tp.partition)).collect::<Vec<_>>().join(", ")
        ),
        GroupDeleted { group } => format!("группа {group} удалена"),
        GroupStateChanged { group, from, to } => format!("группа {group}: {from} -> {to}"),
        RebalanceStarted { group, generation, reason: r, .. } => {
            format!("группа {group}: начался ребаланс ({}), поколение {generation}", reason(r))
        }
        PartitionsRevoked { group, consumer, partitions } => {
            format!("группа {group}: {consumer} отдал {}", tps(partitions))
        }
        MemberJoining { group, consumer, protocol: GroupProtocol::Consumer, .. } => format!(
            "группа {group}: {consumer} вступил, отправив ConsumerGroupHeartbeat (эпоха участника 0)"
        ),
        MemberJoining { group, consumer, .. } => format!("группа {group}: {consumer} отправил JoinGroup"),
        JoinCompleted { group, generation, leader, protocol, members } => format!(
            "группа {group}: поколение {generation}, участников: {} ({}); лидер {leader}; стратегия {protocol}",
            members.len(),
            members.join(", ")
        ),
        AssignmentComputed { group, generation, strategy, moves, protocol, .. } => {
            let moved: Vec<String> = moves
                .iter()
                .map(|m| {
                    format!(
                        "{}-{} {} -> {}",
                        m.partition.topic,
                        m.partition.partition,
                        m.from.as_deref().unwrap_or("никто"),
                        m.to.as_deref().unwrap_or("никто")
                    )
                })
                .collect();
            let what = match protocol {
                GroupProtocol::Consumer => format!("целевое назначение {strategy} для эпохи группы {generation}"),
                GroupProtocol::Classic => format!("назначение {strategy} для поколения {generation}"),
            };
            if moved.is_empty() {
                format!("группа {group}: {what}; ничего не переезжает")
            } else {
                format!("группа {group}: {what}; {}", moved.join(", "))
            }
        }
        PartitionsAssigned { group, consumer, partitions, generation, protocol, .. } => {
            let epoch = match protocol {
                GroupProtocol::Consumer => "эпоха участника",
                GroupProtocol::Classic => "поколение",
            };
            format!("группа {group}: {consumer} теперь владеет {} ({epoch} {generation})", tps(partitions))
        }
        RebalanceCompleted { group, generation, duration_ms, stopped, protocol } => {
            let stopped = if stopped.is_empty() {
                "никто не прекращал чтение".to_string()
            } else {
                format!("стояли в это время: {}", stopped.join(", "))
            };
            match protocol {
                GroupProtocol::Consumer => format!(
                    "группа {group}: Stable, эпоха группы {generation}: все участники пришли к назначению за {duration_ms} мс; {stopped}"
                ),
                GroupProtocol::Classic => {
                    format!("группа {group}: Stable, поколение {generation}, ребаланс занял {duration_ms} мс; {stopped}")
                }
            }
        }
        MemberRemoved { group, consumer, reason: why, .. } => {
            let why = match why {
                LeaveReason::Left => "вышел из группы (LeaveGroup)",
                LeaveReason::SessionTimeout => "удалён: нет heartbeat в течение session.timeout.ms",
                LeaveReason::MaxPollIntervalExceeded => "вышел: poll() не вызывался дольше max.poll.interval.ms",
                LeaveReason::RebalanceTimeout => "удалён: не вернулся в группу за время ребаланса",
                LeaveReason::Fenced => "отстранён (fenced): его group.instance.id занял другой экземпляр",
            };
            format!("группа {group}: {consumer} {why}")
        }
        StaticMemberRejoined { group, consumer, instance_id } => format!(
            "группа {group}: статический участник {consumer} (group.instance.id={instance_id}) вернулся и сохранил свои партиции; ребаланса нет"
        ),
        GroupEpochBumped { group, epoch, reason: r } => {
            format!("группа {group}: эпоха группы {epoch} ({}); новое целевое назначение", reason(r))
        }
        MemberReconciled { group, consumer, epoch } => {
            format!("группа {group}: {consumer} пришёл к назначению эпохи {epoch}")
        }
        AuthorizationChanged { detail } => format!("авторизация: {detail}"),
        Note { text, text_ru } => {
            format!("заметка: {}", if text_ru.is_empty() { text } else { text_ru })
        }
        ScriptStepFailed { error } => format!("шаг сценария не выполнен: {error}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::event::RebalanceReason;

    #[test]
    fn russian_lines_use_kafkas_russian_terms() {
        let e = Event {
            at: 1_500,
            kind: EventKind::RebalanceStarted {
                group: "g".into(),
                generation: 2,
                reason: RebalanceReason::MemberJoined { member: "c2".into() },
                rebalance_protocol: Default::default(),
            },
        };
        assert_eq!(
            line(&e, Lang::Ru),
            "[00:01.500] группа g: начался ребаланс (c2 вступил в группу), поколение 2"
        );
        let note =
            Event { at: 0, kind: EventKind::Note { text: "hello".into(), text_ru: "привет".into() } };
        assert_eq!(narrate(&note), "заметка: привет");
        let note = Event { at: 0, kind: EventKind::Note { text: "hello".into(), text_ru: String::new() } };
        assert_eq!(narrate(&note), "заметка: hello");
    }

    /// KIP-848 groups are told with heartbeats and epochs, in Russian too; classic keeps
    /// JoinGroup and generations.
    #[test]
    fn kip_848_lines_speak_of_heartbeats_and_epochs() {
        use crate::core::scenario::{built_in, Run};
        let mut run = Run::new(built_in("kip-848").expect("built-in")).expect("loads");
        let lines: Vec<String> =
            run.advance(20_000).iter().filter(|e| e.subjects().contains(&"group-1")).map(narrate).collect();
        assert!(
            lines.iter().any(|l| l.contains("c4 вступил, отправив ConsumerGroupHeartbeat")),
            "{lines:#?}"
        );
        assert!(lines.iter().any(|l| l.contains("целевое назначение uniform для эпохи группы 4")));
        assert!(lines.iter().any(|l| l.contains("Stable, эпоха группы 4")));
        for l in &lines {
            assert!(!l.contains("JoinGroup") && !l.contains("поколени"), "{l}");
        }
        let mut classic = Run::new(built_in("rebalance-basics").expect("built-in")).expect("loads");
        let lines: Vec<String> = classic.advance(19_000).iter().map(narrate).collect();
        assert!(lines.iter().any(|l| l.contains("отправил JoinGroup")));
        assert!(lines.iter().any(|l| l.contains("Stable, поколение")));
    }
}
