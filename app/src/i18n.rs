//! The app's own texts (shell, sign-in, home, errors and refusals) and formatting, Vietnamese
//! first.
//!
//! [`Msgs`] is a [`Texts`] table like every feature's (`queue::i18n`, `civil::i18n`, …): `VI`
//! and `EN` are both complete values of the struct, so a missing translation or a misspelt key
//! is a compile error, and each is read with `tr`/`texts` or the feature's shortcut. No ICU data
//! is shipped to the browser, which keeps the first page small on slow phones.

use crate::evaluation::i18n::EMsgs;
use crate::kernel::conflict::{CivilConflict, Conflict};
use crate::kernel::person::Sex;
use crate::kernel::time::vn_offset;
use crate::kernel::{
    conflict::Refusal,
    error::{AppError, FieldError, Reason},
};
use crate::queue::i18n::QMsgs;
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use leptos::prelude::*;

pub use crate::kernel::locale::{LOCALE_COOKIE, Locale, Texts, texts, tr, use_locale};

impl Locale {
    pub fn msgs(self) -> &'static Msgs {
        match self {
            Self::Vi => &VI,
            Self::En => &EN,
        }
    }
}

impl Texts for Msgs {
    fn of(locale: Locale) -> &'static Self {
        locale.msgs()
    }
}

/// One of the app's own texts: `t(|m| m.login_title)`.
pub fn t(f: fn(&'static Msgs) -> &'static str) -> impl Fn() -> &'static str + Copy + Send + Sync {
    tr(f)
}

/// The messages of the current locale, read reactively.
pub fn msgs() -> &'static Msgs {
    use_locale().get().msgs()
}

/// `dd/MM/yyyy HH:mm` in Asia/Ho_Chi_Minh. Formatted by hand: chrono's strftime engine would
/// add tens of kilobytes to the wasm.
pub fn format_datetime(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&vn_offset()).naive_local();
    format!("{} {:02}:{:02}", format_date(local.date()), local.hour(), local.minute())
}

/// `dd/MM/yyyy`.
pub fn format_date(d: NaiveDate) -> String {
    format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
}

/// `1.250.000 ₫`: dots group thousands in Vietnamese.
pub fn format_vnd(dong: i64) -> String {
    let digits = dong.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("{}{} ₫", if dong < 0 { "-" } else { "" }, out)
}

pub struct Msgs {
    pub lang_name: &'static str,
    pub switch_to: &'static str,
    pub app_name: &'static str,
    pub tagline: &'static str,
    pub skip_to_content: &'static str,
    pub nav_home: &'static str,
    pub nav_procedures: &'static str,
    pub nav_login: &'static str,
    pub nav_logout: &'static str,
    pub loading: &'static str,
    pub offline_banner: &'static str,

    pub login_staff_title: &'static str,
    pub login_staff_intro: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub login_submit: &'static str,
    pub login_citizen_title: &'static str,
    pub login_citizen_intro: &'static str,
    pub phone: &'static str,
    pub phone_hint: &'static str,
    pub request_code: &'static str,
    pub code: &'static str,
    pub code_hint: &'static str,
    pub code_sent: &'static str,
    pub verify_code: &'static str,
    pub use_other_phone: &'static str,
    pub login_as_staff: &'static str,
    pub login_as_citizen: &'static str,

    pub err_required: &'static str,
    pub err_too_long: fn(u16) -> String,
    pub err_too_short: fn(u16) -> String,
    pub err_invalid: &'static str,
    pub err_bad_credentials: &'static str,
    pub err_bad_code: &'static str,
    pub err_throttled: fn(u32) -> String,
    pub err_not_found: &'static str,
    pub err_unauthorized: &'static str,
    pub err_forbidden: &'static str,
    pub err_internal: fn(&str) -> String,
    pub err_transport: &'static str,
    pub err_too_large: &'static str,
    pub err_calendar_duplicate: &'static str,

    pub role_citizen: &'static str,
    pub role_collector: &'static str,
    pub role_health_facility: &'static str,
    pub role_civil_status_official: &'static str,
    pub role_commune_chairman: &'static str,
    pub role_counter_officer: &'static str,
    pub role_hotline_agent: &'static str,
    pub role_agency_admin: &'static str,
    pub role_province_admin: &'static str,

