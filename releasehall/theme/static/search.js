// /search/: the hall's own index (built with the site, releasehall/outputs/search_index.py) queried in the browser;
// works on any static host. The index is cut into parts by department; each part answers a query on its own pages
// (a page matches a term when it holds every character pair and word of it), so the parts together answer exactly
// what one index over all pages would. What every query reads is joined across the parts (`shared`): the parts'
// tables of pages in one file, and each postings file holding a shard of every part's terms, so a query fetches
// one file a term (each request costs a slow phone more than its bytes), then the texts of the results shown.
const box = document.getElementById("search");
const form = document.querySelector("form.search-page");
const input = document.getElementById("search-q");
const status = box.querySelector(".search-status");
const list = box.querySelector(".search-results");
const more = box.querySelector(".search-more");
const filterBox = box.querySelector(".search-filters");
const names = ["department", "kind", "year"];
const labels = box.dataset.labels.split("|");
const text = (tag, value, cls) => { const el = document.createElement(tag); el.textContent = value; if (cls) el.className = cls; return el; };
const params = new URLSearchParams(location.search);
input.value = params.get("q") || "";

const bundle = box.dataset.bundle;
// the zh-Hant mirror is answered from the Simplified index: its results are shown at their /zh-hant/ addresses
const mirror = document.documentElement.lang === "zh-Hant";
const home = box.dataset.home; // the mirror's own: results link to its pages

const fetched = new Map();
function load(path, parse) { // each file once; a `.gz` file is inflated
  if (!fetched.has(path)) {
    fetched.set(path, fetch(bundle + path).then(async (response) => {
      if (!response.ok) throw new Error(`${path}: ${response.status}`);
      // a plain file read as it is (wrapping its body in a second Response costs a slow phone a stream per file)
      return parse(path.endsWith(".gz")
        ? await new Response(response.body.pipeThrough(new DecompressionStream("gzip"))).text() : await response.text());
    }));
  }
  return fetched.get(path);
}
const manifest = await load("index.json", JSON.parse);
const parts = manifest.parts.map((folder, rank) => ({ folder, rank }));
const toSimplified = new Map();
const toTraditional = new Map();
if (mirror && manifest.hant) {
  const pairs = [...await load(manifest.hant, JSON.parse)];
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    if (!toSimplified.has(pairs[i + 1])) toSimplified.set(pairs[i + 1], pairs[i]);
    toTraditional.set(pairs[i], pairs[i + 1]);
  }
}
const convert = (value, map) => (map.size ? [...value].map((c) => map.get(c) ?? c).join("") : value);

// The terms of a text, as the build cuts them (releasehall/outputs/search_text.py): NFKC, lower case, each run of CJK
// characters cut into overlapping pairs (a one-character run is that character), each run of other letters and digits a word.
const CJK = "\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\uac00-\\ud7af\\u{20000}-\\u{3134f}";
const RUNS = new RegExp(`([${CJK}]+)|((?:(?![${CJK}])[\\p{L}\\p{N}])+)`, "gu");
const normalized = (value) => value.normalize("NFKC").toLowerCase();
function terms(value) {
  const found = new Set();
  for (const [, cjk, word] of normalized(value).matchAll(RUNS)) {
    if (word) { found.add(word); continue; }
    const chars = [...cjk];
    if (chars.length === 1) found.add(chars[0]);
    for (let i = 0; i + 1 < chars.length; i++) found.add(chars[i] + chars[i + 1]);
  }
  return [...found];
}

