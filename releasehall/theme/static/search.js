// /search/: Pagefind's index (built with the site) queried in the browser; works on any static host.
const box = document.getElementById("search");
const form = document.querySelector("form.search-page");
const input = document.getElementById("search-q");
const status = box.querySelector(".search-status");
const list = box.querySelector(".search-results");
const filterBox = box.querySelector(".search-filters");
const names = ["department", "kind", "year"];
const labels = box.dataset.labels.split("|");
const text = (tag, value, cls) => { const el = document.createElement(tag); el.textContent = value; if (cls) el.className = cls; return el; };
const params = new URLSearchParams(location.search);
input.value = params.get("q") || "";

const pagefind = await import(box.dataset.bundle + "pagefind.js");
await pagefind.options({ excerptLength: 40 });
await pagefind.init();
// The index is cut into parts (by department; releasehall/outputs/search.py): the first is Pagefind's own, the others
// are merged into it and share its WebAssembly.
await Promise.all(pagefind.parts.map((part) => pagefind.mergeIndex(box.dataset.bundle + part, { excerptLength: 40 })));
const parts = pagefind.instances();
// playground mode: each result names the words of the index it matched (`scores[].search_term`), which `search` needs
await Promise.all(parts.map((part) => part.enterPlaygroundMode()));

// Pagefind's own normalization of a term (pagefind.js, PagefindInstance.search): punctuation out, lower case
const PUNCTUATION = /^\p{Pd}|\p{Pe}|\p{Pf}|\p{Pi}|\p{Po}|\p{Ps}$/u;
const graphemes = new Intl.Segmenter(document.documentElement.lang || undefined, { granularity: "grapheme" });
function normalized(term, keep) {
  return [...graphemes.segment(term)].map(({ segment }) => segment)
    .filter((g) => keep.includes(g) || !PUNCTUATION.test(g))
    .map((g) => (keep.includes(g) ? g : g.toLocaleLowerCase())).join("");
}
const common = (a, b) => { let n = 0; while (n < a.length && n < b.length && a[n] === b[n]) n++; return a.slice(0, n); };

// What one index over all pages answers, from the parts. Pagefind answers a term by the longest beginning of it that
// begins a word of the index it searches (交通管制 → 交通), and leaves a term out when nothing begins like it. A part
// knows only its own words, so it may answer a term by a shorter beginning than the whole index would, or leave it out,
// and then return pages the whole index would not ("A B" → pages with A only). The beginning a part answered a term by
// is what the term shares with the words its results matched (`beginning`); a part without results is asked each term
// alone. Only the results of the parts that answer every term by the longest beginning any part answers it by (the
// whole index's) are kept: they are the whole index's results in those parts, and the other parts hold none of them
// (none of their words begins like that).
async function search(query, options) {
  const terms = query.split(/\s+/).filter(Boolean);
  if (!terms.length) return merged(await Promise.all(parts.map((part) => part.search(null, options))));
  const keys = terms.map((term) => normalized(term, parts[0].includeCharacters ?? []));
  const found = await Promise.all(parts.map((part) => part.search(terms.join(" "), options)));
  const answers = await Promise.all(parts.map(async (part, p) => {
    if (found[p].results.length) return keys.map((key) => beginning(key, found[p].results[0]));
    return Promise.all(keys.map(async (key, i) => beginning(key, (await part.search(terms[i])).results[0])));
  }));
  const best = keys.map((_, i) => answers.reduce((longest, row) => (row[i].length > longest.length ? row[i] : longest), ""));
  return merged(found.filter((_, p) => answers[p].every((answer, i) => answer === best[i])));
}

// the longest beginning of `key` that a word the result matched begins with ("" without a result)
const beginning = (key, result) => (result?.scores ?? []).map((s) => common(key, s.search_term))
  .reduce((longest, b) => (b.length > longest.length ? b : longest), "");

