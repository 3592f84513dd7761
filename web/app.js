/* app.js - search as you type for the rasearch page.
 *
 * Talks to the endpoint's JSON format (docs/web.md).  Article text is only
 * ever put in the page with textContent and <mark> elements built with DOM
 * APIs: never innerHTML.  Highlights come as UTF-8 byte offsets and are
 * converted to string indices here. */
'use strict';
(function () {
  const form = document.getElementById('search');
  const input = document.getElementById('q');
  const endpoint = form.getAttribute('action') || '/search';
  const $ = (id) => document.getElementById(id);
  const state = { q: '', tags: [], page: 1, perPage: 10 };
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

  function toggleTag(tag) {
    const i = state.tags.indexOf(tag);
    if (i >= 0) state.tags.splice(i, 1); else state.tags.push(tag);
    state.page = 1;
    search();
  }

  function hitItem(h, headingTag) {
    const title = marked(h.title, h.title_highlights);
    const head = el(headingTag || 'h2', null,
      [h.url && /^https?:\/\//.test(h.url) ? el('a', { href: h.url }, [title]) : title]);
    const meta = el('p', { class: 'meta' }, [
      h.category ? el('span', { class: 'category', text: h.category }) : null,
      el('span', { class: 'score', text: 'score ' + Number(h.score).toFixed(2) }),
      h.similar ? el('span', { class: 'similar', title: 'Near-duplicate articles not listed separately',
        text: h.similar + ' similar' }) : null,
      el('button', { type: 'button', class: 'linkish related',
        onclick: () => showRelated(h.id, h.title) }, ['Related articles'])]);
    const li = el('li', { class: 'hit' }, [head, meta]);
    for (const s of h.snippets || []) {
      const p = el('p', { class: 'snippet' });
      if (s.section) p.append(el('span', { class: 'section', text: s.section }));
      if (s.cut_before) p.append('…');
      p.append(marked(s.text, s.highlights));
      if (s.cut_after) p.append('…');
      li.append(p);
    }
    if (h.tags && h.tags.length) {
      const ul = el('ul', { class: 'tags', 'aria-label': 'Tags' });
      for (const t of h.tags)
        ul.append(el('li', null, [chip(t, state.tags.includes(t), () => toggleTag(t))]));
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

  function render(data) {
    const list = $('results');
    list.replaceChildren();
    $('related').hidden = true;
    const n = data.total_estimate || 0;
    const exp = (data.expansions || []).map((x) => x.to + ' (for ' + x.from + ')').join(', ');
    const notes = [data.relaxed, exp && 'Also searched for ' + exp,
      data.unknown_tag && 'No article has the tag or category “' + data.unknown_tag + '”',
      data.notes].filter(Boolean).join('. ');
    $('status').textContent = (n ? 'About ' + n + ' result' + (n === 1 ? '' : 's') + '.'
      : 'No articles match this query. Try fewer or different words.') +
      (notes ? ' ' + notes + '.' : '');
    const sug = data.suggestion;   // schema 2: {query, hits} or null
    let dym = sug && typeof sug === 'object' ? sug.query : sug;
    // The endpoint appends the tag filters to q as tag:"..." clauses (see
    // docs/web.md); they stay filters here, so take them off the suggestion.
    const filt = state.tags.map((t) => ' tag:"' + t + '"').join('');
    if (typeof dym === 'string' && filt && dym.endsWith(filt)) dym = dym.slice(0, -filt.length);
    const dbox = $('didyoumean');
    dbox.replaceChildren();
    dbox.hidden = !(typeof dym === 'string' && dym);
    if (!dbox.hidden) {
      dbox.append('Did you mean ', el('button', { type: 'button', class: 'linkish',
        onclick: () => { input.value = dym; state.q = dym; state.page = 1; search(); } },
        [dym]), typeof sug.hits === 'number'
        ? ' (' + sug.hits + ' result' + (sug.hits === 1 ? '' : 's') + ')?' : '?');
    }
    const filters = $('filters');
    filters.replaceChildren();
    for (const t of state.tags)
      filters.append(el('li', null, [chip(t + ' ×', true, () => toggleTag(t))]));
    const facets = facetCounts(data);
    $('facets').hidden = facets.length === 0;
    $('facet-list').replaceChildren(...facets.map(([t, c]) =>
      el('li', null, [chip(t, state.tags.includes(t), () => toggleTag(t), c)])));
    list.start = (state.page - 1) * state.perPage + 1;
    for (const h of data.hits || []) list.append(hitItem(h));
    const pages = Math.min(Math.ceil(n / state.perPage), 1000);
    const nav = $('pages');
    nav.replaceChildren();
    if (pages > 1) {
      const go = (p) => () => { state.page = p; search(); list.focus(); };
      if (state.page > 1) nav.append(el('button', { type: 'button', onclick: go(state.page - 1) }, ['Previous']));
      nav.append(el('span', { text: 'Page ' + state.page + ' of ' + pages }));
      if (state.page < pages) nav.append(el('button', { type: 'button', onclick: go(state.page + 1) }, ['Next']));
    }
    $('revision').textContent = 'Index revision ' + data.revision + ' (' + data.generation + ')';
  }

  async function search() {
    if (inflight) inflight.abort();   // a newer query makes the old one stale
    if (!state.q.trim() && !state.tags.length) {
      $('results').replaceChildren();
      $('status').textContent = '';
      $('pages').replaceChildren();
      return;
    }
    const ctrl = new AbortController();
    inflight = ctrl;
    const p = params();
    history.replaceState(null, '', '?' + p.toString());
    try {
      const data = await getJSON(p, ctrl);
      if (inflight === ctrl) render(data);
    } catch (e) {
      if (e.name === 'AbortError') return;
      // A 400 about q is advice on what was typed so far (e.g. only very
      // common words), not a failure.
      $('status').textContent = e.status === 400 && e.param === 'q' && e.detail
        ? e.detail.charAt(0).toUpperCase() + e.detail.slice(1) + '.'
        : 'Search failed: ' + e.message;
    } finally {
      if (inflight === ctrl) inflight = null;
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
      list.replaceChildren(...(data.hits || []).map((h) => hitItem(h, 'h3')));
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
      search();
      completions();
    }, DEBOUNCE_MS);
  });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearTimeout(timer);
    state.q = input.value;
    state.page = 1;
    search();
  });
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') { input.value = ''; state.q = ''; state.tags = []; search(); }
  });

  // Start from the URL, so results can be bookmarked and shared.
  const u = new URLSearchParams(location.search);
  state.q = u.get('q') || '';
  state.tags = u.getAll('tag');
  state.page = Math.max(1, parseInt(u.get('page') || '1', 10) || 1);
  input.value = state.q;
  if (state.q || state.tags.length) search();
  input.focus();
})();