// CRC-32 of a term's UTF-8 (Python's zlib.crc32): which postings file holds it
const CRC = Array.from({ length: 256 }, (_, n) => { for (let k = 0; k < 8; k++) n = n & 1 ? 0xedb88320 ^ (n >>> 1) : n >>> 1; return n >>> 0; });
const encoder = new TextEncoder();
function crc32(value) {
  let c = 0xffffffff;
  for (const byte of encoder.encode(value)) c = CRC[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function numbers(gaps) { // "3,1,4" -> [3, 4, 8]
  const found = [];
  let n = 0;
  let gap = 0;
  for (let i = 0; i < gaps.length; i++) {
    const c = gaps.charCodeAt(i) - 48;
    if (c >= 0 && c <= 9) gap = gap * 10 + c;
    else { n += gap; found.push(n); gap = 0; }
  }
  if (gaps.length) found.push(n + gap);
  return found;
}
// A postings file as it came: each part's lines (`term<TAB>pages<TAB>titled`) after a line `#<its place in
// manifest.parts>`; a term's lines are found in it when asked, not split up front. The part's place -> its two lists.
function lines(data, term) {
  const found = new Map();
  const key = "\n" + term + "\t";
  for (let at = data.indexOf(key); at >= 0; at = data.indexOf(key, at + 1)) {
    const mark = data.lastIndexOf("#", at);
    const rank = Number(data.slice(mark + 1, data.indexOf("\n", mark)));
    const end = data.indexOf("\n", at + 1);
    found.set(rank, data.slice(at + key.length, end < 0 ? data.length : end).split("\t"));
  }
  return found;
}
const tables = () => load(manifest.shared + "docs.gz", JSON.parse); // every part's, in the order of manifest.parts
tables().catch(() => {}); // fetched while the reader types; a failure shows when searching
const lookup = async (term) => lines(await load(`${manifest.shared}t${crc32(term) % manifest.shards}.txt`, String), term);
function intersect(a, b) { // of two ascending lists
  const both = [];
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (a[i] < b[j]) i++;
    else if (a[i] > b[j]) j++;
    else { both.push(a[i]); i++; j++; }
  }
  return both;
}

// One part's answer: its pages holding every term of every query term that pass the filters, as two ascending
// lists of page numbers: those whose title holds them all (shown first), then the others. A part's pages are
// numbered in the order they are shown in (newest first, then those without a date, then by address).
function answer(part, table, found, filters) {
  let pages = null;
  let titled = null;
  for (const held of found) {
    const line = held.get(part.rank);
    if (!line) return null;
    pages = pages === null ? numbers(line[0]) : intersect(pages, numbers(line[0]));
    titled = titled === null ? numbers(line[1]) : intersect(titled, numbers(line[1]));
    if (!pages.length) return null;
  }
  if (pages === null) pages = Array.from({ length: table.n }, (_, n) => n);
  if (filters.department || filters.kind || filters.year) {
    const departments = mirror ? table.departments_t : table.departments;
    const kinds = mirror ? table.kinds_t : table.kinds;
    pages = pages.filter((n) => (!filters.department || departments[table.department[n]] === filters.department)
      && (!filters.kind || kinds[table.kind[n]] === filters.kind)
      && (!filters.year || (table.date[n] >= 0 && new Date(table.date[n] * 86400000).getUTCFullYear() === Number(filters.year))));
  }
  titled = titled === null ? [] : intersect(pages, titled);
  const inTitle = new Set(titled);
  return { part, table, lists: [titled, titled.length ? pages.filter((n) => !inTitle.has(n)) : pages] };
}

// Every page matching the query, in the order shown: pages whose title holds every term first; then newest first,
// pages without a date (departments, the hall's own pages) last; ties in part order, then within a part by address.
// Each part's lists are in that order already, so they are merged, and only as far as the results shown.
const words = (query) => query.split(/\s+/).filter(Boolean).map((word) => (mirror ? convert(word, toSimplified) : word));
const keysOf = (query) => [...new Set(words(query).flatMap(terms))];
const before = (a, b) => ((a.date < 0) - (b.date < 0)) || (b.date - a.date) || (a.part.rank - b.part.rank) || (a.n - b.n);
function* merged(answers) {
  for (const which of [0, 1]) {
    const heads = answers.map((a) => ({ ...a, list: a.lists[which], at: 0 })).filter((h) => h.list.length);
    for (const head of heads) { head.n = head.list[0]; head.date = head.table.date[head.n]; }
    while (heads.length) {
      let best = 0;
      for (let i = 1; i < heads.length; i++) if (before(heads[i], heads[best]) < 0) best = i;
      const head = heads[best];
      yield { part: head.part, table: head.table, n: head.n, date: head.date };
      if (++head.at < head.list.length) { head.n = head.list[head.at]; head.date = head.table.date[head.n]; }
      else heads.splice(best, 1);
    }
  }
}
async function search(query, filters) { // -> { count, results: the matches in order, made as they are taken }
  const keys = keysOf(query);
  if ((words(query).length && !keys.length) || !parts.length) return { count: 0, results: [].values() };
  const [all, ...found] = await Promise.all([tables(), ...keys.map(lookup)]);
  const answers = parts.map((part) => answer(part, all[part.rank], found, filters)).filter(Boolean);
  const count = answers.reduce((sum, a) => sum + a.lists[0].length + a.lists[1].length, 0);
  return { count, results: merged(answers) };
}
function take(results, count) { // the next `count` results (a for-of loop left early would close the generator)
  const taken = [];
  for (let next = results.next(); !next.done; next = results.next()) {
    taken.push(next.value);
    if (taken.length >= count) break;
  }
  return taken;
}
// a result's page text, from the file holding the texts of `manifest.texts` pages in a row (one fetch for them all)
const pageText = async (result) =>
  (await load(`${result.part.folder}x${Math.floor(result.n / manifest.texts)}.json`, JSON.parse))[result.n % manifest.texts];

// A stretch of the page's text around the first place that holds a term of the query, with every such place marked
// (as text nodes and <mark> elements: the text is citizens' and departments' data, never parsed as HTML).
const EXCERPT = 90;
function excerpt(value, keys) {
  const folded = normalized(value);
  const marked = new Array(value.length).fill(false);
  if (folded.length === value.length) {
    for (const key of keys) {
      for (let at = folded.indexOf(key); at >= 0; at = folded.indexOf(key, at + 1)) marked.fill(true, at, at + key.length);
    }
  }
  const first = marked.indexOf(true);
  let start = first < 0 ? 0 : Math.max(0, first - 20);
  if (start > 0 && value.length - start < EXCERPT) start = Math.max(0, value.length - EXCERPT);
  const end = Math.min(value.length, start + EXCERPT);
  const shown = mirror ? convert(value, toTraditional) : value;
  const nodes = start > 0 ? ["…"] : [];
  for (let i = start; i < end;) {
    let j = i;
    while (j < end && marked[j] === marked[i]) j++;
    const piece = shown.slice(i, j).replace(/\n/g, " ");
    nodes.push(marked[i] ? text("mark", piece) : piece);
    i = j;
  }
  if (end < value.length) nodes.push("…");
  return nodes;
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

const PAGE = 10; // results shown at once; the button below them shows the next ten
let latest = 0; // a slower earlier query never overwrites a later one's results
let current = { results: [].values(), count: 0, keys: [], shown: 0 };
async function run(event) {
  if (event && event.type === "submit") event.preventDefault();
  const asked = ++latest;
  const query = input.value.trim();
  const filters = {};
  const shown = new URLSearchParams(query ? { q: query } : {});
  for (const [name, select] of Object.entries(selects)) {
    if (select.value) { filters[name] = select.value; shown.set(name, select.value); }
  }
  // the address names the query once its answer is shown (a new address makes the browser fetch the icon again)
  const address = () => history.replaceState(null, "", "?" + shown.toString());
  if (!query && !Object.keys(filters).length) {
    list.replaceChildren(); more.hidden = true; status.textContent = ""; address(); return;
  }
  const { count, results } = await search(query, filters);
  if (asked !== latest) return;
  const page = take(results, PAGE);
  current = { results, count, keys: keysOf(query), shown: page.length };
  show(page, current.keys, (items) => list.replaceChildren(...items));
  more.hidden = count <= current.shown;
  status.textContent = count ? box.dataset.count.replace("{n}", count) : box.dataset.none;
  requestAnimationFrame(() => setTimeout(address)); // after the frame that shows the answer
}

more.addEventListener("click", () => {
  const page = take(current.results, PAGE);
  current.shown += page.length;
  show(page, current.keys, (items) => list.append(...items));
  more.hidden = current.count <= current.shown;
});

// Results shown as list items (title as a link, kind as a badge, department, date: all in the table of pages), put
// in place by `place`; then each one's excerpt from its page's text, fetched for the results shown only. The list is
// marked busy until every excerpt is in.
function show(results, keys, place) {
  const asked = latest;
  const summaries = results.map(() => text("p", "", "excerpt"));
  place(results.map((r, i) => item(r, summaries[i])));
  list.setAttribute("aria-busy", "true");
  const filled = Promise.all(results.map(async (r, i) => summaries[i].append(...excerpt(await pageText(r), keys))));
  filled.finally(() => { if (asked === latest) list.removeAttribute("aria-busy"); });
}
function item(r, summary) {
  const { table, n } = r;
  const departments = mirror ? table.departments_t : table.departments;
  const kinds = mirror ? table.kinds_t : table.kinds;
  const department = departments[table.department[n]];
  const kind = kinds[table.kind[n]];
  const title = (mirror && table.title_t[n]) || table.title[n];
  const li = document.createElement("li");
  const link = text("a", title || table.url[n]);
  link.href = home + table.url[n];
  const heading = document.createElement("h2");
  heading.append(link);
  // the kind as a badge beside the department and date, never read into the title
  const meta = document.createElement("p");
  meta.className = "meta";
  if (kind) meta.append(text("span", kind, "badge" + (kind === box.dataset.alert ? " badge-alert" : "")), " ");
  if (department) meta.append(department);
  if (r.date >= 0) {
    const day = new Date(r.date * 86400000).toISOString().slice(0, 10);
    const date = text("time", day); // a date never breaks across lines
    date.dateTime = day;
    meta.append(department ? " · " : "", date);
  }
  li.append(heading, meta, summary);
  return li;
}

form.addEventListener("submit", run);
// for tests and scripts: every matching page's URL, in order
window.hallSearch = async (query, filters = {}) => [...(await search(query, filters)).results].map((r) => home + r.table.url[r.n]);
// for benchmarks over large halls: each matching page as its part's folder and number
window.hallMatches = async (query, filters = {}) => [...(await search(query, filters)).results].map((r) => [r.part.folder, r.n]);
window.searchReady = true;
run();
