import { test, expect } from '@playwright/test';
import { hydrated, randomPhone } from './fixtures/accounts';

test('a citizen logs in on a phone with a one-time code', async ({ page, context }) => {
  const phone = randomPhone();
  await page.goto('/');
  await hydrated(page);
  await page.getByRole('link', { name: 'Người dân đăng nhập bằng số điện thoại' }).click();
  await page.getByLabel('Số điện thoại').fill(phone.replace(/(\d{4})(\d{3})(\d{3})/, '$1 $2 $3'));
  await page.getByRole('button', { name: 'Gửi mã xác thực' }).click();
  await expect(page.getByText('Đã gửi mã xác thực đến số điện thoại của bạn.')).toBeVisible();

  // The local SMS adapter's messages, as a developer reads them.
  const inbox = await context.newPage();
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
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Việc của bạn');
  await expect(page.locator('[data-role="citizen"]')).toHaveText('Người dân');

  await page.getByRole('button', { name: 'Đăng xuất' }).click();
  await expect(page.locator('[data-home="guest"]')).toBeVisible();
});

test('a wrong phone number is refused next to the field', async ({ page }) => {
  await page.goto('/login/citizen');
  await hydrated(page);
  await page.getByLabel('Số điện thoại').fill('12345');
  await page.getByRole('button', { name: 'Gửi mã xác thực' }).click();
  const field = page.getByLabel('Số điện thoại');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#f-phone-err')).toHaveText('Thông tin chưa hợp lệ.');
});

test('a wrong code is refused with a clear message', async ({ page }) => {
  const phone = randomPhone();
  await page.goto('/login/citizen');
  await hydrated(page);
  await page.getByLabel('Số điện thoại').fill(phone);
  await page.getByRole('button', { name: 'Gửi mã xác thực' }).click();
  await page.getByLabel('Mã xác thực').fill('000000');
  await page.getByRole('button', { name: 'Xác nhận' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Mã xác thực không đúng hoặc đã hết hạn.' })).toBeVisible();
});