    pub hello: &'static str,
    pub your_role: &'static str,
    pub your_agency: &'static str,
    pub your_jurisdiction: &'static str,
    pub whole_province: &'static str,
    pub home_guest_title: &'static str,
    pub home_guest_body: &'static str,
    pub home_citizen_title: &'static str,
    pub home_citizen_body: &'static str,
    pub home_collector_title: &'static str,
    pub home_collector_body: &'static str,
    pub home_official_title: &'static str,
    pub home_official_body: &'static str,
    pub home_counter_title: &'static str,
    pub home_counter_body: &'static str,
    pub home_manager_title: &'static str,
    pub home_manager_body: &'static str,
    pub home_hotline_title: &'static str,
    pub home_hotline_body: &'static str,
    pub home_facility_title: &'static str,
    pub home_facility_body: &'static str,
    pub open_commune: &'static str,
    pub open_calendar: &'static str,
    pub open_audit: &'static str,
    pub open_procedures: &'static str,
    pub open_api_docs: &'static str,
    pub open_civil_queue: &'static str,
    pub open_new_dossier: &'static str,
    pub open_sent_births: &'static str,
    pub open_facility_keys: &'static str,
    pub open_track: &'static str,
    pub open_visit: &'static str,
    pub open_letters: &'static str,
    pub open_field_tasks: &'static str,
    pub open_letter_templates: &'static str,

    pub commune_title: &'static str,
    pub agencies: &'static str,
    pub offices: &'static str,
    pub counters: &'static str,
    pub staff: &'static str,
    pub former_communes: &'static str,
    pub address: &'static str,

    pub procedures_title: &'static str,
    pub search: &'static str,
    pub search_placeholder: &'static str,
    pub procedure_code: &'static str,
    pub field_of_work: &'static str,
    pub processing_time: &'static str,
    pub working_days: fn(i16) -> String,
    pub same_day: &'static str,
    pub fee: &'static str,
    pub free: &'static str,
    pub required_documents: &'static str,
    pub no_results: &'static str,

    pub calendar_title: &'static str,
    pub calendar_intro: &'static str,
    pub date: &'static str,
    pub kind: &'static str,
    pub kind_holiday: &'static str,
    pub kind_working: &'static str,
    pub name: &'static str,
    pub name_english: &'static str,
    pub legal_basis: &'static str,
    pub add: &'static str,
    pub remove: &'static str,
    pub saved: &'static str,
    pub year: &'static str,
    pub working_days_in_year: fn(i32, i64) -> String,

    pub audit_title: &'static str,
    pub when: &'static str,
    pub who: &'static str,
    pub action: &'static str,
    pub record: &'static str,
    pub from_where: &'static str,

    pub dev_inbox_title: &'static str,
    pub dev_inbox_intro: &'static str,
    pub channel: &'static str,
    pub recipient: &'static str,
    pub message: &'static str,

    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub go_home: &'static str,
    pub error_title: &'static str,
    /// Which locale these texts are: the features' tables of the same language.
    pub locale: Locale,
    /// Civil-registration rules about the people on a dossier.
    pub refusal: fn(Refusal) -> &'static str,
    /// Refusals of civil-registration dossiers.
    pub civil_conflict: fn(CivilConflict) -> &'static str,
    /// Why an input was refused.
    pub reason: fn(Reason) -> &'static str,
}

impl Msgs {
    pub fn field_error(&self, e: FieldError) -> String {
        match e {
            FieldError::Required => self.err_required.to_owned(),
            FieldError::TooLong { max } => (self.err_too_long)(max),
            FieldError::TooShort { min } => (self.err_too_short)(min),
            FieldError::Invalid => self.err_invalid.to_owned(),
            FieldError::Rule(r) => (self.refusal)(r).to_owned(),
            FieldError::Because(r) => (self.reason)(r).to_owned(),
        }
    }

