/* search.js - search as you type with the Pagefind API, done as Pagefind's
 * default UI (pagefind-ui.js, 1.x) does it: pagefind.js is imported on
 * the first input; every input starts pagefind.preload() of the typed
 * term at once and (re)starts a 300 ms debounce (the UI's
 * debounceTimeoutMs default) after which pagefind.search() runs; the
 * fragments (title, URL, excerpt) of the results shown are then loaded
 * with result.data().  It shows PER_PAGE results, as many as rasearch's
 * page (the UI's page_size default is 5).
 *
 * For the benchmark: performance.mark('search-issued', {detail: term}) is
 * set just before pagefind.search() is called, and results replace the
 * children of #results in one step, as li.hit elements carrying the
 * result's URL in data-url. */
'use strict';
(function () {
  const DEBOUNCE_MS = 300;
  const PER_PAGE = 10;
  const BUNDLE = '/pf/pagefind/';
  const input = document.getElementById('q');
  const list = document.getElementById('results');
  const status = document.getElementById('status');
  let pagefind = null;
  let timer = 0;
  let seq = 0;

  function load() {
    if (!pagefind) {
      pagefind = import(BUNDLE + 'pagefind.js').then(async (m) => {
        await m.options({ baseUrl: '/pf/' });
        m.init();
        return m;
      });
    }
    return pagefind;
  }

  function render(term, total, data) {
    const items = data.map((d) => {
      const li = document.createElement('li');
      li.className = 'hit';
      li.dataset.url = d.url;
      const h = document.createElement('h2');
      const a = document.createElement('a');
      a.href = d.url;
      a.textContent = (d.meta && d.meta.title) || d.url;
      h.append(a);
      const p = document.createElement('p');
      // Pagefind's excerpt is its own escaped text with <mark> elements;
      // its UI inserts it as HTML too.
      p.innerHTML = d.excerpt;
      li.append(h, p);
      return li;
    });
    status.textContent = total + ' result' + (total === 1 ? '' : 's') + ' for ' + term;
    list.replaceChildren(...items);
  }

  async function search(term) {
    const my = ++seq;
    if (!term.trim()) {
      list.replaceChildren();
      status.textContent = '';
      return;
    }
    performance.mark('search-issued', { detail: term });
    const pf = await load();
    const r = await pf.search(term);
    if (my !== seq || !r) return;
    const data = await Promise.all(r.results.slice(0, PER_PAGE).map((x) => x.data()));
    if (my !== seq) return;
    render(term, r.results.length, data);
  }

  input.addEventListener('input', async () => {
    const term = input.value;
    clearTimeout(timer);
    if (!term.trim()) {
      search(term);
      return;
    }
    timer = setTimeout(() => search(term), DEBOUNCE_MS);
    const pf = await load();
    pf.preload(term);
  });
  document.getElementById('search').addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearTimeout(timer);
    search(input.value);
  });
})();
