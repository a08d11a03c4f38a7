// Numbers for a postcode on the phone, also offline, and the contact filter.
//
// The server decides who to call (webapp/contacts/services.py); /contacten/bellen.json is its
// answer for every postcode of the region. When a page comes from the service worker's copy
// and asks for another postcode than the copy was made for, the call buttons are rebuilt from
// that table with the <template id="call-option-template"> markup.
(function () {
  "use strict";

  var TABLE_URL = "/contacten/bellen.json";
  var tablePromise = null;

  function fold(text) {
    return (text || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/-/g, " ")
      .split(/\s+/).filter(Boolean).join(" ");
  }

  function postcodeFromUrl() {
    var raw = new URLSearchParams(window.location.search).get("postcode") || "";
    var match = raw.trim().match(/^([1-9][0-9]{3})\s?([A-Za-z]{2})?$/);
    return match ? match[1] : null;
  }

  function loadTable() {
    if (!tablePromise) {
      tablePromise = fetch(TABLE_URL, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error("status " + r.status); return r.json(); })
        .catch(function (err) { tablePromise = null; throw err; });
    }
    return tablePromise;
  }

  function fillOption(option) {
    var template = document.getElementById("call-option-template");
    var node = template.content.firstElementChild.cloneNode(true);
    node.dataset.callKey = option.key;
    if (option.e164 === "112") node.classList.add("call-emergency");
    var link = node.querySelector(".call-button");
    link.href = option.tel;
    node.querySelector(".call-action").textContent = "Bel " + option.name;
    var number = node.querySelector(".call-number");
    if (option.display === option.name) number.remove(); else number.textContent = option.display;
    node.querySelector(".call-meta").textContent = option.role + (option.organisation ? " · " + option.organisation : "");
    var always = !option.hours && option.always;
    node.querySelector(".call-hours-text").textContent = always ? "" : option.hours_description;
    var badge = node.querySelector(".badge");
    if (always) { badge.textContent = "Altijd bereikbaar"; badge.className = "badge badge-open"; }
    else if (!option.hours) badge.remove();
    else { badge.dataset.hours = JSON.stringify(option.hours); refreshOpenNow(node); }
    var outside = node.querySelector(".call-outside");
    if (option.hours && option.outside_hours) outside.textContent = "Buiten deze tijden: " + option.outside_hours;
    else outside.remove();
    var note = node.querySelector(".call-note");
    if (option.note) note.textContent = option.note; else note.remove();
    if (!option.stale) node.querySelector(".call-stale").remove();
    return node;
  }

  function optionsFor(table, postcode, target) {
    var byTarget = (postcode && table.postcodes[postcode]) || table.default;
    return (byTarget[target] || []).map(function (key) { return table.options[key]; });
  }

  // A flow outcome: each call group gets the numbers for the postcode; a number is shown once, in
  // the first group that names it, and a group left with none is hidden, as the server does.
  function renderCallSection(section, table, postcode) {
    var seen = {};
    section.querySelectorAll(".call-group").forEach(function (group) {
      group.querySelectorAll(".call-list, .call-missing").forEach(function (n) { n.remove(); });
      var list = document.createElement("ul");
      list.className = "call-list";
      var options = optionsFor(table, postcode, group.dataset.target);
      options.forEach(function (option) {
        if (!seen[option.e164]) list.appendChild(fillOption(option));
        seen[option.e164] = true;
      });
      group.hidden = options.length > 0 && !list.children.length;
      if (list.children.length) group.appendChild(list);
    });
    var context = section.querySelector(".calls-context");
    if (section.hasAttribute("data-urgent")) { section.dataset.postcode = postcode || ""; return; }
    if (!context) {
      context = document.createElement("p");
      context.className = "calls-context";
      section.insertBefore(context, section.firstChild.nextSibling);
    }
    context.textContent = postcode ? "Nummers voor postcode " + postcode : "";
    section.dataset.postcode = postcode || "";
  }

  function renderWho(container, table, postcode) {
    container.textContent = "";
    if (!postcode) return;
    var intro = document.createElement("p");
    intro.textContent = "Eerst de wijkagent van dit gebied, dan het basisteam, dan 0900-8844. Bij direct gevaar: 112.";
    container.appendChild(intro);
    var list = document.createElement("ul");
    list.className = "call-list";
    optionsFor(table, postcode, "wijkagent").forEach(function (o) { list.appendChild(fillOption(o)); });
    container.appendChild(list);
    if (!table.postcodes[postcode]) {
      var warn = document.createElement("p");
      warn.className = "call-note";
      warn.textContent = "Postcode " + postcode + " hoort niet bij " + table.region + ". Dit zijn de nummers voor de hele regio.";
      container.insertBefore(warn, list);
    }
    container.dataset.postcode = postcode;
  }

  // Keep the postcode when walking on through a flow from a kept (postcode-less) copy.
  function carryPostcode(root, postcode) {
    if (!postcode) return;
    // Known now (from the URL or the selected client): the outcome no longer asks for it.
    root.querySelectorAll("[data-context-form]").forEach(function (form) {
      if (!form.querySelector("[aria-invalid]") && !form.querySelector("[name=setting]")) form.hidden = true;
    });
    var setting = new URLSearchParams(window.location.search).get("setting");
    root.querySelectorAll('a[href^="/stappenplan/"]').forEach(function (a) {
      var url = new URL(a.getAttribute("href"), window.location.origin);
      if (url.searchParams.get("postcode")) return;
      url.searchParams.set("postcode", postcode);
      if (setting && !url.searchParams.get("setting")) url.searchParams.set("setting", setting);
      var target = url.pathname + url.search;
      a.setAttribute("href", target);
      if (a.hasAttribute("hx-get")) a.setAttribute("hx-get", target);
    });
  }

  // The selected client's postcode area (caseload.js announces it) counts when the URL has none.
  var selectedPostcode = null;

  function enhance(root) {
    var postcode = postcodeFromUrl() || selectedPostcode;
    carryPostcode(root, postcode);
    var sections = root.querySelectorAll(".calls[data-postcode]");
    var who = root.querySelector("#who-results");
    var stale = Array.prototype.filter.call(sections, function (s) { return (s.dataset.postcode || null) !== postcode; });
    var whoStale = who && (who.dataset.postcode || null) !== postcode;
    if (!stale.length && !whoStale) return;
    loadTable().then(function (table) {
      stale.forEach(function (s) { renderCallSection(s, table, postcode); });
      if (whoStale) renderWho(who, table, postcode);
    }).catch(function () { /* no table on this phone yet: the page's own numbers stay */ });
  }

  // "Nu bereikbaar" is decided again on the phone's clock: a kept page may be hours old.
  var DAYS = ["ma", "di", "wo", "do", "vr", "za", "zo"];
  function amsterdamNow() {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Amsterdam", weekday: "short", hour: "2-digit",
      minute: "2-digit", hourCycle: "h23" }).formatToParts(new Date()).forEach(function (p) { parts[p.type] = p.value; });
    var day = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(parts.weekday);
    return { day: DAYS[day], time: parts.hour + ":" + parts.minute };
  }
  function refreshOpenNow(root) {
    var now = amsterdamNow();
    root.querySelectorAll(".badge[data-hours]").forEach(function (badge) {
      var hours = JSON.parse(badge.dataset.hours);
      var open = (hours[now.day] || []).some(function (p) { return p[0] <= now.time && now.time < p[1]; });
      badge.textContent = open ? "Nu bereikbaar" : "Nu niet bereikbaar";
      badge.className = "badge " + (open ? "badge-open" : "badge-closed");
    });
  }

  // The contact list filters as you type, on the phone, online and offline alike.
  function setupFilter(form) {
    var results = document.getElementById("contact-results");
    if (!results) return;
    var q = form.querySelector("[name=q]");
    var fn = form.querySelector("[name=functie]");
    var level = form.querySelector("[name=niveau]");
    var count = results.querySelector(".results-count");
    var empty = results.querySelector(".empty");
    function apply() {
      var words = fold(q.value).split(" ").filter(Boolean);
      var shown = 0;
      results.querySelectorAll("li.contact").forEach(function (li) {
        var text = li.dataset.search || "";
        var ok = words.every(function (w) { return text.indexOf(w) !== -1; }) &&
          (!fn.value || li.dataset.function === fn.value) && (!level.value || li.dataset.level === level.value);
        li.hidden = !ok;
        if (ok) shown += 1;
      });
      count.textContent = shown + (shown === 1 ? " contact" : " contacten") + (words.length || fn.value || level.value ? " gevonden" : "");
      empty.hidden = shown !== 0;
    }
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
    [q, fn, level].forEach(function (el) { el.addEventListener("input", apply); el.addEventListener("change", apply); });
    if (q.value || fn.value || level.value) apply();
  }

  document.documentElement.classList.add("js");
  enhance(document);
  refreshOpenNow(document);
  document.querySelectorAll("[data-contact-filter]").forEach(setupFilter);
  // After htmx swapped a step in (and put its address in the history), enhance the new content.
  document.addEventListener("htmx:afterSettle", function () { enhance(document); refreshOpenNow(document); });
  document.addEventListener("htmx:pushedIntoHistory", function () { enhance(document); });
  document.addEventListener("veldwijzer:selected", function (event) {
    var match = String(event.detail.postcode || "").match(/^[1-9][0-9]{3}$/);
    if (!match || selectedPostcode === match[0]) return;
    selectedPostcode = match[0];
    enhance(document);
  });
  document.addEventListener("submit", function (event) {
    var message = event.target.dataset && event.target.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });
  window.Veldwijzer = window.Veldwijzer || {};
  window.Veldwijzer.loadCallTable = loadTable;
  window.Veldwijzer.refreshOpenNow = refreshOpenNow;
})();
