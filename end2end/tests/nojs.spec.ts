import { test, expect } from '@playwright/test';
import { PASSWORD } from './fixtures/accounts';

// With JavaScript off the pages are plain server-rendered HTML and the forms plain POSTs.
test('staff can log in and out without JavaScript', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Tên đăng nhập').fill('quynhon.motcua');
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page.locator('[data-home="counter"]')).toBeVisible();
  await page.getByRole('button', { name: 'Đăng xuất' }).click();
  await expect(page.locator('[data-home="guest"]')).toBeVisible();
});

test('the procedure search works without JavaScript', async ({ page }) => {
  await page.goto('/procedures');
  await page.getByRole('searchbox', { name: 'Tìm' }).fill('khai tu');
  await page.getByRole('button', { name: 'Tìm' }).click();
  await expect(page.getByRole('heading', { name: 'Đăng ký khai tử', exact: true })).toBeVisible();
});

test('a hotline agent books for a citizen without JavaScript', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Tên đăng nhập').fill('tinh.tongdai');
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page.locator('[data-home="hotline"]')).toBeVisible();
  await page.getByRole('link', { name: 'Quầy và hàng đợi' }).click();
  await page.getByRole('link', { name: 'Đặt lịch cho người dân' }).first().click();
  // Accents typed or not, the same procedure is found.
  await page.getByRole('searchbox', { name: 'Tìm' }).fill('đăng ký khai sinh');
  await page.getByRole('button', { name: 'Tìm' }).click();
  await page.getByRole('link', { name: 'Đăng ký khai sinh', exact: true }).click();
  await page.getByRole('link', { name: /Trung tâm Phục vụ hành chính công xã Phù Cát/ }).click();
  await page.locator('input[name="starts_at"]:not([disabled])').first().check();
  await page.getByLabel('Họ và tên').fill('Lê Văn Tám');
  const phone = '09' + String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
  await page.getByLabel('Số điện thoại').fill(phone);
  await page.getByRole('button', { name: 'Xác nhận đặt lịch' }).click();
  await expect(page).toHaveURL(/\/bookings\/[2-9A-Z]{8}$/);
  await expect(page.locator('.qr svg')).toBeVisible();
  await expect(page.getByText('Lê Văn Tám')).toBeVisible();
});

test('a citizen logs in with a code without JavaScript and returns to where they were going', async ({ page, context }) => {
  const phone = '09' + String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
  await page.goto('/login/citizen?next=%2Fbookings');
  await page.getByLabel('Số điện thoại').fill(phone);
  await page.getByRole('button', { name: 'Gửi mã xác thực' }).click();
  await expect(page.getByText('Đã gửi mã xác thực đến số điện thoại của bạn.')).toBeVisible();
  const inbox = await context.newPage();
  await inbox.goto('/dev/inbox');
  const body = await inbox.locator(`.message[data-recipient="${phone}"] .body`).first().textContent();
  const code = (body ?? '').match(/\b(\d{6})\b/)?.[1] ?? '';
  await page.getByLabel('Mã xác thực').fill(code);
  await page.getByRole('button', { name: 'Xác nhận' }).click();
  await expect(page).toHaveURL(/\/bookings$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Lịch hẹn của tôi');
});
