-- The commune chairman's letters that go with each certificate (issue 6): congratulations on a
-- birth or a marriage, condolences on a death. Templates are versioned per commune, with the
-- province's default where a commune has none of its own; every registered dossier gets its letter
-- rendered from the template in force, and the chairman signs letters in a batch.

create table letter_template (
    template_id uuid primary key default gen_random_uuid(),
    -- Null: the province's default.
    commune_code text references commune,
    kind text not null constraint letter_template_kind check (kind in ('birth', 'marriage', 'death')),
    version integer not null constraint letter_template_version_positive check (version > 0),
    title text not null,
    body text not null,
    practical text not null,
    created_by uuid references app_user,
    created_at timestamptz not null default now()
);
create unique index letter_template_version_key on letter_template (coalesce(commune_code, ''), kind, version);

create table letter (
    letter_id uuid primary key default gen_random_uuid(),
    dossier_id uuid not null constraint letter_dossier_key unique references dossier,
    template_id uuid not null references letter_template,
    commune_code text not null references commune,
    -- Rendered once when the dossier is registered: a later template never changes a sent letter.
    title text not null,
    body text not null,
    practical text not null,
    status text not null default 'draft' constraint letter_status check (status in ('draft', 'signed')),
    signed_by uuid references app_user,
    signed_at timestamptz,
    created_at timestamptz not null default now(),
    constraint letter_signed check ((status = 'signed') = (signed_at is not null))
);
create index letter_commune_status_idx on letter (commune_code, status, created_at);

-- The province's defaults. Merge fields in {{ }}; blank lines separate paragraphs.
insert into letter_template (commune_code, kind, version, title, body, practical) values
(null, 'birth', 1, 'THƯ CHÚC MỪNG',
'Kính gửi gia đình chị {{ mother_name }}{% if father_name %} và anh {{ father_name }}{% endif %},

Thay mặt Ủy ban nhân dân {{ commune }}, tôi vui mừng chào đón cháu {{ child_name }}, chào đời ngày {{ event_date }}, trở thành công dân nhỏ tuổi nhất của địa phương. Xin gửi tới gia đình lời chúc mừng nồng nhiệt nhất: chúc mẹ tròn con vuông, chúc cháu luôn mạnh khỏe, hay ăn chóng lớn, là niềm vui và niềm tự hào của cả gia đình.

Cùng thư này, Ủy ban nhân dân trân trọng trao Giấy khai sinh của cháu{% if personal_id %}, mang số định danh cá nhân {{ personal_id }}{% endif %}.',
'Một vài việc gia đình cần lưu ý cho cháu:

- Tiêm chủng: tiêm vắc-xin viêm gan B trong 24 giờ đầu và lao (BCG) trong tháng đầu; lúc 2, 3 và 4 tháng tuổi tiêm vắc-xin phối hợp 5 trong 1 và uống vắc-xin bại liệt; lúc 9 tháng tuổi tiêm sởi. Lịch cụ thể xin hỏi Trạm y tế {{ commune }}.

- Bảo hiểm y tế: trẻ em dưới 6 tuổi được Nhà nước cấp thẻ BHYT miễn phí. Nếu gia đình chưa chọn thủ tục liên thông, xin mang Giấy khai sinh đến Bộ phận Một cửa để được cấp thẻ.

- Đăng ký thường trú cho cháu tại Công an xã, phường (nếu chưa làm cùng thủ tục liên thông).'),
(null, 'marriage', 1, 'THƯ CHÚC MỪNG',
'Kính gửi anh {{ husband_name }} và chị {{ wife_name }},

Thay mặt Ủy ban nhân dân {{ commune }}, tôi xin gửi tới hai bạn lời chúc mừng tốt đẹp nhất nhân ngày hai bạn chính thức trở thành vợ chồng, {{ event_date }}. Chúc hai bạn trăm năm hạnh phúc, luôn yêu thương, tôn trọng và cùng nhau xây dựng gia đình no ấm, bình đẳng, tiến bộ, hạnh phúc.

Cùng thư này, Ủy ban nhân dân trân trọng trao Giấy chứng nhận kết hôn của hai bạn.',
'Một vài thông tin hữu ích:

- Tình trạng hôn nhân của hai bạn đã được cập nhật vào Cơ sở dữ liệu quốc gia về dân cư; có thể kiểm tra trên ứng dụng VNeID.

- Trạm y tế {{ commune }} tư vấn miễn phí về sức khỏe sinh sản và chăm sóc thai kỳ.

- Khi em bé chào đời, bệnh viện sẽ thông báo cho xã; cộng tác viên sẽ đến tận nhà hỗ trợ đăng ký khai sinh (trong 60 ngày).'),
(null, 'death', 1, 'THƯ CHIA BUỒN',
'Kính gửi gia đình {{ deceased_name }},

Được tin {{ deceased_name }} đã từ trần ngày {{ event_date }}, thay mặt Ủy ban nhân dân {{ commune }}, tôi xin gửi tới gia đình lời chia buồn sâu sắc nhất. Mong gia đình sớm vượt qua nỗi đau mất mát này. Xin thành kính tiễn biệt người đã khuất.

Cùng thư này, Ủy ban nhân dân xin trao Trích lục khai tử để gia đình làm các thủ tục cần thiết.',
'Gia đình có thể cần:

- Trợ cấp mai táng: thân nhân của người đang hưởng lương hưu, trợ cấp bảo hiểm xã hội, người có công hoặc đối tượng bảo trợ xã hội được hỗ trợ chi phí mai táng. Nếu chưa làm cùng thủ tục liên thông, xin nộp hồ sơ tại Bộ phận Một cửa; thời hạn giải quyết không quá 8 ngày làm việc.

- Xóa đăng ký thường trú được thực hiện tại Công an xã, phường (nếu chưa làm cùng thủ tục liên thông).

- Chế độ tử tuất: xin liên hệ cơ quan Bảo hiểm xã hội để được hướng dẫn.');
