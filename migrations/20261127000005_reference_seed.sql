-- Reference data every installation needs: the civil-status procedures with their legal limits,
-- a few common procedures, and the national working-day calendar.
-- National procedure codes are those of the national procedure database as remembered by the team:
-- verify them against the province's published catalogue before go-live (they are plain data).

insert into procedure (procedure_code, name, name_en, field, field_en, level, processing_days,
                       processing_days_verification, fee_vnd, fee_note, fee_note_en, legal_basis, bundle_of) values
('1.001193', 'Đăng ký khai sinh', 'Birth registration', 'Hộ tịch', 'Civil status', 'commune', 0, null, 0,
 'Miễn lệ phí khi đăng ký đúng hạn (60 ngày kể từ ngày sinh)', 'Free when registered within 60 days of birth',
 'Luật Hộ tịch 2014, Điều 13–17; Thông tư 04/2024/TT-BTP', '{}'),
('1.000894', 'Đăng ký kết hôn', 'Marriage registration', 'Hộ tịch', 'Civil status', 'commune', 0, 5, 0,
 'Miễn lệ phí cho công dân Việt Nam cư trú trong nước', 'Free for Vietnamese citizens residing in Vietnam',
 'Luật Hộ tịch 2014, Điều 17–18; Luật Hôn nhân và gia đình 2014, Điều 8', '{}'),
('1.000656', 'Đăng ký khai tử', 'Death registration', 'Hộ tịch', 'Civil status', 'commune', 0, 3, 0,
 'Miễn lệ phí khi đăng ký đúng hạn (15 ngày kể từ ngày chết)', 'Free when registered within 15 days of death',
 'Luật Hộ tịch 2014, Điều 32–34', '{}'),
('LT.KS-TT-BHYT', 'Liên thông: Đăng ký khai sinh – Đăng ký thường trú – Cấp thẻ BHYT cho trẻ em dưới 6 tuổi',
 'Bundle: birth registration – permanent residence – health insurance card for a child under 6',
 'Hộ tịch', 'Civil status', 'commune', 3, 5, 0, 'Không phát sinh thêm chi phí', 'No extra cost',
 'Nghị định 63/2024/NĐ-CP, Điều 5–7', '{1.001193}'),
('LT.KT-XTT-MT', 'Liên thông: Đăng ký khai tử – Xóa đăng ký thường trú – Giải quyết mai táng phí, tử tuất',
 'Bundle: death registration – removal of permanent residence – funeral allowance',
 'Hộ tịch', 'Civil status', 'commune', 9, 18, 0, 'Không phát sinh thêm chi phí', 'No extra cost',
 'Nghị định 63/2024/NĐ-CP, Điều 8–10', '{1.000656}'),
('1.004873', 'Cấp Giấy xác nhận tình trạng hôn nhân', 'Certificate of marital status', 'Hộ tịch', 'Civil status',
 'commune', 3, 23, 0, 'Theo nghị quyết của HĐND tỉnh', 'As set by the provincial council',
 'Luật Hộ tịch 2014; Nghị định 123/2015/NĐ-CP, Điều 21–23', '{}'),
('2.000815', 'Chứng thực bản sao từ bản chính', 'Certified copy from an original', 'Chứng thực', 'Certification',
 'commune', 0, null, 2000, '2.000 đồng/trang từ trang thứ ba 1.000 đồng/trang, tối đa 200.000 đồng/bản',
 '2,000 VND per page, 1,000 VND per page from the third page, at most 200,000 VND per copy',
 'Nghị định 23/2015/NĐ-CP; Thông tư 226/2016/TT-BTC', '{}'),
('1.004222', 'Đăng ký thường trú', 'Permanent residence registration', 'Cư trú', 'Residence', 'commune', 7, null,
 20000, '20.000 đồng; nộp trực tuyến 10.000 đồng', '20,000 VND; 10,000 VND when filed online',
 'Luật Cư trú 2020, Điều 22; Thông tư 75/2022/TT-BTC', '{}');

insert into procedure_document (procedure_code, position, name, name_en, copies, optional) values
('1.001193', 1, 'Tờ khai đăng ký khai sinh (theo mẫu)', 'Birth registration form', '01 bản chính', false),
('1.001193', 2, 'Giấy chứng sinh hoặc giấy tờ thay thế', 'Birth certificate from the health facility or a substitute', '01 bản chính', false),
('1.001193', 3, 'Văn bản ủy quyền (nếu nhờ người khác đăng ký)', 'Authorisation (if someone else registers)', '01 bản chính', true),
('1.000894', 1, 'Tờ khai đăng ký kết hôn (theo mẫu)', 'Marriage registration form', '01 bản chính', false),
('1.000894', 2, 'Giấy xác nhận tình trạng hôn nhân (nếu không đăng ký thường trú tại xã và chưa có trong cơ sở dữ liệu)', 'Certificate of marital status (if not resident in the commune and not in the databases)', '01 bản chính', true),
('1.000656', 1, 'Tờ khai đăng ký khai tử (theo mẫu)', 'Death registration form', '01 bản chính', false),
('1.000656', 2, 'Giấy báo tử hoặc giấy tờ thay thế', 'Death notice or a substitute', '01 bản chính', false),
('LT.KS-TT-BHYT', 1, 'Tờ khai điện tử liên thông (Mẫu số 01)', 'Electronic bundle form (Form 01)', 'bản điện tử', false),
('LT.KS-TT-BHYT', 2, 'Giấy chứng sinh điện tử do cơ sở y tế gửi hoặc giấy tờ thay thế', 'Electronic birth certificate sent by the health facility or a substitute', 'bản điện tử', false),
('LT.KT-XTT-MT', 1, 'Tờ khai điện tử liên thông (Mẫu số 02)', 'Electronic bundle form (Form 02)', 'bản điện tử', false),
('LT.KT-XTT-MT', 2, 'Giấy báo tử hoặc giấy tờ thay thế', 'Death notice or a substitute', 'bản điện tử', false),
('1.004873', 1, 'Tờ khai cấp Giấy xác nhận tình trạng hôn nhân (theo mẫu)', 'Application form', '01 bản chính', false),
('2.000815', 1, 'Bản chính giấy tờ cần chứng thực', 'The original document', '01 bản chính', false),
('2.000815', 2, 'Bản sao cần chứng thực', 'The copies to certify', 'theo nhu cầu', false),
('1.004222', 1, 'Tờ khai thay đổi thông tin cư trú (CT01)', 'Residence information form (CT01)', '01 bản chính', false),
('1.004222', 2, 'Giấy tờ chứng minh chỗ ở hợp pháp', 'Proof of lawful residence', '01 bản sao', false);

