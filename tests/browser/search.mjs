// search.mjs - the search page in headless Chromium: type a query, see
// highlighted results appear (search as you type) with facet counts,
// "N similar" and completions, follow a did-you-mean, click a tag chip and
// see the results filtered, then check the phone-sized layout.  Prints TAP.
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

// Wait until fn(arg) is true in the page.  Not page.waitForFunction: its
// in-page polling evaluates a string, which the page's CSP (script-src
// 'self', no 'unsafe-eval') refuses once the condition is not met at once.
// page.evaluate goes through the debugging protocol instead.
async function waitUntil(page, fn, arg, timeout = 10000) {
  const end = Date.now() + timeout;
  for (;;) {
    if (await page.evaluate(fn, arg)) return true;
    if (Date.now() > end) throw new Error('timed out waiting for ' + String(fn).slice(0, 80));
    await new Promise((r) => setTimeout(r, 50));
  }
}

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
  // A search for what was typed so far may be refused with a 400 naming q
  // ("me" has only very common words): that is advice shown to the
  // reader, not an error of the page.
  const typed = ['mentorship', 'mentorsip', '<img src=x onerror=alert(1)>', 'residency'];
  page.on('response', (r) => {
    const u = new URL(r.url());
    const q = u.searchParams.get('q');
    const partial = r.status() === 400 && u.pathname === '/search' && q !== null &&
      typed.some((t) => t.startsWith(q));
    if (r.status() >= 400 && !partial && !u.pathname.endsWith('/favicon.ico'))
      errors.push(r.status() + ' ' + r.url());
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

  // Schema 2 features from the endpoint: facet counts, "N similar",
  // completions in the datalist.
  ok(await page.locator('#facet-list .chip .count').count() > 0, 'tag facets show their counts');
  ok(await page.locator('#results .similar').count() > 0, 'a collapsed near-duplicate says "N similar"');
  await waitUntil(page, () =>
    [...document.querySelectorAll('#completions option')].some((o) => o.value === 'mentorship'),
  null).then(() => ok(true, 'completions fill the datalist'),
    () => ok(false, 'completions fill the datalist'));

  // Did you mean: shown with its hit count, and a click searches it.
  await page.locator('#q').fill('mentorsip');
  await page.waitForSelector('#didyoumean:not([hidden]) button', { timeout: 10000 });
  const dym = await page.locator('#didyoumean').textContent();
  ok(/Did you mean mentorship \(\d+ results?\)\?/.test(dym), `did you mean with its hit count (${dym})`);
  await page.locator('#didyoumean button').click();
  await page.waitForSelector('#results li.hit mark', { timeout: 10000 });
  ok(new URL(page.url()).searchParams.get('q') === 'mentorship', 'clicking it searches the suggestion');

  // Click a tag chip of the last hit: results are filtered to that tag.
  const chip = page.locator('#results > li.hit').last().locator('.tags .chip').first();
  const tag = (await chip.textContent()).trim();
  await chip.click();
  await waitUntil(page, (t) => {
    const f = document.querySelector('#filters');
    return f && f.textContent.includes(t);
  }, tag);
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
  await waitUntil(page, () => document.querySelectorAll('#results > li').length === 0);
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
