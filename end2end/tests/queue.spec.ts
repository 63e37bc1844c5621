import { test, expect, devices, chromium, Browser, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hydrated, randomPhone, staffLogin } from './fixtures/accounts';

const OFFICE = 'Trung tâm Phục vụ hành chính công phường Quy Nhơn';

/** Fixture: the office opens all day today with 5-minute slots and no minimum notice, so a
 *  booking made now falls inside the check-in window whenever the suite runs. */
function openOfficeAllDayToday() {
  const sql = `
    with o as (select office_id from office where name = '${OFFICE}')
    update office_queue_config set slot_minutes = 5, min_notice_minutes = 0 where office_id = (select office_id from o);
    delete from office_hours where office_id = (select office_id from office where name = '${OFFICE}');
    insert into office_hours (office_id, weekday, opens, closes)
      select office_id, d, '00:00', '23:59' from office, generate_series(1, 7) d where name = '${OFFICE}';
    insert into calendar_day (day, kind, name, name_en)
      values ((now() at time zone 'Asia/Ho_Chi_Minh')::date, 'working', 'Kiểm thử', 'Test')
      on conflict (day) do update set kind = 'working';`;
  execFileSync('psql', [process.env.E2E_DATABASE_URL!, '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql]);
}

/** Check-in needs a slot later today; in the last minutes before midnight in Vietnam none is left. */
function skipNearMidnightInVietnam() {
  const vn = new Date(Date.now() + 7 * 3600e3);
  test.skip(vn.getUTCHours() * 60 + vn.getUTCMinutes() >= 23 * 60 + 45, 'no same-day slot is left before midnight (Vietnam)');
}

async function citizenLogin(page: Page, browserPage: (url: string) => Promise<Page>) {
  const phone = randomPhone();
  await page.goto('/login/citizen');
  await hydrated(page);
  await page.getByLabel('Số điện thoại').fill(phone);
  await page.getByRole('button', { name: 'Gửi mã xác thực' }).click();
  await expect(page.getByText('Đã gửi mã xác thực đến số điện thoại của bạn.')).toBeVisible();
  const inbox = await browserPage('/dev/inbox');
  let code = '';
  await expect(async () => {
    await inbox.goto('/dev/inbox');
    const body = await inbox.locator(`.message[data-recipient="${phone}"] .body`).first().textContent();
    code = (body ?? '').match(/\b(\d{6})\b/)?.[1] ?? '';
    expect(code).toMatch(/^\d{6}$/);
  }).toPass({ timeout: 10_000 });
  await inbox.close();
  await page.getByLabel('Mã xác thực').fill(code);
  await page.getByRole('button', { name: 'Xác nhận' }).click();
  await expect(page.locator('[data-home="citizen"]')).toBeVisible();
}

/** Staff login that waits for the home page, so the session cookie is set before the next step. */
async function signIn(page: Page, username: string) {
  await staffLogin(page, username);
  await expect(page.locator('[data-home]')).not.toHaveAttribute('data-home', 'guest');
  await expect(page.locator('[data-role]')).toBeVisible();
}

async function context(browser: Browser, device: string, baseURL: string) {
  return browser.newContext({ ...devices[device], baseURL, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
}

test('a booking goes from the citizen’s phone through the kiosk and the counter to both TV boards', async ({ browser, baseURL }) => {
  test.setTimeout(90_000);
  skipNearMidnightInVietnam();
  openOfficeAllDayToday();
  const second = process.env.SECOND_URL!;

  // Citizen on a phone: find the procedure without accents, pick office and the first free slot.
  const phone = await context(browser, 'Pixel 7', baseURL!);
  const citizen = await phone.newPage();
  await citizenLogin(citizen, async (url) => { const p = await phone.newPage(); await p.goto(url); return p; });
  await citizen.goto('/book?q=dang+ky+khai+sinh');
  await hydrated(citizen);
  await citizen.getByRole('link', { name: 'Đăng ký khai sinh', exact: true }).click();
  await citizen.getByRole('link', { name: new RegExp(OFFICE) }).click();
  await citizen.locator('input[name="starts_at"]:not([disabled])').first().check();
  await citizen.getByLabel('Họ và tên').fill('Trần Thị Hoa');
  await citizen.getByRole('button', { name: 'Xác nhận đặt lịch' }).click();
  await expect(citizen).toHaveURL(/\/bookings\/[2-9A-Z]{8}$/);
  await expect(citizen.locator('.qr svg')).toBeVisible();
  const code = (await citizen.getByTestId('booking-code').textContent())!.trim();
  expect(code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);

  // Once loaded, the booking and its QR code open with no network (service worker cache).
  const path = new URL(citizen.url()).pathname;
  await expect(async () => {
    expect(await citizen.evaluate(async (u) => !!(await caches.match(u)), path)).toBe(true);
  }).toPass({ timeout: 10_000 });
  await phone.setOffline(true);
  await citizen.reload();
  await expect(citizen.getByTestId('booking-code')).toHaveText(code);
  await expect(citizen.locator('.qr svg')).toBeVisible();
  await phone.setOffline(false);

  // The TV boards of both server instances, on the office's page.
  const tv1 = await (await context(browser, 'Desktop Chrome', baseURL!)).newPage();
  const tv2 = await (await context(browser, 'Desktop Chrome', second)).newPage();
  const officeId = await (async () => {
    const kioskCtx = await context(browser, 'Galaxy Tab S4 landscape', baseURL!);
    const kiosk = await kioskCtx.newPage();
    await signIn(kiosk, 'quynhon.motcua');
    await kiosk.goto('/offices');
    await hydrated(kiosk);
    const card = kiosk.locator('li.card', { hasText: OFFICE });
    await card.getByRole('link', { name: 'Kiosk lấy số' }).click();
    await hydrated(kiosk);
    // Kiosk: the booking code typed (the camera path reads the same code from the QR).
    await kiosk.getByLabel('Mã lịch hẹn').fill(code.toLowerCase());
    await kiosk.getByRole('button', { name: 'Xác nhận đến' }).click();
    await expect(kiosk.getByTestId('ticket-number')).toHaveText(/^A-\d{3}$/);
    // The same code a second time is refused politely.
    await kiosk.getByLabel('Mã lịch hẹn').fill(code);
    await kiosk.getByRole('button', { name: 'Xác nhận đến' }).click();
    await expect(kiosk.getByText('Mã lịch hẹn này đã được sử dụng.')).toBeVisible();
    return kiosk.url().split('/kiosk/')[1];
  })();
  const kioskTicket = await (async () => {
    await citizen.reload();
    await citizen.getByRole('link', { name: 'Theo dõi số thứ tự' }).click();
    await hydrated(citizen);
    const label = (await citizen.getByTestId('ticket-number').textContent())!.trim();
    await expect(citizen.getByTestId('ticket-status')).toHaveAttribute('data-status', 'waiting');
    return label;
  })();
  for (const tv of [tv1, tv2]) {
    await tv.goto(`/board/${officeId}`);
    await hydrated(tv);
    await expect(tv.locator('html')).toHaveAttribute('data-live', 'open');
    await expect(tv.getByTestId('next')).toContainText(kioskTicket);
  }
  // The second board announces calls (chime + Vietnamese speech) once sound is switched on.
  await tv2.getByRole('button', { name: 'Bật âm thanh' }).click();

  // Officer on a tablet calls the next number at counter 1: the booked ticket whose slot started
  // comes before walk-ins.
  const officer = await (await context(browser, 'Galaxy Tab S4 landscape', baseURL!)).newPage();
  await signIn(officer, 'quynhon.motcua');
  await officer.goto('/offices');
  await hydrated(officer);
  await officer.locator('li.card', { hasText: OFFICE }).getByRole('link', { name: /^Quầy 1 · / }).click();
  await hydrated(officer);
  // Serve whoever is ahead (earlier tests' walk-ins) until our ticket is called.
  await expect(async () => {
    await officer.getByTestId('call-next').click();
    const current = officer.getByTestId('current-ticket');
    await expect(current).toBeVisible({ timeout: 3_000 });
    if ((await current.textContent())!.trim() !== kioskTicket) {
      await officer.getByRole('button', { name: 'Hoàn thành' }).click();
      throw new Error('not ours yet');
    }
  }).toPass({ timeout: 30_000 });

  // Both TV boards, on either instance, show the number at counter 1; the citizen is told where to go.
  for (const tv of [tv1, tv2]) {
    await expect(tv.locator('tr[data-counter="1"] .serving')).toHaveText(kioskTicket);
    await expect(tv.getByTestId('last-call')).toContainText(kioskTicket);
  }
  await expect(citizen.getByTestId('ticket-status')).toHaveText('Mời bạn đến quầy 1.');
  await expect(tv2.locator('html')).toHaveAttribute('data-announced', `Mời số ${kioskTicket.replace('-', ' ')} đến quầy 1`);

  await officer.getByRole('button', { name: 'Bắt đầu phục vụ' }).click();
  await officer.getByLabel('Mã hồ sơ đã tiếp nhận').fill('H52.21583-261127-0001');
  await officer.getByRole('button', { name: 'Hoàn thành' }).click();
  await expect(officer.getByTestId('my-figures')).toBeVisible();
  await expect(citizen.getByTestId('ticket-status')).toHaveAttribute('data-status', 'done');
});

test('the office administrator sees waiting times and sets up the office on a tablet', async ({ browser, baseURL }) => {
  const tablet = await context(browser, 'Galaxy Tab S4 landscape', baseURL!);
  const page = await tablet.newPage();
  await signIn(page, 'tinh.quantri');
  // The province centre: the booking test above changes the ward office's hours.
  const office = 'Trung tâm Phục vụ hành chính công tỉnh Gia Lai';
  await page.goto('/offices');
  await hydrated(page);
  const card = page.locator('li.card', { hasText: office });
  await card.getByRole('link', { name: 'Thời gian chờ và phục vụ' }).click();
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Thời gian chờ và phục vụ');
  await expect(page.getByTestId('queue-length')).toHaveText(/^\d+$/);
  await expect(page.locator('table.stats caption').first()).toHaveText('Thời gian chờ của cơ quan');

  await page.goto('/offices');

  await hydrated(page);
  await page.locator('li.card', { hasText: office }).getByRole('link', { name: 'Thiết lập cơ quan' }).click();
  await hydrated(page);
  // A slot length out of range is refused next to its field; nothing is saved.
  const slot = page.getByLabel('Thời lượng mỗi khung giờ (phút)');
  const before = await slot.inputValue();
  await slot.fill('1');
  await page.getByTestId('config-form').getByRole('button', { name: 'Lưu' }).click();
  await expect(slot).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#f-slot_minutes-err')).toHaveText('Thông tin chưa hợp lệ.');
  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel('Thời lượng mỗi khung giờ (phút)')).toHaveValue(before);
  // Opening hours typed the way people write them.
  const saturday = page.getByLabel('Thứ Bảy');
  await saturday.fill('7h30–11h30');
  await saturday.locator('xpath=..').getByRole('button', { name: 'Lưu' }).click();
  await expect(page.getByLabel('Thứ Bảy')).toHaveValue('07:30-11:30');
  await saturday.fill('sáng');
  await page.getByLabel('Thứ Bảy').locator('xpath=..').getByRole('button', { name: 'Lưu' }).click();
  await expect(page.getByLabel('Thứ Bảy')).toHaveAttribute('aria-invalid', 'true');
});

/** A Y4M video (what Chromium's fake camera plays) showing the page's QR code on white. */
async function qrVideo(page: Page): Promise<string> {
  const [w, h] = [640, 480];
  const luma: number[] = await page.evaluate(async ([w, h]) => {
    const svg = new XMLSerializer().serializeToString(document.querySelector('.qr svg')!);
    const img = new Image();
    img.src = 'data:image/svg+xml;base64,' + btoa(svg);
    await img.decode();
    const canvas = Object.assign(document.createElement('canvas'), { width: w, height: h });
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);
    ctx.drawImage(img, (w - 360) / 2, (h - 360) / 2, 360, 360);
    const px = ctx.getImageData(0, 0, w, h).data;
    return Array.from({ length: w * h }, (_, i) => Math.round(0.299 * px[4 * i] + 0.587 * px[4 * i + 1] + 0.114 * px[4 * i + 2]));
  }, [w, h]);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), Buffer.from(luma), Buffer.alloc(w * h / 2, 128)]);
  const file = join(tmpdir(), `phucvu-qr-${Date.now()}.y4m`);
  writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${w} H${h} F10:1 Ip A1:1 C420jpeg\n`), frame, frame]));
  return file;
}

test('the kiosk reads the booking’s QR code with the tablet’s camera', async ({ browser, baseURL }) => {
  test.setTimeout(90_000);
  skipNearMidnightInVietnam();
  openOfficeAllDayToday();
  // The hotline books for a citizen; its page shows the QR code.
  const desk = await (await context(browser, 'Galaxy Tab S4 landscape', baseURL!)).newPage();
  await signIn(desk, 'tinh.tongdai');
  await desk.goto('/book?q=khai+sinh');
  await desk.getByRole('link', { name: 'Đăng ký khai sinh', exact: true }).click();
  await desk.getByRole('link', { name: new RegExp(OFFICE) }).click();
  await desk.locator('input[name="starts_at"]:not([disabled])').first().check();
  await desk.getByLabel('Họ và tên').fill('Phạm Văn Bảy');
  await desk.getByLabel('Số điện thoại').fill(randomPhone());
  await desk.getByRole('button', { name: 'Xác nhận đặt lịch' }).click();
  await expect(desk.locator('.qr svg')).toBeVisible();
  const officeId = new URL(await desk.getByRole('link', { name: 'Đổi giờ hẹn' }).getAttribute('href')!, baseURL).searchParams.get('office');
  const video = await qrVideo(desk);

  // A kiosk whose camera sees that QR code (Chromium's fake camera plays the video).
  const camera = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
  });
  try {
    const kioskCtx = await camera.newContext({ ...devices['Galaxy Tab S4 landscape'], baseURL, locale: 'vi-VN' });
    await kioskCtx.grantPermissions(['camera'], { origin: baseURL });
    const kiosk = await kioskCtx.newPage();
    await signIn(kiosk, 'quynhon.motcua');
    await kiosk.goto(`/kiosk/${officeId}`);
    await hydrated(kiosk);
    // Linux Chromium has no BarcodeDetector: this reads the frames with the rqrr wasm decoder.
    const detector = await kiosk.evaluate(() => 'BarcodeDetector' in window);
    test.info().annotations.push({ type: 'decoder', description: detector ? 'BarcodeDetector' : 'rqrr (wasm)' });
    await kiosk.getByRole('button', { name: 'Quét mã QR bằng camera' }).click();
    await expect(kiosk.getByTestId('ticket-number')).toHaveText(/^A-\d{3}$/, { timeout: 20_000 });
    // The camera is released after the read.
    await expect(kiosk.getByRole('button', { name: 'Quét mã QR bằng camera' })).toBeVisible();
  } finally {
    await camera.close();
  }
});

test('a citizen moves a booking to another time and then cancels it', async ({ browser, baseURL }) => {
  openOfficeAllDayToday();
  const phone = await context(browser, 'Pixel 7', baseURL!);
  const page = await phone.newPage();
  await citizenLogin(page, async (url) => { const p = await phone.newPage(); await p.goto(url); return p; });
  await page.goto('/book?procedure=1.001193');
  await hydrated(page);
  await page.getByRole('link', { name: new RegExp(OFFICE) }).click();
  await page.locator('input[name="starts_at"]:not([disabled])').first().check();
  await page.getByLabel('Họ và tên').fill('Đinh Thị Thu');
  await page.getByRole('button', { name: 'Xác nhận đặt lịch' }).click();
  await expect(page).toHaveURL(/\/bookings\/[2-9A-Z]{8}$/);
  const code = await page.getByTestId('booking-code').textContent();
  const firstTime = await page.locator('dd').first().textContent();

  await page.getByRole('link', { name: 'Đổi giờ hẹn' }).click();
  await hydrated(page);
  await page.locator('input[name="starts_at"]:not([disabled])').nth(1).check();
  await page.getByRole('button', { name: 'Đổi sang giờ này' }).click();
  await expect(page).toHaveURL(/\/bookings\/[2-9A-Z]{8}$/);
  await expect(page.getByTestId('booking-code')).toHaveText(code!);
  await expect(page.locator('dd').first()).not.toHaveText(firstTime!);

  await page.getByRole('button', { name: 'Hủy lịch hẹn' }).click();
  await expect(page.locator('.booking-card')).toHaveAttribute('data-status', 'Cancelled');
  await expect(page.getByRole('button', { name: 'Hủy lịch hẹn' })).toHaveCount(0);
});
