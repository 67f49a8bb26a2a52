//! The built-in lessons as the UI obtains them. Their ids and titles are compiled in (small);
//! their scenario files are data: natively (tests, the posters) they come from
//! [`scenario::BUILT_IN`]; in the wasm they are fetched from `scenarios/<id>.json` beside the wasm
//! (scripts/postbuild.mjs puts them there) when first needed, and kept for the page's lifetime.
//! `embed.js` fetches a lesson's file alongside the wasm and hands it over with
//! `provide_scenario`, so an embed renders at once. The default lesson (`playground`) is compiled in
//! everywhere ([`scenario::default_scenario`]).
//!
//! Nothing in the wasm refers to [`scenario::BUILT_IN`] or [`scenario::built_in`], so the linker
//! leaves their texts out of it.

use crate::core::scenario::{self, Scenario, Text};

/// A built-in lesson: its id and title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub id: &'static str,
    pub en: &'static str,
    pub ru: &'static str,
}

impl Entry {
    pub fn title(&self) -> Text {
        Text { en: self.en.into(), ru: self.ru.into() }
    }
}

/// The built-in lessons in menu order: [`scenario::BUILT_IN`]'s ids and their files' titles
/// (a test keeps them equal).
pub const CATALOGUE: &[Entry] = &[
    Entry {
        id: "playground", en: "Playground: start here", ru: "Песочница: начните отсюда"
    },
    Entry {
        id: "producer-basics",
        en: "Producer basics: keys pick partitions",
        ru: "Основы производителя: ключ выбирает раздел",
    },
    Entry {
        id: "sticky-partitioner",
        en: "Null keys and the sticky partitioner",
        ru: "Записи без ключа и sticky partitioner",
    },
    Entry {
        id: "standalone-vs-group",
        en: "Standalone vs group consumers",
        ru: "Потребитель без группы и потребители в группе",
    },
    Entry {
        id: "queue-vs-pubsub", en: "Queue vs publish-subscribe", ru: "Очередь и публикация-подписка"
    },
    Entry {
        id: "more-consumers-than-partitions",
        en: "More consumers than partitions",
        ru: "Потребителей больше, чем разделов",
    },
    Entry {
        id: "share-groups",
        en: "More consumers than partitions: share groups",
        ru: "Потребителей больше, чем разделов: группы совместного чтения",
    },
    Entry {
        id: "share-more-workers",
        en: "Share group: five workers, two partitions",
        ru: "Группа совместного чтения: пять обработчиков, два раздела",
    },
    Entry {
        id: "share-slow-worker",
        en: "Share group: a slow worker's lock runs out",
        ru: "Группа совместного чтения: у медленного обработчика истекает блокировка",
    },
    Entry {
        id: "share-poison",
        en: "Share group: a poison record",
        ru: "Группа совместного чтения: «ядовитая» запись",
    },
    Entry {
        id: "share-crash",
        en: "Share group: a worker crashes holding records",
        ru: "Группа совместного чтения: обработчик падает с захваченными записями",
    },
    Entry {
        id: "rebalance-basics",
        en: "A member crashes: session timeout",
        ru: "Участник падает: session timeout",
    },
    Entry {
        id: "leave-vs-crash", en: "Graceful leave vs crash", ru: "Корректный выход и падение"
    },
    Entry {
        id: "eager-vs-cooperative",
        en: "Eager vs cooperative rebalancing",
        ru: "Eager- и cooperative-перебалансировка",
    },
    Entry { id: "kip-848", en: "The consumer protocol (KIP-848)", ru: "Протокол consumer (KIP-848)" },
    Entry {
        id: "add-partitions",
        en: "Adding partitions under load",
        ru: "Добавление разделов под нагрузкой",
    },
    Entry {
        id: "static-membership",
        en: "Static membership (KIP-345)",
        ru: "Статическое членство (KIP-345)",
    },
    Entry {
        id: "at-least-once",
        en: "At-least-once: duplicates after a crash",
        ru: "At-least-once: дубликаты после падения",
    },
    Entry {
        id: "slow-consumer",
        en: "A slow consumer and max.poll.interval.ms",
        ru: "Медленный потребитель и max.poll.interval.ms",
    },
    Entry {
        id: "roles", en: "Roles: a consumer without rights", ru: "Роли: потребитель без прав"
    },
    Entry {
        id: "lag", en: "Lag builds up and drains", ru: "Отставание растёт и рассасывается"
    },
    Entry {
        id: "acks-and-broker-failure",
        en: "acks=all and a broker failure",
        ru: "acks=all и отказ брокера",
    },
    Entry {
        id: "acks-1-loses-records",
        en: "acks=1 loses acknowledged records",
        ru: "acks=1 теряет подтверждённые записи",
    },
    Entry {
        id: "min-insync-replicas",
        en: "acks=all and min.insync.replicas=2",
        ru: "acks=all и min.insync.replicas=2",
    },
    Entry {
        id: "unclean-leader-election",
        en: "Unclean leader election: availability for data",
        ru: "Нечистые выборы лидера: доступность ценой данных",
    },
    Entry {
        id: "isr-shrink-and-expand",
        en: "A follower falls out of the ISR and back",
        ru: "Ведомая реплика выпадает из ISR и возвращается",
    },
    Entry {
        id: "zone-outage",
        en: "Three zones survive a zone outage",
        ru: "Три зоны переживают отказ зоны",
    },
    Entry {
        id: "coordinator-failover",
        en: "The coordinator moves and the group carries on",
        ru: "Координатор переезжает, а группа продолжает работу",
    },
    Entry {
        id: "retries-and-duplicates",
        en: "Retries without idempotence write duplicates",
        ru: "Повторы без идемпотентности пишут дубликаты",
    },
];

