// The phone's IndexedDB: the caseload copy (special-category data lives only here, never in
// the HTTP cache or Cache Storage), small settings, the outbox of notes and visit events, and
// the notes and visits pulled from the server. Used by pages and by the service worker.
(function (root) {
  "use strict";

  var NAME = "veldwijzer";
  var VERSION = 2;
  var opening = null;

  function open() {
    if (!opening) {
      opening = new Promise(function (resolve, reject) {
        var request = indexedDB.open(NAME, VERSION);
        request.onupgradeneeded = function () {
          var db = request.result;
          if (!db.objectStoreNames.contains("clients")) db.createObjectStore("clients", { keyPath: "id" });
          if (!db.objectStoreNames.contains("meta")) db.createObjectStore("meta", { keyPath: "key" });
          if (!db.objectStoreNames.contains("outbox")) {
            var outbox = db.createObjectStore("outbox", { keyPath: "id" });
            outbox.createIndex("state", "state");
          }
          ["notes", "visits"].forEach(function (name) {
            if (!db.objectStoreNames.contains(name)) {
              db.createObjectStore(name, { keyPath: "id" }).createIndex("client_id", "client_id");
            }
          });
        };
        request.onsuccess = function () {
          var db = request.result;
          db.onversionchange = function () { db.close(); opening = null; };
          resolve(db);
        };
        request.onerror = function () { opening = null; reject(request.error); };
        request.onblocked = function () { reject(new Error("IndexedDB blocked")); };
      });
    }
    return opening;
  }

  // Run `work(stores)` in one transaction; resolves with its result once the transaction has
  // committed ("strict": written to disk before we go on, for data that must not be lost).
  function transaction(names, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(names, mode, { durability: mode === "readwrite" ? "strict" : "default" });
        var stores = {};
        names.forEach(function (n) { stores[n] = tx.objectStore(n); });
        var result;
        Promise.resolve(work(stores, tx)).then(function (value) { result = value; }, function (err) { tx.abort(); reject(err); });
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error || new Error("transaction aborted")); };
      });
    });
  }

  function request(req) {
    return new Promise(function (resolve, reject) {
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function getMeta(key) {
    return transaction(["meta"], "readonly", function (s) { return request(s.meta.get(key)); })
      .then(function (row) { return row ? row.value : null; });
  }

  function setMeta(key, value) {
    return transaction(["meta"], "readwrite", function (s) { s.meta.put({ key: key, value: value }); });
  }

  // The caseload copy goes (the card, pulled notes and visits, the selected client), the outbox
  // stays: waiting notes are kept until they are sent. `why` (no personal data) tells the offline
  // view why it is empty now: { reason: "age", hours: 72 } or { reason: "pin" }.
  function wipeCaseload(why) {
    return transaction(["clients", "notes", "visits", "meta"], "readwrite", function (s) {
      s.clients.clear();
      s.notes.clear();
      s.visits.clear();
      ["caseload", "selected", "selected-area", "cursor"].forEach(function (key) { s.meta.delete(key); });
      s.meta.put({ key: "caseload-expired", value: Object.assign({ at: Date.now() }, why) });
    });
  }

  // Everything personal goes: used at logout and when the device is revoked.
  function wipe() {
    return open().then(function (db) {
      db.close();
      opening = null;
      return new Promise(function (resolve) {
        var req = indexedDB.deleteDatabase(NAME);
        req.onsuccess = req.onerror = req.onblocked = function () { resolve(); };
      });
    });
  }

  root.Veldwijzer = root.Veldwijzer || {};
  root.Veldwijzer.store = { open: open, transaction: transaction, request: request, getMeta: getMeta,
                            setMeta: setMeta, wipeCaseload: wipeCaseload, wipe: wipe };
})(self);
