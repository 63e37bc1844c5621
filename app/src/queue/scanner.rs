//! Camera QR scanner for the kiosk: a citizen shows the booking QR instead of typing the code.
//!
//! Decoding is plain Rust (`rqrr`) so it compiles everywhere, is unit tested natively, and runs
//! in the browser when it has no `BarcodeDetector` (desktop Chrome on Linux, Firefox, Safari < 17).

use crate::queue::i18n::QMsgs;
use leptos::{html::Video, prelude::*};

/// A text of the queue messages, picked in the current locale when shown.
type Text = fn(&'static crate::queue::i18n::QMsgs) -> &'static str;

/// Decodes the first readable QR code in an 8-bit greyscale image (0 = black, 255 = white).
/// `None` when nothing decodes or `luma` is not `width × height` bytes.
pub fn decode_luma(width: u32, height: u32, luma: &[u8]) -> Option<String> {
    let (w, h) = (usize::try_from(width).ok()?, usize::try_from(height).ok()?);
    if luma.is_empty() || w.checked_mul(h)? != luma.len() {
        return None;
    }
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| luma[y * w + x]);
    img.detect_grids().iter().find_map(|grid| grid.decode().ok()).map(|(_, text)| text)
}

/// RGBA pixels (as `getImageData` returns them) to luma with the ITU-R BT.601 weights
/// 0.299 / 0.587 / 0.114 in 16-bit fixed point (they sum to 65536, so white stays 255).
/// Alpha is ignored: camera frames are opaque.
pub fn rgba_to_luma(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .map(|p| {
            let y = 19595 * u32::from(p[0]) + 38470 * u32::from(p[1]) + 7471 * u32::from(p[2]);
            ((y + 32768) >> 16) as u8
        })
        .collect()
}

/// Everything the browser side needs; all handles are `Copy`, so closures just capture it.
#[derive(Clone, Copy)]
struct Scanner {
    video: NodeRef<Video>,
    scanning: RwSignal<bool>,
    status: RwSignal<Option<Text>>,
}

/// Reads a QR code with the device's (rear) camera and hands the text to `on_code`.
///
/// The camera stops after the first read, on the stop button and on unmount. The block stays
/// `hidden` until hydration because it cannot work without JavaScript; the page keeps its
/// typed-code form for that case. Camera errors and hints go to a `role="status"` region.
#[component]
pub fn QrScanner(
    /// Called once with the decoded text, after the camera has been stopped.
    on_code: Callback<String>,
) -> impl IntoView {
    let s = Scanner { video: NodeRef::new(), scanning: RwSignal::new(false), status: RwSignal::new(None) };
    let locale = crate::i18n::use_locale();
    let hydrated = RwSignal::new(false);
    // Effects run only in the browser, so the server HTML and the first client render agree.
    Effect::new(move |_| hydrated.set(true));
    on_cleanup(move || camera::stop(s));
    let toggle = move |_| if s.scanning.get_untracked() { camera::stop(s) } else { camera::start(s, on_code) };

    view! {
        <div class="scanner" hidden=move || !hydrated.get()>
            <video node_ref=s.video playsinline muted hidden=move || !s.scanning.get()></video>
            <button type="button" on:click=toggle>
                {move || {
                    let q = locale.get().texts::<QMsgs>();
                    if s.scanning.get() { q.scan_stop } else { q.scan_start }
                }}
            </button>
            <p class="scanner-status" role="status">{move || s.status.get().map(|t| t(locale.get().texts::<QMsgs>()))}</p>
        </div>
    }
}

/// On the server the scanner only renders its markup.
#[cfg(not(feature = "hydrate"))]
mod camera {
    pub(super) fn start(_: super::Scanner, _: leptos::prelude::Callback<String>) {}
    pub(super) fn stop(_: super::Scanner) {}
}

#[cfg(feature = "hydrate")]
mod camera {
    use super::{Scanner, decode_luma, rgba_to_luma};
    use js_sys::{Array, Function, Object, Promise, Reflect};
    use leptos::prelude::*;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{
        CanvasRenderingContext2d, ContextAttributes2d, HtmlCanvasElement, HtmlVideoElement, MediaStream,
        MediaStreamConstraints, MediaStreamTrack, MediaTrackConstraints,
    };

    /// Four reads a second feel instant and leave the tablet's CPU for the page.
    const FRAME_MS: i32 = 250;
    /// A QR held in front of the tablet is still ~100 px wide at this size, and rqrr stays fast.
    const MAX_WIDTH: u32 = 640;

