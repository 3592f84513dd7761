// search.mjs - the search page in headless Chromium: type a query, see
// highlighted results appear (search as you type), click a tag chip and see
// the results filtered, then check the phone-sized layout.  Prints TAP.
// Usage: node search.mjs BASE_URL   (CHROMIUM=/usr/bin/chromium by default)
import { chromium } from 'playwright-core';

const base = process.argv[2];
let n = 0;
let failed = 0;
const ok = (cond, what) => {
  n++;
  if (!cond) failed++;
  console.log(`${cond ? 'ok' : 'not ok'} ${n} - ${what}`);
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // Failed requests are checked by URL below (the browser's own
  // /favicon.ico probe is not the page's).
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(r.status() + ' ' + r.url());
  });
  await page.goto(base + '/', { waitUntil: 'load' });
  ok(await page.locator('#q').isVisible(), 'the search box is shown');

  // Search as you type: no Enter pressed.
  await page.locator('#q').pressSequentially('mentorship', { delay: 30 });
  await page.waitForSelector('#results li.hit mark', { timeout: 10000 });
  const hits = await page.locator('#results > li.hit').count();
  ok(hits > 1, `results appear while typing (${hits} hits)`);
  const marks = await page.locator('#results mark').allTextContents();
  ok(marks.some((m) => /mentor/i.test(m)), `query words are highlighted (${marks.slice(0, 3).join(', ')})`);
  ok(await page.locator('#results .section').count() > 0, 'snippets show their section');
  ok(/result/.test(await page.locator('#status').textContent()), 'a result count is announced');

  // Click a tag chip of the last hit: results are filtered to that tag.
  const chip = page.locator('#results > li.hit').last().locator('.tags .chip').first();
  const tag = (await chip.textContent()).trim();
  await chip.click();
  await page.waitForFunction((t) => {
    const f = document.querySelector('#filters');
    return f && f.textContent.includes(t);
  }, tag, { timeout: 10000 });
  await page.waitForTimeout(300);
  const after = await page.locator('#results > li.hit').all();
  let allTagged = after.length > 0;
  for (const h of after) {
    const tags = await h.locator('.tags .chip').allTextContents();
    if (!tags.map((s) => s.trim()).includes(tag)) allTagged = false;
  }
  ok(allTagged, `clicking the chip "${tag}" leaves only articles tagged with it (${after.length})`);
  ok(new URL(page.url()).searchParams.getAll('tag').includes(tag), 'the filter is in the URL');

  // Keyboard: the chip is a focusable button; Escape clears.
  await page.locator('#q').focus();
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.querySelectorAll('#results > li').length === 0);
  ok(true, 'Escape clears the search');

  // Hostile text typed is shown as text, not markup.
  await page.locator('#q').fill('');
  await page.locator('#q').pressSequentially('<img src=x onerror=alert(1)>', { delay: 5 });
  await page.waitForTimeout(800);
  ok(await page.locator('#main img').count() === 0, 'typed markup is never turned into elements');

  // Phone-sized screen: no horizontal scrolling.
  await page.setViewportSize({ width: 360, height: 740 });
  await page.locator('#q').fill('residency');
  await page.locator('#q').press('Enter');
  await page.waitForSelector('#results li.hit', { timeout: 10000 });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  ok(wide <= 360, `fits a 360px wide screen (scrollWidth ${wide})`);
  ok(errors.length === 0, 'no JavaScript errors' + (errors.length ? ': ' + errors.join('; ') : ''));
} catch (e) {
  ok(false, 'browser test ran: ' + e);
} finally {
  await browser.close();
}
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
