import { test, expect, devices, Browser, Page } from '@playwright/test';
import { hydrated, staffLogin } from './fixtures/accounts';
import { open, person, sql, tablet, vnDay } from './fixtures/civil';

// Civil registration on officials' tablets: a hospital's birth notification to a verified
// certificate, and a marriage and a death received at the counter.


/** The chairman signs a dossier awaiting signature. */
async function sign(chairman: Page, code: string) {
  await open(chairman, '/civil?tab=awaiting_signature');
  await chairman.locator(`tr[data-code="${code}"] a`).click();
  await hydrated(chairman);
  await chairman.getByRole('button', { name: 'Ký duyệt' }).click();
  await expect(chairman.locator('[data-status]').first()).toHaveAttribute('data-status', 'registered');
}

/** Reads the QR code of the certificate in the page: the URL a phone camera would open. */
async function decodeQr(page: Page): Promise<string> {
  await page.addScriptTag({ path: require.resolve('jsqr/dist/jsQR.js') });
  return page.evaluate(async () => {
    const svg = document.querySelector('[data-testid="certificate-qr"] svg')!.outerHTML;
    const img = new Image();
    img.src = 'data:image/svg+xml;base64,' + btoa(svg);
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 400;
    const g = canvas.getContext('2d')!;
    g.fillStyle = '#fff';
    g.fillRect(0, 0, 400, 400);
    g.drawImage(img, 0, 0, 400, 400);
    const data = g.getImageData(0, 0, 400, 400);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const code = (window as any).jsQR(data.data, 400, 400);
    return code ? code.data : '';
  });
}