    pub(super) fn start(s: Scanner, on_code: Callback<String>) {
        let Some(video) = s.video.get_untracked() else { return };
        s.scanning.set(true);
        s.status.set(Some(|q| q.scan_opening));
        leptos::task::spawn_local(async move {
            let stream = match open_camera().await {
                Ok(stream) => stream,
                Err(message) => {
                    s.scanning.set(false);
                    s.status.set(Some(message));
                    return;
                }
            };
            // Stopped or unmounted while the permission prompt was open, or an earlier start won.
            if s.scanning.try_get_untracked() != Some(true) || video.src_object().is_some() {
                stop_tracks(&stream);
                return;
            }
            video.set_src_object(Some(&stream));
            // The `muted` attribute does not set the property on elements created client-side,
            // and autoplay rules reject play() on unmuted video once the click is long past.
            video.set_muted(true);
            let playing = match video.play() {
                Ok(promise) => JsFuture::from(promise).await.is_ok(),
                Err(_) => false,
            };
            // Stop (or unmount) during play() rejects it too; that is not a camera error.
            if video.src_object().as_ref() != Some(&stream) {
                return;
            }
            if !playing {
                stop(s);
                s.status.set(Some(|q| q.scan_failed));
                return;
            }
            s.status.set(Some(|q| q.scan_hint));
            if let Some(text) = read_code(&video, &stream).await {
                stop(s);
                on_code.run(text);
            }
        });
    }

    /// Detaching the stream from the video is what ends `read_code`'s loop.
    pub(super) fn stop(s: Scanner) {
        s.scanning.set(false);
        s.status.set(None);
        if let Some(video) = s.video.try_get_untracked().flatten() {
            if let Some(stream) = video.src_object() {
                stop_tracks(&stream);
            }
            video.set_src_object(None);
        }
    }

    fn stop_tracks(stream: &MediaStream) {
        for track in stream.get_tracks().iter() {
            track.unchecked_into::<MediaStreamTrack>().stop();
        }
    }

    async fn open_camera() -> Result<MediaStream, super::Text> {
        let video = MediaTrackConstraints::new();
        // A preference, not a requirement: a kiosk with only a front or USB camera still works.
        video.set_facing_mode_str("environment");
        let constraints = MediaStreamConstraints::new();
        constraints.set_video_media_track_constraints(&video);
        // `mediaDevices` is undefined outside secure contexts; the call then throws a TypeError.
        let promise = window()
            .navigator()
            .media_devices()
            .and_then(|devices| devices.get_user_media_with_constraints(&constraints))
            .map_err(camera_error)?;
        let stream = JsFuture::from(promise).await.map_err(camera_error)?;
        Ok(stream.unchecked_into())
    }

    fn camera_error(error: JsValue) -> super::Text {
        let name = Reflect::get(&error, &"name".into()).ok().and_then(|n| n.as_string());
        match name.as_deref() {
            Some("NotAllowedError" | "SecurityError") => |q| q.scan_denied,
            Some("NotFoundError" | "OverconstrainedError") => |q| q.scan_no_camera,
            Some("NotReadableError" | "AbortError") => |q| q.scan_busy,
            _ => |q| q.scan_failed,
        }
    }

    /// Reads frames until a code is found, or `None` once the stream leaves the video (stop,
    /// unmount, a newer start).
    async fn read_code(video: &HtmlVideoElement, stream: &MediaStream) -> Option<String> {
        let mut detector = barcode_detector();
        let frames = Frames::new();
        let attached = || video.src_object().as_ref() == Some(stream);
        while attached() {
            // Width is 0 until the first frame has arrived.
            if video.video_width() > 0 {
                let found = match &detector {
                    Some(d) => detect(d, video).await,
                    None => Ok(frames.as_ref().and_then(|f| f.decode(video))),
                };
                let found = found.unwrap_or_else(|_| {
                    // Some desktop builds expose BarcodeDetector without a working backend.
                    detector = None;
                    None
                });
                if found.is_some() && attached() {
                    return found;
                }
            }
            sleep(FRAME_MS).await;
        }
        None
    }

