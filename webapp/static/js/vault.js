// The vault: personal data on the phone is stored encrypted (issue: health-data security).
//
// Every record (a client's card, a pulled note, a waiting note) is sealed on its own: a fresh
// AES-GCM key encrypts it, and that key is encrypted with the device's RSA-OAEP public key. So
// writing never needs the PIN: a note written at the door, locked and offline, is stored
// sealed. Reading needs the private key, kept wrapped (AES-GCM) in up to three ways:
//   - online: by a key from the PIN (PBKDF2-SHA-256, 600,000 iterations) mixed (HMAC-SHA-256)
//     with a share that only the server holds for this device;
//   - offline with the PIN: the same PBKDF2 output mixed with a non-extractable key kept on the
//     phone, usable for OFFLINE_UNLOCK_HOURS after the last online unlock and for a limited
//     number of wrong PINs, after which the caseload copy is wiped;
//   - offline with a passkey: a key from the WebAuthn PRF output of a platform passkey (the
//     phone's fingerprint, face or device code), within the same window.
// README, "Data on the phone", says what each protects against and what not.
//
// Once unlocked, the private key lives in memory only: in the page and in the service worker,
// which hands it to the next page of the app, until it has been idle for the lock time or all
// pages are closed.
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

  // The server's half of the key and its offline rules. A failure says whether it was the
  // network (offline: true), the session (401) or the device (403, revoked: true).
  function fetchShare() {
    function failed(what, r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        var code = body && body.error && body.error.code;
        throw Object.assign(new Error(what + " " + r.status), { status: r.status, revoked: code === "device_revoked" || r.status === 403 });
      });
    }
    return fetch("/api/v1/session", { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      if (!r.ok) return failed("session", r);
      return r.json().then(function (session) {
        return fetch("/api/v1/device/share", { method: "POST", credentials: "same-origin", cache: "no-store",
          headers: { "X-CSRFToken": session.csrf_token, "Accept": "application/json" } });
      }).then(function (r2) { return r2.ok ? r2.json() : failed("share", r2); });
    }, function (err) { throw Object.assign(err, { offline: true }); });
  }

  // Unlocking offline is the fallback when the server cannot say yes or no: no network, a
  // server error, or a session that ended (the device itself is not revoked, or the server
  // would have said so and wiped the phone).
  function mayTryOffline(err) {
    return err && !err.revoked && (err.offline || err.status === 401 || err.status >= 500);
  }

  function pinBits(pin, salt, iterations) {
    return crypto.subtle.importKey("raw", enc.encode(pin), "PBKDF2", false, ["deriveBits"]).then(function (base) {
      return crypto.subtle.deriveBits({ name: "PBKDF2", salt: salt, iterations: iterations, hash: "SHA-256" }, base, 256);
    });
  }

  // The key that wraps the private key: the PIN alone is not enough, nor is the mixing key alone.
  function kekFrom(bits, hmacKey) {
    return crypto.subtle.sign("HMAC", hmacKey, bits).then(function (mixed) {
      return crypto.subtle.importKey("raw", mixed, "AES-GCM", false, ["wrapKey", "unwrapKey"]);
    });
  }

  function shareKey(shareHex) {
    return crypto.subtle.importKey("raw", unhex(shareHex), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  }

  // The phone's own mixing key for the offline wrap: a non-extractable CryptoKey in IndexedDB,
  // so a script can use it but never read it out (a copy of the browser's files on disk can).
  function deviceKey() {
    return store.getMeta("vault-device-key").then(function (existing) {
      if (existing) return existing;
      return crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-256", length: 256 }, false, ["sign"]).then(function (k) {
        return store.setMeta("vault-device-key", k).then(function () { return k; });
      });
    });
  }

  function wrapWith(kek, priv) {
    var iv = random(12);
    return crypto.subtle.wrapKey("pkcs8", priv, kek, { name: "AES-GCM", iv: iv }).then(function (wrapped) {
      return { iv: b64(iv), wrapped: b64(wrapped) };
    });
  }

  // Resolves null for a wrong key (the authentication tag fails), the private key otherwise.
  function unwrapWith(kek, record, extractable) {
    return crypto.subtle.unwrapKey("pkcs8", unb64(record.wrapped), kek, { name: "AES-GCM", iv: unb64(record.iv) },
                                   { name: "RSA-OAEP", hash: "SHA-256" }, !!extractable, ["decrypt"])
      .catch(function (err) { if (err && err.name === "OperationError") return null; throw err; });
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

  // The offline rules as the server last gave them, and when the phone last unlocked online.
  function windowOf(body, previous) {
    return { online_at: Date.now(), last_seen: Date.now(), failures: 0,
             hours: pick(body.offline_unlock_hours, previous && previous.hours, 12),
             attempts: pick(body.offline_pin_attempts, previous && previous.attempts, 5) };
  }

  function pick() {  // the first given number (0 counts: it turns offline unlocking off)
    for (var i = 0; i < arguments.length; i++) if (typeof arguments[i] === "number") return arguments[i];
    return null;
  }

  function saveWindow(w) { return store.setMeta("vault-window", w); }

  // Online with the PIN (set-up or unlock): the online wrap is checked (or made), the offline
  // wrap made again from the same PBKDF2 output, and the offline window starts anew.
  function setup(pin) {
    return fetchShare().then(function (body) {
      var salt = random(16);
      return crypto.subtle.generateKey({ name: "RSA-OAEP", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]),
                                         hash: "SHA-256" }, true, ["encrypt", "decrypt"]).then(function (pair) {
        return Promise.all([pinBits(pin, salt, ITERATIONS), shareKey(body.share), deviceKey()]).then(function (k) {
          return Promise.all([kekFrom(k[0], k[1]), kekFrom(k[0], k[2])]);
        }).then(function (keks) {
          return Promise.all([wrapWith(keks[0], pair.privateKey), wrapWith(keks[1], pair.privateKey),
                              crypto.subtle.exportKey("jwk", pair.publicKey), keks[0]]);
        }).then(function (parts) {
          var online = parts[0];
          return store.setMeta("vault", { version: 2, salt: b64(salt), iv: online.iv, wrapped: online.wrapped,
                                          iterations: ITERATIONS, public_jwk: parts[2], offline: parts[1] })
            .then(function () { return saveWindow(windowOf(body)); })
            .then(function () { return unwrapWith(parts[3], online, false); });
        });
      });
    }).then(function (priv) { publicKeyPromise = null; remember(priv); return true; });
  }

  function unlockOnline(pin, body) {
    return Promise.all([meta(), store.getMeta("vault-window")]).then(function (found) {
      var m = found[0];
      return Promise.all([pinBits(pin, unb64(m.salt), m.iterations), shareKey(body.share), deviceKey()]).then(function (k) {
        return Promise.all([kekFrom(k[0], k[1]), kekFrom(k[0], k[2])]);
      }).then(function (keks) {
        // Extractable for this moment only, to wrap it again for offline use; memory keeps a
        // non-extractable copy.
        return unwrapWith(keks[0], m, true).then(function (full) {
          if (!full) return { ok: false };
          return wrapWith(keks[1], full).then(function (offline) {
            m.offline = offline;
            return Promise.all([store.setMeta("vault", m), saveWindow(windowOf(body, found[1])), unwrapWith(keks[0], m, false)]);
          }).then(function (done) { remember(done[2]); return { ok: true }; });
        });
      });
    });
  }

  // Why offline unlocking is not possible now, or null. The phone's clock decides the window:
  // a clock set back (before the last unlock) counts as outside it.
  function offlineRefusal(m, w, now) {
    if (!w) return { code: "never" };
    if (now < w.last_seen - 10 * 60 * 1000) return { code: "clock" };
    if (now > w.online_at + w.hours * 3600 * 1000) return { code: "window", online_at: w.online_at, hours: w.hours };
    if (m && !m.offline && !m.passkey) return { code: "attempts" };
    return null;
  }

  function refused(why) { return Object.assign(new Error("offline unlock refused"), { refused: why }); }

  function unlockOffline(pin) {
    return Promise.all([meta(), store.getMeta("vault-window")]).then(function (found) {
      var m = found[0], w = found[1], now = Date.now();
      var why = offlineRefusal(m, w, now) || (!m.offline ? { code: "attempts" } : null);
      if (why) throw refused(why);
      // Counted before the try: closing the app mid-way does not give a free guess.
      w.failures += 1;
      w.last_seen = now;
      return saveWindow(w).then(function () {
        return Promise.all([pinBits(pin, unb64(m.salt), m.iterations), deviceKey()]);
      }).then(function (k) { return kekFrom(k[0], k[1]); }).then(function (kek) {
        return unwrapWith(kek, m.offline, false);
      }).then(function (priv) {
        if (priv) {
          w.failures = 0;
          return saveWindow(w).then(function () { remember(priv); return { ok: true, offline: true }; });
        }
        if (w.failures < w.attempts) return { ok: false, left: w.attempts - w.failures };
        // Too many wrong PINs: the caseload copy goes, and the offline wrap with it; what waits
        // to be sent stays, sealed, until an online unlock.
        delete m.offline;
        return store.setMeta("vault", m).then(function () { return store.wipeCaseload({ reason: "pin" }); })
          .then(function () { return { ok: false, wiped: true }; });
      });
    });
  }

  function unlock(pin) {
    return fetchShare().then(function (body) { return unlockOnline(pin, body); }, function (err) {
      if (!mayTryOffline(err)) throw err;
      return unlockOffline(pin);
    });
  }

  // What the unlock panel can offer: { possible, until, passkey, refused }.
  function offlineState() {
    return Promise.all([meta(), store.getMeta("vault-window")]).then(function (found) {
      var m = found[0], w = found[1];
      var why = m ? offlineRefusal(m, w, Date.now()) : { code: "never" };
      return { possible: !why, refused: why, passkey: !!(m && m.passkey),
               until: w ? w.online_at + w.hours * 3600 * 1000 : null, attempts_left: w ? w.attempts - w.failures : null };
    });
  }

  // -- a passkey (WebAuthn PRF) as the second way to unwrap -------------------------------------

  function passkeyAvailable() {
    var PKC = root.PublicKeyCredential;
    if (inWorker || !PKC || !PKC.isUserVerifyingPlatformAuthenticatorAvailable) return Promise.resolve(false);
    return PKC.isUserVerifyingPlatformAuthenticatorAvailable().catch(function () { return false; });
  }

  function prfKek(output) {
    return crypto.subtle.importKey("raw", output, "HKDF", false, ["deriveKey"]).then(function (base) {
      return crypto.subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(32), info: enc.encode("veldwijzer vault v2") },
                                     base, { name: "AES-GCM", length: 256 }, false, ["wrapKey", "unwrapKey"]);
    });
  }

  // The PRF output for this credential and salt: the phone asks for the fingerprint, face or code.
  function prfOutput(credentialId, salt) {
    return navigator.credentials.get({ publicKey: {
      challenge: random(32), rpId: root.location.hostname, userVerification: "required", timeout: 60000,
      allowCredentials: [{ type: "public-key", id: unb64(credentialId) }],
      extensions: { prf: { eval: { first: unb64(salt) } } } } }).then(function (assertion) {
      var prf = assertion && assertion.getClientExtensionResults().prf;
      if (!prf || !prf.results || !prf.results.first) throw Object.assign(new Error("no PRF"), { unsupported: true });
      return prf.results.first;
    });
  }

  // Set up with the PIN once more (online): the private key is wrapped by the passkey's PRF key.
  function enrolPasskey(pin, userName) {
    return fetchShare().then(function (body) {
      return meta().then(function (m) {
        return Promise.all([pinBits(pin, unb64(m.salt), m.iterations), shareKey(body.share)]).then(function (k) {
          return kekFrom(k[0], k[1]);
        }).then(function (kek) { return unwrapWith(kek, m, true); }).then(function (full) {
          if (!full) return { ok: false };
          var salt = random(32);
          return navigator.credentials.create({ publicKey: {
            rp: { name: "Veldwijzer", id: root.location.hostname },
            user: { id: random(16), name: userName || "veldwijzer", displayName: userName || "Veldwijzer" },
            challenge: random(32), timeout: 60000,
            pubKeyCredParams: [{ type: "public-key", alg: -7 }, { type: "public-key", alg: -257 }],
            authenticatorSelection: { authenticatorAttachment: "platform", userVerification: "required", residentKey: "discouraged" },
            extensions: { prf: {} } } }).then(function (credential) {
            var prf = credential.getClientExtensionResults().prf;
            if (!prf || !prf.enabled) throw Object.assign(new Error("no PRF"), { unsupported: true });
            var id = b64(credential.rawId);
            return prfOutput(id, b64(salt)).then(prfKek).then(function (kek) { return wrapWith(kek, full); }).then(function (wrap) {
              m.passkey = { id: id, salt: b64(salt), iv: wrap.iv, wrapped: wrap.wrapped };
              return store.setMeta("vault", m);
            });
          }).then(function () { return { ok: true }; });
        });
      });
    });
  }

  // Online, the server still says yes first (device not revoked), and the window starts anew.
  function unlockWithPasskey() {
    return Promise.all([meta(), store.getMeta("vault-window")]).then(function (found) {
      var m = found[0], w = found[1];
      if (!m || !m.passkey) throw refused({ code: "no-passkey" });
      return fetchShare().then(function (body) { return body; }, function (err) {
        if (!mayTryOffline(err)) throw err;
        var why = offlineRefusal(m, w, Date.now());
        if (why) throw refused(why);
        return null;
      }).then(function (body) {
        return prfOutput(m.passkey.id, m.passkey.salt).then(prfKek).then(function (kek) {
          return unwrapWith(kek, m.passkey, false);
        }).then(function (priv) {
          if (!priv) return { ok: false };
          var saved = body ? saveWindow(Object.assign(windowOf(body, w), { failures: w ? w.failures : 0 }))
                           : saveWindow(Object.assign(w, { last_seen: Date.now() }));
          return saved.then(function () { remember(priv); return { ok: true, offline: !body }; });
        });
      });
    });
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
              key: key, ITERATIONS: ITERATIONS, offlineState: offlineState, passkeyAvailable: passkeyAvailable,
              enrolPasskey: enrolPasskey, unlockWithPasskey: unlockWithPasskey, setLockMinutes: function (m) { LOCK_MS = m * 60 * 1000; } };
})(self);
