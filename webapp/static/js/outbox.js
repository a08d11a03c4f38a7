// The outbox on the page: forms that write to the phone first, the waiting and refused items in
// the lists, the sync status in the header, and the moments a sync starts.
(function () {
  "use strict";

  var V = window.Veldwijzer;
  var sync = V.sync;
  var store = V.store;
  var role = document.body.dataset.role;
  var shell = document.querySelector("[data-offline-clients], [data-offline-outbox]");
  if (!role && shell) {
    // The offline shell knows no user; the role last seen on this phone decides (not personal data).
    try { role = localStorage.getItem("veldwijzer.role"); } catch (e) { role = null; }
  }
  var TIMER_MS = 60000;
  var KIND = { observatie: "Observatie", afspraak: "Afspraak", incident: "Incident" };
  if (role !== "hulpverlener" && !shell) return;
  if (shell && role !== "hulpverlener") {  // the shared offline shell, logged out or on a police or coordinator phone:
    // no sync bar, and the phone's database is not even opened (after a logout it must stay gone)
    var bar = document.getElementById("sync-bar");
    if (bar) bar.hidden = true;
    return;
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }

  function when(iso) {
    return new Date(iso).toLocaleString("nl-NL", { day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit" });
  }

  // -- starting a sync ------------------------------------------------------------------------------

  function start(reason, force) {
    return store.getMeta("sync").then(function (state) {
      if (!force && state && state.next_try && Date.now() < state.next_try) return null; // backing off
      return sync.run(reason);
    }).then(render, render);
  }

  function askBackgroundSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) return registration.sync.register("veldwijzer-outbox");
    }).catch(function () { /* not supported (e.g. iOS Safari): the page's own triggers remain */ });
  }

  // -- forms that go to the outbox ------------------------------------------------------------------

  function fieldError(form, name, message) {
    var field = form.querySelector("[name=" + name + "]");
    if (!field) return;
    var wrapper = field.closest(".field");
    var old = wrapper.querySelector(".field-error.js-error");
    if (old) old.remove();
    if (!message) { wrapper.classList.remove("has-error"); field.removeAttribute("aria-invalid"); return; }
    var p = el("p", "field-error js-error", message);
    p.id = field.id + "-js-error";
    wrapper.appendChild(p);
    wrapper.classList.add("has-error");
    field.setAttribute("aria-invalid", "true");
    field.setAttribute("aria-describedby", ((field.getAttribute("aria-describedby") || "") + " " + p.id).trim());
    field.focus();
  }

  // How a form becomes a payload, per mutation type. Other scripts add theirs to
  // Veldwijzer.outboxForms (e.g. incidents.js for "incident.create"); return null to stop.
  var builders = V.outboxForms = V.outboxForms || {};
  V.outboxFieldError = fieldError;

  builders["note.create"] = function (form, data, now) {
    var text = (data.get("text") || "").trim();
    fieldError(form, "text", text ? null : "Vul de tekst van de notitie in.");
    if (!text) return null;
    var note = { client_id: form.dataset.client, kind: data.get("kind"), text: text, written_at: now };
    if (data.get("visit_id")) note.visit_id = data.get("visit_id");
    if (data.get("supersedes")) note.supersedes = data.get("supersedes");
    return note;
  };
  builders["visit.plan"] = function (form, data) {
    var planned = data.get("planned_at");
    fieldError(form, "planned_at", planned ? null : "Vul in wanneer het huisbezoek is.");
    if (!planned) return null;
    var checklist = {};
    form.querySelectorAll("input[type=checkbox]").forEach(function (box) { checklist[box.name] = box.checked; });
    if (data.get("wijkagent_antwoord")) checklist.wijkagent_antwoord = data.get("wijkagent_antwoord");
    return { visit_id: sync.uuid(), client_id: form.dataset.client, planned_at: new Date(planned).toISOString(),
             checklist: checklist };
  };
  builders["visit.checkin"] = function (form, data, now) {
    return { visit_id: form.dataset.visit, at: now, expected_minutes: parseInt(data.get("expected_minutes"), 10) };
  };
  builders["visit.checkout"] = function (form, data, now) { return { visit_id: form.dataset.visit, at: now }; };

  function payloadFor(form) {
    var build = builders[form.dataset.mutation];
    return build ? build(form, new FormData(form), new Date().toISOString()) : null;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.dataset || !form.dataset.mutation) return;
    event.preventDefault();
    var payload = payloadFor(form);
    if (!payload) return;
    var clientId = form.dataset.client || (form.closest("[data-client]") && form.closest("[data-client]").dataset.client);
    sync.enqueue(form.dataset.mutation, payload, { client_id: clientId }).then(function () {
      if (form.dataset.mutation === "note.create") {
        form.reset();
        var sup = form.querySelector("[name=supersedes]");
        if (sup) sup.value = "";
        var hint = form.querySelector(".supersedes-note");
        if (hint) hint.hidden = true;
      }
      askBackgroundSync();
      render();
      start("saved", true);
      if (form.dataset.after) window.location.href = form.dataset.after; // e.g. back to the list after an incident
    }, function (err) {
      var first = form.querySelector("textarea, input:not([type=hidden]), select");
      if (first) fieldError(form, first.name, err && err.unset
        ? "Stel eerst een pincode in (bovenaan): dan wordt dit versleuteld op je telefoon bewaard."
        : "Opslaan op deze telefoon lukte niet. Probeer het nog eens.");
    });
  });

  // "Verbeteren": the correction is a new note that supersedes the old one; both stay.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-supersede]");
    if (button) {
      var form = document.querySelector("form[data-mutation='note.create']");
      if (!form) return;
      form.querySelector("[name=supersedes]").value = button.dataset.supersede;
      var old = button.closest(".note").querySelector(".note-text");
      form.querySelector("[name=text]").value = old ? old.textContent : "";
      form.querySelector(".supersedes-note").hidden = false;
      form.querySelector("[name=text]").focus();
      return;
    }
    var cancel = event.target.closest && event.target.closest("[data-cancel-supersede]");
    if (cancel) {
      var f = cancel.closest("form");
      f.querySelector("[name=supersedes]").value = "";
      f.querySelector(".supersedes-note").hidden = true;
      return;
    }
    var action = event.target.closest && event.target.closest("[data-outbox-action]");
    if (action) {
      var id = action.dataset.id;
      if (action.dataset.outboxAction === "retry") sync.retry(id).then(function () { start("retry", true); });
      if (action.dataset.outboxAction === "remove" &&
          window.confirm("Dit item is niet verstuurd. Weet je zeker dat je het van deze telefoon wilt verwijderen? Het is dan weg.")) {
        sync.remove(id).then(render);
      }
      return;
    }
    if (event.target.closest && event.target.closest("[data-sync-unlock]")) {
      document.dispatchEvent(new CustomEvent("veldwijzer:vault-ask"));
    }
    if (event.target.closest && event.target.closest("[data-sync-now]")) {
      // Offline, say why nothing goes (it goes by itself once there is a connection again).
      start("button", true).then(function () {
        if (document.documentElement.dataset.connection !== "offline") return;
        var last = document.querySelector("#sync-bar [data-sync-last]");
        if (last) last.textContent = "geen verbinding: gaat vanzelf zodra die er is";
      });
    }
  });

  // -- showing waiting items where they belong --------------------------------------------------------

  var LOCKED_NOTE = { kind: "", text: "Vergrendeld: ontgrendel met je pincode om de tekst te zien.",
                      written_at: new Date().toISOString() };

  function itemState(item) {
    if (item.state === "attention") return { cls: "is-rejected", text: "Niet verwerkt: " + (item.reason || "onbekende reden") };
    return { cls: "is-pending", text: "Nog niet verstuurd" };
  }

  function actions(item) {
    var box = el("p", "actions");
    [["retry", "Opnieuw proberen"], ["remove", "Verwijderen"]].forEach(function (pair) {
      var b = el("button", "button button-small " + (pair[0] === "remove" ? "button-danger" : "button-secondary"), pair[1]);
      b.type = "button";
      b.dataset.outboxAction = pair[0];
      b.dataset.id = item.id;
      box.appendChild(b);
    });
    return box;
  }

  function noteItem(note, item) {
    var li = el("li", "note" + (item ? " " + itemState(item).cls : ""));
    li.dataset.noteId = note.id || (item && item.id);
    li.appendChild(el("p", "note-meta", (note.kind ? (KIND[note.kind] || note.kind) + " · " : "") +
                                        (item ? when(item.device_time) : when(note.written_at)) +
                                        (note.author ? " · " + note.author : "")));
    li.appendChild(el("p", "note-text", note.text));
    if (note.supersedes) li.appendChild(el("p", "note-flag", "Verbetert een eerdere notitie."));
    if (item) {
      li.appendChild(el("p", "note-state", itemState(item).text));
      if (item.errors) {
        Object.keys(item.errors).forEach(function (k) { li.appendChild(el("p", "field-error", item.errors[k].join(" "))); });
      }
      if (item.state === "attention") li.appendChild(actions(item));
    }
    return li;
  }

  function renderNotes(list, items, pulled) {
    var clientId = list.dataset.notesFor;
    list.querySelectorAll("[data-js]").forEach(function (n) { n.remove(); });
    var shown = {};
    list.querySelectorAll("[data-note-id]").forEach(function (n) { shown[n.dataset.noteId] = true; });
    var added = [];
    pulled.filter(function (n) { return n.client_id === clientId && !shown[n.id]; }).forEach(function (n) { added.push(noteItem(n)); });
    items.filter(function (i) { return i.type === "note.create" && i.client_id === clientId; }).reverse()
      .forEach(function (i) { added.push(noteItem(i.payload || LOCKED_NOTE, i)); });
    var empty = list.querySelector(".note-empty");
    if (empty) empty.hidden = added.length > 0;
    added.reverse().forEach(function (li) { li.dataset.js = "1"; list.insertBefore(li, list.firstChild); });
  }

  // The visit panel follows the phone's own state: a check-in waiting in the outbox counts.
  function visitState(clientId, items, visits) {
    var state = null;
    visits.filter(function (v) { return v.client_id === clientId && v.status !== "afgerond"; }).forEach(function (v) {
      state = { id: v.id, status: v.status, planned_at: v.planned_at, checkin_at: v.checkin_at,
                expected_minutes: v.expected_minutes, pending: false };
    });
    items.forEach(function (i) {
      if (i.state === "attention") return;
      var p = i.payload || {};
      if (i.type === "visit.plan" && i.client_id === clientId) {
        state = { id: i.visit_id, status: "gepland", planned_at: p.planned_at || i.device_time, pending: true };
      } else if (state && i.visit_id === state.id) {
        if (i.type === "visit.checkin") Object.assign(state, { status: "binnen", checkin_at: p.at || i.device_time,
                                                               expected_minutes: p.expected_minutes || 0, pending: true });
        if (i.type === "visit.checkout") state = null;
      }
    });
    return state;
  }

  function renderVisits(section, items, visits) {
    var clientId = section.dataset.client;
    var state = visitState(clientId, items, visits);
    var shown = section.querySelector("[data-visit-state]");
    var shownState = shown ? shown.dataset.visitState : "geen";
    var want = state ? state.status : "geen";
    var forms = section.querySelectorAll("form[data-mutation]");
    var serverVisit = forms.length && forms[0].dataset.visit;
    if (want === shownState && (!state || state.id === serverVisit || !serverVisit)) return;
    // Rebuild the panel for the phone's state.
    section.querySelectorAll(":scope > :not(h2)").forEach(function (n) { n.remove(); });
    var csrf = V.csrfToken() || "";
    if (state && state.status === "binnen") {
      var end = new Date(new Date(state.checkin_at).getTime() + state.expected_minutes * 60000).toISOString();
      var p = el("p", "visit-state visit-in", "Binnen sinds " + when(state.checkin_at) + ", verwacht buiten om " + when(end) +
                                            (state.pending ? " (nog niet verstuurd)" : "") + ".");
      p.dataset.visitState = "binnen";
      section.appendChild(p);
      section.appendChild(visitForm("visit.checkout", state.id, "Ik ben buiten", "/bezoeken/" + state.id + "/buiten", csrf));
    } else if (state) {
      var g = el("p", "visit-state", "Gepland op " + when(state.planned_at) + (state.pending ? " (nog niet verstuurd)" : "") + ".");
      g.dataset.visitState = "gepland";
      section.appendChild(g);
      var form = visitForm("visit.checkin", state.id, "Ik ga naar binnen", "/bezoeken/" + state.id + "/binnen", csrf);
      var field = el("div", "field");
      var label = el("label", null, "Hoe lang verwacht je binnen te zijn?");
      label.htmlFor = "expected-" + state.id;
      var select = el("select");
      select.id = label.htmlFor;
      select.name = "expected_minutes";
      [15, 30, 45, 60, 90, 120].forEach(function (m) {
        var o = el("option", null, m + " minuten");
        o.value = m;
        if (m === 45) o.selected = true;
        select.appendChild(o);
      });
      field.appendChild(label);
      field.appendChild(select);
      form.insertBefore(field, form.querySelector("button"));
      section.appendChild(form);
    } else {
      var done = el("p", "visit-state", "Geen huisbezoek gepland. Laad de pagina om er een te plannen.");
      done.dataset.visitState = "geen";
      section.appendChild(done);
    }
  }

  function visitForm(type, visitId, label, action, csrf) {
    var form = el("form", type === "visit.checkin" ? "form" : null);
    form.method = "post";
    form.action = action;
    form.dataset.mutation = type;
    form.dataset.visit = visitId;
    var token = el("input");
    token.type = "hidden";
    token.name = "csrf_token";
    token.value = csrf;
    form.appendChild(token);
    var button = el("button", "button button-primary button-big", label);
    button.type = "submit";
    form.appendChild(button);
    return form;
  }

  function renderOutboxPage(container, items) {
    var list = container.querySelector("[data-outbox-items]");
    list.textContent = "";
    items.forEach(function (i) {
      if (i.type === "note.create") { list.appendChild(noteItem(i.payload || LOCKED_NOTE, i)); return; }
      // Other scripts name their types in Veldwijzer.outboxLabels (e.g. incidents.js).
      var names = Object.assign({ "visit.plan": "Huisbezoek gepland", "visit.checkin": "Binnen gemeld",
                                  "visit.checkout": "Buiten gemeld" }, V.outboxLabels || {});
      var li = el("li", "note " + itemState(i).cls);
      li.appendChild(el("p", "note-meta", (names[i.type] || i.type) + " · " + when(i.device_time)));
      li.appendChild(el("p", "note-state", itemState(i).text));
      if (i.state === "attention") li.appendChild(actions(i));
      list.appendChild(li);
    });
    container.querySelector("[data-outbox-empty]").hidden = items.length > 0;
  }

  // "2 notities en 1 bezoek": what waits, named as the user knows it.
  var NAMES = { note: ["notitie", "notities"], visit: ["bezoek", "bezoeken"], incident: ["incident", "incidenten"] };

  function describe(items) {
    var counts = {}, order = [];
    items.forEach(function (i) {
      var kind = NAMES[String(i.type).split(".")[0]] ? String(i.type).split(".")[0] : "item";
      if (!counts[kind]) { counts[kind] = 0; order.push(kind); }
      counts[kind] += 1;
    });
    var parts = order.map(function (kind) {
      var names = NAMES[kind] || ["item", "items"];
      return counts[kind] + " " + names[counts[kind] === 1 ? 0 : 1];
    });
    return parts.length > 1 ? parts.slice(0, -1).join(", ") + " en " + parts[parts.length - 1] : parts[0];
  }

  function hhmm(ms) { return new Date(ms).toLocaleTimeString("nl-NL", { hour: "2-digit", minute: "2-digit" }); }

  function renderBar(status, vault) {
    var bar = document.getElementById("sync-bar");
    var login = document.getElementById("sync-login");
    if (!bar) return;
    var waiting = bar.querySelector("[data-sync-waiting]");
    var last = bar.querySelector("[data-sync-last]");
    var s = status.state;
    var pending = status.items.filter(function (i) { return i.state !== "attention"; });
    var locked = pending.length > 0 && vault !== "open";
    if (pending.length) waiting.textContent = describe(pending) + (pending.length === 1 ? " wacht" : " wachten");
    else waiting.textContent = s.last_success ? "Alles verstuurd" : "Niets te versturen";
    if (status.attention) waiting.textContent += " · " + status.attention + " niet verwerkt";
    if (locked) last.textContent = "ontgrendel om te versturen";
    else if (!s.last_success) last.textContent = "nog niet gesynchroniseerd";
    else if (!pending.length && s.last_sent) last.textContent = "verstuurd om " + hhmm(s.last_sent);
    else last.textContent = "laatst gelukt " + hhmm(s.last_success);
    var unlock = bar.querySelector("[data-sync-unlock]");
    if (unlock) unlock.hidden = !locked;
    bar.querySelector("[data-sync-now]").hidden = locked;
    bar.dataset.waiting = String(status.waiting);
    bar.dataset.attention = String(status.attention);
    if (login) login.hidden = !s.login_needed;
    var update = document.getElementById("sync-update");
    if (update) update.hidden = !s.update_needed;
  }

  // Open what can be opened: with the vault locked, items show without their content.
  function openAll(rows) {
    return Promise.all(rows.map(function (row) {
      return V.vault.open(row.sealed).then(function (value) { return value; }, function () { return null; });
    }));
  }

  function render() {
    return Promise.all([sync.status(), V.vault.status().catch(function () { return "unset"; }),
      store.transaction(["notes", "visits"], "readonly", function (s) {
        return Promise.all([store.request(s.notes.getAll()), store.request(s.visits.getAll())]);
      })]).then(function (values) {
      var status = values[0], vault = values[1];
      return Promise.all([openAll(status.items), openAll(values[2][0]), openAll(values[2][1])]).then(function (opened) {
        status.items.forEach(function (item, i) { item.payload = opened[0][i]; });
        var notes = opened[1].filter(Boolean), visits = opened[2].filter(Boolean);
        renderBar(status, vault);
        document.querySelectorAll("[data-notes-for]").forEach(function (list) { renderNotes(list, status.items, notes); });
        document.querySelectorAll("section.visits[data-client]").forEach(function (section) { renderVisits(section, status.items, visits); });
        var page = document.querySelector("[data-outbox-list]");
        if (page) renderOutboxPage(page, status.items);
      });
    }).catch(function (err) { console.warn("outbox render failed", err); });
  }

  V.outbox = { render: render, start: start };
  if (sync.channel) sync.channel.onmessage = function () { render(); };
  document.addEventListener("veldwijzer:sync", function () { render(); });
  document.addEventListener("veldwijzer:offline-view", function () { render(); });
  document.addEventListener("veldwijzer:vault", function () { render(); start("unlocked", true); });

  render();
  if (role === "hulpverlener") {
    // The moments a sync starts: app start, back online, back in view, a timer, the button.
    start("start");
    window.addEventListener("online", function () { start("online", true); });
    document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") start("visible"); });
    setInterval(function () { start("timer"); }, TIMER_MS);
  }
})();
