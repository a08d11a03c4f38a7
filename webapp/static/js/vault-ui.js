// The PIN on the page: set it up once, unlock after a lock (online, or offline within the window),
// a passkey where the phone has one, and keep the vault open while used.
(function () {
  "use strict";

  var V = window.Veldwijzer;
  var panel = document.getElementById("vault");
  if (!panel || !V.vault) return;
  var known = document.body.dataset.role;
  try { known = known || localStorage.getItem("veldwijzer.role"); } catch (e) { /* private mode */ }
  if (!known) return; // logged out (a shell page after logout): do not open the phone's database again
  var minutes = parseInt(panel.dataset.lockMinutes || "30", 10);
  V.vault.setLockMinutes(minutes);
  var DECLINED = "veldwijzer.passkey-declined";

  function show(part) {
    panel.hidden = !part;
    panel.dataset.part = part || "";
    panel.querySelectorAll("[data-vault-part]").forEach(function (el) { el.hidden = el.dataset.vaultPart !== part; });
  }

  // Asked only where personal data is shown or kept: never above a flow's call buttons. The home
  // page asks for a first PIN, not for unlocking (it shows nothing personal).
  var personal = document.body.hasAttribute("data-personal") || document.body.hasAttribute("data-offline-clients");
  var home = document.body.hasAttribute("data-vault-prompt");
  var asks = personal || home;
  var offerChecked = false;
  var dismissed = false;
  var offerPasskey = false;

  function time(ms) {
    var d = new Date(ms), today = new Date();
    var hm = d.toLocaleTimeString("nl-NL", { hour: "2-digit", minute: "2-digit" });
    return d.toDateString() === today.toDateString() ? hm : d.toLocaleDateString("nl-NL", { weekday: "short", day: "numeric", month: "short" }) + " " + hm;
  }

  // Why offline unlocking is refused, in plain words, with what to do.
  function refusalText(why) {
    switch (why && why.code) {
      case "window":
        return "Zonder verbinding ontgrendelen kan tot " + why.hours + " uur nadat je met verbinding hebt ontgrendeld. " +
          "Dat was om " + time(why.online_at) + ", te lang geleden. Zoek een plek met bereik en ontgrendel dan.";
      case "clock":
        return "De klok van deze telefoon staat vóór je laatste ontgrendeling. Ontgrendel met verbinding.";
      case "attempts":
        return "Te vaak een verkeerde pincode ingevuld. Ontgrendelen kan nu alleen met verbinding.";
      case "never":
        return "Op deze telefoon is nog niet met verbinding ontgrendeld. Dat moet eerst één keer, daarna kan het ook zonder.";
      default:
        return "Ontgrendelen kan nu alleen met verbinding.";
    }
  }

  function online() { return document.documentElement.dataset.connection !== "offline"; }

  function showLocked() {
    if (!personal || dismissed) { show(null); return Promise.resolve(); }
    return V.vault.offlineState().then(function (state) {
      panel.querySelector("[data-vault-passkey]").hidden = !state.passkey;
      var note = panel.querySelector("[data-vault-offline-note]");
      note.hidden = !state.possible || !state.until;
      if (state.possible && state.until) note.textContent = "Zonder verbinding ontgrendelen kan tot " + time(state.until) + ".";
      if (online() || state.possible) { show("unlock"); return; }
      panel.querySelector("[data-vault-refused]").textContent = refusalText(state.refused);
      show("offline");
    });
  }

  function refresh() {
    return V.vault.status().then(function (status) {
      document.documentElement.dataset.vault = status;
      if (!asks) { show(null); return; }
      // The home page offers a passkey until the user says yes or "Niet nu".
      if (status === "open" && home && !offerChecked) {
        offerChecked = true;
        return maybeOfferPasskey().then(refresh);
      }
      if (status === "open") show(offerPasskey && online() ? "passkey" : null);
      else if (status === "locked") return showLocked();
      else show(panel.dataset.canSetup === "true" && online() && !dismissed ? "setup" : null);
    }).catch(function () { show(null); });
  }

  function error(form, message) {
    var p = form.querySelector(".field-error");
    p.textContent = message || "";
    p.hidden = !message;
    var input = form.querySelector("input");
    if (message) { input.setAttribute("aria-invalid", "true"); input.focus(); } else input.removeAttribute("aria-invalid");
  }

  function maybeOfferPasskey() {
    var declined;
    try { declined = localStorage.getItem(DECLINED); } catch (e) { declined = null; }
    if (declined) return Promise.resolve();
    return Promise.all([V.vault.passkeyAvailable(), V.vault.offlineState()]).then(function (r) {
      offerPasskey = r[0] && !r[1].passkey;
    });
  }

  function unlockMessage(result) {
    if (result.wiped) {
      return "Te vaak een verkeerde pincode. De gegevens van je cliënten zijn van deze telefoon gewist; " +
        "wat je schreef blijft bewaard en wordt verstuurd zodra je met verbinding ontgrendelt.";
    }
    if (result.left != null) {
      return "Deze pincode klopt niet. Zonder verbinding heb je nog " + result.left + (result.left === 1 ? " poging." : " pogingen.");
    }
    return "Deze pincode klopt niet.";
  }

  function failureMessage(err) {
    if (err && err.refused) return refusalText(err.refused);
    if (err && err.status === 401) return "Je bent niet meer ingelogd. Log opnieuw in.";
    if (err && err.revoked) return "Dit apparaat is niet (meer) bekend. Log opnieuw in.";
    return "Dit lukt nu niet. Probeer het zo opnieuw.";
  }

  panel.addEventListener("submit", function (event) {
    var form = event.target;
    var kind = form.dataset.vaultForm;
    event.preventDefault();
    var pin = form.elements.pin.value;
    var button = form.querySelector("button");
    if (!/^[0-9]{6,12}$/.test(pin)) { error(form, "Gebruik 6 tot 12 cijfers."); return; }
    if (kind === "setup" && pin !== form.elements.pin2.value) {
      error(form, "De twee pincodes zijn niet gelijk."); return;
    }
    error(form, null);
    button.disabled = true;
    var work = kind === "setup" ? V.vault.setup(pin).then(function (ok) { return { ok: ok }; })
      : kind === "passkey" ? V.vault.enrolPasskey(pin, panel.dataset.userName)
      : V.vault.unlock(pin);
    work.then(function (result) {
      button.disabled = false;
      if (!result.ok && result.wiped) {  // nothing left to try offline: say so, without the form
        panel.querySelector("[data-vault-refused]").textContent = unlockMessage(result);
        form.reset();
        show("offline");
        return;
      }
      if (!result.ok) { error(form, unlockMessage(result)); return; }
      form.reset();
      if (kind === "passkey") { offerPasskey = false; return refresh(); }
      return (kind === "setup" || !result.offline ? maybeOfferPasskey() : Promise.resolve()).then(refresh);
    }, function (err) {
      button.disabled = false;
      if (kind === "passkey" && err && (err.unsupported || err.name === "NotSupportedError")) {
        offerPasskey = false;
        error(form, "Deze telefoon of browser kan dit niet. Je pincode blijft werken.");
        return;
      }
      if (kind === "passkey" && err && err.name === "NotAllowedError") { error(form, "Niet gelukt of afgebroken. Probeer het opnieuw."); return; }
      error(form, kind === "unlock" ? failureMessage(err) : (err && err.status === 401 ? "Je bent niet meer ingelogd. Log opnieuw in."
        : "Dit lukt alleen met verbinding. Probeer het zo opnieuw."));
    });
  });

  panel.querySelector("[data-vault-passkey]").addEventListener("click", function () {
    var button = this;
    var form = panel.querySelector("[data-vault-form=unlock]");
    button.disabled = true;
    V.vault.unlockWithPasskey().then(function (result) {
      button.disabled = false;
      if (!result.ok) { error(form, "Dat lukte niet. Gebruik je pincode."); return; }
      refresh();
    }, function (err) {
      button.disabled = false;
      error(form, err && err.refused ? refusalText(err.refused) : "Dat lukte niet of is afgebroken. Probeer het opnieuw of gebruik je pincode.");
    });
  });

  // "Later": the set-up waits until the next page; nothing personal is kept until then.
  panel.querySelectorAll("[data-vault-later]").forEach(function (button) {
    button.addEventListener("click", function () {
      if (button.hasAttribute("data-vault-decline")) {
        offerPasskey = false;
        try { localStorage.setItem(DECLINED, "1"); } catch (e) { /* private mode */ }
      } else { dismissed = true; }
      show(null);
      document.dispatchEvent(new CustomEvent("veldwijzer:vault-later"));
    });
  });

  var lockButton = document.querySelector("[data-vault-lock]");
  if (lockButton) lockButton.addEventListener("click", function () { V.vault.lock(); refresh(); });

  // Others (the sync bar, the home page's readiness) ask for the panel: "ontgrendel om te versturen".
  document.addEventListener("veldwijzer:vault-ask", function () {
    dismissed = false;
    V.vault.status().then(function (status) {
      if (status === "locked") { personal = true; showLocked(); }
      else if (status === "unset" && panel.dataset.canSetup === "true") show("setup");
      var input = panel.querySelector("[data-vault-part]:not([hidden]) input");
      if (input) input.focus();
    });
  });

  // Activity keeps the vault open (and the service worker that holds the key alive).
  var lastTouch = 0;
  ["pointerdown", "keydown", "scroll"].forEach(function (type) {
    window.addEventListener(type, function () {
      if (Date.now() - lastTouch < 20000) return;
      lastTouch = Date.now();
      V.vault.touch();
    }, { passive: true });
  });
  setInterval(function () { V.vault.status().then(function (s) { if (s !== document.documentElement.dataset.vault) refresh(); }); }, 30000);
  document.addEventListener("veldwijzer:vault", refresh);
  document.addEventListener("veldwijzer:connection", refresh);
  refresh();
})();
