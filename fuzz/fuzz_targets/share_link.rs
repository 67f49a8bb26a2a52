//! Share links: the fragment as typed (any text), and any bytes as the deflated payload of a
//! well-formed link, so the inflater and the envelope parser see arbitrary data too.
#![no_main]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use broker_playground::core::share;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(e) = share::decode(text) {
            assert!(!e.to_string().contains('\n'), "error is not one line: {e}");
        }
    }
    let _ = share::decode(&URL_SAFE_NO_PAD.encode(data));
});
