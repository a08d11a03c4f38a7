// The hulpverlener's caseload on the phone: fetched when online, shown offline, and gone
// when it must be (logout, a client leaving the caseload, 72 hours without a sync).
(function () {
  "use strict";

  var V = window.Veldwijzer;
  var store = V.store;
  var HOUR = 3600 * 1000;
  var role = document.body.dataset.role;

  function refresh() {
    if (role !== "hulpverlener") return Promise.resolve();
    return V.vault.status().then(function (vault) {
      // Without a PIN there is no key to seal with: nothing personal is stored on this phone.
      if (vault === "unset") return;
      return store.getMeta("caseload").then(function (meta) {
        var url = "/api/v1/caseload" + (meta && meta.version ? "?known=" + encodeURIComponent(meta.version) : "");
        return fetch(url, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
          .then(function (r) { if (!r.ok) throw new Error("caseload " + r.status); return r.json(); })
          .then(function (copy) {
            var record = { version: copy.version, synced_at: Date.now(), max_age_hours: copy.max_age_hours };
            if (copy.unchanged) return store.setMeta("caseload", record);
            return Promise.all(copy.clients.map(function (c) {
              return V.vault.seal(c).then(function (sealed) { return { id: c.id, sealed: sealed }; });
            })).then(function (rows) {
              // One transaction: the old copy is replaced whole, so a client who left the caseload is gone.
              return store.transaction(["clients", "meta"], "readwrite", function (s) {
                s.clients.clear();
                rows.forEach(function (row) { s.clients.put(row); });
                s.meta.put({ key: "caseload", value: record });
                s.meta.delete("caseload-expired");
              });
            });
          });
      }).then(function () { document.documentElement.dataset.caseloadReady = "true"; changed(); });
    }).catch(function () { /* offline or not allowed: keep what the phone has, within its age limit */ });
  }

  // Older than its age limit without a successful sync: the personal data goes.
  function expire() {
    return store.getMeta("caseload").then(function (meta) {
      if (!meta) return;
      if (Date.now() - meta.synced_at > (meta.max_age_hours || 72) * HOUR) {
        return store.wipeCaseload({ reason: "age", hours: meta.max_age_hours || 72 });
      }
    }).catch(function () {});
  }

  function allClients() {
    return store.transaction(["clients"], "readonly", function (s) { return store.request(s.clients.getAll()); })
      .then(function (rows) { return Promise.all(rows.map(function (row) { return V.vault.open(row.sealed); })); });
  }

  function getClient(id) {
    return store.transaction(["clients"], "readonly", function (s) { return store.request(s.clients.get(id)); })
      .then(function (row) { return row ? V.vault.open(row.sealed) : null; });
  }

  // -- the offline view: /clienten/, /clienten/<id>, /clienten/<id>/briefing ---------------------

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }

  // The pages a hulpverlener writes from, offline: choose a client from the phone's copy, then
  // write on the client's card (notes, visits) or in the incident form.
  var SECTIONS = {
    notities: { title: "Notitie maken", nav: "/notities/", anchor: "#notities",
                text: "Kies de cliënt. Je schrijft de notitie op de pagina van de cliënt; die wordt verstuurd zodra er verbinding is." },
    bezoeken: { title: "Huisbezoeken", nav: "/notities/", anchor: "#bezoek",
                text: "Kies de cliënt om een bezoek te plannen, in of uit te checken. Wie er verder binnen is, zie je alleen met verbinding." }
  };

  function markNav(href) {
    document.querySelectorAll(".bottomnav a").forEach(function (a) {
      if (a.getAttribute("href") === href) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
    });
  }

  function renderIncidentsShell(title, body) {
    title.textContent = "Incidenten";
    document.title = "Incidenten (offline) · Veldwijzer";
    markNav("/incidenten/");
    body.textContent = "";
    body.appendChild(el("p", null, "Het overzicht van incidenten en evaluaties zie je met verbinding. Vastleggen wat er gebeurde kan ook nu: het wordt verstuurd zodra er verbinding is."));
    var a = el("a", "button button-primary", "Incident vastleggen");
    a.href = "/incidenten/nieuw";
    body.appendChild(a);
  }

  function outboxSection(body) {
    var section = el("section", "outbox");
    section.setAttribute("data-outbox-list", "");
    section.setAttribute("aria-labelledby", "outbox-title");
    var h2 = el("h2", null, "Nog niet verstuurd");
    h2.id = "outbox-title";
    var empty = el("p", "muted", "Niets wacht op deze telefoon.");
    empty.setAttribute("data-outbox-empty", "");
    var list = el("ul", "note-list");
    list.setAttribute("data-outbox-items", "");
    [h2, empty, list].forEach(function (n) { section.appendChild(n); });
    body.appendChild(section);
  }

  function renderOffline(root) {
    var parts = window.location.pathname.split("/").filter(Boolean); // ["clienten", id?, "briefing"?]
    var title = document.getElementById("offline-title");
    var body = document.getElementById("offline-body");
    if (parts[0] === "incidenten") { renderIncidentsShell(title, body); return Promise.resolve(); }
    var section = SECTIONS[parts[0]];
    if (section) { title.textContent = section.title; markNav(section.nav); document.title = section.title + " (offline) · Veldwijzer"; }
    return V.vault.status().then(function (vault) {
      if (vault !== "open") {
        if (!section) title.textContent = parts.length === 1 ? "Cliënten" : vault === "locked" ? "Vergrendeld" : "Geen gegevens op deze telefoon";
        body.textContent = "";
        body.appendChild(el("p", null, vault === "locked"
          ? "Ontgrendel met je pincode om je cliënten te zien."
          : "Er staan geen cliënten op deze telefoon. Stel met verbinding een pincode in."));
        if (vault === "locked") {
          var ask = el("button", "button button-primary", "Ontgrendelen");
          ask.type = "button";
          ask.addEventListener("click", function () { document.dispatchEvent(new CustomEvent("veldwijzer:vault-ask")); });
          body.appendChild(ask);
        }
        return false;
      }
      return true;
    }).then(function (open) { if (open) return renderOfflineOpen(root, parts, title, body); })
      .catch(function () {});
  }

  // Why the copy is empty, when it was wiped for its age (the user may wonder where it went).
  function expiredNote(body) {
    return store.getMeta("caseload-expired").then(function (expired) {
      if (!expired) return false;
      var why = expired.reason === "pin" ? "er is te vaak een verkeerde pincode ingevuld"
        : "deze telefoon had " + expired.hours + " uur geen verbinding met Veldwijzer";
      body.appendChild(el("p", "callout", "De offline gegevens van je cliënten zijn gewist: " + why + ". " +
        "Met verbinding worden ze opnieuw opgehaald. Notities die nog wachten blijven bewaard."));
      return true;
    });
  }

  function renderOfflineOpen(root, parts, title, body) {
    return store.getMeta("caseload").then(function (meta) {
      var stamp = root.querySelector("[data-synced]");
      if (meta && stamp) stamp.textContent = "Offline kopie, bijgewerkt " + new Date(meta.synced_at).toLocaleString("nl-NL");
      if (parts.length === 1) {
        return allClients().then(function (clients) {
          var section = SECTIONS[parts[0]];
          title.textContent = section ? section.title : "Cliënten";
          body.textContent = "";
          if (section) body.appendChild(el("p", null, section.text));
          if (!clients.length) {
            return expiredNote(body).then(function (shown) {
              if (!shown) body.appendChild(el("p", null, "Er staan geen cliënten op deze telefoon."));
            });
          }
          var list = el("ul", "client-list");
          clients.sort(function (a, b) { return a.name.localeCompare(b.name, "nl"); }).forEach(function (c) {
            var li = el("li", "client");
            var a = el("a", "client-name", c.name);
            a.href = "/clienten/" + c.id + (section ? section.anchor : "");
            li.appendChild(a);
            li.appendChild(el("p", "client-meta", c.date_of_birth.split("-").reverse().join("-") + " · " + c.postcode_area));
            list.appendChild(li);
          });
          body.appendChild(list);
          if (parts[0] === "notities") {
            outboxSection(body);
            document.dispatchEvent(new CustomEvent("veldwijzer:offline-view"));
          }
        });
      }
      return getClient(parts[1]).then(function (c) {
        if (!c) {
          title.textContent = "Niet op deze telefoon";
          body.textContent = "";
          return expiredNote(body).then(function (shown) {
            if (!shown) body.appendChild(el("p", null, "Deze cliënt staat niet in de offline kopie van jouw caseload."));
          });
        }
        var briefing = parts[2] === "briefing";
        title.textContent = briefing ? "Politie-briefing" : c.name;
        document.title = title.textContent + " · Veldwijzer";
        // Server-rendered HTML of our own origin, made for this view (no scripts in it).
        body.innerHTML = briefing ? c.html.briefing : c.html.card;
        if (V.refreshOpenNow) V.refreshOpenNow(body);
        document.dispatchEvent(new CustomEvent("veldwijzer:offline-view"));
        if (briefing) { title.hidden = true; document.body.classList.add("page-briefing"); }
      });
    });
  }

  // -- the selected client: the flows and the belkaart use its address -------------------------

  function selectClient(holder) {
    return V.vault.seal({ id: holder.dataset.client, name: holder.dataset.clientName,
      address: holder.dataset.clientAddress, postcode: holder.dataset.clientPostcode })
      .then(function (sealed) {
        // The postcode area alone (four digits, no name) stays readable: a locked phone, offline,
        // still shows the wijkagent of the client's area. The flows carry it in their URLs too.
        return Promise.all([store.setMeta("selected", { sealed: sealed, at: Date.now() }),
          store.setMeta("selected-area", { postcode: holder.dataset.clientPostcode, at: Date.now() })]);
      });
  }

  function showSelected() {
    var banner = document.getElementById("selected-client");
    var fills = document.querySelectorAll("[data-fill]");
    var briefings = document.querySelectorAll("[data-briefing-for-selected]");
    if (!banner && !fills.length && !briefings.length) return;
    store.getMeta("selected-area").then(function (area) {
      if (area && Date.now() - area.at <= 12 * HOUR) {
        document.dispatchEvent(new CustomEvent("veldwijzer:selected", { detail: { postcode: area.postcode } }));
      }
    }).catch(function () {});
    store.getMeta("selected").then(function (selected) {
      if (!selected || Date.now() - selected.at > 12 * HOUR) return null;
      return V.vault.open(selected.sealed);
    }).then(function (c) {
      if (!c) return null;
      // The belkaart's other places come from the client's crisiskaart in the caseload copy.
      return getClient(c.id).then(function (record) { return { c: c, record: record }; }, function () { return { c: c }; });
    }).then(function (found) {
      if (!found) return;
      var c = found.c, card = (found.record && found.record.belkaart) || {};
      var values = { adres: c.address, client_naam: c.name, toegang: card.toegang, medicatie: card.medicatie,
        helpt: card.helpt };
      fills.forEach(function (f) {
        // Only the record's own words; where it has none, the prompt stays.
        if (values[f.dataset.fill]) {
          f.textContent = values[f.dataset.fill];
          f.classList.add("fill-known");
          f.classList.remove("fill-prompt");
        }
      });
      // Stap 3: the hand-over screen for this client (it opens offline too, from the caseload copy).
      briefings.forEach(function (p) {
        p.querySelector("a").href = "/clienten/" + encodeURIComponent(c.id) + "/briefing";
        p.querySelector("[data-selected-first]").textContent = c.name;
        p.hidden = false;
      });
      document.dispatchEvent(new CustomEvent("veldwijzer:selected", { detail: { id: c.id, postcode: c.postcode } }));
      if (banner) {
        // The belkaart says the address in its own line: there the banner only names the client.
        banner.querySelector("[data-selected-name]").textContent = c.name +
          (banner.hasAttribute("data-name-only") ? "" : ", " + c.address);
        banner.hidden = false;
        banner.querySelector("button").addEventListener("click", function () {
          store.transaction(["meta"], "readwrite", function (s) { s.meta.delete("selected"); s.meta.delete("selected-area"); })
            .then(function () {
              banner.hidden = true;
              briefings.forEach(function (p) { p.hidden = true; });
            });
        });
      }
    }).catch(function () {});
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-select-client]");
    if (!link) return;
    event.preventDefault();
    var go = function () { window.location.href = link.href; };
    selectClient(link.closest("[data-client]")).then(go, go);
  });

  // Logout clears the phone: the app's own wipe first (it works offline too), then the server's
  // Clear-Site-Data. What still waits in the outbox is sent first if possible; what cannot be
  // sent is never deleted without the user saying so.
  function waitingAfterLastTry() {
    if (!V.sync) return Promise.resolve(0);
    var attempt = Promise.race([V.sync.run("logout"), new Promise(function (ok) { setTimeout(ok, 8000); })]);
    return attempt.then(function () { return V.sync.status(); }, function () { return V.sync.status(); })
      .then(function (status) { return status.waiting + status.attention; }, function () { return 0; });
  }

  function wipePhone() {
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "clear-user-data" });
    }
    try { localStorage.clear(); sessionStorage.clear(); } catch (e) { /* private mode */ }
    return Promise.all([store.wipe(), caches.delete("veldwijzer-pages")]);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("logout-form") || form.dataset.wiped) return;
    event.preventDefault();
    var button = form.querySelector("button");
    if (button) { button.disabled = true; button.textContent = "Bezig met uitloggen…"; }
    waitingAfterLastTry().then(function (waiting) {
      if (waiting && !window.confirm(waiting + (waiting === 1 ? " item is" : " items zijn") + " nog niet verstuurd. " +
          "Als je nu uitlogt, wordt het van deze telefoon verwijderd en is het weg. Toch uitloggen?")) {
        if (button) { button.disabled = false; button.textContent = "Uitloggen"; }
        return;
      }
      var offline = document.documentElement.dataset.connection === "offline";
      var done = function () {
        form.dataset.wiped = "true";
        // Without a server the logout cannot reach it; the phone is clean all the same.
        if (offline) window.location.replace("/offline"); else form.submit();
      };
      wipePhone().then(done, done);
    });
  });

  // What the phone holds changed (readiness.js shows it on home, the client list and the account page).
  function changed() { document.dispatchEvent(new CustomEvent("veldwijzer:caseload")); }

  V.caseload = { refresh: refresh };
  var offlineRoot = document.querySelector("[data-offline-clients]");
  if (!role && !offlineRoot) return; // logged out: do not even open the database
  expire().then(function () {
    if (offlineRoot) renderOffline(offlineRoot);
    showSelected();
    changed();
  });
  document.addEventListener("veldwijzer:vault", function () {
    if (offlineRoot) renderOffline(offlineRoot);
    showSelected();
    if (role === "hulpverlener") refresh();
  });
  // Refresh the copy whenever app.js finds the server reachable (page load, back online).
  var refreshing = false;
  document.addEventListener("veldwijzer:connection", function (event) {
    if (!event.detail.online || refreshing || role !== "hulpverlener") return;
    refreshing = true;
    refresh().then(function () { refreshing = false; });
  });
  document.addEventListener("htmx:afterSettle", showSelected);
})();