function merged(found) {
  return { results: found.flatMap((f) => f.results).sort((a, b) => b.score - a.score) };
}
const available = JSON.parse(box.dataset.filters); // every value of each filter, written by the build
const selects = {};
// departments in the matrix's order (the hall's own pages are no department's), kinds in the hall's order, newest year first
const order = { department: box.dataset.departments.split("|"), kind: box.dataset.kinds.split("|") };
const hall = box.dataset.hall;
const ordered = (name, found) => {
  const known = order[name] || [];
  const rank = (v) => (known.includes(v) ? known.indexOf(v) : known.length);
  return found.filter((v) => !(name === "department" && v === hall))
    .sort((a, b) => rank(a) - rank(b) || (name === "year" ? b.localeCompare(a) : a.localeCompare(b)));
};
names.forEach((name, i) => {
  const values = ordered(name, [...(available[name] || [])]);
  if (!values.length) return;
  const label = text("label", labels[i]);
  const select = document.createElement("select");
  select.name = name;
  select.append(new Option(box.dataset.all, ""));
  values.forEach((v) => select.append(new Option(v, v)));
  select.value = params.get(name) || "";
  select.addEventListener("change", run);
  label.append(select);
  filterBox.append(label);
  selects[name] = select;
});

async function run(event) {
  if (event && event.type === "submit") event.preventDefault();
  const query = input.value.trim();
  const filters = {};
  const shown = new URLSearchParams(query ? { q: query } : {});
  for (const [name, select] of Object.entries(selects)) {
    if (select.value) { filters[name] = select.value; shown.set(name, select.value); }
  }
  history.replaceState(null, "", "?" + shown.toString());
  list.replaceChildren();
  if (!query && !Object.keys(filters).length) { status.textContent = ""; return; }
  const found = await search(query, { filters });
  const results = await Promise.all(found.results.slice(0, 30).map((r) => r.data()));
  status.textContent = results.length ? box.dataset.count.replace("{n}", found.results.length) : box.dataset.none;
  for (const r of results) {
    const item = document.createElement("li");
    const link = text("a", r.meta.title || r.url);
    link.href = r.url;
    const heading = document.createElement("h2");
    heading.append(link);
    // the kind as a badge beside the department and date, never read into the title
    const meta = document.createElement("p");
    meta.className = "meta";
    if (r.meta.kind) meta.append(text("span", r.meta.kind, "badge" + (r.meta.kind === box.dataset.alert ? " badge-alert" : "")), " ");
    if (r.meta.department) meta.append(r.meta.department);
    if (r.meta.date) {
      const date = text("time", r.meta.date); // a date never breaks across lines
      date.dateTime = r.meta.date;
      meta.append(r.meta.department ? " · " : "", date);
    }
    const excerpt = document.createElement("p");
    excerpt.className = "excerpt";
    excerpt.innerHTML = clean(r.excerpt, r.meta.title || ""); // Pagefind's: the page's text, escaped, <mark> around the match
    item.append(heading, meta, excerpt);
    list.append(item);
  }
}

// The excerpt of the body: the page's title, which the result shows above it, is left out where the excerpt begins
// with it; Pagefind joins a page's blocks (a heading, the next paragraph) with an ASCII ". ", which in Chinese text
// is a 。 and after a punctuation mark nothing.
function clean(excerpt, title) {
  const joined = excerpt
    .replace(/^\. /u, "")
    .replace(/([\p{P}])(<\/mark>)?\. /gu, "$1$2")
    .replace(/([\p{Script=Han}\p{N}])(<\/mark>)?\. /gu, "$1$2。")
    .replace(/\. (?=<mark>|[\p{Script=Han}\p{P}])/gu, "。");
  let at = 0; // how far the title runs at the start of the excerpt, <mark> tags skipped
  for (const ch of title) {
    while (joined.startsWith("<mark>", at) || joined.startsWith("</mark>", at)) at += joined[at + 1] === "/" ? 7 : 6;
    const escaped = ch === "&" ? "&amp;" : ch === "<" ? "&lt;" : ch === ">" ? "&gt;" : ch === '"' ? "&quot;" : ch === "'" ? "&#39;" : ch;
    if (!joined.startsWith(escaped, at)) return joined;
    at += escaped.length;
  }
  const rest = joined.slice(at).replace(/^(<\/mark>)?[。\s]*/u, "");
  return rest.trim() ? rest : joined;
}

form.addEventListener("submit", run);
// for tests and scripts: every matching page's URL
window.pagefindSearch = async (query) => {
  const found = await search(query, {});
  return Promise.all(found.results.map(async (r) => (await r.data()).url));
};
window.pagefindReady = true;
run();