test('a hospital birth is completed on the tablet, registered, signed, printed and verified by its QR', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const mother = person(`sex = 'female' and marital_status = 'married' and birth_date > '1988-01-01'
    and personal_id not in (select mother_id from dossier where mother_id is not null)`);
  const certificate = `GCS-E2E-${Date.now()}`;

  // The province administrator gives the hospital's software a key (shown once).
  const admin = await tablet(browser, baseURL!, 'tinh.quantri');
  await open(admin, '/admin/facilities');
  const card = admin.locator('article[data-facility^="Bệnh viện Đa khoa tỉnh Gia Lai"]');
  await card.getByLabel('Tên khóa').fill('HIS e2e');
  await card.getByRole('button', { name: 'Tạo khóa' }).click();
  const key = (await admin.getByTestId('new-key').textContent())!.trim();
  expect(key).toMatch(/^pvh_/);

  // The hospital sends the birth; resending changes nothing.
  const body = {
    certificate_code: certificate, mother_id: mother, child_sex: 'female',
    born_at: new Date(Date.now() - 2 * 86_400_000).toISOString(),
    place_of_birth: 'Bệnh viện Đa khoa tỉnh Gia Lai', weight_grams: 3150,
  };
  const sent = await admin.request.post('/api/v1/births', { headers: { Authorization: `Bearer ${key}` }, data: body });
  expect(sent.status()).toBe(201);
  const code: string = (await sent.json()).dossier_code;
  const again = await admin.request.post('/api/v1/births', { headers: { Authorization: `Bearer ${key}` }, data: body });
  expect(again.status()).toBe(200);
  expect((await again.json()).dossier_code).toBe(code);

  // The official opens it from the notified list and completes it: the mother came from the registry.
  const official = await tablet(browser, baseURL!, 'quynhon.hotich');
  await open(official, '/civil');
  await expect(official.locator('.tab[aria-current="page"]')).toContainText('Được thông báo');
  await official.locator(`tr[data-code="${code}"] a`).click();
  await hydrated(official);
  const motherName = sql(`select full_name from registry_person where personal_id = '${mother}'`);
  await expect(official.getByTestId('content').locator('[data-field="mother_name"]')).toHaveText(motherName);
  await expect(official.getByTestId('content').locator('[data-field="certificate_code"]')).toHaveText(certificate);
  // Review refuses a birth with no name yet.
  await official.getByRole('button', { name: 'Kiểm tra và chuyển sẵn sàng đăng ký' }).click();
  await expect(official.locator('.problem[role="alert"]').first()).toContainText('Chưa có họ tên của trẻ');
  const edit = official.getByTestId('edit-form');
  await edit.getByLabel('Họ, chữ đệm, tên của trẻ').fill('Lê Thị Bảo Ngọc');
  await edit.getByLabel('Người yêu cầu').fill('Lê Văn Hùng');
  await edit.getByLabel('Quan hệ với người được đăng ký').fill('Cha');
  await edit.getByLabel('Số điện thoại liên hệ').fill('0905 111 222');
  await edit.getByRole('button', { name: 'Lưu phiên bản mới' }).click();
  await expect(edit.locator('#f-reason ~ .field-error')).toContainText('3');
  await edit.getByLabel('Lý do sửa').fill('Bổ sung họ tên trẻ theo tờ khai của cha');
  await edit.getByRole('button', { name: 'Lưu phiên bản mới' }).click();
  await expect(official.getByRole('heading', { name: /phiên bản 2/ })).toBeVisible();
  await official.getByRole('button', { name: 'Kiểm tra và chuyển sẵn sàng đăng ký' }).click();
  await expect(official.locator('[data-status]').first()).toHaveAttribute('data-status', 'ready');
  await official.getByRole('button', { name: 'Ghi sổ đăng ký, trình Chủ tịch ký' }).click();
  await expect(official.locator('[data-status]').first()).toHaveAttribute('data-status', 'awaiting_signature');
  await expect(official.getByTestId('register-no')).toHaveText(/^\d+\/20\d\d$/);

  const chairman = await tablet(browser, baseURL!, 'quynhon.chutich');
  await sign(chairman, code);

  // The certificate prints (and saves as PDF) with its QR.
  await open(official, `/civil/d/${code}/certificate`);
  const cert = official.getByTestId('certificate');
  await expect(cert.getByRole('heading', { name: 'GIẤY KHAI SINH' })).toBeVisible();
  await expect(cert).toContainText('Lê Thị Bảo Ngọc');
  await expect(cert).toContainText(motherName);
  await expect(cert.getByTestId('certificate-no')).toHaveText(/^Số: \d+\/20\d\d$/);
  // The child's number heads the certificate; the chairman's letter follows on its own page.
  const childId = sql(`select subject_id from dossier where code = '${code}'`);
  await expect(cert).toContainText(childId);
  const letter = official.getByTestId('letter');
  await expect(letter.getByRole('heading', { name: 'THƯ CHÚC MỪNG' })).toBeVisible();
  await expect(letter).toContainText('cháu Lê Thị Bảo Ngọc');
  await expect(letter).toContainText(childId);
  await expect(letter).toContainText('Thư chưa được Chủ tịch ký.');
  await official.emulateMedia({ media: 'print' });
  await expect(official.locator('.topbar')).toBeHidden();
  const pdf = await official.pdf({ format: 'A4' });
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  expect(pdf.length).toBeGreaterThan(10_000);
  await official.emulateMedia({ media: 'screen' });
  const url = await decodeQr(official);
  expect(url).toBe((await cert.getByTestId('verify-url').textContent())!.trim());
  expect(url).toMatch(/\/verify\/[A-Za-z0-9_-]{20,}$/);

  // Anyone's phone opens the QR: minimal data only, the scan logged.
  const phone = await (await browser.newContext({ ...devices['Pixel 7'], locale: 'vi-VN' })).newPage();
  await phone.goto(new URL(url).pathname);
  await expect(phone.getByTestId('verify-result')).toHaveText('Giấy tờ hợp lệ: đã được đăng ký.');
  await expect(phone.getByTestId('verify-initials')).toHaveText('L. T. B. N.');
  await expect(phone.locator('body')).not.toContainText('Lê Thị Bảo Ngọc');
  expect(sql(`select count(*) from certificate_scan s join dossier d using (dossier_id) where d.code = '${code}'`)).toBe('1');

  // The hospital sees it registered.
  const hospital = await tablet(browser, baseURL!, 'bv.quynhon');
  await open(hospital, '/facility');
  await expect(hospital.locator(`tr[data-certificate="${certificate}"]`)).toContainText('Đã đăng ký');
});

