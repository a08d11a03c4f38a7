// Veldwijzer service worker. The server prepends SHELL_VERSION, PRECACHE and OFFLINE_URL.
//
// What it keeps (DESIGN.md §4): the app shell (precached, versioned) and pages the server
// marks with "Veldwijzer-Offline: keep" (flows, contacts: no special-category data). It
// never stores a page without that mark, an API answer or anything but a GET.
/* global SHELL_VERSION, PRECACHE, OFFLINE_URL */
"use strict";

var SHELL_CACHE = "veldwijzer-shell-" + SHELL_VERSION;
var PAGES_CACHE = "veldwijzer-pages";
var NETWORK_TIMEOUT_MS = 4000;

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

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "clear-user-data") {
    event.waitUntil(caches.delete(PAGES_CACHE));
  }
});

function timeout(ms) {
  return new Promise(function (_, reject) { setTimeout(function () { reject(new Error("timeout")); }, ms); });
}

function isKeepable(response) {
  return response && response.ok && response.type === "basic" &&
    response.headers.get("Veldwijzer-Offline") === "keep";
}

// Pages: the network first (with a time limit: a weak signal must not leave the user
// waiting), then the kept copy, then the offline page.
function handleNavigation(request) {
  var network = fetch(request).then(function (response) {
    if (isKeepable(response)) {
      var copy = response.clone();
      caches.open(PAGES_CACHE).then(function (cache) { return cache.put(request.url, copy); });
    } else if (response.ok && response.redirected === false) {
      // A page that may not be kept replaces any older copy under the same address.
      caches.open(PAGES_CACHE).then(function (cache) { return cache.delete(request.url); });
    }
    return response;
  });
  return Promise.race([network, timeout(NETWORK_TIMEOUT_MS)]).catch(function () {
    return caches.open(PAGES_CACHE).then(function (cache) {
      return cache.match(request.url);
    }).then(function (kept) {
      if (kept) return kept;
      return network.catch(function () {
        return caches.match(OFFLINE_URL).then(function (offline) {
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
  if (url.origin !== self.location.origin) return;

  if (request.mode === "navigate") {
    event.respondWith(handleNavigation(request));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0 || url.pathname === "/manifest.webmanifest") {
    event.respondWith(caches.match(request, { ignoreVary: true }).then(function (hit) {
      return hit || fetch(request);
    }));
  }
  // Everything else (the API, htmx fragments, /healthz) goes to the network only.
});
