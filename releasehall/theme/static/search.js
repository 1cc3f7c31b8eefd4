// /search/: the hall's own index (built with the site, releasehall/outputs/search_index.py) queried in the browser;
// works on any static host. The index is cut into parts by department; each part answers a query on its own pages
// (a page matches a term when it holds every character pair and word of it), so the parts together answer exactly
// what one index over all pages would. What every query reads is joined across the parts (`shared`): the parts'
// tables of pages in one file, and each postings file holding a shard of every part's terms, so a query fetches
// one file a term (each request costs a slow phone more than its bytes), then the fragments of the results shown.
// what one index over all pages would.
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

// CRC-32 of a term's UTF-8 (Python's zlib.crc32): which postings file of a part holds it
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
const intersect = (a, b) => { const keep = new Set(b); return a.filter((n) => keep.has(n)); };

// One part's answer: its pages holding every term of every query term that pass the filters, each with whether
// its title holds them all (such pages come first) and its date.
function answer(part, table, found, filters) {
  let pages = null;
  let titled = null;
  for (const held of found) {
    const line = held.get(part.rank);
    if (!line) return [];
    pages = pages === null ? numbers(line[0]) : intersect(pages, numbers(line[0]));
    titled = titled === null ? numbers(line[1]) : intersect(titled, numbers(line[1]));
    if (!pages.length) return [];
  }
  if (pages === null) pages = Array.from({ length: table.n }, (_, n) => n);
  const inTitle = new Set(titled ?? []);
  const departments = mirror ? table.departments_t : table.departments;
  const kinds = mirror ? table.kinds_t : table.kinds;
  return pages.filter((n) => (!filters.department || departments[table.department[n]] === filters.department)
      && (!filters.kind || kinds[table.kind[n]] === filters.kind)
      && (!filters.year || (table.date[n] >= 0 && new Date(table.date[n] * 86400000).getUTCFullYear() === Number(filters.year))))
    .map((n) => ({ part, n, table, title: inTitle.has(n), date: table.date[n] }));
}

// Every page matching the query, in the order shown: pages whose title holds every term first; then newest first,
// pages without a date (departments, the hall's own pages) last; ties in part order, then within a part by address.
const words = (query) => query.split(/\s+/).filter(Boolean).map((word) => (mirror ? convert(word, toSimplified) : word));
const keysOf = (query) => [...new Set(words(query).flatMap(terms))];
async function search(query, filters) {
  const keys = keysOf(query);
  if ((words(query).length && !keys.length) || !parts.length) return [];
  const [all, ...found] = await Promise.all([tables(), ...keys.map(lookup)]);
  const results = parts.flatMap((part) => answer(part, all[part.rank], found, filters));
  return results.sort((a, b) => (b.title - a.title) || ((a.date < 0) - (b.date < 0)) || (b.date - a.date)
    || (a.part.rank - b.part.rank) || (a.n - b.n));
}
const fragment = (result) => load(`${result.part.folder}f${result.n}.json`, JSON.parse);

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
let current = { found: [], keys: [], shown: 0 };
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
  const found = await search(query, filters);
  const items = await render(found.slice(0, PAGE), keysOf(query));
  if (asked !== latest) return;
  current = { found, keys: keysOf(query), shown: items.length };
  list.replaceChildren(...items);
  more.hidden = found.length <= current.shown;
  status.textContent = found.length ? box.dataset.count.replace("{n}", found.length) : box.dataset.none;
  requestAnimationFrame(() => setTimeout(address)); // after the frame that shows the answer
}

more.addEventListener("click", async () => {
  const asked = latest;
  const items = await render(current.found.slice(current.shown, current.shown + PAGE), current.keys);
  if (asked !== latest) return;
  current.shown += items.length;
  list.append(...items);
  more.hidden = current.found.length <= current.shown;
});

// the list items of some results: title (a link), kind as a badge, department, date, excerpt
async function render(results, keys) {
  const pages = await Promise.all(results.map(fragment));
  return results.map((r, i) => {
    const page = pages[i];
    const departments = mirror ? r.table.departments_t : r.table.departments;
    const kinds = mirror ? r.table.kinds_t : r.table.kinds;
    const department = departments[r.table.department[r.n]];
    const kind = kinds[r.table.kind[r.n]];
    const title = (mirror && page.T) || page.t;
    const item = document.createElement("li");
    const link = text("a", title || page.u);
    link.href = home + page.u;
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
    const summary = document.createElement("p");
    summary.className = "excerpt";
    summary.append(...excerpt(page.x, keys));
    item.append(heading, meta, summary);
    return item;
  });
}

form.addEventListener("submit", run);
// for tests and scripts: every matching page's URL, in order
window.hallSearch = async (query, filters = {}) => {
  const found = await search(query, filters);
  return Promise.all(found.map(async (r) => home + (await fragment(r)).u));
};
// for benchmarks over large halls: each matching page as its part's folder and number, without fetching fragments
window.hallMatches = async (query, filters = {}) => (await search(query, filters)).map((r) => [r.part.folder, r.n]);
window.searchReady = true;
run();