    pub fn app_error(&self, e: &AppError) -> String {
        match e {
            AppError::Validation(_) => self.err_invalid.to_owned(),
            AppError::BadCredentials => self.err_bad_credentials.to_owned(),
            AppError::Throttled(s) => (self.err_throttled)(*s),
            AppError::NotFound => self.err_not_found.to_owned(),
            AppError::Unauthorized => self.err_unauthorized.to_owned(),
            AppError::Forbidden => self.err_forbidden.to_owned(),
            AppError::Conflict(c) => self.conflict(*c).to_owned(),
            AppError::Internal(id) => (self.err_internal)(&id.to_string()),
            AppError::TooLarge => self.err_too_large.to_owned(),
            AppError::Transport(_) => self.err_transport.to_owned(),
        }
    }

    /// Every rule's refusal has its text in every language: the matches are exhaustive.
    pub fn conflict(&self, c: Conflict) -> &'static str {
        match c {
            Conflict::Queue(c) => QMsgs::of(self.locale).conflict(c),
            Conflict::Evaluation(c) => EMsgs::of(self.locale).conflict(c),
            Conflict::Civil(c) => (self.civil_conflict)(c),
            Conflict::Hotline(c) => crate::hotline::i18n::HMsgs::of(self.locale).conflict(c),
            Conflict::Refused(r) => (self.refusal)(r),
            Conflict::BadCode => self.err_bad_code,
            Conflict::CalendarDuplicate => self.err_calendar_duplicate,
        }
    }
}