-- Saturday and Sunday off for public servants (Nghị định 44/2003 onwards; Bộ luật Lao động 2019, Điều 111).
insert into calendar_week_rule (effective_from, rest_weekdays, legal_basis) values
('1999-10-02', '{6,7}', 'Quyết định 188/1999/QĐ-TTg (tuần làm việc 40 giờ)');

-- Public holidays for public servants (Bộ luật Lao động 2019, Điều 112) with the days the Prime
-- Minister's yearly notice adds or swaps. 2027 Tết dates are provisional until the notice is out:
-- an administrator corrects them on the calendar page.
insert into calendar_day (day, kind, name, name_en, legal_basis) values
('2026-01-01', 'holiday', 'Tết Dương lịch', 'New Year''s Day', 'BLLĐ 2019, Điều 112'),
('2026-01-02', 'holiday', 'Nghỉ hoán đổi Tết Dương lịch', 'New Year swap day', 'Thông báo của Bộ Nội vụ'),
('2026-01-10', 'working', 'Làm bù ngày 02/01', 'Make-up day for 2 January', 'Thông báo của Bộ Nội vụ'),
('2026-02-16', 'holiday', 'Tết Nguyên đán', 'Lunar New Year (Tết)', 'BLLĐ 2019, Điều 112'),
('2026-02-17', 'holiday', 'Tết Nguyên đán', 'Lunar New Year (Tết)', 'BLLĐ 2019, Điều 112'),
('2026-02-18', 'holiday', 'Tết Nguyên đán', 'Lunar New Year (Tết)', 'BLLĐ 2019, Điều 112'),
('2026-02-19', 'holiday', 'Tết Nguyên đán', 'Lunar New Year (Tết)', 'BLLĐ 2019, Điều 112'),
('2026-02-20', 'holiday', 'Tết Nguyên đán', 'Lunar New Year (Tết)', 'BLLĐ 2019, Điều 112'),
('2026-04-27', 'holiday', 'Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch rơi vào Chủ nhật)', 'Hung Kings Day (observed)', 'BLLĐ 2019, Điều 112'),
('2026-04-30', 'holiday', 'Ngày Chiến thắng', 'Reunification Day', 'BLLĐ 2019, Điều 112'),
('2026-05-01', 'holiday', 'Quốc tế Lao động', 'International Labour Day', 'BLLĐ 2019, Điều 112'),
('2026-09-01', 'holiday', 'Quốc khánh', 'National Day', 'BLLĐ 2019, Điều 112'),
('2026-09-02', 'holiday', 'Quốc khánh', 'National Day', 'BLLĐ 2019, Điều 112'),
('2027-01-01', 'holiday', 'Tết Dương lịch', 'New Year''s Day', 'BLLĐ 2019, Điều 112'),
('2027-02-04', 'holiday', 'Tết Nguyên đán (dự kiến)', 'Lunar New Year (provisional)', 'BLLĐ 2019, Điều 112; chờ thông báo'),
('2027-02-05', 'holiday', 'Tết Nguyên đán (dự kiến)', 'Lunar New Year (provisional)', 'BLLĐ 2019, Điều 112; chờ thông báo'),
('2027-02-08', 'holiday', 'Tết Nguyên đán (dự kiến)', 'Lunar New Year (provisional)', 'BLLĐ 2019, Điều 112; chờ thông báo'),
('2027-02-09', 'holiday', 'Tết Nguyên đán (dự kiến)', 'Lunar New Year (provisional)', 'BLLĐ 2019, Điều 112; chờ thông báo'),
('2027-02-10', 'holiday', 'Tết Nguyên đán (dự kiến)', 'Lunar New Year (provisional)', 'BLLĐ 2019, Điều 112; chờ thông báo'),
('2027-04-16', 'holiday', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)', 'Hung Kings Commemoration Day', 'BLLĐ 2019, Điều 112'),
('2027-04-30', 'holiday', 'Ngày Chiến thắng', 'Reunification Day', 'BLLĐ 2019, Điều 112'),
('2027-05-03', 'holiday', 'Nghỉ bù Quốc tế Lao động (01/5 rơi vào thứ Bảy)', 'Labour Day (observed)', 'BLLĐ 2019, Điều 112'),
('2027-09-02', 'holiday', 'Quốc khánh', 'National Day', 'BLLĐ 2019, Điều 112'),
('2027-09-03', 'holiday', 'Quốc khánh', 'National Day', 'BLLĐ 2019, Điều 112');
