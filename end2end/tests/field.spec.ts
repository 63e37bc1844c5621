import { test, expect, devices, Browser, BrowserContext, Page } from '@playwright/test';
import { hydrated, staffLogin } from './fixtures/accounts';
import { open, person, sql, tablet, vnDay } from './fixtures/civil';

// The Women's Union collector's phone app with no network: captures and handovers kept on the
// phone (IndexedDB), the app shell from the service worker, the outbox sent exactly once.


/** The field app has read the phone's store (its lazy part is hydrated and running). */
async function fieldReady(phone: Page) {
  await hydrated(phone);
  await expect(phone.getByTestId('storage')).toContainText('MB');
}

/** The collector logged in on her phone, with the field app kept for offline use. */
async function collectorPhone(browser: Browser, baseURL: string): Promise<{ ctx: BrowserContext; phone: Page }> {
  const ctx = await browser.newContext({ ...devices['Pixel 7'], baseURL, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  const phone = await ctx.newPage();
  await staffLogin(phone, 'quynhon.ctv');
  await expect(phone.locator('[data-role]')).toBeVisible();
  await phone.getByRole('link', { name: 'Việc đến nhà' }).click();
  await fieldReady(phone);
  await expect(phone.getByTestId('network')).toHaveText('Có mạng');
  // The service worker has the page and the files it loaded (wasm, its lazy part, styles).
  await expect(async () => {
    expect(await phone.evaluate(async () => {
      // The page in the cache of pages kept for a session, the files in the static one.
      const page = await caches.match('/field');
      let wasm = 0;
      for (const k of await caches.keys()) {
        wasm += (await (await caches.open(k)).keys()).filter((r) => new URL(r.url).pathname.endsWith('.wasm')).length;
      }
      return !!page && wasm >= 2;
    })).toBe(true);
  }).toPass({ timeout: 15_000 });
  return { ctx, phone };
}

/** Opens a new capture of `kind` from the visit list. */
async function startCapture(phone: Page, kind: 'birth' | 'marriage' | 'death') {
  await phone.getByRole('tab', { name: 'Việc' }).click();
  await phone.getByTestId(`start-${kind}`).click();
  await expect(phone.getByTestId('capture-form')).toBeVisible();
}

async function fill(phone: Page, fields: Record<string, string>) {
  for (const [k, v] of Object.entries(fields)) {
    const el = phone.locator(`#c-${k}`);
    if ((await el.evaluate((e) => e.tagName)) === 'SELECT') await el.selectOption(v);
    else await el.fill(v);
  }
}

function deathFields(deceased: string): Record<string, string> {
  return {
    deceased_id: deceased,
    death_date: vnDay(-1),
    death_place: 'Tại nhà',
    death_notice_no: `GBT-${Date.now() % 100000}`,
    requester_name: 'Lê Văn Tám',
    requester_relation: 'Con',
  };
}

test('offline, a collector captures a birth with two photos and a death; after a reload and back online both arrive once with their photos', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const mother = person(`sex = 'female' and marital_status = 'married' and birth_date > '1988-01-01'
    and personal_id not in (select mother_id from dossier where mother_id is not null)`);
  const deceased = person(`sex = 'male' and birth_date < '1980-01-01'`);
  const { ctx, phone } = await collectorPhone(browser, baseURL!);
  // Two camera photos of papers (phone-screen sized, larger than what is kept).
  const photo1 = await phone.screenshot({ fullPage: true });
  await phone.setViewportSize({ width: 400, height: 700 });
  const photo2 = await phone.screenshot();

  await ctx.setOffline(true);
  await expect(phone.getByTestId('network')).toHaveText('Ngoại tuyến – vẫn làm việc được');

  // A birth: the form's own checks work offline, next to the field.
  await startCapture(phone, 'birth');
  await fill(phone, { child_name: 'Trần Gia Bảo', child_sex: 'male', birth_date: vnDay(1) });
  await phone.getByTestId('finish').click();
  await expect(phone.locator('#c-birth_date-err')).not.toBeEmpty();
  await expect(phone.locator('#c-birth_place-err')).toHaveText('Vui lòng nhập thông tin này.');
  await fill(phone, {
    birth_date: vnDay(-2), birth_place: 'Trạm y tế phường', mother_id: mother,
    requester_name: 'Trần Văn Hậu', requester_relation: 'Cha', phone: '0905 123 456',
  });
  await phone.getByTestId('photo-input').setInputFiles([
    { name: 'giay-chung-sinh.png', mimeType: 'image/png', buffer: photo1 },
    { name: 'cccd-me.png', mimeType: 'image/png', buffer: photo2 },
  ]);
  await expect(phone.locator('[data-testid="photos"] img')).toHaveCount(2);
  await phone.getByTestId('finish').click();
  await expect(phone.getByText('Cần có sự đồng ý của gia đình.')).toBeVisible();
  await phone.getByTestId('consent').check();
  await phone.getByTestId('finish').click();
  const outbox = phone.getByTestId('outbox');
  await expect(outbox.locator('li')).toHaveCount(1);
  await expect(outbox.locator('[data-state="waiting"]')).toHaveCount(1);

  // A death, and a marriage left as a draft.
  await startCapture(phone, 'death');
  await fill(phone, deathFields(deceased));
  await phone.getByTestId('consent').check();
  await phone.getByTestId('finish').click();
  await expect(outbox.locator('[data-state="waiting"]')).toHaveCount(2);
  await startCapture(phone, 'marriage');
  await fill(phone, { marriage_date: vnDay(3) });
  await expect(phone.getByTestId('waiting')).toHaveText('2 mục chờ gửi');
  await expect(phone.getByTestId('save-state')).toHaveText('Đã lưu trên máy.');

  // Reloaded with no network: the app, the two waiting captures and the draft are all there.
  await phone.reload();
  await fieldReady(phone);
  await expect(phone.getByTestId('network')).toHaveText('Ngoại tuyến – vẫn làm việc được');
  await expect(phone.getByTestId('waiting')).toHaveText('2 mục chờ gửi');
  await phone.getByRole('tab', { name: /Ghi nhận/ }).click();
  await expect(phone.getByTestId('drafts').locator('li')).toHaveCount(1);
  await phone.getByTestId('drafts').getByRole('button', { name: 'Tiếp tục' }).click();
  await expect(phone.locator('#c-marriage_date')).toHaveValue(vnDay(3));
  await phone.getByRole('tab', { name: /Chờ gửi/ }).click();
  await expect(outbox.locator('li')).toHaveCount(2);
  await expect(outbox.locator('li').first()).toContainText('Ảnh: 0/2');

  // Back online: sent in order, each once, with the dossier codes shown.
  await ctx.setOffline(false);
  await expect(outbox.locator('[data-state="accepted"]')).toHaveCount(2, { timeout: 20_000 });
  await expect(phone.getByTestId('waiting')).toHaveText('0 mục chờ gửi');
  const codes = await outbox.getByTestId('dossier-code').allTextContents();
  expect(codes).toHaveLength(2);
  await expect(outbox.locator('li').first()).toContainText('Ảnh: 2/2');

  // Exactly once in the database, photos attached.
  expect(sql(`select count(*) from dossier d join dossier_version v on v.dossier_id = d.dossier_id and v.version = d.version
              where d.kind = 'birth' and v.data ->> 'mother_id' = '${mother}' and d.channel = 'collector'`)).toBe('1');
  expect(sql(`select count(*) from dossier d join dossier_version v on v.dossier_id = d.dossier_id and v.version = d.version
              where d.kind = 'death' and v.data ->> 'deceased_id' = '${deceased}'`)).toBe('1');
  expect(sql(`select count(*) from field_photo p join dossier d using (dossier_id) where d.code = '${codes[0]}'`)).toBe('2');

  // The official sees both in the work queue (collector channel), and the birth's photos.
  const official = await tablet(browser, baseURL!, 'quynhon.hotich');
  await open(official, '/civil?tab=submitted&channel=collector');
  for (const code of codes) {
    await expect(official.locator(`tr[data-code="${code}"]`)).toHaveCount(1);
  }
  await official.locator(`tr[data-code="${codes[0]}"] a`).click();
  await hydrated(official);
  const photos = official.getByTestId('dossier-photos').locator('img');
  await expect(photos).toHaveCount(2);
  for (const img of await photos.all()) {
    await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBeGreaterThan(0);
    // Compressed on the phone: at most 1600 px on the long side.
    expect(await img.evaluate((i: HTMLImageElement) => Math.max(i.naturalWidth, i.naturalHeight))).toBeLessThanOrEqual(1600);
  }
  await ctx.close();
});

test('a sync cut after the server received it is retried without a duplicate; the handover is recorded offline and shows as delivered', async ({ browser, baseURL }) => {
  test.setTimeout(150_000);
  const deceased = person(`sex = 'female' and birth_date < '1980-01-01'`);
  const { ctx, phone } = await collectorPhone(browser, baseURL!);
  const paper = await phone.screenshot();

  // The first photo upload and the first submission reach the server, then the line drops.
  let cutPhoto = true;
  await phone.route('**/api/field/photos/**', async (route) => {
    if (!cutPhoto) return route.continue();
    cutPhoto = false;
    await route.fetch();
    await route.abort('connectionreset');
  });
  let cutSubmit = true;
  await phone.route('**/api/field_submit*', async (route) => {
    if (!cutSubmit) return route.continue();
    cutSubmit = false;
    await route.fetch();
    await route.abort('connectionreset');
  });

  await startCapture(phone, 'death');
  await fill(phone, deathFields(deceased));
  await phone.getByTestId('photo-input').setInputFiles([{ name: 'giay-bao-tu.png', mimeType: 'image/png', buffer: paper }]);
  await expect(phone.locator('[data-testid="photos"] img')).toHaveCount(1);
  await phone.getByTestId('consent').check();
  await phone.getByTestId('finish').click();
  const outbox = phone.getByTestId('outbox');
  // Cut during the photo: still waiting, nothing lost.
  await expect(outbox.locator('[data-state="waiting"]')).toContainText('chưa có mạng, sẽ tự gửi lại');
  await phone.getByRole('button', { name: 'Gửi ngay' }).click();
  // Cut during the form (after the server made the dossier): still waiting.
  await expect.poll(() => cutSubmit).toBe(false);
  await expect(outbox.locator('[data-state="waiting"]')).toHaveCount(1);
  await expect.poll(() => sql(`select count(*) from dossier d join dossier_version v on v.dossier_id = d.dossier_id and v.version = d.version
              where d.kind = 'death' and v.data ->> 'deceased_id' = '${deceased}'`)).toBe('1');
  await expect(phone.getByRole('button', { name: 'Gửi ngay' })).toBeEnabled();
  await phone.getByRole('button', { name: 'Gửi ngay' }).click();
  await expect(outbox.locator('[data-state="accepted"]')).toHaveCount(1);
  const code = (await outbox.getByTestId('dossier-code').textContent())!.trim();
  // One dossier, one photo, one stored answer: the retries made nothing twice.
  expect(sql(`select count(*) from dossier d join dossier_version v on v.dossier_id = d.dossier_id and v.version = d.version
              where d.kind = 'death' and v.data ->> 'deceased_id' = '${deceased}'`)).toBe('1');
  expect(sql(`select count(*) from field_photo p join dossier d using (dossier_id) where d.code = '${code}'`)).toBe('1');
  expect(sql(`select count(*) from field_submission s join dossier d using (dossier_id) where d.code = '${code}'`)).toBe('1');

  // The commune registers it and the chairman signs.
  const official = await tablet(browser, baseURL!, 'quynhon.hotich');
  await open(official, `/civil/d/${code}`);
  await official.getByRole('button', { name: 'Kiểm tra và chuyển sẵn sàng đăng ký' }).click();
  await expect(official.locator('[data-status]').first()).toHaveAttribute('data-status', 'ready');
  await official.getByRole('button', { name: 'Ghi sổ đăng ký, trình Chủ tịch ký' }).click();
  await expect(official.locator('[data-status]').first()).toHaveAttribute('data-status', 'awaiting_signature');
  const chairman = await tablet(browser, baseURL!, 'quynhon.chutich');
  await open(chairman, `/civil/d/${code}`);
  await chairman.getByRole('button', { name: 'Ký duyệt' }).click();
  await expect(chairman.locator('[data-status]').first()).toHaveAttribute('data-status', 'registered');

  // On the phone (online, once more), the certificate waits to be handed over.
  await phone.reload();
  await fieldReady(phone);
  const item = phone.locator(`[data-testid="to-deliver"] li[data-code="${code}"]`);
  await expect(item).toBeVisible();

  // At the family's home, with no network: the handover with a signature drawn on the screen.
  await ctx.setOffline(true);
  await item.getByTestId('deliver').click();
  const form = phone.getByTestId('handover-form');
  await form.getByTestId('save-handover').click();
  await expect(phone.locator('#h-recipient-err')).not.toBeEmpty();
  await form.getByLabel('Người nhận', { exact: true }).fill('Lê Văn Tám');
  await form.getByLabel('Quan hệ với người được cấp').fill('Con');
  const pad = form.getByTestId('signature');
  const box = (await pad.boundingBox())!;
  await phone.mouse.move(box.x + 20, box.y + box.height / 2);
  await phone.mouse.down();
  for (let i = 1; i <= 10; i++) await phone.mouse.move(box.x + 20 + i * 25, box.y + box.height / 2 + (i % 2 ? 15 : -15));
  await phone.mouse.up();
  await form.getByTestId('save-handover').click();
  const handover = outbox.locator('li[data-kind="handover"]', { hasText: code });
  await expect(handover.locator('[data-state="waiting"]')).toBeVisible();
  await expect(handover).toContainText('Ảnh: 0/1');

  await ctx.setOffline(false);
  await expect(handover.locator('[data-state="accepted"]')).toBeVisible({ timeout: 20_000 });
  await expect(handover).toContainText('Ảnh: 1/1');
  await expect(phone.getByTestId('waiting')).toHaveText('0 mục chờ gửi');

  // The official's queue lists it as delivered; the dossier has the record and the signature.
  await open(official, '/civil?tab=delivered');
  await expect(official.locator(`tr[data-code="${code}"]`)).toHaveCount(1);
  await official.locator(`tr[data-code="${code}"] a`).click();
  await hydrated(official);
  await expect(official.locator('[data-status]').first()).toHaveAttribute('data-status', 'delivered');
  await expect(official.getByTestId('delivery-record')).toContainText(/Lê Văn Tám\s*\(Con\)/);
  await expect(official.getByTestId('delivery-record')).toContainText('Tại nhà');
  await expect(official.locator('[data-testid="dossier-photos"] li[data-purpose="handover"] img')).toHaveCount(1);
  expect(sql(`select count(*) from delivery_record r join dossier d using (dossier_id) where d.code = '${code}'`)).toBe('1');
  await ctx.close();
});

test('a family asks for a home visit; it is on the collector\'s list', async ({ browser, baseURL }) => {
  const family = `Hồ Thị Thu ${Date.now() % 10000}`;
  const ctx = await browser.newContext({ ...devices['Pixel 7'], baseURL, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  const page = await ctx.newPage();
  await open(page, '/visit');
  await page.getByRole('button', { name: 'Gửi đề nghị' }).click();
  await expect(page.locator('#v-family_name-err')).not.toBeEmpty();
  await page.getByLabel('Việc cần hỗ trợ').selectOption('birth');
  await page.getByLabel('Xã, phường nơi cư trú').selectOption('21583');
  await page.getByLabel('Họ tên người cần đăng ký (hoặc chủ hộ)').fill(family);
  await page.getByLabel('Địa chỉ').fill('Tổ 7, khu vực 3');
  await page.getByLabel('Số điện thoại liên hệ').fill('0905 222 333');
  await page.getByLabel('Ngày sinh / ngày mất (nếu có)').fill(vnDay(-3));
  await page.getByRole('button', { name: 'Gửi đề nghị' }).click();
  await expect(page.getByTestId('visit-requested')).toBeVisible();
  await ctx.close();

  const { ctx: c2, phone } = await collectorPhone(browser, baseURL!);
  const visit = phone.locator('li[data-task]', { hasText: family });
  await expect(visit).toContainText('Gia đình đề nghị');
  await expect(visit).toContainText('Hạn đăng ký');
  await c2.close();
});
