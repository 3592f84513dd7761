/* app.js - search as you type for the rasearch page.
 *
 * Talks to the endpoint's JSON format (docs/web.md).  Article text is only
 * ever put in the page with textContent and <mark> elements built with DOM
 * APIs: never innerHTML.  Highlights come as UTF-8 byte offsets and are
 * converted to string indices here.
 *
 * The search is in the URL (?q=&tag=&page=&per_page=): reload and shared
 * links restore it, and Back/Forward step through searches.  Typing
 * replaces the current history entry (a new one after a submitted
 * search, so that one is kept); a submitted search, a tag chip, a page
 * or a suggestion followed adds one; popstate runs the search again
 * without adding any. */
'use strict';
(function () {
  const form = document.getElementById('search');
  const input = document.getElementById('q');
  const endpoint = form.getAttribute('action') || '/search';
  const $ = (id) => document.getElementById(id);
  const state = { q: '', tags: [], page: 1, perPage: 10 };
  const TOP_TAGS = 10;      // tag chips shown before the "more tags" control
  const CHIP_ROWS = 2;      // ... in at most this many rows (style.css keeps room)
  let moreTagsOpen = false; // the reader opened it: keep it open
  let inflight = null;      // AbortController of the running search
  let complInflight = null; // and of the running completion
  let timer = 0;
  const DEBOUNCE_MS = 200;

  function el(tag, props, children) {
    const e = document.createElement(tag);
    if (props) for (const k of Object.keys(props)) {
      if (k === 'text') e.textContent = props[k];
      else if (k === 'class') e.className = props[k];
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), props[k]);
      else e.setAttribute(k, props[k]);
    }
    for (const c of children || []) if (c) e.append(c);
    return e;
  }

  /* UTF-8 byte offset -> UTF-16 index, for every offset in text. */
  function byteIndex(text) {
    const map = new Map();
    let b = 0;
    let i = 0;
    map.set(0, 0);
    for (const ch of text) {
      const cp = ch.codePointAt(0);
      b += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      i += ch.length;
      map.set(b, i);
    }
    return map;
  }

  /* A fragment of text with [start, end) byte ranges wrapped in <mark>. */
  function marked(text, hls) {
    const frag = document.createDocumentFragment();
    const idx = byteIndex(text);
    let at = 0;
    for (const h of hls || []) {
      const s = idx.get(h[0]);
      const e = idx.get(h[1]);
      if (s === undefined || e === undefined || s < at || e <= s) continue;
      frag.append(text.slice(at, s), el('mark', { text: text.slice(s, e) }));
      at = e;
    }
    frag.append(text.slice(at));
    return frag;
  }

  function params(extra) {
    const p = new URLSearchParams();
    if (state.q) p.set('q', state.q);
    for (const t of state.tags) p.append('tag', t);
    if (state.page > 1) p.set('page', String(state.page));
    if (state.perPage !== 10) p.set('per_page', String(state.perPage));
    for (const [k, v] of Object.entries(extra || {})) p.set(k, v);
    return p;
  }

  /* The page's own URL for the state (no format=, which is the form's). */
  function stateURL() {
    const qs = params().toString();
    return location.pathname + (qs ? '?' + qs : '');
  }

  /* Record the state in the history: 'type' replaces the entry (or adds
   * one after a committed search, which stays reachable by Back);
   * 'submit' commits the entry being typed (or adds one); 'push' adds one
   * when the URL changes; 'none' leaves the history alone. */
  function record(how) {
    if (how === 'none') return;
    const url = stateURL();
    const here = location.pathname + location.search;
    const committed = !!(history.state && history.state.committed);
    if (how === 'type') {
      if (url === here) return;
      if (committed) history.pushState({ committed: false }, '', url);
      else history.replaceState({ committed: false }, '', url);
    } else if (how === 'submit' && !committed) {
      history.replaceState({ committed: true }, '', url);
    } else if (url !== here) {
      history.pushState({ committed: true }, '', url);
    }
  }

  /* The state from the URL (reload, shared link, Back/Forward). */
  function readURL() {
    const u = new URLSearchParams(location.search);
    state.q = u.get('q') || '';
    state.tags = u.getAll('tag').filter((t) => t.trim());
    const page = parseInt(u.get('page') || '1', 10);
    state.page = page >= 1 && page <= 1000 ? page : 1;
    const per = parseInt(u.get('per_page') || '10', 10);
    state.perPage = per >= 1 && per <= 50 ? per : 10;
    input.value = state.q;
  }

  /* Where a hit's title and Enter lead: the article's own http(s) URL,
   * else the endpoint's article view with the query to highlight. */
  const siteUrl = (h) => typeof h.url === 'string' && /^https?:\/\//i.test(h.url);
  // The article view is a page for the reader: format=html (the
  // endpoint's default is JSON).
  // From a search it carries the query to mark and the search itself
  // (tags, page), which the view's "back to the results" link returns to.
  function viewHref(h, withQuery) {
    const p = new URLSearchParams({ article: h.id });
    if (withQuery) {
      for (const [k, v] of params()) if (k !== 'q' || v.trim()) p.append(k, v);
    }
    p.set('format', 'html');
    return endpoint + '?' + p.toString();
  }
  function articleHref(h, withQuery) {
    return siteUrl(h) ? h.url : viewHref(h, withQuery);
  }

  async function getJSON(p, ctrl) {
    const r = await fetch(endpoint + '?' + p.toString(),
      { signal: ctrl.signal, headers: { Accept: 'application/json' } });
    const body = await r.json().catch(() => null);
    if (!r.ok) {
      const e = body && body.error;
      const err = new Error(e ? (e.parameter ? e.parameter + ': ' : '') + e.message
                              : 'HTTP ' + r.status);
      err.status = r.status;
      err.param = e && e.parameter;
      err.detail = e && e.message;
      throw err;
    }
    return body;
  }

  function chip(tag, active, onclick, count) {
    const b = el('button', { type: 'button', class: 'chip' + (active ? ' active' : ''),
      'aria-pressed': active ? 'true' : 'false', onclick }, [tag]);
    if (count !== undefined) b.append(el('span', { class: 'count', text: String(count) }));
    return b;
  }

  // Tags compared as the search compares them: case and accents folded,
  // spaces collapsed ("ethique medicale" is the tag "Éthique Médicale").
  const fold = (t) => t.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()
    .replace(/\s+/g, ' ').trim();
  const same = (a, b) => fold(a) === fold(b);

  function toggleTag(tag) {
    const i = state.tags.findIndex((t) => same(t, tag));
    if (i >= 0) state.tags.splice(i, 1); else state.tags.push(tag);
    state.page = 1;
    search('push');
  }

  function hitItem(h, headingTag, withQuery) {
    // A blank title (JSON Lines allows "") shows the id: a link needs text.
    const title = (h.title || '').trim() ? marked(h.title, h.title_highlights) : h.id;
    const head = el(headingTag || 'h2', { class: 'hit-title' },
      [el('a', { href: articleHref(h, withQuery) }, [title])]);
    const meta = el('p', { class: 'meta' }, [
      h.category ? el('span', { class: 'category', text: h.category }) : null,
      el('span', { class: 'score', text: 'score ' + Number(h.score).toFixed(2) }),
      h.similar ? el('span', { class: 'similar', title: 'Near-duplicate articles not listed separately',
        text: h.similar + ' similar' }) : null,
      el('button', { type: 'button', class: 'linkish related',
        onclick: () => showRelated(h.id, (h.title || '').trim() || h.id) }, ['Related articles']),
      // The title goes to the site; the view still shows where it matches.
      siteUrl(h) ? el('a', { class: 'view', href: viewHref(h, withQuery) }, ['Where it matches']) : null]);
    const li = el('li', { class: 'hit' }, [head, meta]);
    for (const s of h.snippets || []) {
      const p = el('p', { class: 'snippet' });
      // A heading (or FAQ question) that matched is marked like the text.
      if (s.section) p.append(el('span', { class: 'section' },
        [marked(s.section, s.section_highlights)]));
      if (s.cut_before) p.append('…');
      p.append(marked(s.text, s.highlights));
      if (s.cut_after) p.append('…');
      li.append(p);
    }
    if (h.tags && h.tags.length) {
      const ul = el('ul', { class: 'tags', 'aria-label': 'Tags' });
      for (const t of h.tags)
        ul.append(el('li', null, [chip(t, state.tags.some((a) => same(a, t)), () => toggleTag(t))]));
      li.append(ul);
    }
    return li;
  }

  /* Tag facet counts: from the endpoint when it sends them, else counted
   * on the page shown. */
  function facetCounts(data) {
    const f = data.facets && (data.facets.tags || data.facets);
    if (Array.isArray(f)) return f.map((x) => [x.tag || x.value || x.name, x.count]);
    if (f && typeof f === 'object') return Object.entries(f);
    const m = new Map();
    for (const h of data.hits || []) for (const t of h.tags || []) m.set(t, (m.get(t) || 0) + 1);
    return [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12);
  }

  /* The chips worth showing first: tags not already filtered on that
   * narrow the results (a tag every result has filters nothing), most
   * results first; the rest go behind "more tags". */
  function rankTags(facets, data) {
    const all = data.facet_docs || data.total_estimate || 0;
    const cand = facets.filter(([t]) => !state.tags.some((a) => same(a, t)));
    const narrows = cand.filter(([, c]) => !(all && c >= all))
      .sort((a, b) => b[1] - a[1]);
    const top = narrows.slice(0, TOP_TAGS);
    return [top, cand.filter((x) => !top.includes(x))];
  }

  /* Remove and return the items of list that start past its rows-th row
   * (none where the list does not wrap: a phone's one scrolling row). */
  function fitRows(list, rows) {
    const items = [...list.children];
    let n = 0, top = null;
    for (let i = 0; i < items.length; i++) {
      if (items[i].offsetTop !== top) { n++; top = items[i].offsetTop; }
      if (n > rows) {
        const past = items.slice(i);
        for (const x of past) x.remove();
        return past;
      }
    }
    return [];
  }

  /* The tag chips: top first, then "more tags".  Wide screens wrap the
   * chips: those past the second row join "more tags" (first), so the
   * block keeps one height whatever is typed. */
  let chipsShown = [[], []];
  function renderChips([top, more]) {
    const chipItem = ([t, c]) => el('li', null, [chip(t, false, () => toggleTag(t), c)]);
    $('facets').hidden = top.length + more.length === 0;
    $('facet-list').replaceChildren(...top.map(chipItem));
    const past = fitRows($('facet-list'), CHIP_ROWS);
    const rest = [...past, ...more.map(chipItem)];
    // The control keeps its line when there is nothing more (invisible).
    $('more-tags').classList.toggle('none', rest.length === 0);
    $('more-tags').open = moreTagsOpen && rest.length > 0;
    $('more-count').textContent = String(rest.length);
    $('more-list').replaceChildren(...rest);
  }
  // A resized window fits the same chips to its new width.
  let resizeTimer;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => { if (!$('facets').hidden) renderChips(chipsShown); }, 150);
  });

  function render(data) {
    const list = $('results');
    list.replaceChildren();
    $('related').hidden = true;
    const n = data.total_estimate || 0;
    const exp = (data.expansions || []).map((x) => x.to + ' (for ' + x.from + ')').join(', ');
    // A short query ranks every word first: say how many have them all.
    const tiers = data.tiers && data.tiers.note;
    // Short words for the relaxation: while a word is being typed its
    // prefix is often in no article, and a long note would come and go
    // with each keystroke.
    const drop = data.relaxed && data.tiers && (data.dropped || []).length
      ? 'No article has ' + data.dropped.map((w) => '“' + w + '”').join(' or ') : data.relaxed;
    const notes = [drop, tiers, exp && 'Also searched for ' + exp,
      data.unknown_tag && 'No article has the tag or category “' + data.unknown_tag + '”',
      data.notes].filter(Boolean).join('. ');
    $('status').textContent = (n ? 'About ' + n + ' result' + (n === 1 ? '' : 's') + '.'
      : 'No articles match this query. Try fewer or different words.') +
      (notes ? ' ' + notes + '.' : '');
    const sug = data.suggestion;   // schema 2: {query, hits} or null
    let dym = sug && typeof sug === 'object' ? sug.query : sug;
    // The endpoint appends the tag filters to q as tag:"..." clauses (see
    // docs/web.md); they stay filters here, so take them off the suggestion.
    const filt = state.tags.map((t) => ' tag:"' + t.replace(/["\\]/g, '\\$&') + '"').join('');
    if (typeof dym === 'string' && filt && dym.endsWith(filt)) dym = dym.slice(0, -filt.length);
    const dbox = $('didyoumean');
    dbox.replaceChildren();
    dbox.hidden = !(typeof dym === 'string' && dym);
    if (!dbox.hidden) {
      dbox.append('Did you mean ', el('button', { type: 'button', class: 'linkish',
        onclick: () => { input.value = dym; state.q = dym; state.page = 1; search('push'); } },
        [dym]), typeof sug.hits === 'number'
        ? ' (' + sug.hits + ' result' + (sug.hits === 1 ? '' : 's') + ')?' : '?');
    }
    const filters = $('filters');
    filters.replaceChildren();
    for (const t of state.tags)
      filters.append(el('li', null, [chip(t + ' ×', true, () => toggleTag(t))]));
    chipsShown = rankTags(facetCounts(data), data);
    renderChips(chipsShown);
    list.start = (state.page - 1) * state.perPage + 1;
    for (const h of data.hits || []) list.append(hitItem(h, 'h2', true));
    // Only pages the endpoint serves: page <= 1000, (page-1)*per_page <= 10000.
    const pages = Math.min(Math.ceil(n / state.perPage), 1000,
      Math.floor(10000 / state.perPage) + 1);
    const nav = $('pages');
    nav.replaceChildren();
    if (pages > 1 || state.page > 1) {
      const go = (p) => () => { state.page = p; search('push'); list.focus(); };
      if (state.page > pages) {   // past the end: a shared link, a smaller index
        nav.append(el('button', { type: 'button', onclick: go(Math.max(pages, 1)) },
          ['Last page (' + Math.max(pages, 1) + ')']));
      } else {
        if (state.page > 1) nav.append(el('button', { type: 'button', onclick: go(state.page - 1) }, ['Previous']));
        nav.append(el('span', { text: 'Page ' + state.page + ' of ' + pages }));
      }
      if (state.page < pages) nav.append(el('button', { type: 'button', onclick: go(state.page + 1) }, ['Next']));
    }
    $('revision').textContent = 'Index revision ' + data.revision + ' (' + data.generation + ')';
  }

  /* Run the search in state; how: see record(). */
  async function search(how) {
    if (inflight) inflight.abort();   // a newer query makes the old one stale
    record(how || 'type');
    const list = $('results');
    if (!state.q.trim() && !state.tags.length) {
      list.replaceChildren();
      list.removeAttribute('aria-busy');
      $('status').textContent = '';
      $('pages').replaceChildren();
      $('facets').hidden = true;
      $('filters').replaceChildren();
      $('didyoumean').hidden = true;
      $('related').hidden = true;
      return;
    }
    const ctrl = new AbortController();
    inflight = ctrl;
    // The old results stay in place (dimmed) until the new ones replace
    // them in one go: nothing collapses and grows again.
    list.setAttribute('aria-busy', 'true');
    try {
      const data = await getJSON(params(), ctrl);
      if (inflight === ctrl) render(data);
    } catch (e) {
      if (e.name === 'AbortError') return;
      // A 400 about q is advice on what was typed so far (e.g. only very
      // common words), not a failure.
      $('status').textContent = e.status === 400 && e.param === 'q' && e.detail
        ? e.detail.charAt(0).toUpperCase() + e.detail.slice(1) + '.'
        : 'Search failed: ' + e.message;
    } finally {
      if (inflight === ctrl) {
        inflight = null;
        list.removeAttribute('aria-busy');
      }
    }
  }

  async function completions() {
    if (complInflight) complInflight.abort();
    const typed = input.value;
    if (!/\S$/.test(typed)) return;
    const ctrl = new AbortController();
    complInflight = ctrl;
    try {
      const data = await getJSON(new URLSearchParams({ complete: typed }), ctrl);
      // schema 2: {"kind": "complete", "completions": [{query, word, docs}]}
      $('completions').replaceChildren(...(data.completions || []).map((c) => el('option', { value: c.query })));
    } catch (e) { /* suggestions are optional */ }
  }

  async function showRelated(id, title) {
    const ctrl = new AbortController();
    try {
      const data = await getJSON(new URLSearchParams({ related: id, per_page: '5' }), ctrl);
      $('related-title').textContent = 'Related to “' + title + '”';
      const list = $('related-list');
      list.replaceChildren(...(data.hits || []).map((h) => hitItem(h, 'h3', false)));
      if (!list.children.length) list.append(el('li', { text: 'No related articles.' }));
      $('related').hidden = false;
      $('related').scrollIntoView({ block: 'nearest' });
      $('related-title').setAttribute('tabindex', '-1');
      $('related-title').focus();
    } catch (e) {
      $('status').textContent = 'Related articles failed: ' + e.message;
    }
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      state.q = input.value;
      state.page = 1;
      search('type');
      completions();
    }, DEBOUNCE_MS);
  });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearTimeout(timer);
    state.q = input.value;
    state.page = 1;
    // Submitted: the arrow keys now walk the results, not completions.
    if (complInflight) complInflight.abort();
    $('completions').replaceChildren();
    search('submit');
  });

  /* Keyboard: from the search box (once no completions are offered) and
   * within the results, ArrowDown/ArrowUp move between the results'
   * title links, Home/End to the first/last; ArrowUp from the first goes
   * back to the box.  Enter follows the focused link (a real <a>). */
  const hitLinks = () => [...$('results').querySelectorAll(':scope > li.hit > .hit-title a')];
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') {
      clearTimeout(timer);
      input.value = '';
      state.q = '';
      state.tags = [];
      state.page = 1;
      if (complInflight) complInflight.abort();
      $('completions').replaceChildren();
      search('type');
    } else if (ev.key === 'ArrowDown' && !ev.altKey &&
               !$('completions').children.length) {
      const links = hitLinks();
      if (links.length) {
        ev.preventDefault();
        links[0].focus();
      }
    }
  });
  $('results').addEventListener('keydown', (ev) => {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const links = hitLinks();
    if (!links.length) return;
    const hit = ev.target.closest('#results > li.hit');
    const at = hit ? links.findIndex((a) => hit.contains(a)) : -1;
    let to = null;
    if (ev.key === 'ArrowDown') to = at + 1 < links.length ? at + 1 : at;
    else if (ev.key === 'ArrowUp') to = at - 1;
    else if (ev.key === 'Home') to = 0;
    else if (ev.key === 'End') to = links.length - 1;
    else return;
    ev.preventDefault();
    if (to < 0) input.focus();
    else links[to].focus();
  });

  $('more-tags').addEventListener('toggle', () => { moreTagsOpen = $('more-tags').open; });

  // Back/Forward: the entry's search again, without adding an entry.
  window.addEventListener('popstate', () => {
    clearTimeout(timer);
    readURL();
    if (complInflight) complInflight.abort();
    $('completions').replaceChildren();
    search('none');
  });

  // Start from the URL: a bookmark, a shared link or a reload.
  readURL();
  const restored = !!(state.q || state.tags.length);
  // Written back as the page writes it (%20 or +, parameter order), so
  // an unchanged search is recognised as one and never added twice.
  history.replaceState({ committed: restored }, '', restored ? stateURL() : location.href);
  if (restored) search('none');
  input.focus();
})();
