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
