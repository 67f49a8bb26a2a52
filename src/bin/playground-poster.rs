//! Posters: each built-in lesson's opening state rendered to static HTML at build time by the
//! same Yew components the wasm runs (Yew's server-side rendering), so a page shows the lesson's
//! first frame (lanes, cards, groups) before the wasm has arrived. `static/embed.js` shows
//! `posters/<id>.<controls>.<lang>.html` inside its shadow root; index.html carries the full
//! page's default lesson inline (`posters/page.<lang>.html`, put in by scripts/postbuild.mjs).
//! When the wasm starts it replaces the poster with the live app, laid out the same.
//!
//!   playground-poster OUT_DIR      # writes OUT_DIR/*.html
//!
//! The poster's controls are rendered `disabled` (a quiet "loading" state: they are read by a
//! screen reader but do nothing until the app takes over).

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::io::Result<()> {
    poster::main()
}

/// Rendering needs Yew's `ssr`, which only the native build has (Cargo.toml).
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod poster {
    use broker_playground::core::scenario::BUILT_IN;
    use broker_playground::ui::{App, AppProps, Controls};
    use std::path::PathBuf;
    use yew::AttrValue;

    const CONTROLS: [(&str, Controls); 3] =
        [("full", Controls::Full), ("minimal", Controls::Minimal), ("player", Controls::Player)];
    const LANGS: [&str; 2] = ["en", "ru"];

    /// The App's HTML for these props, without hydration markers, its controls disabled.
    fn render(rt: &tokio::runtime::Runtime, props: AppProps) -> String {
        let html = rt.block_on(yew::LocalServerRenderer::<App>::with_props(props).hydratable(false).render());
        quiet_controls(&html)
    }

    /// Every button, select, input and textarea of the poster gets `disabled`.
    pub fn quiet_controls(html: &str) -> String {
        let mut out = html.to_string();
        for tag in ["<button", "<select", "<input", "<textarea"] {
            out = out.replace(&format!("{tag} "), &format!("{tag} disabled "));
            out = out.replace(&format!("{tag}>"), &format!("{tag} disabled>"));
        }
        out
    }

    pub fn main() -> std::io::Result<()> {
        let Some(out) = std::env::args_os().nth(1).map(PathBuf::from) else {
            eprintln!("usage: playground-poster OUT_DIR");
            std::process::exit(2);
        };
        std::fs::create_dir_all(&out)?;
        let rt = tokio::runtime::Builder::new_current_thread().build()?;
        let mut written = 0;
        for lang in LANGS {
            let page = AppProps { lang: Some(AttrValue::from(lang)), ..Default::default() };
            std::fs::write(out.join(format!("page.{lang}.html")), render(&rt, page))?;
            written += 1;
            for (id, _) in BUILT_IN {
                for (name, controls) in CONTROLS {
                    let props = AppProps {
                        scenario: Some(AttrValue::from(*id)),
                        controls,
                        lang: Some(AttrValue::from(lang)),
                        embedded: true,
                    };
                    std::fs::write(out.join(format!("{id}.{name}.{lang}.html")), render(&rt, props))?;
                    written += 1;
                }
            }
        }
        eprintln!("playground-poster: {written} posters in {}", out.display());
        Ok(())
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::poster::*;

    #[test]
    fn controls_are_quiet() {
        assert_eq!(
            quiet_controls(r#"<button class="x">Play</button><input type="checkbox"><select>"#),
            r#"<button disabled class="x">Play</button><input disabled type="checkbox"><select disabled>"#
        );
    }
}
