// The outbox and the sync routine, without any page: it runs in a page and in the service worker.
//
// The guarantees (DESIGN.md §5): an item is written to IndexedDB (strict durability) before
// any network attempt; it leaves the outbox only when the server answered "applied" or
// "duplicate"; a refused item stays, with the reason, until the user decides; one sync runs
// at a time (Web Locks); the CSRF token is fetched right before sending, never stored; a 401
// keeps everything and asks for a new login; network errors and 5xx retry with backoff.
(function (root) {
  "use strict";

  var V = root.Veldwijzer;
  var store = V.store;
  var SCHEMA_VERSION = 1;
  var MAX_BATCH = 100;
  var TIMEOUT_MS = 20000;
  var LOCK = "veldwijzer-sync";
  var channel = typeof BroadcastChannel !== "undefined" ? new BroadcastChannel("veldwijzer-sync") : null;
  var running = null; // where Web Locks are missing: one run per context at least

  // -- canonical JSON and the content hash (the same rule as sync/protocol.py) -----------------
  // Keys sorted, no whitespace, non-ASCII as is; payloads hold only strings, integers, booleans,
  // null, lists and objects.
  function canonical(value) {
    if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
    if (value !== null && typeof value === "object") {
      return "{" + Object.keys(value).sort().map(function (k) {
        return JSON.stringify(k) + ":" + canonical(value[k]);
      }).join(",") + "}";
    }
    return JSON.stringify(value);
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function contentHash(type, schemaVersion, payload) {
    var text = canonical({ type: type, schema_version: schemaVersion, payload: payload });
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(hex);
  }

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = hex(b);
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function deviceId() {
    return store.getMeta("device_id").then(function (id) {
      if (id) return id;
      id = uuid();
      return store.setMeta("device_id", id).then(function () { return id; });
    });
  }

  function notify(what) {
    var message = { type: "sync-changed", what: what || "state" };
    if (channel) channel.postMessage(message);
    if (root.document) root.document.dispatchEvent(new CustomEvent("veldwijzer:sync", { detail: message }));
  }

  // -- the outbox ---------------------------------------------------------------------------------

  // Written (strictly) before anything is sent; the id is the mutation's, made here, once. The
  // payload is sealed (vault.js): only the opaque ids needed to file it stay readable.
  function enqueue(type, payload, meta) {
    var item = { id: uuid(), type: type, schema_version: SCHEMA_VERSION,
                 device_time: new Date().toISOString(), state: "waiting", attempts: 0,
                 created_at: Date.now(), client_id: payload.client_id || (meta && meta.client_id) || null,
                 visit_id: payload.visit_id || null };
    return Promise.all([contentHash(type, SCHEMA_VERSION, payload), V.vault.seal(payload)]).then(function (parts) {
      item.hash = parts[0];
      item.sealed = parts[1];
      return store.transaction(["outbox"], "readwrite", function (s) { s.outbox.add(item); });
    }).then(function () {
      notify("outbox");
      return item;
    });
  }

  // The payloads of items, opened with the vault's key (throws { locked } when it is locked).
  function withPayloads(items) {
    return Promise.all(items.map(function (i) {
      return V.vault.open(i.sealed).then(function (payload) { return Object.assign({}, i, { payload: payload }); });
    }));
  }

  function allItems() {
    return store.transaction(["outbox"], "readonly", function (s) { return store.request(s.outbox.getAll()); })
      .then(function (items) { return items.sort(function (a, b) { return a.created_at - b.created_at; }); });
  }

  function updateItems(ids, change) {
    return store.transaction(["outbox"], "readwrite", function (s) {
      ids.forEach(function (id) {
        var req = s.outbox.get(id);
        req.onsuccess = function () { if (req.result) s.outbox.put(Object.assign(req.result, change(req.result))); };
      });
    });
  }

  // Only on the user's explicit choice (a refused item) or the server's acknowledgement.
  function removeItem(id) {
    return store.transaction(["outbox"], "readwrite", function (s) { s.outbox.delete(id); })
      .then(function () { notify("outbox"); });
  }

  function retryItem(id) {
    return updateItems([id], function () { return { state: "waiting", reason: null, errors: null }; })
      .then(function () { notify("outbox"); });
  }

  // -- talking to the server ---------------------------------------------------------------------

  function request(url, options) {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    options = Object.assign({ credentials: "same-origin", cache: "no-store", signal: controller.signal }, options || {});
    options.headers = Object.assign({ "Accept": "application/json" }, options.headers || {});
    return fetch(url, options).then(function (response) {
      clearTimeout(timer);
      return response;
    }, function (err) { clearTimeout(timer); throw Object.assign(new Error("network"), { network: true, cause: err }); });
  }

  function setState(patch) {
    return store.getMeta("sync").then(function (state) {
      return store.setMeta("sync", Object.assign({}, state || {}, patch));
    }).then(function () { notify("state"); });
  }

  // A revoked device is told so on its next contact; it wipes what it holds (the server also
  // sent Clear-Site-Data). Then it is a login like any other.
  function revokedCheck(r) {
    if (r.status !== 401) return Promise.resolve(r);
    return r.clone().json().then(function (body) {
      if (body && body.error && body.error.code === "device_revoked") {
        return store.wipe().then(function () { throw Object.assign(new Error("revoked"), { login: true, revoked: true }); });
      }
      return r;
    }, function () { return r; });
  }

  function freshToken() {
    return request("/api/v1/session").then(revokedCheck).then(function (r) {
      if (r.status === 401) throw Object.assign(new Error("login"), { login: true });
      if (!r.ok) throw Object.assign(new Error("session " + r.status), { retry: true });
      return r.json();
    }).then(function (session) { return session.csrf_token; });
  }

  function pushBatch(items, token, device) {
    var body = { schema_version: SCHEMA_VERSION, device_id: device, mutations: items.map(function (i) {
      return { id: i.id, type: i.type, schema_version: i.schema_version, hash: i.hash, device_time: i.device_time,
               payload: i.payload };
    }) };
    return request("/api/v1/sync/push", { method: "POST", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "X-CSRFToken": token } });
  }

  // Send what waits, in order, in batches. Resolves with what happened; never drops an item
  // on an error answer: only "applied" and "duplicate" take an item out of the outbox.
  function pushAll() {
    return allItems().then(function (items) {
      var pending = items.filter(function (i) { return i.state === "waiting" || i.state === "sending"; });
      if (!pending.length) return { sent: 0 };
      return Promise.all([freshToken(), deviceId(), withPayloads(pending)]).then(function (values) {
        var token = values[0], device = values[1], sent = 0, size = MAX_BATCH;
        pending = values[2];
        function next() {
          var batch = pending.slice(0, size);
          if (!batch.length) return { sent: sent };
          var ids = batch.map(function (i) { return i.id; });
          return updateItems(ids, function (i) { return { state: "sending", attempts: (i.attempts || 0) + 1, last_attempt_at: Date.now() }; })
            .then(function () { return pushBatch(batch, token, device); })
            .then(function (response) {
              if (response.status === 413 && size > 1) { size = Math.max(1, Math.floor(size / 2)); return next(); }
              if (response.status === 401) throw Object.assign(new Error("login"), { login: true });
              if (response.status === 426) throw Object.assign(new Error("update"), { update: true });
              if (!response.ok) throw Object.assign(new Error("push " + response.status), { retry: true, status: response.status });
              return response.json().then(function (answer) { return settle(batch, answer.results); }).then(function (n) {
                sent += n;
                pending = pending.slice(batch.length);
                return next();
              });
            })
            .catch(function (err) {
              // Back to waiting: the same ids go again later, and the server answers "duplicate"
              // for what it already stored.
              return updateItems(ids, function () { return { state: "waiting" }; }).then(function () { throw err; });
            });
        }
        return next();
      });
    });
  }

  function settle(batch, results) {
    var byId = {};
    (results || []).forEach(function (r) { if (r.id) byId[r.id] = r; });
    return store.transaction(["outbox"], "readwrite", function (s) {
      var acknowledged = 0;
      batch.forEach(function (item) {
        var result = byId[item.id];
        item = Object.assign({}, item);
        delete item.payload; // never store an opened payload
        if (!result) { s.outbox.put(Object.assign(item, { state: "waiting" })); return; }
        if (result.status === "applied" || result.status === "duplicate") {
          s.outbox.delete(item.id);
          acknowledged += 1;
        } else {
          s.outbox.put(Object.assign(item, { state: "attention", status: result.status, reason: result.reason || "",
                                             errors: result.errors || null }));
        }
      });
      return acknowledged;
    }).then(function (n) { notify("outbox"); return n; });
  }

  // -- pull: what the team wrote (and what was taken away) ------------------------------------------

  // Pulled notes and visits are sealed before they are stored; a tombstone removes a client's all.
  function applyChanges(changes) {
    return Promise.all(changes.map(function (c) {
      if (c.op !== "upsert" || (c.type !== "note" && c.type !== "visit")) return Promise.resolve(null);
      return V.vault.seal(c.data).then(function (sealed) { return { id: c.id, client_id: c.data.client_id, sealed: sealed }; });
    })).then(function (records) {
      return store.transaction(["notes", "visits", "clients"], "readwrite", function (s) {
        changes.forEach(function (c, index) {
          var target = c.type === "note" ? s.notes : c.type === "visit" ? s.visits : null;
          if (target && c.op === "upsert") target.put(records[index]);
          else if (target && c.op === "delete") target.delete(c.id);
          else if (c.type === "client" && c.op === "delete") {
            // The client left this team's caseload: nothing of them stays on the phone.
            s.clients.delete(c.id);
            [s.notes, s.visits].forEach(function (os) {
              var req = os.index("client_id").openCursor(IDBKeyRange.only(c.id));
              req.onsuccess = function () { var cur = req.result; if (cur) { cur.delete(); cur.continue(); } };
            });
          }
        });
      });
    });
  }

  function pullAll() {
    return store.getMeta("cursor").then(function (cursor) {
      function page(cur) {
        var url = "/api/v1/sync/pull?schema_version=" + SCHEMA_VERSION + (cur ? "&cursor=" + encodeURIComponent(cur) : "");
        return request(url).then(function (r) {
          if (r.status === 401) throw Object.assign(new Error("login"), { login: true });
          if (r.status === 426) throw Object.assign(new Error("update"), { update: true });
          if (r.status === 403) return null; // this role has no notes on the phone
          if (!r.ok) throw Object.assign(new Error("pull " + r.status), { retry: true });
          return r.json();
        }).then(function (answer) {
          if (!answer) return;
          return applyChanges(answer.changes)
            .then(function () { return store.setMeta("cursor", answer.cursor); })
            .then(function () { return answer.more ? page(answer.cursor) : null; });
        });
      }
      return page(cursor);
    }).then(function () { notify("pulled"); });
  }

  // -- the one sync routine --------------------------------------------------------------------------

  function backoffMs(failures) {
    return Math.min(5 * 60 * 1000, 2000 * Math.pow(2, Math.max(0, failures - 1)));
  }

  function runLocked(reason) {
    return setState({ running: true, last_try: Date.now(), reason: reason })
      .then(pushAll)
      .then(function (pushed) {
        return pullAll().then(function () { return pushed; });
      })
      .then(function (pushed) {
        var done = { running: false, last_success: Date.now(), failures: 0, login_needed: false,
                     update_needed: false, locked: false, error: null, next_try: null };
        if (pushed.sent) done.last_sent = done.last_success;  // "Verstuurd om 14:05"
        return setState(done).then(function () { return { ok: true, sent: pushed.sent }; });
      }, function (err) {
        return store.getMeta("sync").then(function (state) {
          var failures = ((state && state.failures) || 0) + 1;
          var patch = { running: false, failures: failures, error: err.network ? "offline" : (err.message || "error"),
                        login_needed: !!err.login, update_needed: !!err.update, locked: !!err.locked,
                        next_try: err.login || err.update || err.locked ? null : Date.now() + backoffMs(failures) };
          return setState(patch).then(function () { return { ok: false, login: !!err.login, offline: !!err.network }; });
        });
      });
  }

  function run(reason) {
    if (navigator.locks && navigator.locks.request) {
      return navigator.locks.request(LOCK, { ifAvailable: true }, function (lock) {
        if (!lock) return { ok: false, busy: true };
        return runLocked(reason);
      });
    }
    if (!running) running = runLocked(reason).then(function (r) { running = null; return r; });
    return running;
  }

  function status() {
    return Promise.all([allItems(), store.getMeta("sync")]).then(function (values) {
      var items = values[0], state = values[1] || {};
      return { waiting: items.filter(function (i) { return i.state !== "attention"; }).length,
               attention: items.filter(function (i) { return i.state === "attention"; }).length,
               items: items, state: state };
    });
  }

  V.sync = { canonical: canonical, contentHash: contentHash, uuid: uuid, enqueue: enqueue, run: run, status: status,
             withPayloads: withPayloads,
             items: allItems, remove: removeItem, retry: retryItem, backoffMs: backoffMs, channel: channel,
             SCHEMA_VERSION: SCHEMA_VERSION };
})(self);
