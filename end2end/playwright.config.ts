import { defineConfig, devices } from '@playwright/test';

// Debian's Chromium, never a downloaded browser. The flags keep it from calling home.
const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
};

export default defineConfig({
  testDir: './tests',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL: process.env.BASE_URL || 'http://127.0.0.1:3000',
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    trace: 'retain-on-failure',
  },
  projects: [
    // Citizens and field collectors: a mid-range Android phone.
    { name: 'phone', testMatch: /(shell|citizen)\.spec\.ts/, use: { ...devices['Pixel 7'], launchOptions } },
    // Officials: a tablet in landscape.
    { name: 'tablet', testMatch: /(shell|staff)\.spec\.ts/, use: { ...devices['Galaxy Tab S4 landscape'], launchOptions } },
    // Civil registration on officials' tablets (phones for the family and the verifier inside the tests).
    { name: 'civil', testMatch: /civil\.spec\.ts/, use: { ...devices['Galaxy Tab S4 landscape'], launchOptions } },
    // The collector's phone app, offline and back.
    { name: 'field', testMatch: /field\.spec\.ts/, use: { ...devices['Pixel 7'], launchOptions } },
    // The hotline: the agent's tablet, the commune's tablet and the caller's phone inside the test.
    { name: 'hotline', testMatch: /hotline\.spec\.ts/, use: { ...devices['Galaxy Tab S4 landscape'], launchOptions } },
    // Booking to board: its own browser contexts (phone, tablets, TV) inside the test.
    { name: 'queue', testMatch: /(queue|evaluation)\.spec\.ts/, use: { launchOptions } },
    // Every core flow must work before (or without) the wasm: server rendering and plain forms.
    { name: 'phone-no-js', testMatch: /nojs\.spec\.ts/, use: { ...devices['Pixel 7'], javaScriptEnabled: false, launchOptions } },
  ],
});
