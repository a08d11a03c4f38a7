// The vault: personal data on the phone is stored encrypted (issue: health-data security).
//
// Every record (a client's card, a pulled note, a waiting note) is sealed on its own: a fresh
// AES-GCM key encrypts it, and that key is encrypted with the device's RSA-OAEP public key. So
// writing never needs the PIN: a note written at the door, locked and offline, is stored
// sealed. Reading needs the private key, which is kept wrapped (AES-GCM) by a key derived from
// the user's PIN (PBKDF2-SHA-256, 600,000 iterations) mixed with a share that only the server
// holds (HMAC-SHA-256). A copied phone database without that share cannot be opened, not even
// by trying every PIN; a revoked device's share is deleted on the server.
//
// Once unlocked, the private key lives in memory only: in the page and in the service worker,
// which hands it to the next page of the app, until it has been idle for the lock time or all
// pages are closed. Unlocking needs a connection (the share); this is the price of the rule
// that the phone alone cannot open its data. See README, "Data on the phone".
(function (root) {
  "use strict";

  var V = root.Veldwijzer = root.Veldwijzer || {};
  var store = V.store;
  var ITERATIONS = 600000;
  var LOCK_MS = 30 * 60 * 1000;
  var inWorker = typeof root.document === "undefined";
  var privateKey = null;
  var lastActivity = 0;
  var publicKeyPromise = null;
  var enc = new TextEncoder();
  var dec = new TextDecoder();

  function b64(buffer) {
    var bytes = new Uint8Array(buffer), text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text);
  }

  function unb64(text) {
    var raw = atob(text), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function unhex(text) {
    var bytes = new Uint8Array(text.length / 2);
    for (var i = 0; i < bytes.length; i++) bytes[i] = parseInt(text.substr(i * 2, 2), 16);
    return bytes;
  }

  function random(n) { return crypto.getRandomValues(new Uint8Array(n)); }

  function meta() { return store.getMeta("vault"); }

  function fetchShare() {
    return fetch("/api/v1/session", { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      if (!r.ok) throw Object.assign(new Error("session " + r.status), { status: r.status });
      return r.json();
    }).then(function (session) {
      return fetch("/api/v1/device/share", { method: "POST", credentials: "same-origin", cache: "no-store",
        headers: { "X-CSRFToken": session.csrf_token, "Accept": "application/json" } });
    }).then(function (r) {
      if (!r.ok) throw Object.assign(new Error("share " + r.status), { status: r.status });
      return r.json();
    }).then(function (body) { return body.share; });
  }

  // The key that wraps the private key: the PIN alone is not enough, nor is the share alone.
  function deriveKek(pin, salt, shareHex, iterations) {
    return crypto.subtle.importKey("raw", enc.encode(pin), "PBKDF2", false, ["deriveBits"]).then(function (base) {
      return crypto.subtle.deriveBits({ name: "PBKDF2", salt: salt, iterations: iterations, hash: "SHA-256" }, base, 256);
    }).then(function (bits) {
      return crypto.subtle.importKey("raw", unhex(shareHex), { name: "HMAC", hash: "SHA-256" }, false, ["sign"])
        .then(function (hmac) { return crypto.subtle.sign("HMAC", hmac, bits); });
    }).then(function (mixed) {
      return crypto.subtle.importKey("raw", mixed, "AES-GCM", false, ["wrapKey", "unwrapKey"]);
    });
  }

  function publicKey() {
    if (!publicKeyPromise) {
      publicKeyPromise = meta().then(function (m) {
        if (!m) throw Object.assign(new Error("no vault"), { unset: true });
        return crypto.subtle.importKey("jwk", m.public_jwk, { name: "RSA-OAEP", hash: "SHA-256" }, false, ["encrypt"]);
      }).catch(function (err) { publicKeyPromise = null; throw err; });
    }
    return publicKeyPromise;
  }

  // -- sealing: needs only the public key ----------------------------------------------------------

  function seal(value) {
    return publicKey().then(function (pub) {
      return crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt"]).then(function (aes) {
        var iv = random(12);
        return Promise.all([
          crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, aes, enc.encode(JSON.stringify(value))),
          crypto.subtle.exportKey("raw", aes).then(function (raw) { return crypto.subtle.encrypt({ name: "RSA-OAEP" }, pub, raw); })
        ]).then(function (parts) { return { v: 1, iv: b64(iv), ct: b64(parts[0]), wk: b64(parts[1]) }; });
      });
    });
  }

  function open(sealed) {
    return key().then(function (priv) {
      if (!priv) throw Object.assign(new Error("locked"), { locked: true });
      return crypto.subtle.decrypt({ name: "RSA-OAEP" }, priv, unb64(sealed.wk));
    }).then(function (raw) {
      return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["decrypt"]);
    }).then(function (aes) {
      return crypto.subtle.decrypt({ name: "AES-GCM", iv: unb64(sealed.iv) }, aes, unb64(sealed.ct));
    }).then(function (plain) { return JSON.parse(dec.decode(plain)); });
  }

  // -- the private key in memory ---------------------------------------------------------------------

  function idle() { return !lastActivity || Date.now() - lastActivity > LOCK_MS; }

  // The active service worker, also before it controls this page (the first visit).
  function askWorker(message) {
    if (inWorker || !navigator.serviceWorker) return Promise.resolve(null);
    var ready = Promise.race([navigator.serviceWorker.ready, new Promise(function (ok) { setTimeout(ok, 3000); })]);
    return ready.then(function (registration) {
      var worker = (registration && registration.active) || navigator.serviceWorker.controller;
      if (!worker) return null;
      return new Promise(function (resolve) {
        var channel = new MessageChannel();
        var timer = setTimeout(function () { resolve(null); }, 1500);
        channel.port1.onmessage = function (event) { clearTimeout(timer); resolve(event.data); };
        worker.postMessage(message, [channel.port2]);
      });
    });
  }

  function key() {
    if (privateKey && !idle()) return Promise.resolve(privateKey);
    if (privateKey) lock();
    if (inWorker) return Promise.resolve(null);
    return askWorker({ type: "vault:get" }).then(function (answer) {
      if (answer && answer.key) { privateKey = answer.key; lastActivity = answer.lastActivity || Date.now(); }
      return privateKey;
    });
  }

  function remember(priv) {
    privateKey = priv;
    lastActivity = Date.now();
    if (!inWorker) askWorker({ type: "vault:set", key: priv });
    notify();
  }

  function lock() {
    privateKey = null;
    if (!inWorker) askWorker({ type: "vault:lock" });
    notify();
  }

  function touch() {
    if (!privateKey) return;
    lastActivity = Date.now();
    if (!inWorker) askWorker({ type: "vault:touch" });
  }

  function status() {
    return meta().then(function (m) {
      if (!m) return "unset";
      return key().then(function (priv) { return priv ? "open" : "locked"; });
    });
  }

  function notify() {
    if (!inWorker) root.document.dispatchEvent(new CustomEvent("veldwijzer:vault"));
  }

  // -- setting up and unlocking ------------------------------------------------------------------

  function setup(pin) {
    return fetchShare().then(function (share) {
      var salt = random(16), iv = random(12);
      return crypto.subtle.generateKey({ name: "RSA-OAEP", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]),
                                         hash: "SHA-256" }, true, ["encrypt", "decrypt"]).then(function (pair) {
        return deriveKek(pin, salt, share, ITERATIONS).then(function (kek) {
          return Promise.all([
            crypto.subtle.wrapKey("pkcs8", pair.privateKey, kek, { name: "AES-GCM", iv: iv }),
            crypto.subtle.exportKey("jwk", pair.publicKey)
          ]);
        }).then(function (parts) {
          return store.setMeta("vault", { version: 1, salt: b64(salt), iv: b64(iv), wrapped: b64(parts[0]),
                                          iterations: ITERATIONS, public_jwk: parts[1] });
        }).then(function () {
          publicKeyPromise = null;
          return unwrap(pin, share);
        });
      });
    });
  }

  function unwrap(pin, share) {
    return meta().then(function (m) {
      return deriveKek(pin, unb64(m.salt), share, m.iterations).then(function (kek) {
        return crypto.subtle.unwrapKey("pkcs8", unb64(m.wrapped), kek, { name: "AES-GCM", iv: unb64(m.iv) },
                                       { name: "RSA-OAEP", hash: "SHA-256" }, false, ["decrypt"]);
      });
    }).then(function (priv) { remember(priv); return true; }, function (err) {
      if (err && err.name === "OperationError") return false; // a wrong PIN fails the authentication tag
      throw err;
    });
  }

  function unlock(pin) {
    return fetchShare().then(function (share) { return unwrap(pin, share); });
  }

  // -- the service worker keeps the key between the pages of the app ---------------------------------

  if (inWorker) {
    root.addEventListener("message", function (event) {
      var data = event.data || {};
      var port = event.ports && event.ports[0];
      if (data.type === "vault:set") { privateKey = data.key; lastActivity = Date.now(); }
      else if (data.type === "vault:lock") { privateKey = null; }
      else if (data.type === "vault:touch" && privateKey) { lastActivity = Date.now(); }
      else if (data.type === "vault:get") {
        if (privateKey && idle()) privateKey = null;
        if (port) port.postMessage({ key: privateKey, lastActivity: lastActivity });
        return;
      } else { return; }
      if (port) port.postMessage({ ok: true });
    });
  }

  V.vault = { seal: seal, open: open, status: status, setup: setup, unlock: unlock, lock: lock, touch: touch,
              key: key, ITERATIONS: ITERATIONS, setLockMinutes: function (m) { LOCK_MS = m * 60 * 1000; } };
})(self);
