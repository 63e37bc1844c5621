//! Texts of the letters' pages (Vietnamese first, English); only the lazy civil chunk uses them.

use crate::kernel::locale::{Locale, Texts, tr};

#[derive(Debug)]
pub struct LMsgs {
    pub letters_title: &'static str,
    pub waiting: &'static str,
    pub signed: &'static str,
    pub none_waiting: &'static str,
    pub none_signed: &'static str,
    pub select_all: &'static str,
    pub sign_selected: &'static str,
    pub signed_n: fn(usize) -> String,
    pub pick_one: &'static str,
    pub read: &'static str,
    pub templates_title: &'static str,
    pub version_own: fn(i32) -> String,
    pub version_default: fn(i32) -> String,
    pub title: &'static str,
    pub body: &'static str,
    pub practical: &'static str,
    pub fields_help: &'static str,
    pub invalid_template: &'static str,
    pub save: &'static str,
    pub saved: fn(i32) -> String,
    pub kinds: [&'static str; 3],
    pub signed_by: &'static str,
    pub unsigned_note: &'static str,
}

impl Texts for LMsgs {
    fn of(locale: Locale) -> &'static Self {
        match locale {
            Locale::Vi => &VI,
            Locale::En => &EN,
        }
    }
}

/// One letter text of the current locale, read reactively.
pub fn lt(f: fn(&'static LMsgs) -> &'static str) -> impl Fn() -> &'static str + Copy + Send + Sync {
    tr(f)
}

pub static VI: LMsgs = LMsgs {
    letters_title: "Thư chúc mừng, chia buồn",
    waiting: "Chờ ký",
    signed: "Đã ký",
    none_waiting: "Không có thư nào chờ ký.",
    none_signed: "Chưa có thư nào được ký.",
    select_all: "Chọn tất cả",
    sign_selected: "Ký các thư đã chọn",
    signed_n: |n| format!("Đã ký {n} thư."),
    pick_one: "Chọn ít nhất một thư để ký.",
    read: "Đọc toàn văn",
    templates_title: "Mẫu thư của xã, phường",
    version_own: |v| format!("Mẫu riêng của xã, phường — phiên bản {v}"),
    version_default: |v| format!("Mẫu chung của tỉnh — phiên bản {v}"),
    title: "Tiêu đề",
    body: "Nội dung thư",
    practical: "Thông tin hữu ích kèm theo",
    fields_help: "Trường trộn: {{ child_name }}, {{ mother_name }}, {{ father_name }}, {{ wife_name }}, {{ husband_name }}, {{ deceased_name }}, {{ event_date }}, {{ personal_id }}, {{ commune }}, {{ chairman }}, {{ today }}. Dòng trống tách đoạn; {% if father_name %}…{% endif %} cho phần không bắt buộc.",
    invalid_template: "Mẫu có lỗi: kiểm tra tên trường trộn và cặp {% if %}…{% endif %}.",
    save: "Lưu phiên bản mới",
    saved: |v| format!("Đã lưu phiên bản {v}; các thư đã tạo giữ nguyên nội dung cũ."),
    kinds: ["Khai sinh: thư chúc mừng", "Kết hôn: thư chúc mừng", "Khai tử: thư chia buồn"],
    signed_by: "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
    unsigned_note: "Thư chưa được Chủ tịch ký.",
};

pub static EN: LMsgs = LMsgs {
    letters_title: "Letters of congratulation and condolence",
    waiting: "To sign",
    signed: "Signed",
    none_waiting: "No letters waiting for signature.",
    none_signed: "No letters signed yet.",
    select_all: "Select all",
    sign_selected: "Sign the selected letters",
    signed_n: |n| format!("{n} letters signed."),
    pick_one: "Select at least one letter to sign.",
    read: "Read in full",
    templates_title: "The commune's letter templates",
    version_own: |v| format!("The commune's own template — version {v}"),
    version_default: |v| format!("The province's default — version {v}"),
    title: "Title",
    body: "Letter",
    practical: "Practical information enclosed",
    fields_help: "Merge fields: {{ child_name }}, {{ mother_name }}, {{ father_name }}, {{ wife_name }}, {{ husband_name }}, {{ deceased_name }}, {{ event_date }}, {{ personal_id }}, {{ commune }}, {{ chairman }}, {{ today }}. A blank line separates paragraphs; {% if father_name %}…{% endif %} for optional parts.",
    invalid_template: "The template has an error: check the merge field names and {% if %}…{% endif %} pairs.",
    save: "Save a new version",
    saved: |v| format!("Version {v} saved; letters already made keep their text."),
    kinds: ["Birth: congratulations", "Marriage: congratulations", "Death: condolences"],
    signed_by: "ON BEHALF OF THE PEOPLE'S COMMITTEE\nCHAIRMAN",
    unsigned_note: "Not yet signed by the chairman.",
};
