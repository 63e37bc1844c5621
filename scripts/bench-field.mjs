// What the Women's Union collector's phone must keep to work offline (scripts/bench.sh): log in
// on a phone-sized Chromium, open the field app, let the service worker keep it, then add up
// every response in Cache Storage (stored, i.e. decompressed, bytes: what takes room on the
// phone). Prints `collector_offline_cache_kb: N KB`; the files and their transfer size go to stderr.
import { chromium, devices } from '@playwright/test';
import { existsSync, statSync } from 'node:fs';

const A = process.env.BENCH_A;
const log = (...a) => console.error('bench:', ...a);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  const ctx = await browser.newContext({ ...devices['Pixel 7'], baseURL: A, locale: 'vi-VN' });
  const page = await ctx.newPage();
  await page.goto('/login');
  await page.waitForSelector('html[data-hydrated="true"]');
  await page.getByLabel('Tên đăng nhập').fill('quynhon.ctv');
  await page.getByLabel('Mật khẩu').fill('phucvu-demo-2026');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.waitForSelector('[data-role]');
  await page.goto('/field');
  await page.waitForSelector('html[data-hydrated="true"]');
  // The service worker keeps the page and what it loaded (asked by the app once hydrated).
  const deadline = Date.now() + 30_000;
  let files = [];
  for (;;) {
    files = await page.evaluate(async () => {
      const out = [];
      for (const k of await caches.keys()) {
        const c = await caches.open(k);
        for (const req of await c.keys()) {
          const resp = await c.match(req);
          out.push([new URL(req.url).pathname, (await resp.blob()).size]);
        }
      }
      return out;
    });
    const ready = files.some(([p]) => p === '/field') && files.filter(([p]) => p.endsWith('.wasm')).length >= 2;
    if (ready || Date.now() > deadline) break;
    await page.waitForTimeout(500);
  }
  if (!files.some(([p]) => p === '/field')) throw new Error('the field app was not cached');
  // Settle: late additions (icons) land within a second.
  await page.waitForTimeout(1000);
  let stored = 0;
  let wire = 0;
  for (const [path, size] of files.sort((a, b) => b[1] - a[1])) {
    stored += size;
    const br = `target/site${path}.br`;
    const transfer = existsSync(br) ? statSync(br).size : size;
    wire += transfer;
    log(`${path}: ${(size / 1024).toFixed(1)} KB stored, ${(transfer / 1024).toFixed(1)} KB sent`);
  }
  log(`${files.length} files; ${(wire / 1024).toFixed(1)} KB over the network (brotli where precompressed)`);
  console.log(`collector_offline_cache_kb: ${(stored / 1024).toFixed(1)} KB`);
} finally {
  await browser.close();
}