pub static VI: Msgs = Msgs {
    lang_name: "Tiếng Việt",
    switch_to: "English",
    app_name: "Phục vụ",
    tagline: "Hành chính công chủ động, phục vụ người dân",
    skip_to_content: "Bỏ qua đến nội dung chính",
    nav_home: "Trang chủ",
    nav_procedures: "Thủ tục",
    nav_login: "Đăng nhập",
    nav_logout: "Đăng xuất",
    loading: "Đang tải…",
    offline_banner: "Bạn đang ngoại tuyến. Một số chức năng tạm thời không dùng được.",

    login_staff_title: "Đăng nhập cán bộ",
    login_staff_intro: "Dành cho cán bộ, công chức, cộng tác viên và cơ sở y tế.",
    username: "Tên đăng nhập",
    password: "Mật khẩu",
    login_submit: "Đăng nhập",
    login_citizen_title: "Đăng nhập người dân",
    login_citizen_intro: "Nhập số điện thoại, chúng tôi sẽ gửi mã xác thực một lần.",
    phone: "Số điện thoại",
    phone_hint: "Ví dụ: 0905 123 456",
    request_code: "Gửi mã xác thực",
    code: "Mã xác thực",
    code_hint: "6 chữ số, có hiệu lực trong 5 phút",
    code_sent: "Đã gửi mã xác thực đến số điện thoại của bạn.",
    verify_code: "Xác nhận",
    use_other_phone: "Dùng số điện thoại khác",
    login_as_staff: "Cán bộ đăng nhập tại đây",
    login_as_citizen: "Người dân đăng nhập bằng số điện thoại",

    err_required: "Vui lòng nhập thông tin này.",
    err_too_long: |n| format!("Tối đa {n} ký tự."),
    err_too_short: |n| format!("Tối thiểu {n} ký tự."),
    err_invalid: "Thông tin chưa hợp lệ.",
    err_bad_credentials: "Tên đăng nhập hoặc mật khẩu không đúng.",
    err_bad_code: "Mã xác thực không đúng hoặc đã hết hạn.",
    err_throttled: |s| format!("Bạn đã thử quá nhiều lần. Vui lòng thử lại sau {} phút.", s.div_ceil(60)),
    err_not_found: "Không tìm thấy nội dung yêu cầu.",
    err_unauthorized: "Vui lòng đăng nhập để tiếp tục.",
    err_forbidden: "Bạn không có quyền xem hoặc thay đổi dữ liệu này.",
    err_internal: |id| format!("Hệ thống gặp sự cố. Vui lòng thử lại sau. Mã lỗi: {id}"),
    err_transport: "Không kết nối được máy chủ. Vui lòng kiểm tra mạng và thử lại.",
    err_too_large: "Dữ liệu gửi lên quá lớn. Vui lòng rút gọn nội dung hoặc gửi ảnh nhỏ hơn.",
    err_calendar_duplicate: "Ngày này đã có trong lịch.",

    role_citizen: "Người dân",
    role_collector: "Cộng tác viên Hội LHPN",
    role_health_facility: "Cơ sở y tế",
    role_civil_status_official: "Công chức Tư pháp – Hộ tịch",
    role_commune_chairman: "Chủ tịch UBND xã",
    role_counter_officer: "Cán bộ Một cửa",
    role_hotline_agent: "Tổng đài viên",
    role_agency_admin: "Quản trị cơ quan",
    role_province_admin: "Quản trị cấp tỉnh",

    hello: "Xin chào",
    your_role: "Vai trò",
    your_agency: "Cơ quan",
    your_jurisdiction: "Địa bàn",
    whole_province: "Toàn tỉnh",
    home_guest_title: "Dịch vụ công gần hơn với người dân",
    home_guest_body: "Đặt lịch làm thủ tục, theo dõi số thứ tự, đánh giá sự phục vụ, và đăng ký khai sinh, kết hôn, khai tử ngay tại nhà.",
    home_citizen_title: "Việc của bạn",
    home_citizen_body: "Tra cứu thủ tục hành chính, chuẩn bị giấy tờ trước khi đến Bộ phận Một cửa.",
    home_collector_title: "Công việc thực địa",
    home_collector_body: "Thông tin địa bàn xã bạn phụ trách.",
    home_official_title: "Hồ sơ hộ tịch của xã",
    home_official_body: "Thông tin cơ quan, Bộ phận Một cửa và cán bộ của xã.",
    home_counter_title: "Quầy tiếp nhận",
    home_counter_body: "Các quầy và thủ tục của Bộ phận Một cửa.",
    home_manager_title: "Quản lý",
    home_manager_body: "Lịch làm việc, nhật ký thao tác và danh mục thủ tục.",
    home_hotline_title: "Tổng đài hỗ trợ",
    home_hotline_body: "Tra cứu nhanh thủ tục để hướng dẫn người gọi.",
    home_facility_title: "Kết nối cơ sở y tế",
    home_facility_body: "Gửi thông báo sinh qua API tích hợp.",
    open_commune: "Thông tin xã",
    open_calendar: "Lịch ngày làm việc",
    open_audit: "Nhật ký thao tác",
    open_procedures: "Danh mục thủ tục",
    open_api_docs: "Tài liệu API",
    open_civil_queue: "Hồ sơ hộ tịch",
    open_new_dossier: "Tiếp nhận hồ sơ hộ tịch",
    open_sent_births: "Thông báo sinh đã gửi",
    open_facility_keys: "Khóa API cơ sở y tế",
    open_track: "Tra cứu hồ sơ hộ tịch",
    open_visit: "Đề nghị đến nhà hỗ trợ đăng ký",
    open_letters: "Ký thư chúc mừng, chia buồn",
    open_field_tasks: "Việc đến nhà",
    open_letter_templates: "Mẫu thư chúc mừng, chia buồn",

    commune_title: "Thông tin xã",
    agencies: "Cơ quan",
    offices: "Nơi tiếp nhận",
    counters: "Quầy",
    staff: "Cán bộ",
    former_communes: "Xã, phường cũ (trước 01/7/2025)",
    address: "Địa chỉ",

    procedures_title: "Thủ tục hành chính",
    search: "Tìm",
    search_placeholder: "Ví dụ: khai sinh",
    procedure_code: "Mã thủ tục",
    field_of_work: "Lĩnh vực",
    processing_time: "Thời hạn giải quyết",
    working_days: |n| format!("{n} ngày làm việc"),
    same_day: "Trong ngày",
    fee: "Lệ phí",
    free: "Miễn phí",
    required_documents: "Thành phần hồ sơ",
    no_results: "Không có kết quả.",

    calendar_title: "Lịch ngày làm việc",
    calendar_intro: "Ngày nghỉ lễ, Tết và ngày làm bù. Thời hạn giải quyết hồ sơ và lịch hẹn tính theo lịch này.",
    date: "Ngày",
    kind: "Loại",
    kind_holiday: "Nghỉ lễ, Tết",
    kind_working: "Làm việc bù",
    name: "Tên",
    name_english: "Tên tiếng Anh",
    legal_basis: "Căn cứ",
    add: "Thêm",
    remove: "Xóa",
    saved: "Đã lưu.",
    year: "Năm",
    working_days_in_year: |y, n| format!("Năm {y} có {n} ngày làm việc."),

    audit_title: "Nhật ký thao tác",
    when: "Thời điểm",
    who: "Người thực hiện",
    action: "Thao tác",
    record: "Bản ghi",
    from_where: "Từ địa chỉ",

    dev_inbox_title: "Hộp thư thử nghiệm",
    dev_inbox_intro: "Tin nhắn SMS, Zalo, email mà hệ thống đã gửi qua bộ chuyển tiếp nội bộ (chỉ có ở môi trường phát triển).",
    channel: "Kênh",
    recipient: "Người nhận",
    message: "Nội dung",

    not_found_title: "Không tìm thấy trang",
    not_found_body: "Trang bạn tìm không tồn tại hoặc đã được chuyển đi.",
    go_home: "Về trang chủ",
    error_title: "Đã xảy ra lỗi",
    locale: Locale::Vi,
    refusal: |r| match r {
        Refusal::BirthInFuture => "Ngày sinh không thể sau ngày hôm nay.",
        Refusal::DeathInFuture => "Ngày chết không thể sau ngày hôm nay.",
        Refusal::DeathBeforeBirth => "Ngày chết không thể trước ngày sinh.",
        Refusal::AlreadyDead => "Người này đã được đăng ký khai tử.",
        Refusal::UnderAge(Sex::Male) => "Bên nam chưa đủ 20 tuổi (Luật Hôn nhân và gia đình, Điều 8).",
        Refusal::UnderAge(Sex::Female) => "Bên nữ chưa đủ 18 tuổi (Luật Hôn nhân và gia đình, Điều 8).",
        Refusal::AlreadyMarried(Sex::Male) => "Theo Cơ sở dữ liệu dân cư, bên nam đang có vợ.",
        Refusal::AlreadyMarried(Sex::Female) => "Theo Cơ sở dữ liệu dân cư, bên nữ đang có chồng.",
        Refusal::NotResident => "Không bên nào cư trú tại xã/phường này: hồ sơ thuộc UBND nơi cư trú của một bên.",
        Refusal::SameSex => "Hai bên cùng giới tính: pháp luật chỉ đăng ký kết hôn giữa nam và nữ.",
        Refusal::PersonUnknown => "Không tìm thấy số định danh này trong Cơ sở dữ liệu dân cư.",
        Refusal::WrongSex => "Giới tính của người này không khớp với vị trí trong tờ khai.",
    },
    civil_conflict: |c| match c {
        CivilConflict::DossierRefused => "Hồ sơ chưa đủ điều kiện đăng ký.",
        CivilConflict::MotherUnknown => "Không tìm thấy người mẹ trong Cơ sở dữ liệu dân cư.",
        CivilConflict::CertificateOtherFacility => "Mã giấy chứng sinh này đã được cơ sở y tế khác gửi.",
        CivilConflict::NotAHealthFacility => "Cơ quan này không phải cơ sở y tế.",
        CivilConflict::DossierWrongState => "Hồ sơ đang ở bước khác: tải lại trang để xem trạng thái mới nhất.",
        CivilConflict::DuplicateUnchecked => {
            "Hồ sơ trùng chưa được đối chiếu: xem so sánh bên dưới và xác nhận trước khi đăng ký."
        }
        CivilConflict::AlreadyRegistered => "Người này đã có trong Cơ sở dữ liệu dân cư (đã được đăng ký).",
        CivilConflict::ChildNameMissing => "Chưa có họ tên của trẻ: hoàn thiện tờ khai trước khi đăng ký.",
        CivilConflict::TaskTaken => "Việc này đã có người khác nhận hoặc đã xong: tải lại danh sách.",
    },
    reason: |c| match c {
        Reason::BadCharacters => "Có ký tự không hợp lệ (ký tự điều khiển hoặc sai bảng mã): hãy gõ lại.",
        Reason::Markup => "Không được chứa các ký tự < > { } \\ hoặc mã HTML.",
        Reason::IdFormat => "Số định danh cá nhân gồm đúng 12 chữ số.",
        Reason::IdProvince => "Ba chữ số đầu không phải mã tỉnh/thành phố nào: kiểm tra lại số định danh.",
        Reason::IdFutureYear => "Năm sinh ghi trong số định danh (chữ số thứ 4 đến 6) ở tương lai: kiểm tra lại.",
        Reason::DateOutOfRange => "Ngày không có thật hoặc nằm ngoài khoảng 1900–2100.",
        Reason::DateInFuture => "Ngày này không thể sau hôm nay.",
        Reason::ParentAge => {
            "Ngày sinh của trẻ không phù hợp với tuổi của người mẹ (trẻ sinh trước mẹ, hoặc mẹ dưới 10 hay trên 70 tuổi)."
        }
        Reason::TooComplex => "Mẫu quá phức tạp để in (vòng lặp quá lớn): hãy rút gọn.",
        Reason::OutsideCommune => {
            "Người này không cư trú tại xã/phường của bạn: thông tin chỉ được tra khi tiếp nhận hồ sơ có người này."
        }
    },
};

