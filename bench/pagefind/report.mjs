// report.mjs - the Markdown report of bench/pagefind/run from what it
// collected: FACTS (key=value lines: versions, machine, build figures),
// and the cold and warm JSON of drive.mjs.
//   node report.mjs FACTS COLD.json WARM.json
import { readFileSync } from 'node:fs';

const [factsFile, coldFile, warmFile] = process.argv.slice(2);
const F = Object.fromEntries(readFileSync(factsFile, 'utf8').split('\n').filter((l) => l.includes('='))
  .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
const cold = JSON.parse(readFileSync(coldFile, 'utf8'));
const warm = JSON.parse(readFileSync(warmFile, 'utf8'));
const SYS = ['rasearch', 'pagefind'];

// Nearest-rank percentile of the numbers in v.
const pct = (v, p) => {
  const s = v.filter((x) => typeof x === 'number' && isFinite(x)).sort((a, b) => a - b);
  return s.length ? s[Math.max(0, Math.ceil(p / 100 * s.length) - 1)] : NaN;
};
const mean = (v) => v.reduce((a, b) => a + b, 0) / (v.length || 1);
const kb = (b) => (isFinite(b) ? (b / 1024).toFixed(1) : 'n/a');
const ms = (x) => (isFinite(x) ? String(Math.round(x)) : 'n/a');
const mb = (k) => (Number(k) / 1024).toFixed(1);
const ratio = (a, b) => (isFinite(a) && isFinite(b) && a > 0 ? (b / a).toFixed(1) + 'x' : 'n/a');
const esc = (s) => String(s).replace(/\|/g, '\\|');

const firsts = (sys) => cold.systems[sys].trials.map((t) => t.searches[0]);
const ok = (x) => x && !x.error;
const out = [];
const p = (s = '') => out.push(s);

const [pfSecs, pfKB] = F.pf_time.split(' ').map(Number);
const [raSecs, raKB] = F.ra_time.split(' ').map(Number);

p(`## ${F.date} — rasearch side by side with Pagefind`);
p();
p(`\`${F.command}\`: ${Number(F.articles).toLocaleString('en')} generated articles ` +
  `(\`gen_corpus\`, seed 1) rendered as simple HTML pages (bench/pagefind/render); ` +
  `both pages served by one lighttpd (conf/lighttpd.conf plus /pf/) and driven by headless Chromium.`);
p();
p(`Machine: ${F.cpu}, ${F.cores} cores; load average ${F.load0} at the start, ${F.load1} at the end. ` +
  `**Timings are noisy** when other work shares the machine (the load average says how much); ` +
  `rerun on a quiet machine for figures to quote.`);
p(`Versions: Pagefind ${F.pagefind_version} (npm \`pagefind\`, its own binary), rasearch ${F.rasearch_version}, ` +
  `${F.chromium}, playwright-core ${F.playwright}, ${F.lighttpd}.`);
p();
p('### Index build');
p();
p(`| | rasearch (\`ra-index\`, ${F.ra_jobs} jobs) | Pagefind | Pagefind / rasearch |`);
p('|---|---:|---:|---:|');
p(`| build time (s) | ${raSecs.toFixed(1)} | ${pfSecs.toFixed(1)} | ${ratio(raSecs, pfSecs)} |`);
p(`| peak memory (MB, max RSS) | ${mb(raKB)} | ${mb(pfKB)} | ${ratio(raKB, pfKB)} |`);
p(`| index on disk (MB) | ${mb(F.ra_kb)} | ${mb(F.pf_kb)} | ${ratio(Number(F.ra_kb), Number(F.pf_kb))} |`);
p();
p(`Input: the corpus is ${mb(F.corpus_kb)} MB of text pages (what \`ra-index\` reads), the rendered site ` +
  `${mb(F.site_kb)} MB of HTML (what Pagefind reads).  Pagefind's size is its whole bundle directory ` +
  `(${mb(F.pf_search_kb)} MB of it is what a search can download: index chunks, fragments, metadata, ` +
  `WebAssembly, pagefind.js and its worker; the rest are the UI files); rasearch's is the index directory ` +
  `(Xapian tables, stored compressed articles, spelling and synonym data).`);
p();

// ---- bytes ---------------------------------------------------------------
p('### Bytes the browser downloads (fresh profile for each of the queries)');
p();
const pageBytes = (sys) => cold.systems[sys].trials.map((t) => t.page_bytes);
const firstBytes = (sys) => firsts(sys).filter(ok).map((x) => x.bytes);
const nthBytes = (sys, k) => cold.systems[sys].trials.map((t) => t.searches[k]).filter(ok).map((x) => x.bytes);
const withPage = (sys) => cold.systems[sys].trials.filter((t) => ok(t.searches[0]))
  .map((t) => t.page_bytes + t.searches[0].bytes);
p('| KB (headers and body as received) | rasearch | Pagefind | Pagefind / rasearch |');
p('|---|---:|---:|---:|');
const row = (label, f, q = 50) => {
  const a = pct(f('rasearch'), q), b = pct(f('pagefind'), q);
  p(`| ${label} | ${kb(a)} | ${kb(b)} | ${ratio(a, b)} |`);
};
row('the page itself (HTML, JS, CSS), median', pageBytes);
row('**first search**, median', firstBytes);
row('first search, p95', firstBytes, 95);
row('page and first search, median', withPage);
for (let k = 1; k <= 5; k++) row(`search ${k + 1} on the same page, median`, (s) => nthBytes(s, k));
const sumNext = (sys) => cold.systems[sys].trials.map((t) => t.searches.slice(1).filter(ok)
  .reduce((a, x) => a + x.bytes, 0));
row('searches 2-6 together, median', sumNext);
p();
const fb = [pct(firstBytes('rasearch'), 50), pct(firstBytes('pagefind'), 50)];
p(`Target "bytes for a first search at most a fifth of Pagefind's": rasearch ${kb(fb[0])} KB against ` +
  `${kb(fb[1])} KB (a fifth: ${kb(fb[1] / 5)} KB): **${fb[0] <= fb[1] / 5 ? 'met' : 'not met'}** ` +
  `(${ratio(fb[0], fb[1])} less).`);
p();

// ---- time ----------------------------------------------------------------
p('### Time to results painted (ms)');
p();
p(`Debounce before a search is issued: rasearch ${F.ra_debounce} ms (web/app.js), ` +
  `Pagefind ${F.pf_debounce} ms (its default UI's debounceTimeoutMs; during it the page already ` +
  `preloads the typed term's index chunks, as the UI does).  "Issued" is rasearch's fetch of ` +
  `\`/search?q=\` and Pagefind's call of \`pagefind.search()\` (after pagefind.js is loaded on the first input); ` +
  `"painted" is the first frame after the answer (hits or none) replaces the list.  "From input" adds the debounce: ` +
  `it is what the reader waits after the last keystroke.`);
p();
p('| | rasearch p50 | rasearch p95 | Pagefind p50 | Pagefind p95 |');
p('|---|---:|---:|---:|---:|');
const trow = (label, v) => {
  p(`| ${label} | ${ms(pct(v('rasearch'), 50))} | ${ms(pct(v('rasearch'), 95))} | ` +
    `${ms(pct(v('pagefind'), 50))} | ${ms(pct(v('pagefind'), 95))} |`);
};
const warmS = (sys) => warm.systems[sys].trials.flatMap((t) => t.searches).filter(ok);
trow('**cold**: first search of a fresh profile, answer cache off', (s) => firsts(s).filter(ok).map((x) => x.ms));
trow('searches 2-6 on the same page, answer cache off', (s) => cold.systems[s].trials
  .flatMap((t) => t.searches.slice(1)).filter(ok).map((x) => x.ms));
trow('**warm**: the query again on a used page, answer cache on', (s) => warmS(s).map((x) => x.ms));
trow('cold, from input', (s) => firsts(s).filter(ok).map((x) => x.input_ms));
trow('warm, from input', (s) => warmS(s).map((x) => x.input_ms));
p();
const tc = [pct(firsts('rasearch').filter(ok).map((x) => x.ms), 50),
  pct(firsts('pagefind').filter(ok).map((x) => x.ms), 50)];
p(`Target "rasearch's cold time to results at or below Pagefind's p50": rasearch p50 ${ms(tc[0])} ms ` +
  `against Pagefind p50 ${ms(tc[1])} ms: **${tc[0] <= tc[1] ? 'met' : 'not met'}**.`);
p();

// ---- overlap -------------------------------------------------------------
const tops = (sys) => new Map(firsts(sys).filter(ok).map((x) => [x.q, x.top]));
const T = { rasearch: tops('rasearch'), pagefind: tops('pagefind') };
const rows = cold.queries.map((q) => {
  const a = T.rasearch.get(q) || [], b = T.pagefind.get(q) || [];
  const ids = new Set(a.map((x) => x.id));
  const common = b.filter((x) => ids.has(x.id)).length;
  const n = Math.min(10, Math.max(a.length, b.length));
  return { q, a, b, common, n, ov: n ? common / n : NaN };
});
p('### Top-10 overlap');
p();
p(`Articles in both top 10s, by article id, for the ${rows.length} queries (first searches of the cold run). ` +
  `Mean overlap **${(mean(rows.filter((r) => r.n).map((r) => r.ov)) * 100).toFixed(0)}%**.  ` +
  'There are no relevance judgments for generated articles: the disagreements below are for a reader to judge.');
p();
p('| query | rasearch hits shown | Pagefind hits shown | in both top 10s |');
p('|---|---:|---:|---:|');
for (const r of rows) p(`| ${esc(r.q)} | ${r.a.length} | ${r.b.length} | ${r.common} / ${r.n} |`);
p();
p('### Five disagreements (top 5 of each)');
const worst = [...rows].filter((r) => r.n).sort((x, y) => x.ov - y.ov || x.q.localeCompare(y.q)).slice(0, 5);
for (const r of worst) {
  p();
  p(`**${esc(r.q)}** (${r.common} of ${r.n} in both top 10s)`);
  p();
  p('| # | rasearch | Pagefind |');
  p('|---|---|---|');
  const ida = new Set(r.a.map((x) => x.id)), idb = new Set(r.b.map((x) => x.id));
  const cell = (x, other) => (x ? esc(x.title) + (other.has(x.id) ? ' (both)' : '') : '');
  for (let i = 0; i < 5; i++) p(`| ${i + 1} | ${cell(r.a[i], idb)} | ${cell(r.b[i], ida)} |`);
}
p();

// ---- problems ------------------------------------------------------------
const probs = [];
for (const [name, run] of [['cold', cold], ['warm', warm]]) {
  for (const sys of SYS) {
    const R = run.systems[sys];
    for (const t of R.trials) for (const x of t.searches) if (x.error) probs.push(`${name} ${sys} "${x.q}": ${x.error}`);
    for (const e of new Set(R.errors)) probs.push(`${name} ${sys}: page error: ${e}`);
  }
}
if (probs.length) {
  p('### Problems seen');
  p();
  for (const x of probs.slice(0, 20)) p(`* ${esc(x)}`);
  if (probs.length > 20) p(`* ... and ${probs.length - 20} more`);
  p();
}
process.stdout.write(out.join('\n'));