test('a marriage and a death are received at the counter, checked against the registry, registered and tracked', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const wife = person(`sex = 'female' and marital_status = 'single' and birth_date < current_date - interval '19 years'`);
  const husband = person(`sex = 'male' and marital_status = 'single' and birth_date < current_date - interval '21 years'`);
  const young = person(`sex = 'female' and marital_status = 'single' and birth_date > current_date - interval '17 years'`);
  const deceased = person(`sex = 'male' and marital_status = 'married' and birth_date < '1975-01-01'`);
  const official = await tablet(browser, baseURL!, 'quynhon.hotich');

  // Marriage: an under-age bride is refused next to her number, with the reason.
  await open(official, '/civil/new?kind=marriage');
  let form = official.getByTestId('dossier-form');
  await form.getByLabel('Số định danh bên nữ').fill(young);
  await form.getByLabel('Số định danh bên nam').fill(husband);
  await form.getByLabel('Ngày đăng ký kết hôn').fill(vnDay());
  await form.getByRole('button', { name: 'Tiếp nhận hồ sơ' }).click();
  await expect(form.locator('#f-wife_id-err')).toHaveText('Bên nữ chưa đủ 18 tuổi (Luật Hôn nhân và gia đình, Điều 8).');
  // The right bride: looked up, her data shown from the registry.
  await form.getByLabel('Số định danh bên nữ').fill(wife);
  await official.getByTestId('lookup-wife').click();
  const wifeName = sql(`select full_name from registry_person where personal_id = '${wife}'`);
  await expect(official.getByTestId('prefill-wife')).toContainText(wifeName);
  await form.getByLabel('Số điện thoại liên hệ').fill('0912 345 678');
  await form.getByRole('button', { name: 'Tiếp nhận hồ sơ' }).click();
  const received = official.getByTestId('received');
  await expect(received).toContainText('Đã tiếp nhận hồ sơ');
  const marriage = (await received.textContent())!.match(/hồ sơ (\S+)\./)![1];

  // The receipt (Mẫu 01) with its tracking QR, then back to the dossier: client-side links.
  await received.getByRole('link', { name: 'In giấy tiếp nhận' }).click();
  await expect(official.getByTestId('receipt-code')).toHaveText(marriage);
  await expect(official.getByTestId('receipt').locator('.qr svg')).toBeVisible();
  await official.getByRole('link', { name: `Hồ sơ ${marriage}` }).click();
  await expect(official.getByRole('heading', { name: `Hồ sơ ${marriage}` })).toBeVisible();
  await hydrated(official);
  await expect(official.getByTestId('content').locator('[data-field="wife_name"]')).toHaveText(wifeName);
  await official.getByRole('button', { name: 'Kiểm tra và chuyển sẵn sàng đăng ký' }).click();
  await expect(official.locator('[data-status]').first()).toHaveAttribute('data-status', 'ready');
  await official.getByRole('button', { name: 'Ghi sổ đăng ký, trình Chủ tịch ký' }).click();
  await expect(official.locator('[data-status]').first()).toHaveAttribute('data-status', 'awaiting_signature');

  // Death: the deceased from the registry, the death notice, the requester.
  await open(official, '/civil/new?kind=death');
  form = official.getByTestId('dossier-form');
  await form.getByLabel('Số định danh người đã chết').fill(deceased);
  await form.getByLabel('Ngày chết').fill(vnDay(-2));
  await form.getByLabel('Nơi chết').fill('Tại nhà riêng');
  await form.getByLabel('Số Giấy báo tử').fill('GBT-E2E-1');
  await form.getByLabel('Người yêu cầu').fill('Nguyễn Văn Bình');
  await form.getByLabel('Quan hệ với người được đăng ký').fill('Con');
  await form.getByLabel('Số điện thoại liên hệ').fill('0912 000 111');
  await form.getByRole('button', { name: 'Tiếp nhận hồ sơ' }).click();
  await expect(official.getByTestId('received')).toContainText('Đã tiếp nhận hồ sơ');
  const death = (await official.getByTestId('received').textContent())!.match(/hồ sơ (\S+)\./)![1];
  await open(official, `/civil/d/${death}`);
  // Ask for a supplement (the clock stops), then it arrives.
  await official.locator('details.reasons', { hasText: 'Yêu cầu bổ sung' }).locator('summary').click();
  const supplement = official.getByTestId('act-supplement');
  await supplement.getByRole('button', { name: 'Yêu cầu bổ sung (Mẫu 02)' }).click();
  await expect(supplement.locator('.field-error')).toContainText('5');
  await supplement.getByLabel('Lý do / giấy tờ cần bổ sung').fill('Bản chính Giấy báo tử');
  await supplement.getByRole('button', { name: 'Yêu cầu bổ sung (Mẫu 02)' }).click();
  await expect(official.locator('[data-status]').first()).toHaveAttribute('data-status', 'needs_supplement');
  // The printed request (Mẫu 02) carries the reasons.
  await open(official, `/civil/d/${death}/notice/supplement`);
  await expect(official.getByRole('heading', { name: 'PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ' })).toBeVisible();
  await expect(official.getByTestId('notice-reasons')).toHaveText('Bản chính Giấy báo tử');
  await open(official, `/civil/d/${death}`);

  // The family follows it on a phone with the code and phone number.
  const phone = await (await browser.newContext({ ...devices['Pixel 7'], locale: 'vi-VN' })).newPage();
  await phone.goto(`/track?code=${death}`);
  await hydrated(phone);
  await phone.getByLabel('Số điện thoại').fill('0912 999 999');
  await phone.getByRole('button', { name: 'Tra cứu' }).click();
  await expect(phone.getByText('Không tìm thấy hồ sơ với mã và số điện thoại này.')).toBeVisible();
  await phone.getByLabel('Số điện thoại').fill('0912 000 111');
  await phone.getByRole('button', { name: 'Tra cứu' }).click();
  await expect(phone.getByTestId('tracking-status')).toHaveText('Chờ bổ sung');
  await expect(phone.getByTestId('tracking')).toContainText('Bản chính Giấy báo tử');

  await official.getByRole('button', { name: 'Đã nhận bổ sung' }).click();
  await expect(official.locator('[data-status]').first()).toHaveAttribute('data-status', 'submitted');
  await official.getByRole('button', { name: 'Kiểm tra và chuyển sẵn sàng đăng ký' }).click();
  await expect(official.locator('[data-status]').first()).toHaveAttribute('data-status', 'ready');
  await official.getByRole('button', { name: 'Ghi sổ đăng ký, trình Chủ tịch ký' }).click();
  await expect(official.locator('[data-status]').first()).toHaveAttribute('data-status', 'awaiting_signature');

  // The lists filter by type: the marriage and not the death among those awaiting signature.
  await open(official, '/civil?tab=awaiting_signature&kind=marriage');
  await expect(official.locator(`tr[data-code="${marriage}"]`)).toBeVisible();
  await expect(official.locator(`tr[data-code="${death}"]`)).toHaveCount(0);

  const chairman = await tablet(browser, baseURL!, 'quynhon.chutich');
  await sign(chairman, marriage);
  await sign(chairman, death);

  // The chairman signs the two letters in one batch on the tablet.
  await open(chairman, '/letters');
  const batch = chairman.getByTestId('sign-letters');
  for (const c of [marriage, death]) {
    await batch.locator(`li[data-letter="${c}"] input[type="checkbox"]`).check();
  }
  // (Another test may change the commune's condolence template meanwhile: check only the merge.)
  const deceasedName = sql(`select full_name from registry_person where personal_id = '${deceased}'`);
  await expect(batch.locator(`li[data-letter="${death}"]`)).toContainText(deceasedName);
  await batch.getByRole('button', { name: 'Ký các thư đã chọn' }).click();
  await expect(chairman.getByTestId('letters-signed')).toHaveText('Đã ký 2 thư.');
  await expect(chairman.locator(`li[data-letter="${marriage}"]`)).toHaveCount(0);
  await open(chairman, '/letters?signed=1');
  await expect(chairman.locator('.card', { hasText: death })).toBeVisible();

  await open(official, `/civil/d/${marriage}/certificate`);
  await expect(official.getByRole('heading', { name: 'GIẤY CHỨNG NHẬN KẾT HÔN' })).toBeVisible();
  await expect(official.getByTestId('certificate')).toContainText(wifeName);
  await expect(official.getByTestId('letter')).toContainText(`chị ${wifeName}`);
  await open(official, `/civil/d/${death}/certificate`);
  await expect(official.getByRole('heading', { name: 'TRÍCH LỤC KHAI TỬ' })).toBeVisible();
  const condolence = official.getByTestId('letter');
  await expect(condolence.getByRole('heading', { name: 'THƯ CHIA BUỒN' })).toBeVisible();
  await expect(condolence).toContainText('Võ Đức Thắng');
  await expect(condolence).toContainText('mai táng');
  await open(official, `/civil/d/${death}`);
  await official.getByLabel('Người nhận').fill('Nguyễn Văn Bình');
  await official.getByRole('button', { name: 'Ghi nhận đã trao kết quả' }).click();
  await expect(official.locator('[data-status]').first()).toHaveAttribute('data-status', 'delivered');

  // The registry now records the death: a second death dossier is refused at the counter.
  await open(official, '/civil/new?kind=death');
  form = official.getByTestId('dossier-form');
  await form.getByLabel('Số định danh người đã chết').fill(deceased);
  await form.getByLabel('Ngày chết').fill(vnDay(-2));
  await form.getByLabel('Nơi chết').fill('Tại nhà riêng');
  await form.getByLabel('Số Giấy báo tử').fill('GBT-E2E-2');
  await form.getByLabel('Người yêu cầu').fill('Nguyễn Văn Bình');
  await form.getByLabel('Quan hệ với người được đăng ký').fill('Con');
  await form.getByRole('button', { name: 'Tiếp nhận hồ sơ' }).click();
  await expect(form.locator('#f-deceased_id-err')).toHaveText('Người này đã được đăng ký khai tử.');

  // Another commune's official cannot open this commune's dossier, nor learn that it exists.
  const other = await tablet(browser, baseURL!, 'phucat.hotich');
  await open(other, `/civil/d/${death}`);
  await expect(other.locator('.error-panel')).toContainText('Không tìm thấy nội dung yêu cầu.');
  await expect(other.locator('body')).not.toContainText(deceasedName);
});

