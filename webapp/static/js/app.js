// Small UI glue for every page: the service worker, the connection state, htmx settings.
(function () {
  "use strict";

  var script = document.currentScript;
  var HEALTH_URL = "/healthz";
  var CHECK_TIMEOUT_MS = 4000;

  function registerServiceWorker() {
    if (!("serviceWorker" in navigator)) return;
    var url = (script && script.dataset.sw) || "/sw.js";
    navigator.serviceWorker.register(url, { scope: "/" }).catch(function (err) {
      console.warn("service worker registration failed", err);
    });
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "warmed") document.documentElement.dataset.offlineReady = "true";
    });
  }

  // Logged in and online: let the service worker fetch what this user needs offline.
  function warmOfflineCopies() {
    if (!("serviceWorker" in navigator) || !window.Veldwijzer.csrfToken()) return;
    navigator.serviceWorker.ready.then(function (registration) {
      var worker = navigator.serviceWorker.controller || registration.active;
      if (worker) worker.postMessage({ type: "warm", url: "/offline-manifest.json" });
    });
  }

  // The connection state shown in the header. navigator.onLine only knows about the
  // phone's radio; a server that cannot be reached counts as offline too.
  function setConnection(online) {
    var el = document.getElementById("connection");
    var banner = document.getElementById("offline-banner");
    var state = online ? "online" : "offline";
    document.documentElement.dataset.connection = state;
    if (el && el.dataset.state !== state) {
      el.dataset.state = state;
      el.querySelector(".connection-text").textContent = online ? "Online" : "Offline";
    }
    if (banner) banner.hidden = online;
    document.dispatchEvent(new CustomEvent("veldwijzer:connection", { detail: { online: online } }));
  }

  function checkConnection() {
    if (!navigator.onLine) { setConnection(false); return Promise.resolve(false); }
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, CHECK_TIMEOUT_MS);
    return fetch(HEALTH_URL, { cache: "no-store", signal: controller.signal, headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok; }, function () { return false; })
      .then(function (ok) { clearTimeout(timer); setConnection(ok); return ok; });
  }

  window.Veldwijzer = window.Veldwijzer || {};
  window.Veldwijzer.checkConnection = checkConnection;
  // A DOM element with a class and text: the pages' scripts build their small views with it.
  window.Veldwijzer.el = function (tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  };
  window.Veldwijzer.csrfToken = function () {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : null;
  };

  // htmx: send the CSRF token as a header; when a request cannot reach the server,
  // navigate normally so the service worker can answer from what it kept.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = window.Veldwijzer.csrfToken();
    if (token) event.detail.headers["X-CSRFToken"] = token;
  });
  document.addEventListener("htmx:sendError", function (event) {
    setConnection(false);
    var elt = event.detail.elt;
    var verb = event.detail.requestConfig && event.detail.requestConfig.verb;
    if (verb === "get" && elt && elt.getAttribute("href")) {
      window.location.href = elt.getAttribute("href");
    }
  });

  window.addEventListener("online", checkConnection);
  window.addEventListener("offline", function () { setConnection(false); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") checkConnection();
  });

  // The offline shell lists every section (the menu, the offline page's list); show those of the
  // role last seen on this phone.
  // (A role is not personal data; it only decides which menu items make sense.)
  function applyRoleToNav() {
    var nav = document.querySelector(".bottomnav");
    if (!nav) return;
    var role = nav.dataset.role;
    if (role) { try { localStorage.setItem("veldwijzer.role", role); } catch (e) { /* private mode */ } return; }
    try { role = localStorage.getItem("veldwijzer.role"); } catch (e) { role = null; }
    if (!role) return;
    document.querySelectorAll("li[data-roles]").forEach(function (li) {
      li.hidden = li.dataset.roles.split(" ").indexOf(role) === -1;
    });
  }

  // Background scripts a page asked for after it loaded (data-later): in order, same origin.
  function loadLater() {
    var later = script && script.dataset.later;
    if (!later) return;
    later.split(" ").forEach(function (src) {
      var tag = document.createElement("script");
      tag.src = src;
      tag.async = false; // run in the listed order
      document.head.appendChild(tag);
    });
  }

  // The politie-briefing's "Laat zien aan de agent": the facts alone, full screen. Delegated, as
  // the offline copy of the briefing is put into the page after it loaded (caseload.js).
  function showBriefing(on) {
    document.body.classList.toggle("briefing-showing", on);
    document.querySelectorAll("[data-briefing-show]").forEach(function (b) { b.setAttribute("aria-pressed", String(on)); });
    var root = document.documentElement;
    if (on && root.requestFullscreen && !document.fullscreenElement) root.requestFullscreen().catch(function () {});
    if (!on && document.fullscreenElement && document.exitFullscreen) document.exitFullscreen().catch(function () {});
    window.scrollTo(0, 0);
    var target = document.querySelector(on ? "[data-briefing-exit]" : "[data-briefing-show]");
    if (target) target.focus();
  }
  document.addEventListener("click", function (event) {
    if (!event.target.closest) return;
    if (event.target.closest("[data-briefing-show]")) showBriefing(true);
    else if (event.target.closest("[data-briefing-exit]")) showBriefing(false);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && document.body.classList.contains("briefing-showing")) showBriefing(false);
  });
  // Leaving full screen with the phone's own back gesture ends the mode too.
  document.addEventListener("fullscreenchange", function () {
    if (!document.fullscreenElement && document.body.classList.contains("briefing-showing")) showBriefing(false);
  });

  applyRoleToNav();
  if (document.readyState === "complete") loadLater(); else window.addEventListener("load", loadLater);
  registerServiceWorker();
  checkConnection().then(function (online) { if (online) warmOfflineCopies(); });
  setInterval(checkConnection, 30000);
})();
