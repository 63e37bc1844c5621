import { test, expect, devices, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { hydrated, randomPhone } from './fixtures/accounts';
import { open, sql, tablet, vnDay } from './fixtures/civil';

// The hotline end to end, through the local exchange (`server pbx-sim`) posting signed webhooks
// to the server: the agent's console on a tablet pops the call with what the system knows about
// the number, the agent answers from the knowledge base, the call is logged with a recording
// that plays, a second call becomes a complaint the commune answers, the caller's phone gets the
// answer by SMS and rates it, and the figures show it all. A missed call is called back.

/** One step of the simulated exchange against the server under test. */
function sim(...args: string[]) {
  execFileSync('target/release/server', ['pbx-sim', ...args], {
    env: { ...process.env, PBX_URL: process.env.BASE_URL || 'http://127.0.0.1:3000', RUST_LOG: 'warn' },
    stdio: 'pipe',
  });
}

/** The text messages the local SMS adapter delivered to `phone` (the developer inbox), once one has `expected`. */
async function inbox(page: Page, phone: string, expected: string): Promise<string> {
  let text = '';
  await expect(async () => {
    await page.goto('/dev/inbox');
    text = (await page.locator(`li.message[data-recipient="${phone}"]`).allTextContents()).join('\n');
    expect(text).toContain(expected);
  }).toPass({ timeout: 20_000 });
  return text;
}

test('a call pops the console, is answered from the knowledge base and recorded; a complaint comes back by SMS and is rated', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const phone = randomPhone();
  // What the system already knows about the caller: a booking and a dossier.
  const office = sql(`select office_id from office where name = 'Trung tâm Phục vụ hành chính công phường Quy Nhơn'`);
  const agency = sql(`select agency_id from office where office_id = '${office}'`);
  const booking = 'HL' + phone.slice(-6);
  sql(`insert into booking (code, office_id, procedure_code, starts_at, local_day, citizen_name, phone, channel, idempotency_key)
       values ('${booking}', '${office}', '1.001193', now() + interval '1 day', '${vnDay(1)}', 'Nguyễn Thị Hoa', '${phone}', 'online', gen_random_uuid())`);
  const dossier = 'QN-E2E-' + phone.slice(-6);
  sql(`insert into dossier (code, kind, agency_id, commune_code, channel, proactive, status, event_date, late, received_at, due_on, phone)
       values ('${dossier}', 'birth', '${agency}', '21583', 'counter', false, 'submitted', '${vnDay(-2)}', false, now(), '${vnDay(3)}', '${phone}')`);

  const agent = await tablet(browser, baseURL!, 'tinh.tongdai');
  await open(agent, '/hotline');
  await expect(agent.locator('html')).toHaveAttribute('data-live', 'open');
  await expect(agent.getByTestId('no-call')).toBeVisible();

  // The exchange rings the agent's extension: the console pops with the booking and the dossier.
  const first = `e2e-${phone}-1`;
  sim('ring', '--call', first, '--from', phone, '--extension', '101');
  await expect(agent.getByTestId('caller-number')).toHaveText(phone);
  await expect(agent.getByTestId('caller')).toHaveAttribute('data-known', 'true');
  await expect(agent.getByTestId('caller-bookings')).toContainText(booking);
  await expect(agent.getByTestId('caller-dossiers')).toContainText(dossier);
  await expect(agent.getByTestId('caller-dossiers')).toContainText('submitted');

  // Picked up: the agent finds the answer in the knowledge base (no diacritics typed) and uses it.
  sim('answer', '--call', first, '--extension', '101');
  await expect(agent.getByTestId('wrap-up')).toBeVisible();
  await agent.getByTestId('kb-q').fill('giay to khai sinh');
  await expect(agent.getByTestId('kb-results').locator('li').first()).toContainText('Giấy chứng sinh');
  await agent.getByTestId('kb-use').first().click();
  await expect(agent.getByTestId('picked-procedure')).toHaveText('1.001193');
  await expect(agent.locator('#f-answer')).toHaveValue(/Giấy chứng sinh/);
  await agent.getByRole('button', { name: 'Lưu cuộc gọi' }).click();
  await expect(agent.getByTestId('wrapped')).toBeVisible();
  sim('hangup', '--call', first, '--cause', 'normal');
  sim('record', '--call', first, '--seconds', '2');

  // The call log has it, with its recording, which the browser plays.
  await open(agent, '/hotline');
  const row = agent.getByTestId('call-log').locator('tr', { hasText: phone }).first();
  await expect(row).toHaveAttribute('data-outcome', 'answered');
  await expect(row).toContainText('Đăng ký khai sinh');
  const duration = await row.getByTestId('recording').evaluate((a: HTMLAudioElement) => new Promise<number>((resolve, reject) => {
    a.onloadedmetadata = () => resolve(a.duration);
    a.onerror = () => reject(new Error(`audio error ${a.error?.code}`));
    a.preload = 'metadata';
    a.load();
  }));
  expect(duration).toBeGreaterThan(1.5);

  // A second call becomes a complaint routed to the ward of Quy Nhơn.
  const second = `e2e-${phone}-2`;
  sim('ring', '--call', second, '--from', phone, '--extension', '101');
  await expect(agent.getByTestId('caller').locator('h2 [data-outcome="live"]')).toBeVisible();
  // The caller is known by the earlier call too.
  await expect(agent.getByTestId('caller').getByTestId('call-log')).toContainText('Đăng ký khai sinh');
  sim('answer', '--call', second, '--extension', '101');
  await expect(agent.getByTestId('caller').locator('h2 [data-outcome="answered"]')).toBeVisible();
  await expect(agent.getByTestId('caller-number')).toHaveText(phone);
  await agent.getByTestId('case-form-box').locator('summary').click();
  const form = agent.getByTestId('case-form');
  await form.locator('select[name="kind"]').selectOption('complaint');
  await form.getByTestId('case-commune').selectOption('21583');
  await form.locator('textarea[name="content"]').fill('Nộp hồ sơ khai sinh đã quá hẹn nhưng chưa nhận được kết quả.');
  await form.getByRole('button', { name: 'Lập phiếu xử lý' }).click();
  await expect(agent.getByTestId('case-opened')).toContainText('PA-');
  const code = (await agent.getByTestId('case-opened').textContent())!.match(/PA-\d{6}-\d{5}/)![0];
  sim('hangup', '--call', second);

  // The ward's civil-status official writes the answer; the ward's head approves it.
  const official = await tablet(browser, baseURL!, 'quynhon.hotich');
  await open(official, '/cases');
  await official.getByTestId('cases').locator(`li[data-code="${code}"] a`).click();
  await hydrated(official);
  await expect(official.getByTestId('case-content')).toContainText('chưa nhận được kết quả');
  await expect(official.getByTestId('case-act').locator('option[value="approve"]')).toHaveCount(0);
  await official.getByTestId('case-act').locator('select[name="action"]').selectOption('resolve');
  await official.locator('#f-note').fill('Kết quả đã có, mời anh chị nhận tại Bộ phận Một cửa từ ngày mai.');
  await official.getByTestId('case-act').getByRole('button', { name: 'Lưu' }).click();
  await expect(official.getByTestId('case-status')).toHaveAttribute('data-status', 'answered');
  const head = await tablet(browser, baseURL!, 'quynhon.quantri');
  await open(head, '/cases');
  await head.getByTestId('cases').locator(`li[data-code="${code}"] a`).click();
  await hydrated(head);
  await expect(head.getByTestId('case-answer')).toContainText('Kết quả đã có');
  await head.getByTestId('case-act').locator('select[name="action"]').selectOption('approve');
  await head.getByTestId('case-act').getByRole('button', { name: 'Lưu' }).click();
  await expect(head.getByTestId('case-status')).toHaveAttribute('data-status', 'resolved');

  // The caller's phone: the answer and a rating link by SMS; one tap rates it.
  const mobile = await (await browser.newContext({ ...devices['Pixel 7'], baseURL, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' })).newPage();
  const caseToken = sql(`select e.rating_token from service_evaluation e join feedback_case f on f.case_id = e.subject_id
                         where e.subject_kind = 'case' and f.code = '${code}'`);
  await inbox(mobile, phone, `/rate/${caseToken}`);
  const sms = await inbox(mobile, phone, code);
  expect(sms).toContain('Ket qua da co');
  // The call's own rating link came first.
  expect([...sms.matchAll(/\/rate\/[A-Za-z0-9_-]{27}/g)].length).toBeGreaterThanOrEqual(2);
  await open(mobile, `/rate/${caseToken}`);
  await mobile.locator('.overall').getByText('Hài lòng', { exact: true }).click();
  await mobile.getByRole('button', { name: 'Gửi đánh giá' }).click();
  await expect(mobile.getByTestId('rating-thanks')).toBeVisible();
  // And follows the case with its code and phone on the tracking page.
  await open(mobile, '/track');
  await mobile.getByLabel('Mã hồ sơ').fill(code);
  await mobile.getByLabel('Số điện thoại').fill(phone);
  await mobile.getByRole('button', { name: 'Tra cứu' }).click();
  await expect(mobile.getByTestId('tracking-answer')).toContainText('Kết quả đã có');

  // A missed call lands on the callback list; the callback is logged.
  const missed = randomPhone();
  sim('ring', '--call', `e2e-${missed}`, '--from', missed, '--extension', '101');
  sim('hangup', '--call', `e2e-${missed}`, '--cause', 'no_answer');
  await open(agent, '/hotline');
  const pending = agent.getByTestId('callbacks').locator(`li[data-caller="${missed}"]`);
  await expect(pending).toBeVisible();
  await pending.getByTestId('callback-reached').click();
  await expect(agent.getByTestId('callbacks').locator(`li[data-caller="${missed}"]`)).toHaveCount(0);
  await expect(agent.getByTestId('call-log').locator('tr', { hasText: `→ ${missed}` })).toHaveCount(1);

  // The province's figures: both calls answered, the complaint closed and rated.
  const province = await tablet(browser, baseURL!, 'tinh.quantri');
  await open(province, '/hotline/figures');
  expect(Number(await province.getByTestId('answered').textContent().then((t) => t!.split(' ')[0]))).toBeGreaterThanOrEqual(2);
  const ratedRow = province.getByTestId('case-figures').locator('tr', { hasText: 'phường Quy Nhơn' }).filter({ hasText: 'complaint' });
  await expect(ratedRow).toBeVisible();
  expect(Number(await ratedRow.locator('td').nth(5).textContent())).toBeGreaterThanOrEqual(1);
  const csv = await province.request.get(`/api/hotline/calls.csv?from=${vnDay(0)}&to=${vnDay(0)}`);
  expect(csv.status()).toBe(200);
  const body = await csv.text();
  expect(body).toContain(phone.slice(-3));
  expect(body).not.toContain(phone);
});

test('the public FAQ finds an answer without diacritics and takes "did this help?"', async ({ browser, baseURL }) => {
  const page = await (await browser.newContext({ ...devices['Pixel 7'], baseURL, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' })).newPage();
  await open(page, '/faq?q=ket%20hon');
  const item = page.getByTestId('faq-item').filter({ hasText: 'Đăng ký kết hôn ở đâu' });
  await expect(item).toBeVisible();
  await item.getByRole('button', { name: 'Có' }).click();
  await expect(item.getByRole('status')).toHaveText('Cảm ơn bạn đã góp ý.');
});
