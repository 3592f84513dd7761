// search.mjs - the search page in headless Chromium: type a query, see
// highlighted results appear (search as you type) with facet counts,
// "N similar" and completions, follow a did-you-mean, click a tag chip and
// see the results filtered, then check the phone-sized layout.  Then the
// state in the URL: Back/Forward step through searches, a shared URL
// (?q=&tag=&page=) and a reload restore one; the keyboard walks and opens
// results; tag chips are limited with a "more tags" control and the first
// result stays above the fold on a phone; headings show their matches,
// stop words left out of ranking are not marked; nothing jumps when
// results arrive.  Then the article view: a title opens it with the
// query's matches marked and linked one to the next, Back returns to the
// same results; without JavaScript the endpoint's HTML links and pages the
// same way; a hit with a site URL links there and still offers the view.
// Prints TAP.
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

// The hits shown: their title links (the article view or the site URL).
const hrefs = (page) => page.evaluate(() =>
  [...document.querySelectorAll('#results > li.hit > .hit-title a')].map((a) => a.getAttribute('href')));
// The endpoint's JSON for a query string, to compare with what is shown
// (a fresh connection each time: a kept-alive one may have been closed).
async function endpoint(page, qs) {
  const r = await page.request.get(base + '/search?' + qs, { headers: { Connection: 'close' } });
  return r.json();
}
const endpointIds = async (page, qs) => (await endpoint(page, qs)).hits.map((h) => h.id);
const idOf = (href) => new URL(href, base).searchParams.get('article');
// Results settled: no search running, and wanted(hrefs) true.
async function settled(page, wanted, what) {
  await waitUntil(page, () => !document.querySelector('#results[aria-busy]'), null)
    .catch(() => {});
  const end = Date.now() + 10000;
  for (;;) {
    const h = await hrefs(page);
    if (wanted(h)) return h;
    if (Date.now() > end) throw new Error('timed out waiting for ' + what + ' (' + h.join(' ') + ')');
    await new Promise((r) => setTimeout(r, 50));
  }
}
const sameList = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
// Hits of the search for q (their article links carry it): a search for
// what was typed so far (a slow machine lets the debounce fire mid-word)
// is not taken for it.
const forQuery = (q) => (h) => h.length > 0 &&
  h.every((x) => new URL(x, base).searchParams.get('q') === q);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  const errors = [];
  // A search for what was typed so far may be refused with a 400 naming q
  // ("me" has only very common words): that is advice shown to the
  // reader, not an error of the page.
  const typed = ['mentorship', 'mentorsip', '<img src=x onerror=alert(1)>', 'residency networking'];
  const watch = (pg) => {
    pg.on('pageerror', (e) => errors.push(String(e)));
    // Failed requests are checked by URL below (the browser's own
    // /favicon.ico probe is not the page's).
    pg.on('console', (m) => {
      if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(m.text());
    });
    pg.on('response', (r) => {
      const u = new URL(r.url());
      const q = u.searchParams.get('q');
      const partial = r.status() === 400 && u.pathname === '/search' && q !== null &&
        typed.some((t) => t.startsWith(q));
      if (r.status() >= 400 && !partial && !u.pathname.endsWith('/favicon.ico'))
        errors.push(r.status() + ' ' + r.url());
    });
    return pg;
  };
  const page = watch(await browser.newPage());
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
  await page.close();

  // ---- Back and Forward step through searches ---------------------------
  {
    const pg = watch(await browser.newPage());
    await pg.goto(base + '/', { waitUntil: 'load' });
    const len0 = await pg.evaluate(() => history.length);
    await pg.locator('#q').pressSequentially('mentorship', { delay: 30 });
    const r1 = await settled(pg, forQuery('mentorship'), 'mentorship results');
    ok(await pg.evaluate(() => history.length) === len0,
      'typing replaces the history entry (no entry per keystroke)');
    ok(new URL(pg.url()).searchParams.get('q') === 'mentorship', 'the typed query is in the URL');
    await pg.locator('#q').press('Enter');
    await pg.waitForTimeout(300);
    ok(await pg.evaluate(() => history.length) === len0, 'Enter commits the search typed, no duplicate entry');
    const chipT = pg.locator('#facet-list .chip').first();
    const tagT = (await chipT.evaluate((b) => b.firstChild.textContent)).trim();
    await chipT.click();
    const r2 = await settled(pg, (h) => h.length > 0 && !sameList(h, r1), 'tag-filtered results');
    ok(await pg.evaluate(() => history.length) === len0 + 1 &&
       new URL(pg.url()).searchParams.getAll('tag').includes(tagT),
      `a tag chip adds a history entry with tag=${tagT}`);
    await pg.goBack();
    const back = await settled(pg, (h) => sameList(h, r1), 'the results before the tag');
    ok(sameList(back, r1) && await pg.locator('#q').inputValue() === 'mentorship' &&
       await pg.locator('#filters li').count() === 0 && !new URL(pg.url()).searchParams.has('tag'),
      `Back shows the same results as before (${back.length} hits, no filter)`);
    await pg.goForward();
    const fwd = await settled(pg, (h) => sameList(h, r2), 'the filtered results again');
    ok(sameList(fwd, r2) && (await pg.locator('#filters').textContent()).includes(tagT),
      'Forward shows the filtered results again');
    // Typing after a committed search adds one entry: Back returns to it.
    await pg.locator('#q').fill('residency');
    await settled(pg, forQuery('residency'), 'residency results');
    await pg.goBack();
    const again = await settled(pg, (h) => sameList(h, r2), 'the filtered search');
    ok(sameList(again, r2) && await pg.locator('#q').inputValue() === 'mentorship',
      'typing after a search keeps that search one Back away');
    await pg.close();
  }

  // ---- A shared URL: query, tag filter and page from the URL; reload ------
  {
    const pg = watch(await browser.newPage());
    const shared = 'q=residency&tag=Mentorship&page=2&per_page=2';
    const want = await endpointIds(pg, shared);
    const page1 = await endpointIds(pg, 'q=residency&tag=Mentorship&per_page=2');
    await pg.goto(base + '/?' + shared, { waitUntil: 'load' });
    let shown = await settled(pg, (h) => h.length > 0, 'the shared search');
    ok(want.length > 0 && sameList(shown.map(idOf), want) && !want.some((i) => page1.includes(i)),
      `a shared URL shows its page 2 (${shown.map(idOf).join(' ')})`);
    ok(await pg.locator('#q').inputValue() === 'residency' &&
       (await pg.locator('#filters').textContent()).includes('Mentorship') &&
       /Page 2 of/.test(await pg.locator('#pages').textContent()),
      'the query box, the tag filter and the pager say what the URL says');
    let tagged = true;
    for (const h of await pg.locator('#results > li.hit').all())
      if (!(await h.locator('.tags .chip').allTextContents()).map((t) => t.trim()).includes('Mentorship')) tagged = false;
    ok(tagged, 'the tag from the URL filters the results');
    await pg.reload({ waitUntil: 'load' });
    shown = await settled(pg, (h) => h.length > 0, 'the search after reload');
    ok(sameList(shown.map(idOf), want) && new URL(pg.url()).search === '?' + shared,
      'reload restores the same search and URL');
    await pg.locator('#pages button', { hasText: 'Previous' }).click();
    shown = await settled(pg, (h) => sameList(h.map(idOf), page1), 'page 1');
    ok(!new URL(pg.url()).searchParams.has('page'), 'Previous goes to page 1 and says so in the URL');
    await pg.goBack();
    shown = await settled(pg, (h) => sameList(h.map(idOf), want), 'page 2 again');
    ok(new URL(pg.url()).searchParams.get('page') === '2', 'Back returns to page 2');
    await pg.close();
  }

  // ---- Keyboard: arrows walk the results, Enter opens one ----------------
  {
    const pg = watch(await browser.newPage());
    await pg.goto(base + '/?q=residency', { waitUntil: 'load' });
    const links = await settled(pg, (h) => h.length > 2, 'residency results');
    ok(links.every((h) => { const u = new URL(h, base);
      return idOf(h) && u.searchParams.get('q') === 'residency' && u.pathname === '/search' &&
             u.searchParams.get('format') === 'html'; }),
      'titles link to the article view as a page, with the query (url is null here)');
    await pg.locator('#q').focus();
    const focused = () => pg.evaluate(() => {
      const a = document.activeElement;
      const hits = [...document.querySelectorAll('#results > li.hit > .hit-title a')];
      return { i: hits.indexOf(a), box: a === document.getElementById('q'),
        visible: a.matches(':focus-visible') && getComputedStyle(a).outlineStyle !== 'none' };
    });
    await pg.keyboard.press('ArrowDown');
    let f = await focused();
    ok(f.i === 0 && f.visible, 'ArrowDown from the box focuses the first result, visibly');
    await pg.keyboard.press('ArrowDown');
    await pg.keyboard.press('ArrowDown');
    f = await focused();
    ok(f.i === 2 && f.visible, 'ArrowDown moves on (third result)');
    await pg.keyboard.press('ArrowUp');
    f = await focused();
    ok(f.i === 1, 'ArrowUp moves back');
    await pg.keyboard.press('Home');
    await pg.keyboard.press('ArrowUp');
    f = await focused();
    ok(f.box, 'ArrowUp from the first result returns to the search box');
    await pg.keyboard.press('ArrowDown');
    await pg.keyboard.press('ArrowDown');
    await Promise.all([pg.waitForURL((u) => u.searchParams.has('article')), pg.keyboard.press('Enter')]);
    ok(pg.url() === new URL(links[1], base).href, `Enter opens the focused result (${pg.url().replace(base, '')})`);
    await pg.waitForSelector('article.article h2.title', { timeout: 10000 });
    ok(await pg.locator('article.article mark[id]').count() > 0, 'and it is the article view, its matches marked');
    await pg.goBack();
    const back = await settled(pg, (h) => sameList(h, links), 'the results after the article');
    ok(sameList(back, links), 'Back from the article shows the same results');
    await pg.close();
  }

  // ---- Tag chips: the most useful few, the rest behind a control --------
  {
    const pg = watch(await browser.newPage({ viewport: { width: 390, height: 844 } }));
    const data = await endpoint(pg, 'q=residency');
    await pg.goto(base + '/?q=residency', { waitUntil: 'load' });
    await settled(pg, (h) => h.length > 0, 'residency results');
    const top = await pg.locator('#facet-list .chip').count();
    const more = await pg.locator('#more-list .chip').count();
    ok(data.facets.length > 10 && top === 10 && top + more === data.facets.length,
      `${data.facets.length} tags: ${top} chips shown, ${more} behind "more tags"`);
    const everyHit = data.facets.filter((x) => x.count >= data.facet_docs).map((x) => x.tag);
    const topTags = await pg.locator('#facet-list .chip').evaluateAll((bs) => bs.map((b) => b.firstChild.textContent));
    ok(everyHit.length > 0 && !topTags.some((t) => everyHit.includes(t)),
      `a tag every result has is not among the first (${everyHit.join(', ')})`);
    ok(await pg.locator('#more-tags summary').isVisible() && !(await pg.locator('#more-list').isVisible()),
      'the "more tags" control is shown, closed');
    const box = await pg.evaluate(() => {
      const t = document.querySelector('#results > li.hit > .hit-title').getBoundingClientRect();
      const s = document.querySelector('#results > li.hit .snippet');
      return { title: t.bottom, snippet: s ? s.getBoundingClientRect().top : 0,
        wide: document.documentElement.scrollWidth };
    });
    ok(box.title < 844 && box.snippet < 844 && box.wide <= 390,
      `390x844: the first result and its snippet above the fold (title ends at ${Math.round(box.title)}px)`);
    await pg.locator('#more-tags summary').click();
    ok(await pg.locator('#more-list').isVisible(), '"more tags" opens the rest');
    const extra = pg.locator('#more-list .chip').last();
    const extraTag = (await extra.evaluate((b) => b.firstChild.textContent)).trim();
    await extra.click();
    await waitUntil(pg, (t) => document.querySelector('#filters').textContent.includes(t), extraTag);
    ok(new URL(pg.url()).searchParams.getAll('tag').includes(extraTag), `a chip from "more tags" filters (${extraTag})`);
    await pg.close();
  }

  // ---- Highlights: a matching heading is marked, stop words are not -----
  {
    const pg = watch(await browser.newPage());
    await pg.goto(base + '/?q=' + encodeURIComponent('the hierarchies'), { waitUntil: 'load' });
    await settled(pg, (h) => h.length > 0, 'hierarchies results');
    const sec = await pg.locator('#results .section mark').allTextContents();
    ok(sec.includes('Hierarchies'), `the heading that matched is marked (${sec.join(', ')})`);
    const marks = await pg.locator('#results mark').allTextContents();
    ok(!marks.some((m) => /^the$/i.test(m.trim())), `"the" is not marked on its own (${marks.join(', ')})`);
    // The address was written with %20; Enter on it is the same search.
    const len = await pg.evaluate(() => history.length);
    await pg.locator('#q').press('Enter');
    await settled(pg, forQuery('the hierarchies'), 'the same search');
    ok(await pg.evaluate(() => history.length) === len, 'Enter on a loaded search adds no entry');
    await pg.close();
  }

  // ---- Nothing jumps when results arrive ---------------------------------
  {
    const pg = watch(await browser.newPage({ viewport: { width: 390, height: 844 } }));
    await pg.goto(base + '/', { waitUntil: 'load' });
    await pg.evaluate(() => {
      window.__shift = 0;
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__shift += e.value; })
        .observe({ type: 'layout-shift' }); // from now on, not the page's load
    });
    const boxTop = () => pg.evaluate(() => document.getElementById('q').getBoundingClientRect().top);
    const before = await boxTop();
    await pg.locator('#q').pressSequentially('residency', { delay: 30 });
    await settled(pg, forQuery('residency'), 'residency results');
    const firstTop = () => pg.evaluate(() => document.querySelector('#results > li.hit').getBoundingClientRect().top);
    const top1 = await firstTop();
    // Slowly, so each prefix is searched on its own ("residency ne" is in
    // no article, and "did you mean" comes and goes): nothing moves either.
    await pg.locator('#q').pressSequentially(' networking', { delay: 260 });
    await settled(pg, forQuery('residency networking'), 'refined results');
    const top2 = await firstTop();
    const shift = await pg.evaluate(() => window.__shift);
    ok(await boxTop() === before && top1 === top2 && shift < 0.05,
      `the box and the first result stay put (layout shift ${shift.toFixed(3)}, first result ${top1} -> ${top2})`);
    await pg.close();
  }
  // On a wide screen the chips wrap: two rows at most, the rest behind
  // "more tags", so a search with fewer chips does not move the results.
  {
    const pg = watch(await browser.newPage({ viewport: { width: 1100, height: 800 } }));
    await pg.goto(base + '/', { waitUntil: 'load' });
    await pg.evaluate(() => {
      window.__shift = 0;
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__shift += e.value; })
        .observe({ type: 'layout-shift' });
    });
    const state = () => pg.evaluate(() => ({
      top: document.querySelector('#results > li.hit').getBoundingClientRect().top,
      rows: new Set([...document.querySelectorAll('#facet-list > li')].map((li) => li.offsetTop)).size,
      chips: document.querySelectorAll('#facet-list .chip').length + document.querySelectorAll('#more-list .chip').length,
    }));
    const tagsOf = async (q) => (await endpoint(pg, 'q=' + q)).facets.length;
    await pg.locator('#q').fill('alumni');
    await settled(pg, forQuery('alumni'), 'alumni results');
    const a = await state();
    await pg.locator('#q').fill('residency');
    await settled(pg, forQuery('residency'), 'residency results');
    const r = await state();
    const shift = await pg.evaluate(() => window.__shift);
    ok(a.rows <= 2 && r.rows <= 2 && a.chips === await tagsOf('alumni') && r.chips === await tagsOf('residency') &&
       a.top === r.top && shift < 0.05,
      `1100x800: chips in ${a.rows} and ${r.rows} rows, every tag offered, first result ${a.top} -> ${r.top}, layout shift ${shift.toFixed(3)}`);
    // A narrower window fits the same chips again.
    const before = await pg.evaluate(() => document.querySelectorAll('#facet-list .chip').length);
    await pg.setViewportSize({ width: 600, height: 800 });
    await waitUntil(pg, (n) => document.querySelectorAll('#facet-list .chip').length !== n, before, 3000).catch(() => {});
    const n = await state();
    ok(n.rows <= 2 && n.chips === r.chips && n.chips > 0,
      `resized to 600px: the chips refit to ${n.rows} rows (${before} shown before, ${n.chips} in all)`);
    await pg.close();
  }

  // ---- Article view: a result opens it, its matches marked and linked ---
  // What the view shows: its marks, the links on from one to the next,
  // the count line, whether it fits the screen and is styled.
  const viewState = (pg) => pg.evaluate(() => {
    const marks = [...document.querySelectorAll('article.article mark')];
    const numbered = marks.filter((m) => m.id);
    const ids = new Set(numbered.map((m) => m.id));
    const nexts = [...document.querySelectorAll('article.article a.next')].map((a) => a.getAttribute('href'));
    const line = document.querySelector('p.matches');
    return { words: marks.map((m) => m.textContent), n: numbered.length,
      inOrder: numbered.every((m, i) => m.id === 'm' + (i + 1)),
      nexts: nexts.length, broken: nexts.filter((h) => !ids.has(h.slice(1))),
      line: line ? line.textContent : '', wide: document.documentElement.scrollWidth,
      styled: numbered.length > 0 && getComputedStyle(numbered[0]).backgroundColor !== 'rgba(0, 0, 0, 0)' };
  });
  // Follow the link after match 1: the address says #m2, m2 is the
  // target and on the screen.
  const followNext = async (pg) => {
    await pg.locator('#m1 + a.next').click();
    await waitUntil(pg, () => location.hash === '#m2');
    return pg.evaluate(() => {
      const m = document.getElementById('m2');
      const r = m.getBoundingClientRect();
      return m.matches(':target') && r.top >= 0 && r.bottom <= innerHeight;
    });
  };
  {
    const pg = watch(await browser.newPage({ viewport: { width: 390, height: 844 } }));
    await pg.goto(base + '/?q=mentorship', { waitUntil: 'load' });
    const before = await settled(pg, forQuery('mentorship'), 'mentorship results');
    const first = pg.locator('#results > li.hit > .hit-title a').first();
    const title = (await first.textContent()).trim();
    await Promise.all([pg.waitForURL((u) => u.searchParams.has('article')), first.click()]);
    await pg.waitForSelector('article.article h2.title', { timeout: 10000 });
    const u = new URL(pg.url());
    ok(u.searchParams.get('article') === idOf(before[0]) && u.searchParams.get('q') === 'mentorship',
      `clicking a title opens its article view (${u.search})`);
    ok((await pg.locator('article.article h2.title').textContent()).replace(/\u203a/g, '').trim() === title,
      'the view is of that article (its title)');
    const v = await viewState(pg);
    ok(v.n >= 2 && v.words.every((w) => /mentor/i.test(w)),
      `the query's words are marked (${v.n} matches: ${[...new Set(v.words)].join(', ')})`);
    ok(new RegExp('^' + v.n + ' match(es)? of mentorship').test(v.line),
      `the match count line says how many (${v.line.replace(/\s+/g, ' ').slice(0, 60)})`);
    ok(v.inOrder && v.nexts === v.n && v.broken.length === 0,
      `each match is anchored m1..m${v.n} and followed by a link on; none leads nowhere`);
    ok(v.wide <= 390 && v.styled, `the view is styled and fits a 390px screen (scrollWidth ${v.wide})`);
    ok(await followNext(pg), 'following the link after the first match moves to #m2, on screen');
    await pg.goBack();
    await waitUntil(pg, () => location.hash === '');
    ok(new URL(pg.url()).searchParams.get('article') === idOf(before[0]), 'Back steps from the match to the view');
    await pg.goBack();
    const back = await settled(pg, (h) => sameList(h, before), 'the results before the view');
    ok(sameList(back, before) && await pg.locator('#q').inputValue() === 'mentorship',
      `Back again shows the same results (${back.length} hits) and the query in the box`);
    await pg.close();
  }

  // ---- Without JavaScript: the endpoint's HTML, its links and pages -----
  {
    const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
    const pg = watch(await ctx.newPage());
    await pg.goto(base + '/', { waitUntil: 'load' });
    await pg.locator('#q').fill('residency');
    await Promise.all([pg.waitForURL((x) => x.pathname === '/search'), pg.locator('#q').press('Enter')]);
    let u = new URL(pg.url());
    ok(u.searchParams.get('format') === 'html' && u.searchParams.get('q') === 'residency' &&
       await pg.locator('ol.hits > li.hit').count() > 0,
      'without JavaScript the search form shows the endpoint\'s HTML results');
    const want1 = await endpointIds(pg, 'q=residency&per_page=2');
    const want2 = await endpointIds(pg, 'q=residency&per_page=2&page=2');
    await pg.goto(base + '/search?q=residency&per_page=2&format=html', { waitUntil: 'load' });
    const titles = () => pg.locator('ol.hits > li.hit h2 a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    const t1 = await titles();
    ok(sameList(t1.map(idOf), want1) && t1.every((h) => { const x = new URL(h, base);
      return x.searchParams.get('q') === 'residency' && x.searchParams.get('format') === 'html'; }),
      'HTML results: each title links to its article view with the query');
    const wide = await pg.evaluate(() => document.documentElement.scrollWidth);
    ok(wide <= 390, `HTML results fit a 390px screen (scrollWidth ${wide})`);
    await Promise.all([pg.waitForURL((x) => x.searchParams.get('page') === '2'),
      pg.locator('nav.pages a[rel=next]').click()]);
    const t2 = await titles();
    ok(sameList(t2.map(idOf), want2) && /Page 2 of/.test(await pg.locator('nav.pages').textContent()) &&
       await pg.locator('nav.pages a[rel=prev]').count() === 1,
      `HTML results page: Next goes to page 2 (${t2.map(idOf).join(' ')})`);
    await Promise.all([pg.waitForURL((x) => x.searchParams.has('article')),
      pg.locator('ol.hits > li.hit h2 a').first().click()]);
    u = new URL(pg.url());
    const v = await viewState(pg);
    ok(u.searchParams.get('article') === want2[0] && v.n > 0 && v.broken.length === 0 && v.wide <= 390,
      `its title opens the article view, ${v.n} matches marked`);
    ok(await followNext(pg), 'the next-match links work without JavaScript');
    const back = new URL(await pg.locator('p.matches a', { hasText: 'back to the results' }).getAttribute('href'), base);
    ok(back.searchParams.get('q') === 'residency' && back.searchParams.get('page') === '2',
      `the view links back to the results, their page too (${back.search})`);
    await Promise.all([pg.waitForURL((x) => !x.searchParams.has('article')),
      pg.locator('p.matches a', { hasText: 'back to the results' }).click()]);
    ok(sameList((await titles()).map(idOf), want2), 'following it shows the same page of results');
    await ctx.close();
  }

  // ---- A hit with a site URL: the title goes there, the view stays -----
  {
    const site = 'https://site.test/field-notes/quokka/';
    const pg = watch(await browser.newPage());
    await pg.goto(base + '/?q=quokka', { waitUntil: 'load' });
    const h = await settled(pg, (x) => x.length > 0, 'quokka results');
    const view = pg.locator('#results > li.hit').first().locator('a.view');
    const vhref = await view.getAttribute('href').catch(() => null);
    const vu = vhref && new URL(vhref, base);
    ok(h[0] === site && vu && vu.searchParams.get('article') === 'quokka_field_notes' &&
       vu.searchParams.get('q') === 'quokka' && vu.searchParams.get('format') === 'html',
      'search page: a site URL is the title\'s link, and "Where it matches" opens the view');
    await Promise.all([pg.waitForURL((x) => x.searchParams.has('article')), view.click()]);
    const v = await viewState(pg);
    ok(v.n > 0 && await pg.locator('article.article a.site').getAttribute('href') === site,
      `the view marks its ${v.n} matches and links to the site`);
    await pg.goto(base + '/search?q=quokka&format=html', { waitUntil: 'load' });
    const t = await pg.locator('ol.hits > li.hit h2 a').first().getAttribute('href');
    const vh = await pg.locator('ol.hits > li.hit a.view').first().getAttribute('href');
    ok(t === site && new URL(vh, base).searchParams.get('article') === 'quokka_field_notes',
      'HTML results: the title links to the site, the view link to the article view');
    await pg.close();
  }

  ok(errors.length === 0, 'no JavaScript errors' + (errors.length ? ': ' + errors.join('; ') : ''));
} catch (e) {
  ok(false, 'browser test ran: ' + e);
} finally {
  await browser.close();
}
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
