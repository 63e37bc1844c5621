import { test, expect, devices, Browser, Page } from '@playwright/test';
import { hydrated, staffLogin } from './fixtures/accounts';

// The province centre: the queue tests call tickets at the ward office's counters.
const OFFICE = 'Trung tâm Phục vụ hành chính công tỉnh Gia Lai';

// Both tests serve at the centre's counter 1: one after the other.
test.describe.configure({ mode: 'serial' });

async function context(browser: Browser, device: string, baseURL: string) {
  return browser.newContext({ ...devices[device], baseURL, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
}

async function signIn(page: Page, username: string) {
  await staffLogin(page, username);
  await expect(page.locator('[data-home]')).not.toHaveAttribute('data-home', 'guest');
  await expect(page.locator('[data-role]')).toBeVisible();
}

/** A walk-in ticket from the office's kiosk; returns its number and the phone link to follow it. */
async function walkIn(kiosk: Page): Promise<{ label: string; link: string }> {
  await kiosk.goto('/offices');
  // A tap while the page is still hydrating its lazy chunk breaks hydration (see the closing note).
  await hydrated(kiosk);
  await kiosk.locator('li.card', { hasText: OFFICE }).getByRole('link', { name: 'Kiosk lấy số' }).click();
  await hydrated(kiosk);
  await kiosk.getByTestId('walkin-form').getByLabel('Thủ tục').selectOption({ label: 'Đăng ký khai sinh' });
  await kiosk.getByRole('button', { name: 'Lấy số' }).click();
  const issued = kiosk.getByTestId('issued');
  await expect(issued.getByTestId('ticket-number')).toHaveText(/^A-\d{3}$/);
  const label = (await issued.getByTestId('ticket-number').textContent())!.trim();
  const link = (await issued.getByRole('link', { name: 'Theo dõi số thứ tự' }).getAttribute('href'))!;
  return { label, link };
}

/** Calls at counter 1 until `label` is current, then finishes it. */
async function serve(officer: Page, label: string) {
  await officer.goto('/offices');
  await hydrated(officer);
  await officer.locator('li.card', { hasText: OFFICE }).getByRole('link', { name: /^Quầy 1 · / }).click();
  await hydrated(officer);
  await expect(async () => {
    await officer.getByTestId('call-next').click();
    const current = officer.getByTestId('current-ticket');
    await expect(current).toBeVisible({ timeout: 3_000 });
    if ((await current.textContent())!.trim() !== label) {
      await officer.getByRole('button', { name: 'Hoàn thành' }).click();
      throw new Error('not ours yet');
    }
  }).toPass({ timeout: 30_000 });
  await officer.getByRole('button', { name: 'Hoàn thành' }).click();
  await expect(officer.getByTestId('current-ticket')).toHaveCount(0);
}

test('a finished ticket is rated on the phone once and shows in the office’s scores', async ({ browser, baseURL }) => {
  test.setTimeout(90_000);
  const tablet = await context(browser, 'Galaxy Tab S4 landscape', baseURL!);
  const officer = await tablet.newPage();
  await signIn(officer, 'tinh.motcua');
  const { label, link } = await walkIn(officer);

  // The citizen follows the ticket on a phone.
  const phone = await context(browser, 'Pixel 7', baseURL!);
  const citizen = await phone.newPage();
  await citizen.goto(link);
  await hydrated(citizen);
  await expect(citizen.getByTestId('ticket-status')).toHaveAttribute('data-status', 'waiting');
  await expect(citizen.getByTestId('rate-link')).toHaveCount(0);

  await serve(officer, label);

  // Finished: the phone offers the single-use rating link (and its QR).
  await expect(citizen.getByTestId('ticket-status')).toHaveAttribute('data-status', 'done');
  await expect(citizen.getByTestId('rate-invite').locator('.qr svg')).toBeVisible();
  await citizen.getByTestId('rate-link').click();
  await expect(citizen).toHaveURL(/\/rate\/[A-Za-z0-9_-]{27}$/);
  const rateUrl = citizen.url();
  await hydrated(citizen);
  await expect(citizen.getByRole('heading', { level: 1 })).toHaveText('Đánh giá mức độ hài lòng');
  await expect(citizen.getByText(label)).toBeVisible();
  // Sending without choosing is refused next to the question; nothing is recorded.
  await citizen.locator('input[name="overall"]').evaluateAll((els) => els.forEach((el) => el.removeAttribute('required')));
  await citizen.getByRole('button', { name: 'Gửi đánh giá' }).click();
  await expect(citizen.locator('#overall-err')).toHaveText('Vui lòng nhập thông tin này.');
  // One tap for the overall rating; one detail; a comment.
  await citizen.locator('.overall').getByText('Rất hài lòng', { exact: true }).click();
  await citizen.getByText('Đánh giá chi tiết về công chức (không bắt buộc)').click();
  await citizen.locator('fieldset.item').first().locator('label.dot').nth(4).click();
  await citizen.getByLabel('Góp ý (không bắt buộc)').fill('Cán bộ hướng dẫn rất tận tình.');
  await citizen.getByRole('button', { name: 'Gửi đánh giá' }).click();
  await expect(citizen.getByTestId('rating-thanks')).toContainText('Cảm ơn bạn đã đánh giá!');

  // The same link a second time is refused politely.
  await citizen.goto(rateUrl);
  await expect(citizen.getByTestId('rating-refused')).toHaveText(/đã được sử dụng.*một lần/);
  await expect(citizen.getByTestId('rating-form')).toHaveCount(0);
  // The ticket page no longer offers it.
  await citizen.goto(link);
  await expect(citizen.getByTestId('ticket-status')).toHaveAttribute('data-status', 'done');
  await expect(citizen.getByTestId('rate-link')).toHaveCount(0);

  // The province administrator sees it in the office's scores; the official in their own results.
  const manager = await (await context(browser, 'Galaxy Tab S4 landscape', baseURL!)).newPage();
  await signIn(manager, 'tinh.quantri');
  await manager.goto('/evaluation?kind=office');
  await hydrated(manager);
  const row = manager.getByTestId('ranking').locator('tbody tr', { hasText: OFFICE });
  await expect(row.getByTestId('ratings')).toHaveText(/^[1-9]\d*$/);
  await expect(row.getByTestId('satisfaction')).not.toHaveText('–');
  await manager.goto('/evaluation?kind=official');
  await expect(manager.getByTestId('ranking').locator('tbody tr', { hasText: 'Đặng Thu Hà' })).toBeVisible();
  await officer.goto('/my/results');
  await expect(officer.getByTestId('my-ratings')).toHaveText(/^[1-9]\d*$/);
  await expect(officer.getByTestId('my-recent')).toContainText('Cán bộ hướng dẫn rất tận tình.');

  // The public page shows the office and no officials.
  const visitor = await (await context(browser, 'Pixel 7', baseURL!)).newPage();
  await visitor.goto('/transparency');
  await expect(visitor.getByTestId('ranking').locator('tbody tr', { hasText: OFFICE })).toBeVisible();
  await expect(visitor.locator('select[name="kind"] option[value="official"]')).toHaveCount(0);
  const api = await visitor.request.get('/api/v1/evaluation/rankings?unit=official');
  expect(api.status()).toBe(422);
});

test('the counter tablet collects a low rating that opens a case the office head resolves', async ({ browser, baseURL }) => {
  test.setTimeout(90_000);
  const tablet = await context(browser, 'Galaxy Tab S4 landscape', baseURL!);
  const officer = await tablet.newPage();
  await signIn(officer, 'tinh.motcua');
  const { label } = await walkIn(officer);
  await serve(officer, label);

  // "Rate us" mode: the tablet turns to the citizen.
  await officer.getByTestId('rate-us').click();
  await hydrated(officer);
  await expect(officer.getByRole('heading', { level: 1 })).toHaveText('Mời ông/bà đánh giá');
  await expect(officer.getByText(label)).toBeVisible();
  await officer.locator('.overall').getByText('Không hài lòng', { exact: true }).click();
  await officer.getByLabel('Đây là phản ánh, kiến nghị cần được xử lý').check();
  // A complaint needs words: refused next to the comment field.
  await officer.getByRole('button', { name: 'Gửi đánh giá' }).click();
  await expect(officer.locator('.rating-form .field-error').last()).toHaveText('Vui lòng nhập thông tin này.');
  await officer.getByLabel('Góp ý (không bắt buộc)').fill('Chờ hơn một tiếng mà không ai hướng dẫn.');
  await officer.getByRole('button', { name: 'Gửi đánh giá' }).click();
  await expect(officer.getByTestId('case-opened')).toContainText(/mã phản ánh PA-\d{6}-\d{5}/);
  const code = (await officer.getByTestId('case-opened').textContent())!.match(/PA-\d{6}-\d{5}/)![0];

  // The office head (here the province administrator) handles it on the 766 clock.
  const head = await (await context(browser, 'Galaxy Tab S4 landscape', baseURL!)).newPage();
  await signIn(head, 'tinh.quantri');
  await head.goto('/cases');
  // A tap while the lazy page is still hydrating breaks hydration (see the closing notes).
  await hydrated(head);
  await head.getByRole('link', { name: code }).click();
  await hydrated(head);
  await expect(head.getByTestId('case-status')).toHaveAttribute('data-status', 'received');
  await expect(head.getByTestId('case-content')).toHaveText('Chờ hơn một tiếng mà không ai hướng dẫn.');
  await expect(head.getByTestId('due-resolve')).toHaveText(/^\d{2}\/\d{2}\/\d{4}$/);
  await head.getByLabel('Bước tiếp theo').selectOption({ label: 'Trả lời, giải quyết' });
  await head.getByRole('button', { name: 'Lưu' }).click();
  await expect(head.locator('#f-note').locator('xpath=..').locator('.field-error')).toHaveText('Vui lòng nhập thông tin này.');
  await head.getByLabel('Nội dung').fill('Đã bố trí thêm cán bộ hướng dẫn tại sảnh từ tuần sau.');
  await head.getByRole('button', { name: 'Lưu' }).click();
  await expect(head.getByTestId('case-status')).toHaveAttribute('data-status', 'resolved');
  await expect(head.getByTestId('case-answer')).toHaveText('Đã bố trí thêm cán bộ hướng dẫn tại sảnh từ tuần sau.');
  // The rated official has no access to the case and its rater: officials list only the
  // hotline's cases sent to their office, and the case's own page is refused.
  const casePath = new URL(head.url()).pathname;
  expect(casePath).toMatch(/^\/cases\/[0-9a-f-]{36}$/);
  await officer.goto(`/cases`);
  await expect(officer.getByRole('link', { name: code })).toHaveCount(0);
  await officer.goto(casePath);
  await expect(officer.locator('[data-forbidden="true"]')).toBeVisible();
});

test('the province administrator adds a criteria version from a future day', async ({ browser, baseURL }) => {
  const admin = await (await context(browser, 'Galaxy Tab S4 landscape', baseURL!)).newPage();
  await signIn(admin, 'tinh.quantri');
  await admin.goto('/admin/evaluation');
  await hydrated(admin);
  await expect(admin.getByTestId('criteria-sets')).toContainText('ND61-2018');
  const form = admin.getByTestId('criteria-form');
  await form.getByLabel('Mã bộ tiêu chí').fill('TINH-2030');
  await form.getByLabel('Tên bộ tiêu chí').fill('Bộ tiêu chí năm 2030');
  // Today is refused: a version never applies to what was already received.
  const today = new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
  await form.getByLabel('Áp dụng từ ngày').fill(today);
  await form.getByLabel('Đánh giá tổng thể').fill('3');
  await form.getByRole('button', { name: 'Lưu' }).click();
  await expect(form.locator('#f-effective_from-err')).toHaveText('Thông tin chưa hợp lệ.');
  await form.getByLabel('Áp dụng từ ngày').fill('2030-01-01');
  await form.getByRole('button', { name: 'Lưu' }).click();
  const row = admin.getByTestId('criteria-sets').locator('tr', { hasText: 'TINH-2030' });
  await expect(row).toContainText('01/01/2030');
  await expect(row.locator('td').nth(9)).toHaveText('3');
  // A counter officer may not open it.
  const officer = await (await context(browser, 'Galaxy Tab S4 landscape', baseURL!)).newPage();
  await signIn(officer, 'tinh.motcua');
  await officer.goto('/admin/evaluation');
  await expect(officer.locator('[data-forbidden="true"]')).toBeVisible();
});
