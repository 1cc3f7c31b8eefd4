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
const available = await pagefind.filters();
const selects = {};
names.forEach((name, i) => {
  const values = Object.keys(available[name] || {}).sort().reverse();
  if (!values.length) return;
  const label = text("label", labels[i] + " ");
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
  const search = await pagefind.search(query || null, { filters });
  const results = await Promise.all(search.results.slice(0, 30).map((r) => r.data()));
  status.textContent = results.length ? box.dataset.count.replace("{n}", search.results.length) : box.dataset.none;
  for (const r of results) {
    const item = document.createElement("li");
    const link = text("a", r.meta.title || r.url);
    link.href = r.url;
    const heading = document.createElement("h2");
    heading.append(link);
    const meta = text("p", [r.meta.department, r.meta.kind, r.meta.date].filter(Boolean).join(" · "), "meta");
    const excerpt = document.createElement("p");
    excerpt.className = "excerpt";
    excerpt.innerHTML = r.excerpt; // Pagefind's excerpt: the page's text, escaped, with <mark> around the match
    item.append(heading, meta, excerpt);
    list.append(item);
  }
}

form.addEventListener("submit", run);
// for tests and scripts: every matching page's URL
window.pagefindSearch = async (query) => {
  const search = await pagefind.search(query);
  return Promise.all(search.results.map(async (r) => (await r.data()).url));
};
window.pagefindReady = true;
run();