    /// `new BarcodeDetector({formats: ["qr_code"]})` when the browser has it. Reflection because
    /// web-sys binds it only under `--cfg web_sys_unstable_apis`. The constructor throws when
    /// QR is not a supported format, which also lands on the rqrr path.
    fn barcode_detector() -> Option<JsValue> {
        let class: Function = Reflect::get(&js_sys::global(), &"BarcodeDetector".into()).ok()?.dyn_into().ok()?;
        let options = Object::new();
        Reflect::set(&options, &"formats".into(), &Array::of1(&"qr_code".into())).ok()?;
        Reflect::construct(&class, &Array::of1(&options)).ok()
    }

    /// `detector.detect(video)`, then the first result's `rawValue`.
    async fn detect(detector: &JsValue, video: &HtmlVideoElement) -> Result<Option<String>, JsValue> {
        let detect: Function = Reflect::get(detector, &"detect".into())?.dyn_into()?;
        let promise: Promise = detect.call1(detector, video)?.dyn_into()?;
        let codes: Array = JsFuture::from(promise).await?.dyn_into()?;
        Ok(codes.iter().find_map(|code| Reflect::get(&code, &"rawValue".into()).ok()?.as_string()))
    }

    /// A detached canvas the frames are drawn on for rqrr.
    struct Frames {
        canvas: HtmlCanvasElement,
        ctx: CanvasRenderingContext2d,
    }

    impl Frames {
        fn new() -> Option<Self> {
            let canvas: HtmlCanvasElement = document().create_element("canvas").ok()?.dyn_into().ok()?;
            // Keeps the bitmap in CPU memory: we read every frame back with getImageData.
            let options = ContextAttributes2d::new();
            options.set_will_read_frequently(true);
            let ctx = canvas.get_context_with_context_options("2d", &options).ok()??.dyn_into().ok()?;
            Some(Self { canvas, ctx })
        }

        fn decode(&self, video: &HtmlVideoElement) -> Option<String> {
            let (vw, vh) = (video.video_width(), video.video_height());
            let w = vw.min(MAX_WIDTH);
            let h = vh * w / vw;
            // Resizing reallocates the bitmap, so only when the camera resolution changes.
            if (self.canvas.width(), self.canvas.height()) != (w, h) {
                self.canvas.set_width(w);
                self.canvas.set_height(h);
            }
            let (fw, fh) = (f64::from(w), f64::from(h));
            self.ctx.draw_image_with_html_video_element_and_dw_and_dh(video, 0.0, 0.0, fw, fh).ok()?;
            let rgba = self.ctx.get_image_data(0.0, 0.0, fw, fh).ok()?.data();
            decode_luma(w, h, &rgba_to_luma(&rgba))
        }
    }

    async fn sleep(ms: i32) {
        let timeout = Promise::new(&mut |resolve, _| {
            let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        });
        let _ = JsFuture::from(timeout).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use qrcode::{Color, QrCode};

    /// Renders `text` as a QR: 4 px per module, the standard 4-module quiet zone.
    fn render(text: &str) -> (u32, Vec<u8>) {
        const SCALE: usize = 4;
        const QUIET: usize = 4;
        let code = QrCode::new(text).unwrap();
        let modules = code.to_colors();
        let n = code.width();
        let side = (n + 2 * QUIET) * SCALE;
        let mut luma = vec![255; side * side];
        for (i, _) in modules.iter().enumerate().filter(|(_, c)| **c == Color::Dark) {
            let (mx, my) = ((i % n + QUIET) * SCALE, (i / n + QUIET) * SCALE);
            for y in my..my + SCALE {
                luma[y * side + mx..y * side + mx + SCALE].fill(0);
            }
        }
        (side as u32, luma)
    }

    #[test]
    fn a_rendered_booking_code_decodes_to_its_text() {
        let (side, luma) = render("K7M2Q9XP");
        assert_eq!(decode_luma(side, side, &luma).as_deref(), Some("K7M2Q9XP"));
    }

    #[test]
    fn a_blank_image_has_no_code() {
        assert_eq!(decode_luma(320, 240, &vec![255; 320 * 240]), None);
    }

    #[test]
    fn a_buffer_of_the_wrong_size_is_rejected() {
        let (side, luma) = render("K7M2Q9XP");
        assert_eq!(decode_luma(side + 1, side, &luma), None);
    }

    #[test]
    fn luma_matches_bt601_rounded() {
        // White, black, red, green, blue: 0.299 × 255 = 76.2, 0.587 × 255 = 149.7, 0.114 × 255 = 29.1.
        let rgba = [255, 255, 255, 255, 0, 0, 0, 255, 255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255];
        assert_eq!(rgba_to_luma(&rgba), [255, 0, 76, 150, 29]);
    }
}
