// Takes full-page screenshots of pages, optionally logged in: a tool to look at what we build.
// Usage: node screenshots.mjs <outdir> [email password] -- /path1 /path2 ...
import { chromium } from '@playwright/test';

const args = process.argv.slice(2);
const out = args.shift();
const sep = args.indexOf('--');
const creds = sep > 0 ? args.slice(0, sep) : [];
const paths = sep >= 0 ? args.slice(sep + 1) : args;
const base = process.env.BASE_URL || 'http://127.0.0.1:3000';
const width = Number(process.env.WIDTH || 1280);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width, height: 900 } });
page.on('console', (m) => { if (m.type() === 'error') console.log('console error:', m.text()); });
page.on('pageerror', (e) => console.log('page error:', e.message));
if (creds.length === 2) {
  await page.goto(base + '/connexion');
  await page.waitForSelector('body[data-hydrated]');
  await page.fill('input[name=email]', creds[0]);
  await page.fill('input[name=password]', creds[1]);
  await page.click('button[type=submit]');
  await page.waitForURL((u) => !u.pathname.startsWith('/connexion'));
}
for (const p of paths) {
  await page.goto(base + p);
  await page.waitForSelector('body[data-hydrated]', { timeout: 15000 }).catch(() => console.log('not hydrated:', p));
  const name = (p.replace(/[^a-z0-9]+/gi, '_') || 'root') + (width < 700 ? '_mobile' : '') + '.png';
  await page.screenshot({ path: `${out}/${name}`, fullPage: true });
  console.log('shot', p, '->', name);
}
await browser.close();
