// Ready for the road (issue 13): what this phone holds before the signal goes, on home and the
// client list; on the account page, whether the browser keeps the storage and the app is
// installed. Counts and times only: nothing here needs the PIN or shows personal data.
(function () {
  "use strict";

  var V = window.Veldwijzer;
  var store = V.store;
  var HOUR = 3600 * 1000;
  var role = document.body.dataset.role;

  var el = V.el;

  // -- ready for the road: what this phone holds before the signal goes --------------------------

  function clock(ms) {
    var d = new Date(ms), hm = d.toLocaleTimeString("nl-NL", { hour: "2-digit", minute: "2-digit" });
    return d.toDateString() === new Date().toDateString() ? hm
      : d.toLocaleDateString("nl-NL", { weekday: "long", day: "numeric", month: "long" }) + " " + hm;
  }

  function clientCount() {
    return store.transaction(["clients"], "readonly", function (s) { return store.request(s.clients.count()); });
  }

  function warmed() {
    if (!window.caches) return Promise.resolve(false);
    return caches.match("/__veldwijzer/warm-version", { cacheName: "veldwijzer-pages" }).then(function (hit) { return !!hit; },
      function () { return false; });
  }

  // Why there are no clients on this phone, with the one thing that fixes it.
  function missingReason(vault, meta, expired) {
    if (vault === "unset") {
      return { why: "Er staan geen cliënten op deze telefoon: je hebt nog geen pincode gekozen. Zonder verbinding zie je dan geen crisiskaart of briefing.",
               fix: "Pincode kiezen", action: "vault" };
    }
    if (expired && expired.reason === "pin") {
      return { why: "Er staan geen cliënten op deze telefoon: ze zijn gewist omdat te vaak een verkeerde pincode is ingevuld. Ontgrendel met verbinding om ze weer op te halen.",
               fix: "Ontgrendelen", action: "vault" };
    }
    if (vault === "locked" && !meta) return { why: "Er staan nog geen cliënten op deze telefoon. Ontgrendel om ze op te halen.", fix: "Ontgrendelen", action: "vault" };
    if (expired) {
      return { why: "Er staan geen cliënten op deze telefoon: ze zijn gewist na " + (expired.hours || 72) + " uur zonder verbinding.",
               fix: "Nu ophalen", action: "fetch" };
    }
    if (!meta) return { why: "Je cliënten zijn nog niet op deze telefoon opgehaald.", fix: "Nu ophalen", action: "fetch" };
    return null;
  }

  function renderReadiness() {
    var box = document.querySelector("[data-readiness]");
    if (!box || role !== "hulpverlener") return Promise.resolve();
    return Promise.all([V.vault.status(), store.getMeta("caseload"), store.getMeta("caseload-expired"), clientCount(),
                        warmed(), V.vault.offlineState()]).then(function (r) {
      var vault = r[0], meta = r[1], expired = r[2], count = r[3], offline = r[5];
      var ok = box.querySelector("[data-readiness-ok]");
      var missing = box.querySelector("[data-readiness-missing]");
      var list = box.querySelector("[data-readiness-list]");
      var reason = missingReason(vault, meta, expired);
      missing.hidden = !reason;
      ok.hidden = !!reason;
      if (reason) {
        missing.querySelector("[data-readiness-why]").textContent = reason.why;
        var fix = missing.querySelector("[data-readiness-fix]");
        fix.textContent = reason.fix;
        fix.dataset.action = reason.action;
      } else {
        var until = meta.synced_at + (meta.max_age_hours || 72) * HOUR;
        ok.textContent = "Klaar voor onderweg: " + count + (count === 1 ? " cliënt" : " cliënten") + " op deze telefoon, tot " + clock(until) + ".";
      }
      list.textContent = "";
      list.appendChild(el("li", null, r[4] ? "Stappenplannen, 112-belkaart en contacten: klaar voor gebruik zonder verbinding."
        : "Stappenplannen en contacten worden nog op deze telefoon gezet…"));
      if (!reason && offline.until) {
        list.appendChild(el("li", null, offline.possible ? "Ontgrendelen zonder verbinding kan tot " + clock(offline.until) + "."
          : "Ontgrendelen kan nu alleen met verbinding."));
      }
      if (wantsInstallHint()) {
        list.appendChild(el("li", null, "Zet Veldwijzer op je beginscherm, anders kan je iPhone de gegevens na 7 dagen " +
          "zonder gebruik wissen. " + installHow()));
      }
      box.hidden = false;
    }).catch(function () {});
  }

  document.addEventListener("click", function (event) {
    var fix = event.target.closest && event.target.closest("[data-readiness-fix]");
    if (!fix) return;
    if (fix.dataset.action === "vault") { document.dispatchEvent(new CustomEvent("veldwijzer:vault-ask")); return; }
    fix.disabled = true;
    V.caseload.refresh().then(function () { fix.disabled = false; renderReadiness(); });
  });

  // -- storage the browser does not evict, and the app on the home screen ------------------------

  function installed() {
    return (window.matchMedia && window.matchMedia("(display-mode: standalone)").matches) || navigator.standalone === true;
  }

  function isIos() { return /iPhone|iPad|iPod/.test(navigator.userAgent); }

  function installHow() {
    return isIos() ? "Tik in Safari op de deelknop en kies ‘Zet op beginscherm’."
      : "Kies in het menu van de browser ‘Toevoegen aan startscherm’ of ‘App installeren’.";
  }

  function askPersistence() {
    if (!navigator.storage || !navigator.storage.persisted) return Promise.resolve(null);
    return navigator.storage.persisted().then(function (yes) { return yes || navigator.storage.persist(); })
      .catch(function () { return null; });
  }

  function renderStorage(box) {
    var est = navigator.storage && navigator.storage.estimate ? navigator.storage.estimate() : Promise.resolve(null);
    Promise.all([askPersistence(), est.catch(function () { return null; })]).then(function (r) {
      box.querySelector("[data-storage-persisted]").textContent = r[0] === true
        ? "Opslag: blijvend. De browser wist de gegevens van Veldwijzer niet vanzelf."
        : "Opslag: niet blijvend. De browser kan de gegevens wissen als de telefoon vol raakt of de app lang niet is gebruikt.";
      if (r[1] && r[1].quota) {
        var mb = function (n) { return (n / 1e6).toLocaleString("nl-NL", { maximumFractionDigits: 1 }) + " MB"; };
        var line = box.querySelector("[data-storage-estimate]");
        line.textContent = "In gebruik: " + mb(r[1].usage || 0) + " van " + mb(r[1].quota) + ".";
        line.hidden = false;
      }
      var inst = box.querySelector("[data-storage-installed]");
      inst.textContent = installed() ? "Veldwijzer staat als app op het beginscherm."
        : "Veldwijzer staat niet op het beginscherm. " + installHow() +
          (isIos() ? " Op een iPhone kan de browser de gegevens anders na 7 dagen zonder gebruik wissen." : "");
      inst.hidden = false;
    });
  }

  // On iOS a web app that is not on the home screen can lose its storage after 7 days and never
  // syncs in the background: say once how to add it.
  var installHint = null;  // decided once per page, shown on one page only

  function wantsInstallHint() {
    if (installHint === null) {
      var key = "veldwijzer.install-hint";
      installHint = false;
      try {
        if (!installed() && isIos() && !localStorage.getItem(key)) { localStorage.setItem(key, "1"); installHint = true; }
      } catch (e) { /* private mode */ }
    }
    return installHint;
  }

  var storageBox = document.querySelector("[data-phone-storage]");
  if (storageBox) renderStorage(storageBox);
  else if (role === "hulpverlener") askPersistence();
  ["veldwijzer:caseload", "veldwijzer:vault", "veldwijzer:vault-later"].forEach(function (type) {
    document.addEventListener(type, renderReadiness);
  });
  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "warmed") renderReadiness();
    });
  }
})();
