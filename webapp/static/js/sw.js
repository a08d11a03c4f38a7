// Veldwijzer service worker. The server prepends SHELL_VERSION, PRECACHE and OFFLINE_URL.
//
// What it keeps (DESIGN.md §4): the app shell (precached, versioned) and answers the server
// marks "Veldwijzer-Offline: keep" (flows, contacts, the call table: no special-category
// data). It never stores an answer without that mark, an API answer or anything but a GET.
// After login the page asks it to fetch every such page once ("warm"), so the flows and
// the numbers work offline even before they were opened.
/* global SHELL_VERSION, PRECACHE, OFFLINE_URL, OFFLINE_CLIENTS_URL, OFFLINE_INCIDENT_URL */
"use strict";

var SHELL_CACHE = "veldwijzer-shell-" + SHELL_VERSION;
var PAGES_CACHE = "veldwijzer-pages";
var WARM_KEY = "/__veldwijzer/warm-version";
var NETWORK_TIMEOUT_MS = 4000;
var WARM_MAX_AGE_MS = 6 * 60 * 60 * 1000;
var NEVER = /^\/(api\/|healthz|sw\.js|login|logout|offline-manifest\.json)/;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE).then(function (cache) {
      return cache.addAll(PRECACHE.map(function (entry) {
        return new Request(entry.url, { cache: "reload", credentials: "same-origin" });
      }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) {
        return key.indexOf("veldwijzer-shell-") === 0 && key !== SHELL_CACHE;
      }).map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function isKeepable(response) {
  return response && response.ok && response.type === "basic" && !response.redirected &&
    response.headers.get("Veldwijzer-Offline") === "keep";
}

function timeout(ms) {
  return new Promise(function (_, reject) { setTimeout(function () { reject(new Error("timeout")); }, ms); });
}

// The kept copy of a page: the exact address, else the same page without its query
// (calls.js then fills in the postcode asked for).
function kept(request) {
  // caches.match with a cacheName never creates the cache (caches.open would, after a logout).
  return caches.match(request.url, { cacheName: PAGES_CACHE }).then(function (hit) {
    if (hit) return hit;
    return caches.match(request.url, { cacheName: PAGES_CACHE, ignoreSearch: true }).then(function (near) {
      // A new Response carries no URL of its own, so the page (and htmx's history) keeps
      // the address that was asked for, query included.
      return near && new Response(near.body, { status: near.status, statusText: near.statusText, headers: near.headers });
    });
  });
}

function store(request, response) {
  if (request.headers.get("HX-Request")) return; // a fragment must never stand in for a page
  if (isKeepable(response)) {
    var copy = response.clone();
    caches.open(PAGES_CACHE).then(function (cache) { return cache.put(request.url, copy); });
  } else if (response.ok && !response.redirected) {
    // Not to be kept (any more): drop an older copy under this address.
    caches.open(PAGES_CACHE).then(function (cache) { return cache.delete(request.url); });
  }
}

// The network first, with a time limit (a weak signal must not leave someone waiting),
// then the kept copy; for a page, the offline page as the last resort.
function networkThenKept(request, isPage) {
  var network = fetch(request).then(function (response) { store(request, response); return response; });
  return Promise.race([network, timeout(NETWORK_TIMEOUT_MS)]).catch(function () {
    return kept(request).then(function (copy) {
      if (copy) return copy;
      return network.catch(function () {
        if (!isPage) return Response.error();
        // A client page is never kept here; its offline view is built from IndexedDB. The incident
        // form has a shell of its own that is filled from there too.
        var path = new URL(request.url).pathname;
        // The pages a hulpverlener writes from (notes, visits, incidents) have data-free shells
        // too: caseload.js lets the user choose a client from the phone's copy.
        var fallback = path.indexOf("/incidenten/nieuw") === 0 ? OFFLINE_INCIDENT_URL
          : /^\/(clienten|notities|bezoeken|incidenten)\/?$|^\/clienten\//.test(path) ? OFFLINE_CLIENTS_URL : OFFLINE_URL;
        return caches.match(fallback).then(function (offline) {
          return offline || new Response("Geen verbinding", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
        });
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || NEVER.test(url.pathname)) return;

  if (url.pathname.indexOf("/static/") === 0 || url.pathname === "/manifest.webmanifest") {
    event.respondWith(caches.match(request, { ignoreVary: true }).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  event.respondWith(networkThenKept(request, request.mode === "navigate"));
});

// "warm": fetch every page of the offline manifest once, so the flows and the numbers are
// on the phone right after login. Skipped while the same manifest version was fetched recently.
function warm(manifestUrl) {
  return fetch(manifestUrl, { credentials: "same-origin", cache: "no-store" }).then(function (r) {
    if (!r.ok) throw new Error("manifest " + r.status);
    return r.json();
  }).then(function (manifest) {
    return caches.open(PAGES_CACHE).then(function (cache) {
      return cache.match(WARM_KEY).then(function (hit) { return hit ? hit.json() : null; }).then(function (last) {
        if (last && last.version === manifest.version && Date.now() - last.at < WARM_MAX_AGE_MS) {
          return { fetched: 0, skipped: true };
        }
        var fetched = 0, interrupted = false;
        var queue = manifest.urls.slice();
        function next() {
          var url = queue.shift();
          if (!url) return Promise.resolve();
          // A redirect means the session ended while warming (logout, expiry, another user).
          // Following it would fetch the login page again and again, each time with a new
          // anonymous session whose cookie replaces the one behind the login form on screen
          // (its CSRF token then fails): stop instead, and warm again after the next login.
          return fetch(url, { credentials: "same-origin", redirect: "manual" }).then(function (response) {
            if (response.type === "opaqueredirect" || response.status === 401) {
              interrupted = true; queue.length = 0; return;
            }
            if (isKeepable(response)) { fetched += 1; return cache.put(url, response); }
          }).catch(function () { /* one page failing must not stop the rest */ }).then(next);
        }
        return Promise.all([next(), next(), next()]).then(function () {
          if (interrupted) throw new Error("session ended while warming");  // not recorded as warm
          return cache.put(WARM_KEY, new Response(JSON.stringify({ version: manifest.version, at: Date.now() }),
            { headers: { "Content-Type": "application/json" } }));
        }).then(function () { return { fetched: fetched, skipped: false }; });
      });
    });
  });
}

// Background Sync, where the browser has it (not iOS Safari): send the outbox even when no
// page of the app is open. The same routine as the pages', under the same lock.
self.addEventListener("sync", function (event) {
  if (event.tag === "veldwijzer-outbox" && self.Veldwijzer && self.Veldwijzer.sync) {
    event.waitUntil(self.Veldwijzer.sync.run("background").then(function (result) {
      // A failure makes the browser try again later.
      if (result && !result.ok && !result.busy && !result.login) throw new Error("sync failed");
    }));
  }
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "clear-user-data") {
    event.waitUntil(caches.delete(PAGES_CACHE));
  } else if (data.type === "warm" && data.url) {
    event.waitUntil(warm(data.url).then(function (result) {
      if (event.source) event.source.postMessage({ type: "warmed", fetched: result.fetched, skipped: result.skipped });
    }, function () {
      if (event.source) event.source.postMessage({ type: "warm-failed" });
    }));
  }
});