/// Whether `id` names a built-in lesson.
pub fn is_built_in(id: &str) -> bool {
    CATALOGUE.iter().any(|e| e.id == id)
}

/// The built-in lessons' ids, in menu order.
pub fn ids() -> impl Iterator<Item = &'static str> {
    CATALOGUE.iter().map(|e| e.id)
}

/// A built-in lesson's scenario, if it is here: natively always; in the wasm the default one,
/// and the others once fetched ([`when_here`]) or provided ([`provide`]).
#[cfg(not(target_arch = "wasm32"))]
pub fn built_in(id: &str) -> Option<Scenario> {
    scenario::built_in(id)
}

#[cfg(target_arch = "wasm32")]
pub fn built_in(id: &str) -> Option<Scenario> {
    if id == "playground" {
        return Some(scenario::default_scenario());
    }
    wasm::get(id).and_then(|text| Scenario::from_json(&text).ok())
}

/// Runs `then` once `id`'s scenario is here ([`built_in`] gives it): at once when it is (always
/// natively), else after fetching it; `then` runs even when the fetch fails (it then finds none).
#[cfg(not(target_arch = "wasm32"))]
pub fn when_here(_id: &str, then: impl FnOnce() + 'static) {
    then();
}

#[cfg(target_arch = "wasm32")]
pub fn when_here(id: &str, then: impl FnOnce() + 'static) {
    if !is_built_in(id) || built_in(id).is_some() {
        return then();
    }
    let id = id.to_string();
    wasm_bindgen_futures::spawn_local(async move {
        wasm::fetch(&id).await;
        then();
    });
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    use std::cell::RefCell;
    use wasm_bindgen::prelude::*;

    thread_local! {
        /// (id, file text): at most the few lessons a page uses (a `Vec`: no hasher in the wasm).
        static FILES: RefCell<Vec<(String, String)>> = const { RefCell::new(Vec::new()) };
    }

    pub fn get(id: &str) -> Option<String> {
        FILES.with(|f| f.borrow().iter().find(|(i, _)| i == id).map(|(_, text)| text.clone()))
    }

    // The snippet lives in `snippets/<crate>-<hash>/inline0.js`: two levels below the wasm.
    #[wasm_bindgen(inline_js = r#"
export function fetch_scenario(id) {
  const url = new URL(`../../scenarios/${encodeURIComponent(id)}.json`, import.meta.url);
  return fetch(url).then((r) => (r.ok ? r.text() : Promise.reject(new Error(`${url}: HTTP ${r.status}`))));
}
"#)]
    extern "C" {
        #[wasm_bindgen(catch)]
        fn fetch_scenario(id: &str) -> Result<js_sys::Promise, JsValue>;
    }

    /// Fetches `id`'s file into the cache; a failure leaves it out (the caller then finds none).
    pub async fn fetch(id: &str) {
        let Ok(promise) = fetch_scenario(id) else { return };
        if let Ok(text) = wasm_bindgen_futures::JsFuture::from(promise).await {
            if let Some(text) = text.as_string() {
                super::provide(id, &text);
            }
        }
    }

    pub fn put(id: &str, text: &str) {
        FILES.with(|f| {
            let mut files = f.borrow_mut();
            files.retain(|(i, _)| i != id);
            files.push((id.to_string(), text.to_string()));
        });
    }
}

/// Keeps `text` as built-in lesson `id`'s file (in the wasm; natively the files are compiled
/// in). An id that is not built in is ignored.
#[cfg(target_arch = "wasm32")]
pub fn provide(id: &str, text: &str) {
    if is_built_in(id) {
        wasm::put(id, text);
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub fn provide(_id: &str, _text: &str) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_is_the_built_ins_with_their_titles() {
        let built: Vec<&str> = scenario::BUILT_IN.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids().collect::<Vec<_>>(), built);
        for e in CATALOGUE {
            assert_eq!(built_in(e.id).expect("parses").title, e.title(), "{}", e.id);
        }
        assert!(is_built_in("kip-848") && !is_built_in("nope"));
    }
}