test('a collector takes a hospital notice from the visit list on her phone', async ({ browser, baseURL }) => {
  const mother = person(`sex = 'female' and marital_status = 'married' and birth_date > '1990-01-01'
    and personal_id not in (select mother_id from dossier where mother_id is not null)`);
  const motherName = sql(`select full_name from registry_person where personal_id = '${mother}'`);
  const admin = await tablet(browser, baseURL!, 'tinh.quantri');
  await open(admin, '/admin/facilities');
  const card = admin.locator('article[data-facility^="Bệnh viện Đa khoa tỉnh Gia Lai"]');
  await card.getByLabel('Tên khóa').fill('HIS field');
  await card.getByRole('button', { name: 'Tạo khóa' }).click();
  const key = (await admin.getByTestId('new-key').textContent())!.trim();
  const sent = await admin.request.post('/api/v1/births', {
    headers: { Authorization: `Bearer ${key}` },
    data: { certificate_code: `GCS-FIELD-${Date.now()}`, mother_id: mother, child_sex: 'male',
            born_at: new Date(Date.now() - 86_400_000).toISOString(), place_of_birth: 'Bệnh viện', weight_grams: 3000 },
  });
  expect(sent.status()).toBe(201);

  const ctx = await browser.newContext({ ...devices['Pixel 7'], baseURL, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  const phone = await ctx.newPage();
  await staffLogin(phone, 'quynhon.ctv');
  await expect(phone.locator('[data-role]')).toBeVisible();
  await phone.getByRole('link', { name: 'Việc đến nhà' }).click();
  await hydrated(phone);
  await expect(phone.getByTestId('my-figures')).toContainText('Hồ sơ đã gửi');
  const visit = phone.locator('li[data-task]', { hasText: motherName });
  await expect(visit).toContainText('Bệnh viện báo sinh');
  await expect(visit).toContainText('Hạn đăng ký');
  await visit.getByRole('button', { name: 'Nhận việc' }).click();
  await expect(visit).toContainText('Việc của tôi');
  await visit.getByRole('button', { name: 'Trả lại' }).click();
  await expect(visit.getByRole('button', { name: 'Nhận việc' })).toBeVisible();
});

test('a commune administrator edits the condolence letter; a wrong merge field is refused next to it', async ({ browser, baseURL }) => {
  const admin = await tablet(browser, baseURL!, 'quynhon.quantri');
  await admin.getByRole('link', { name: 'Mẫu thư chúc mừng, chia buồn' }).click();
  await hydrated(admin);
  const death = admin.locator('article[data-kind="death"]');
  await expect(death.getByTestId('version-death')).toContainText('Mẫu chung của tỉnh');
  const body = death.getByLabel('Nội dung thư');
  await body.fill('Kính gửi gia đình {{ ten_nguoi_mat }},');
  await death.getByRole('button', { name: 'Lưu phiên bản mới' }).click();
  await expect(death.locator('#tpl-death-body ~ .field-error')).toContainText('Mẫu có lỗi');
  await body.fill('Kính gửi gia đình {{ deceased_name }},\n\nỦy ban nhân dân {{ commune }} xin chia buồn cùng gia đình.');
  await death.getByRole('button', { name: 'Lưu phiên bản mới' }).click();
  await expect(admin.getByText(/Đã lưu phiên bản \d+/)).toBeVisible();
  await expect(admin.locator('article[data-kind="death"]').getByTestId('version-death')).toContainText('Mẫu riêng của xã, phường');
});
