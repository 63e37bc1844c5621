import { test, expect } from '@playwright/test';
import { STAFF, hydrated, staffLogin } from './fixtures/accounts';

for (const a of STAFF) {
  test(`${a.username} logs in on a tablet and sees the ${a.home} home`, async ({ page }) => {
    await staffLogin(page, a.username);
    await expect(page.locator(`[data-home="${a.home}"]`)).toBeVisible();
    await expect(page.locator('.profile dd').first()).toHaveText(a.role);
  });
}

test('a commune official sees her commune but is refused another commune', async ({ page }) => {
  await staffLogin(page, 'quynhon.hotich');
  await expect(page.locator('[data-home="official"]')).toBeVisible();
  await page.getByRole('link', { name: 'Thông tin xã' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Phường Quy Nhơn');
  await expect(page.getByText('Nguyễn Thị Lan')).toBeVisible();

  await page.goto('/commune/21853');
  await expect(page.locator('[data-forbidden="true"]')).toContainText('Bạn không có quyền xem hoặc thay đổi dữ liệu này.');
  await expect(page.getByText('Đỗ Văn Hùng')).toHaveCount(0);
});

test('a wrong password gets a translated error and the language switch translates it', async ({ page }) => {
  await staffLogin(page, `khong.co.${Date.now()}`, 'sai-mat-khau');
  await expect(page.getByRole('alert').filter({ hasText: 'Tên đăng nhập hoặc mật khẩu không đúng.' })).toBeVisible();
  await page.getByRole('link', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Staff login');
});

test('the province administrator adds and removes a holiday, and it is audited', async ({ page }) => {
  await staffLogin(page, 'tinh.quantri');
  await page.getByRole('link', { name: 'Lịch ngày làm việc' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Lịch ngày làm việc');
  const year = 2030 + Math.floor(Math.random() * 60);
  await page.getByLabel('Năm').fill(String(year));
  await page.getByRole('button', { name: 'Tìm' }).click();
  await expect(page).toHaveURL(new RegExp(`year=${year}`));
  // The year's page is loaded anew: tap only once it is hydrated (the lazy-page race).
  await hydrated(page);
  const before = await page.getByRole('status').textContent();
  // A Wednesday in March, so the number of working days must drop by one.
  const day = [1, 2, 3, 4, 5, 6, 7].find((d) => new Date(Date.UTC(year, 2, d)).getUTCDay() === 3)!;
  const dd = String(day).padStart(2, '0');
  await page.getByLabel('Ngày', { exact: true }).fill(`${year}-03-${dd}`);
  await page.getByLabel('Tên', { exact: true }).fill('Ngày nghỉ thử nghiệm');
  await page.getByRole('button', { name: 'Thêm' }).click();
  await expect(page.getByRole('cell', { name: 'Ngày nghỉ thử nghiệm' })).toBeVisible();
  await expect(page.getByRole('status')).not.toHaveText(before ?? '');
  await page.getByRole('button', { name: `Xóa ${dd}/03/${year}` }).click();
  await expect(page.getByRole('cell', { name: 'Ngày nghỉ thử nghiệm' })).toHaveCount(0);

  await page.goto('/admin/audit');
  await hydrated(page);
  await expect(page.getByRole('cell', { name: 'calendar_day_removed' }).first()).toBeVisible();
});

test('a commune official cannot open the audit log', async ({ page }) => {
  await staffLogin(page, 'quynhon.hotich');
  await expect(page.locator('[data-home="official"]')).toBeVisible();
  await page.goto('/admin/audit');
  await expect(page.locator('[data-forbidden="true"]')).toBeVisible();
});
