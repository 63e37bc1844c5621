import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { hydrated } from './fixtures/accounts';

test('the home page is Vietnamese, hydrates and navigates without reloading', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'vi');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dịch vụ công gần hơn với người dân');
  await hydrated(page);
  await page.evaluate(() => ((window as any).__sameDocument = true));
  await page.getByRole('link', { name: 'Danh mục thủ tục' }).click();
  await expect(page).toHaveURL(/\/procedures$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Thủ tục hành chính');
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
});

test('switching to English and back keeps the page', async ({ page }) => {
  await page.goto('/procedures');
  await hydrated(page);
  await page.getByRole('link', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page).toHaveURL(/\/procedures$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Administrative procedures');
  await page.getByRole('link', { name: 'Tiếng Việt' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'vi');
});

test('procedure search ignores accents', async ({ page }) => {
  await page.goto('/procedures');
  await hydrated(page);
  await page.getByRole('searchbox', { name: 'Tìm' }).fill('dang ky khai sinh');
  await page.getByRole('button', { name: 'Tìm' }).click();
  await expect(page).toHaveURL(/q=dang/);
  await expect(page.getByRole('heading', { name: 'Đăng ký khai sinh', exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Đăng ký kết hôn' })).toHaveCount(0);
});

test('the web app manifest is valid and the service worker takes control', async ({ page, request }) => {
  const manifest = await (await request.get('/manifest.webmanifest')).json();
  expect(manifest.name).toContain('Phục vụ');
  expect(manifest.icons.some((i: any) => i.sizes === '512x512')).toBe(true);
  for (const icon of manifest.icons) {
    expect((await request.get(icon.src)).ok(), icon.src).toBe(true);
  }
  await page.goto('/');
  const active = await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    return reg.active?.state;
  });
  expect(['activating', 'activated']).toContain(active);
});

test('offline, an unvisited page falls back to the offline page', async ({ page, context }) => {
  await page.goto('/');
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await page.reload(); // now controlled by the service worker
  await context.setOffline(true);
  await page.goto('/login/citizen?never-visited=1').catch(() => undefined);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bạn đang ngoại tuyến');
  await context.setOffline(false);
});

test('an unknown address shows a friendly 404 page', async ({ page }) => {
  const resp = await page.goto('/khong-co-trang-nay');
  expect(resp?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Không tìm thấy trang');
  await page.getByRole('link', { name: 'Về trang chủ' }).click();
  await expect(page).toHaveURL(/\/$/);
});

for (const path of ['/', '/login', '/login/citizen', '/procedures']) {
  test(`no serious accessibility problems on ${path}`, async ({ page }) => {
    await page.goto(path);
    await hydrated(page);
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`)).toEqual([]);
  });
}

test('pages hydrate, load lazy parts and run the service worker under the Content-Security-Policy', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect)/i.test(m.text())) violations.push(m.text());
  });
  const resp = await page.goto('/');
  const csp = resp!.headers()['content-security-policy'];
  expect(csp).toContain("script-src 'nonce-");
  expect(csp).toContain("frame-ancestors 'none'");
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`Content Security Policy: ${e.violatedDirective} ${e.blockedURI}`));
  });
  await hydrated(page);
  // A lazy page: its wasm chunk is fetched and compiled under the policy.
  await page.getByRole('link', { name: 'Danh mục thủ tục' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Thủ tục hành chính');
  await page.goto('/book');
  await hydrated(page);
  expect(await page.evaluate(() => navigator.serviceWorker.ready.then((r) => !!r.active))).toBe(true);
  expect(violations).toEqual([]);
});

test('a personal page is not kept by the service worker once the session is gone', async ({ browser, baseURL }) => {
  const ctx = await browser.newContext({ baseURL });
  const page = await ctx.newPage();
  await page.goto('/');
  await hydrated(page);
  await page.evaluate(() => navigator.serviceWorker.ready);
  const resp = await page.goto('/login');
  expect(resp!.headers()['cache-control']).toBe('no-store');
  // Nothing but public files and pages kept on purpose is in the worker's caches.
  const cached: string[] = await page.evaluate(async () => {
    const out: string[] = [];
    for (const name of await caches.keys()) {
      for (const r of await (await caches.open(name)).keys()) out.push(new URL(r.url).pathname);
    }
    return out;
  });
  expect(cached).not.toContain('/login');
  await ctx.close();
});
