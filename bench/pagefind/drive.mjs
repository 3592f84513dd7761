// drive.mjs - drives rasearch's search page (web/, at /) and the Pagefind
// page (bench/pagefind/page/, at /pf/) the same way in headless Chromium
// and writes what it measured as JSON (bench/pagefind/run makes the
// report).  See bench/pagefind/README.md for what is measured.
//
//   node drive.mjs BASE_URL QUERIES_FILE cold|warm OUT.json
//
// cold: for each query a fresh browser context (an empty profile: no
//   HTTP cache, no compiled WebAssembly): load the page, search the query
//   (the first search), then the next five queries of the list in the
//   same page.  Bytes for the page load, the first search and each of the
//   next five; time of the first search.
// warm: one context per system: every query searched once (not
//   measured), then every query again, measured (time only).
//
// A search is typed with one fill() of the box (one input event), so
// each page's own debounce runs once.  Times are the page's own clock:
//   issued  performance.mark('search-issued'): rasearch's fetch of the
//           endpoint with q= (hooked here by wrapping window.fetch),
//           Pagefind's call of pagefind.search() (marked by the page)
//   input   the input event of the fill (so input->painted includes the
//           debounce)
//   painted the first change of #results's children or of the #status
//           line after the mark (both pages render the answer, hits or
//           none, in one step that sets both), then one
//           requestAnimationFrame and a setTimeout(0) (the frame with the
//           results has been painted)
// Bytes: encodedDataLength (headers and body as received) of every
// request the page and its workers finish between the fill and the end
// of the search (results painted and no request in flight for 300 ms);
// answers from the browser's cache count 0.
import { readFileSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const [base, qfile, mode, out] = process.argv.slice(2);
if (!base || !qfile || !/^(cold|warm)$/.test(mode || '') || !out) {
  console.error('usage: node drive.mjs BASE_URL QUERIES_FILE cold|warm OUT.json');
  process.exit(2);
}
const queries = readFileSync(qfile, 'utf8').split('\n').filter((l) => l.trim());
const systems = [
  { name: 'rasearch', url: base + '/' },
  { name: 'pagefind', url: base + '/pf/' },
];

// Injected into every page before its own scripts.
const HOOKS = () => {
  const B = (window.__bench = { paints: [], input: [] });
  const realFetch = window.fetch;
  window.fetch = function (input, init) {
    try {
      const u = new URL(typeof input === 'string' ? input : input.url, location.href);
      const p = u.searchParams;
      if (u.pathname === '/search' && p.has('q') && !p.has('complete') && !p.has('related'))
        performance.mark('search-issued', { detail: p.get('q') });
    } catch (e) { /* not a URL we measure */ }
    return realFetch.call(this, input, init);
  };
  document.addEventListener('input', (ev) => B.input.push({ t: ev.timeStamp, v: ev.target.value }), true);
  document.addEventListener('DOMContentLoaded', () => {
    const list = document.getElementById('results');
    const status = document.getElementById('status');
    if (!list || !status) return;
    const seen = () => {
      const marks = performance.getEntriesByName('search-issued');
      const last = marks[marks.length - 1];
      if (!last || B.paints.some((p) => p.issued === last.startTime)) return;
      const rec = { q: last.detail, issued: last.startTime, t: 0,
        hits: list.querySelectorAll(':scope > li.hit').length };
      B.paints.push(rec);
      requestAnimationFrame(() => setTimeout(() => { rec.t = performance.now(); }, 0));
    };
    const mo = new MutationObserver(seen);
    mo.observe(list, { childList: true });
    mo.observe(status, { childList: true, characterData: true, subtree: true });
  });
};

// Bytes received by a context's pages and their workers: Playwright's
// request events (they include the requests of dedicated workers, which a
// page's own DevTools session does not see) and request.sizes(), the
// protocol's encodedDataLength split into headers and body.  The protocol
// gives 0 for the body of a worker's own script: that one is counted by
// its Content-Length.
class Meter {
  constructor(ctx) {
    this.total = 0; this.inflight = new Set(); this.last = Date.now(); this.pending = [];
    ctx.on('request', (r) => { this.inflight.add(r); this.last = Date.now(); });
    const done = (r, ok) => {
      this.pending.push((async () => {
        if (ok) {
          const s = await r.sizes().catch(() => null);
          let body = s ? s.responseBodySize : 0;
          const resp = await r.response().catch(() => null);
          if (body === 0 && resp && resp.status() === 200 && /-worker\.js$/.test(new URL(r.url()).pathname))
            body = Number((await resp.allHeaders())['content-length'] || 0);
          this.total += (s ? Math.max(0, s.responseHeadersSize) : 0) + Math.max(0, body);
        }
        this.inflight.delete(r);
        this.last = Date.now();
      })());
    };
    ctx.on('requestfinished', (r) => done(r, true));
    ctx.on('requestfailed', (r) => done(r, false));
  }
  async quiet(ms = 300, timeout = 20000) {
    const stop = Date.now() + timeout;
    while (Date.now() < stop) {
      await Promise.all(this.pending);
      if (this.inflight.size === 0 && Date.now() - this.last >= ms) return;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  take() { const t = this.total; this.total = 0; return t; }
}

async function openPage(ctx) {
  const meter = new Meter(ctx);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    // The browser's own /favicon.ico probe is answered 404 on both sides.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !/\/favicon\.ico$/.test(r.url())) errors.push(r.status() + ' ' + r.url());
  });
  // rasearch's answer as the page received it: ids and titles of the hits.
  const answers = new Map();
  page.on('response', async (r) => {
    const u = new URL(r.url());
    if (u.pathname !== '/search' || !u.searchParams.has('q') || u.searchParams.has('complete')) return;
    try {
      const d = await r.json();
      answers.set(u.searchParams.get('q'), (d.hits || []).map((h) => ({ id: h.id, title: h.title })));
    } catch (e) { /* not JSON: an error page */ }
  });
  return { page, meter, errors, answers };
}

async function searchOnce(P, sys, q) {
  const { page, meter } = P;
  const before = await page.evaluate(() => window.__bench.paints.length);
  meter.take();
  await page.fill('#q', q);
  const end = Date.now() + 30000;
  let rec = null;
  for (;;) {
    rec = await page.evaluate(([n, q]) => {
      const p = window.__bench.paints.slice(n).find((x) => x.q === q && x.t > 0);
      const inp = window.__bench.input.filter((x) => x.v === q).pop();
      return p ? { issued: p.issued, painted: p.t, input: inp ? inp.t : null, hits: p.hits } : null;
    }, [before, q]);
    if (rec) break;
    if (Date.now() > end) return { q, error: 'no answer painted within 30 s' };
    await new Promise((r) => setTimeout(r, 20));
  }
  await meter.quiet();
  const bytes = meter.take();
  let top = [];
  if (sys.name === 'rasearch') {
    top = (P.answers.get(q) || []).slice(0, 10);
  } else {
    top = await page.evaluate(() => [...document.querySelectorAll('#results > li.hit')].slice(0, 10).map((li) => ({
      id: decodeURIComponent(li.dataset.url.replace(/^.*\/a\//, '').replace(/\.html$/, '')),
      title: li.querySelector('h2').textContent,
    })));
  }
  return {
    q,
    ms: rec.painted - rec.issued,
    input_ms: rec.input === null ? null : rec.painted - rec.input,
    hits: rec.hits,
    bytes,
    top,
  };
}

async function clearBox(P) {
  await P.page.fill('#q', '');
  await P.meter.quiet(100);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const result = { mode, queries, systems: {} };
try {
  for (const sys of systems) {
    const R = (result.systems[sys.name] = { trials: [], errors: [] });
    if (mode === 'cold') {
      for (let i = 0; i < queries.length; i++) {
        const ctx = await browser.newContext();
        await ctx.addInitScript(HOOKS);
        const P = await openPage(ctx);
        await P.page.goto(sys.url, { waitUntil: 'load' });
        await P.meter.quiet();
        const trial = { page_bytes: P.meter.take(), searches: [] };
        for (let k = 0; k < 6; k++) {
          trial.searches.push(await searchOnce(P, sys, queries[(i + k) % queries.length]));
        }
        R.trials.push(trial);
        R.errors.push(...P.errors);
        process.stderr.write(`  ${sys.name} cold ${i + 1}/${queries.length}: ${queries[i]}: ` +
          `${Math.round(trial.searches[0].ms ?? -1)} ms, ${trial.searches[0].bytes} bytes\n`);
        await ctx.close();
      }
    } else {
      const ctx = await browser.newContext();
      await ctx.addInitScript(HOOKS);
      const P = await openPage(ctx);
      await P.page.goto(sys.url, { waitUntil: 'load' });
      await P.meter.quiet();
      for (const q of queries) { await searchOnce(P, sys, q); await clearBox(P); }
      const searches = [];
      for (const q of queries) { searches.push(await searchOnce(P, sys, q)); await clearBox(P); }
      R.trials.push({ searches });
      R.errors.push(...P.errors);
      process.stderr.write(`  ${sys.name} warm: ${searches.length} searches\n`);
      await ctx.close();
    }
  }
} finally {
  await browser.close();
}
writeFileSync(out, JSON.stringify(result, null, 1));