pub static EN: Msgs = Msgs {
    lang_name: "English",
    switch_to: "Tiếng Việt",
    app_name: "Phục vụ",
    tagline: "Proactive public administration at people's service",
    skip_to_content: "Skip to main content",
    nav_home: "Home",
    nav_procedures: "Procedures",
    nav_login: "Log in",
    nav_logout: "Log out",
    loading: "Loading…",
    offline_banner: "You are offline. Some functions are unavailable for now.",

    login_staff_title: "Staff login",
    login_staff_intro: "For officials, Women's Union collectors and health facilities.",
    username: "Username",
    password: "Password",
    login_submit: "Log in",
    login_citizen_title: "Citizen login",
    login_citizen_intro: "Enter your phone number and we will send you a one-time code.",
    phone: "Phone number",
    phone_hint: "For example: 0905 123 456",
    request_code: "Send code",
    code: "One-time code",
    code_hint: "6 digits, valid for 5 minutes",
    code_sent: "A code has been sent to your phone.",
    verify_code: "Confirm",
    use_other_phone: "Use another phone number",
    login_as_staff: "Staff log in here",
    login_as_citizen: "Citizens log in with a phone number",

    err_required: "Please fill in this field.",
    err_too_long: |n| format!("At most {n} characters."),
    err_too_short: |n| format!("At least {n} characters."),
    err_invalid: "This value is not valid.",
    err_bad_credentials: "Wrong username or password.",
    err_bad_code: "The code is wrong or has expired.",
    err_throttled: |s| format!("Too many attempts. Please try again in {} minutes.", s.div_ceil(60)),
    err_not_found: "We could not find what you asked for.",
    err_unauthorized: "Please log in to continue.",
    err_forbidden: "You are not allowed to see or change this data.",
    err_internal: |id| format!("Something went wrong on our side. Please try again later. Error id: {id}"),
    err_transport: "Could not reach the server. Please check your connection and try again.",
    err_too_large: "What you sent is too large. Please shorten it or send a smaller photo.",
    err_calendar_duplicate: "This date is already in the calendar.",

    role_citizen: "Citizen",
    role_collector: "Women's Union collector",
    role_health_facility: "Health facility",
    role_civil_status_official: "Civil-status official",
    role_commune_chairman: "Commune chairman",
    role_counter_officer: "One-stop counter officer",
    role_hotline_agent: "Hotline agent",
    role_agency_admin: "Agency administrator",
    role_province_admin: "Province administrator",

    hello: "Hello",
    your_role: "Role",
    your_agency: "Agency",
    your_jurisdiction: "Jurisdiction",
    whole_province: "Whole province",
    home_guest_title: "Public services closer to people",
    home_guest_body: "Book a time for a procedure, follow your queue number, rate the service, and register births, marriages and deaths at home.",
    home_citizen_title: "Your tasks",
    home_citizen_body: "Look up administrative procedures and prepare your papers before visiting the one-stop office.",
    home_collector_title: "Field work",
    home_collector_body: "Information about the commune you serve.",
    home_official_title: "The commune's civil registration",
    home_official_body: "The commune's agency, one-stop office and staff.",
    home_counter_title: "Reception counters",
    home_counter_body: "The one-stop office's counters and procedures.",
    home_manager_title: "Management",
    home_manager_body: "Working-day calendar, audit log and the procedure catalogue.",
    home_hotline_title: "Hotline",
    home_hotline_body: "Look up procedures quickly to guide callers.",
    home_facility_title: "Health facility integration",
    home_facility_body: "Send birth notifications through the integration API.",
    open_commune: "Commune information",
    open_calendar: "Working-day calendar",
    open_audit: "Audit log",
    open_procedures: "Procedure catalogue",
    open_api_docs: "API documentation",
    open_civil_queue: "Civil-status dossiers",
    open_new_dossier: "Receive a civil-status dossier",
    open_sent_births: "Birth notifications sent",
    open_facility_keys: "Health facilities' API keys",
    open_track: "Follow a civil-status dossier",
    open_visit: "Ask for a home visit",
    open_letters: "Sign letters of congratulation and condolence",
    open_field_tasks: "Home visits",
    open_letter_templates: "Letter templates",

    commune_title: "Commune information",
    agencies: "Agencies",
    offices: "Offices",
    counters: "Counters",
    staff: "Staff",
    former_communes: "Former communes (before 1 July 2025)",
    address: "Address",

    procedures_title: "Administrative procedures",
    search: "Search",
    search_placeholder: "For example: birth",
    procedure_code: "Procedure code",
    field_of_work: "Field",
    processing_time: "Processing time",
    working_days: |n| format!("{n} working days"),
    same_day: "Same day",
    fee: "Fee",
    free: "Free",
    required_documents: "Required documents",
    no_results: "No results.",

    calendar_title: "Working-day calendar",
    calendar_intro: "Public holidays, Tết and make-up working days. Due dates and bookings are computed from this calendar.",
    date: "Date",
    kind: "Kind",
    kind_holiday: "Holiday",
    kind_working: "Make-up working day",
    name: "Name",
    name_english: "English name",
    legal_basis: "Legal basis",
    add: "Add",
    remove: "Remove",
    saved: "Saved.",
    year: "Year",
    working_days_in_year: |y, n| format!("{y} has {n} working days."),

    audit_title: "Audit log",
    when: "When",
    who: "Who",
    action: "Action",
    record: "Record",
    from_where: "From",

    dev_inbox_title: "Developer inbox",
    dev_inbox_intro: "SMS, Zalo and email messages the system sent through the local adapter (development only).",
    channel: "Channel",
    recipient: "Recipient",
    message: "Message",

    not_found_title: "Page not found",
    not_found_body: "The page you are looking for does not exist or has moved.",
    go_home: "Go to the home page",
    error_title: "Something went wrong",
    locale: Locale::En,
    refusal: |r| match r {
        Refusal::BirthInFuture => "The date of birth cannot be after today.",
        Refusal::DeathInFuture => "The date of death cannot be after today.",
        Refusal::DeathBeforeBirth => "The date of death cannot be before the date of birth.",
        Refusal::AlreadyDead => "This person's death has already been registered.",
        Refusal::UnderAge(Sex::Male) => "The man is under 20 (Law on Marriage and Family, Art. 8).",
        Refusal::UnderAge(Sex::Female) => "The woman is under 18 (Law on Marriage and Family, Art. 8).",
        Refusal::AlreadyMarried(Sex::Male) => "According to the population database the man is already married.",
        Refusal::AlreadyMarried(Sex::Female) => "According to the population database the woman is already married.",
        Refusal::NotResident => {
            "Neither party lives in this commune: the marriage belongs to the commune where one of them lives."
        }
        Refusal::SameSex => "Both parties have the same sex: the law registers marriages between a man and a woman.",
        Refusal::PersonUnknown => "This personal ID number is not in the population database.",
        Refusal::WrongSex => "This person's sex does not match their place on the form.",
    },
    civil_conflict: |c| match c {
        CivilConflict::DossierRefused => "The dossier does not meet the conditions for registration.",
        CivilConflict::MotherUnknown => "The mother was not found in the population database.",
        CivilConflict::CertificateOtherFacility => "This birth certificate code was sent by another facility.",
        CivilConflict::NotAHealthFacility => "This agency is not a health facility.",
        CivilConflict::DossierWrongState => "The dossier is at another step: reload the page to see its latest state.",
        CivilConflict::DuplicateUnchecked => {
            "A possible duplicate has not been compared: see the comparison below and confirm before registering."
        }
        CivilConflict::AlreadyRegistered => "This person is already in the population database (already registered).",
        CivilConflict::ChildNameMissing => "The child's name is missing: complete the form before registering.",
        CivilConflict::TaskTaken => "Someone else took this visit or it is done: reload the list.",
    },
    reason: |c| match c {
        Reason::BadCharacters => {
            "Contains characters that are not allowed (control characters or a broken encoding): please type it again."
        }
        Reason::Markup => "Must not contain < > { } \\ or HTML.",
        Reason::IdFormat => "A personal identity number has exactly 12 digits.",
        Reason::IdProvince => "The first three digits are no province's code: please check the number.",
        Reason::IdFutureYear => "The birth year in the number (digits 4 to 6) is in the future: please check it.",
        Reason::DateOutOfRange => "Not a real date, or outside 1900–2100.",
        Reason::DateInFuture => "This date cannot be after today.",
        Reason::ParentAge => {
            "The child's birth date does not fit the mother's age (born before her, or she would be under 10 or over 70)."
        }
        Reason::TooComplex => "The template is too complex to print (loops too large): please simplify it.",
        Reason::OutsideCommune => {
            "This person does not live in your commune: their data is only looked up when a dossier naming them is received."
        }
    },
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queue_conflict_reads_the_same_from_the_root_texts() {
        assert_eq!(
            VI.app_error(&AppError::from(crate::kernel::conflict::QueueConflict::SlotFull)),
            crate::queue::i18n::VI.conflict(crate::kernel::conflict::QueueConflict::SlotFull)
        );
    }

    #[test]
    fn the_cookie_wins_over_accept_language() {
        assert_eq!(Locale::resolve(Some("a=b; lang=en"), Some("vi")), Locale::En);
    }

    #[test]
    fn accept_language_picks_the_preferred_supported_language() {
        assert_eq!(Locale::resolve(None, Some("fr-FR, en-US;q=0.8, vi;q=0.5")), Locale::En);
        assert_eq!(Locale::resolve(None, Some("vi-VN,vi;q=0.9,en;q=0.8")), Locale::Vi);
    }

    #[test]
    fn vietnamese_is_the_default() {
        assert_eq!(Locale::resolve(None, None), Locale::Vi);
        assert_eq!(Locale::resolve(Some("lang=xx"), Some("de")), Locale::Vi);
    }

    #[test]
    fn money_uses_dot_grouping_and_the_dong_sign() {
        assert_eq!(format_vnd(1_250_000), "1.250.000 ₫");
        assert_eq!(format_vnd(0), "0 ₫");
        assert_eq!(format_vnd(-15_000), "-15.000 ₫");
    }

    #[test]
    fn dates_are_day_month_year_with_leading_zeros() {
        assert_eq!(format_date(NaiveDate::from_ymd_opt(2026, 3, 4).unwrap()), "04/03/2026");
    }

    #[test]
    fn times_are_shown_in_ho_chi_minh_city_time() {
        let at = DateTime::parse_from_rfc3339("2026-01-31T17:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(format_datetime(at), "01/02/2026 00:30");
    }

    #[test]
    fn vietnamese_texts_are_nfc() {
        use unicode_normalization::UnicodeNormalization;
        for s in [VI.tagline, VI.role_civil_status_official, VI.home_guest_body] {
            assert_eq!(s.nfc().collect::<String>(), s);
        }
    }
}
