// Incidents on the phone: the "incident.create" payload for the outbox (outbox.js sends it), the
// incidents still waiting on this phone, and the check for earlier police requests for a client
// (000 §4.2) on the incident form and on a flow's outcome when a client is selected.
(function () {
  "use strict";

  var V = window.Veldwijzer;
  var store = V.store;
  var role = document.body.dataset.role;
  // The offline shell of the form knows no user: the role last seen on this phone decides.
  var shell = document.querySelector("[data-offline-outbox]");
  if (!role && shell) {
    try { role = localStorage.getItem("veldwijzer.role"); } catch (e) { role = null; }
  }
  var HOUR = 3600 * 1000;
  var SITUATION = { acuut: "Acute noodsituatie", planbaar: "Planbare noodsituatie", strafbaar_feit: "Strafbaar feit",
                    geen: "Geen noodsituatie, geen strafbaar feit" };
  var REQUIRED = [
    ["client_id", "Kies de cliënt."],
    ["occurred_at", "Vul in wanneer het gebeurde."],
    ["setting", "Kies waar het was: klinisch of ambulant."],
    ["situation", "Kies wat voor situatie het was."],
    ["police_called", "Kies of en hoe de politie is gebeld."],
    ["description", "Beschrijf wat er gebeurde: wat werd er gezegd en gedaan."]
  ];
  var OPTIONAL = ["location", "injuries", "police_reference", "aangifte_status", "aangifte_reference", "flow_id", "step_id"];

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }

  function when(iso) {
    return new Date(iso).toLocaleString("nl-NL", { day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit" });
  }

  // -- the payload --------------------------------------------------------------------------------

  var builders = V.outboxForms = V.outboxForms || {};
  V.outboxLabels = Object.assign(V.outboxLabels || {}, { "incident.create": "Incident" });

  builders["incident.create"] = function (form, data, now) {
    var fieldError = V.outboxFieldError;
    var value = function (name) { return (data.get(name) || "").trim(); };
    var problems = [];
    var occurred = value("occurred_at") ? new Date(value("occurred_at")) : null;
    REQUIRED.forEach(function (pair) {
      var bad = !value(pair[0]) || (pair[0] === "occurred_at" && isNaN(occurred.getTime()));
      if (bad) problems.push(pair);
    });
    if (value("aangifte_status") === "niet_gedaan" && !value("aangifte_reason")) {
      problems.push(["aangifte_reason", "Schrijf op waarom er geen aangifte is gedaan."]);
    }
    // Clear every message, then set them last-to-first so the first problem has the focus.
    REQUIRED.concat([["aangifte_reason"]]).forEach(function (pair) { fieldError(form, pair[0], null); });
    problems.slice().reverse().forEach(function (pair) { fieldError(form, pair[0], pair[1]); });
    if (problems.length) return null;

    var payload = { client_id: value("client_id"), occurred_at: occurred.toISOString(), setting: value("setting"),
                    situation: value("situation"), police_called: value("police_called"),
                    description: value("description"), aangifte_domicilie: !!data.get("aangifte_domicilie"),
                    written_at: now };
    OPTIONAL.forEach(function (name) { if (value(name)) payload[name] = value(name); });
    if (payload.aangifte_status === "niet_gedaan") payload.aangifte_reason = value("aangifte_reason");
    return payload;
  };

  // -- after saving on the phone: outbox.js goes to "#vastgelegd" ---------------------------------

  function saved() {
    if (window.location.hash !== "#vastgelegd") return;
    history.replaceState(null, "", window.location.pathname + window.location.search);
    var form = document.getElementById("incident-form");
    var note = document.getElementById("incident-saved");
    if (!form || !note) return;
    form.reset();
    if (shell) setNow(form);
    form.querySelectorAll(".js-error").forEach(function (p) { p.remove(); });
    var slot = form.querySelector("[data-structural-target]");
    if (slot) slot.textContent = "";
    note.hidden = false;
    note.setAttribute("tabindex", "-1");
    note.focus();
    window.scrollTo(0, 0);
  }
  window.addEventListener("hashchange", saved);

  // -- what still waits on this phone ---------------------------------------------------------------

  // The phone's caseload copy is sealed (vault.js): opened when the vault is open, else empty.
  function caseloadClients() {
    return store.transaction(["clients"], "readonly", function (s) { return store.request(s.clients.getAll()); })
      .then(function (rows) {
        return Promise.all(rows.map(function (row) {
          return V.vault.open(row.sealed).then(function (c) { return c; }, function () { return null; });
        }));
      }).then(function (clients) { return clients.filter(Boolean); });
  }

  function clientNames() {
    return caseloadClients()
      .then(function (clients) {
        var names = {};
        clients.forEach(function (c) { names[c.id] = c.name; });
        return names;
      }, function () { return {}; });
  }

  function pendingItem(item, names) {
    var p = item.payload || { occurred_at: item.device_time, situation: "", description: "Vergrendeld: ontgrendel met je pincode om het te zien." };
    var rejected = item.state === "attention";
    var li = el("li", "note " + (rejected ? "is-rejected" : "is-pending"));
    li.appendChild(el("p", "note-meta", "Incident · " + when(p.occurred_at) + (names[p.client_id] ? " · " + names[p.client_id] : "")));
    li.appendChild(el("p", "note-text", (p.situation ? (SITUATION[p.situation] || p.situation) + ": " : "") +
                                       (p.description.length > 140 ? p.description.slice(0, 140) + "…" : p.description)));
    li.appendChild(el("p", "note-state", rejected ? "Niet verwerkt: " + (item.reason || "onbekende reden") : "Nog niet verstuurd"));
    if (rejected) {
      Object.keys(item.errors || {}).forEach(function (k) { li.appendChild(el("p", "field-error", item.errors[k].join(" "))); });
      var box = el("p", "actions");
      [["retry", "Opnieuw proberen", "button-secondary"], ["remove", "Verwijderen", "button-danger"]].forEach(function (a) {
        var b = el("button", "button button-small " + a[2], a[1]);
        b.type = "button";
        b.dataset.outboxAction = a[0];  // outbox.js handles these
        b.dataset.id = item.id;
        box.appendChild(b);
      });
      li.appendChild(box);
    }
    return li;
  }

  function renderPending() {
    var boxes = document.querySelectorAll("[data-incident-outbox]");
    if (!boxes.length || !V.sync) return Promise.resolve();
    return Promise.all([V.sync.status(), clientNames()]).then(function (values) {
      var items = values[0].items.filter(function (i) { return i.type === "incident.create"; });
      return Promise.all(items.map(function (i) {
        return V.vault.open(i.sealed).then(function (p) { i.payload = p; }, function () { i.payload = null; });
      })).then(function () { return values; });
    }).then(function (values) {
      var items = values[0].items.filter(function (i) { return i.type === "incident.create"; });
      boxes.forEach(function (box) {
        var list = box.querySelector("[data-incident-outbox-items]");
        list.textContent = "";
        items.forEach(function (item) { list.appendChild(pendingItem(item, values[1])); });
        box.hidden = items.length === 0;
      });
    }).catch(function (err) { console.warn("incident outbox render failed", err); });
  }

  // -- earlier police requests for a client (000 §4.2) ------------------------------------------------

  function loadStructural(target, clientId) {
    if (!clientId) { target.textContent = ""; return; }
    // The client's id goes in the path, never in a query string.
    fetch("/incidenten/eerder/" + encodeURIComponent(clientId), {
      credentials: "same-origin", cache: "no-store", redirect: "error",
      headers: { "HX-Request": "true", "Accept": "text/html" }
    }).then(function (r) { return r.ok ? r.text() : ""; }).then(function (html) {
      // Server-rendered, escaped HTML of our own origin, made for this slot (no scripts in it).
      target.innerHTML = html;
      target.hidden = !html.trim();
    }).catch(function () { /* offline: the form still works, the check waits for a connection */ });
  }

  function selectedClient() {
    return store.getMeta("selected").then(function (selected) {
      return selected && Date.now() - selected.at <= 12 * HOUR ? V.vault.open(selected.sealed) : null;
    }).catch(function () { return null; });
  }

  function structuralOnFlow() {
    var slot = document.querySelector("[data-structural-for-selected]");
    if (!slot || slot.dataset.loaded) return;
    slot.dataset.loaded = "true";
    selectedClient().then(function (c) { if (c) loadStructural(slot, c.id); });
  }

  function structuralOnForm() {
    var select = document.querySelector("[data-structural-source]");
    if (!select) return;
    var target = select.form.querySelector("[data-structural-target]");
    select.addEventListener("change", function () { loadStructural(target, select.value); });
    if (select.value) return; // the server has already checked the client it knows
    selectedClient().then(function (c) {
      if (!c || !select.querySelector("option[value='" + CSS.escape(c.id) + "']")) return;
      select.value = c.id;
      loadStructural(target, c.id);
    });
  }

  // -- the offline shell of the form: filled from the phone itself -------------------------------------

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function setNow(form) {
    var field = form.querySelector("[name=occurred_at]");
    var d = new Date();
    if (field && !field.value) {
      field.value = d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) + ":" + pad(d.getMinutes());
    }
  }

  function fillShell() {
    var form = document.getElementById("incident-form");
    if (!shell || !form) return Promise.resolve();
    setNow(form);
    // What the flow's outcome says about the incident (the same table the server uses).
    var query = new URLSearchParams(window.location.search);
    var key = (query.get("flow") || "") + "/" + (query.get("stap") || "");
    var prefill = {};
    try { prefill = JSON.parse(form.dataset.prefill || "{}")[key] || null; } catch (e) { prefill = null; }
    if (prefill) {
      form.querySelector("[name=flow_id]").value = query.get("flow");
      form.querySelector("[name=step_id]").value = query.get("stap");
      Object.keys(prefill).forEach(function (name) {
        var input = form.querySelector("[name=" + name + "][value='" + CSS.escape(prefill[name]) + "']");
        if (input) input.checked = true;
      });
    }
    var select = form.querySelector("[name=client_id]");
    return caseloadClients()
      .then(function (clients) {
        clients.sort(function (a, b) { return a.name.localeCompare(b.name, "nl"); }).forEach(function (c) {
          var option = el("option", null, c.name);
          option.value = c.id;
          select.appendChild(option);
        });
        // /incidenten/nieuw/<client id> from a client page, else the client selected for the flow
        var fromPath = window.location.pathname.split("/")[3];
        return fromPath ? { id: decodeURIComponent(fromPath) } : selectedClient();
      }).then(function (c) {
        if (c && select.querySelector("option[value='" + CSS.escape(c.id) + "']")) select.value = c.id;
      }).catch(function (err) { console.warn("offline incident form", err); });
  }

  if (shell && role === "hulpverlener") {
    fillShell();
    document.addEventListener("veldwijzer:vault", function () {  // unlocked: the caseload can be listed
      var select = document.querySelector("#incident-form [name=client_id]");
      if (select && select.options.length <= 1) fillShell();
    });
  }

  if ((role === "hulpverlener" || role === "coordinator") && !shell) {
    structuralOnFlow();
    structuralOnForm();
    document.addEventListener("htmx:afterSettle", structuralOnFlow);
  }
  if (role === "hulpverlener") {
    document.addEventListener("veldwijzer:sync", renderPending);
    if (V.sync && V.sync.channel) V.sync.channel.addEventListener("message", renderPending);
    renderPending();
    saved();
  }
})();
