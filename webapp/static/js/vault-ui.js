// The PIN on the page: set it up once, unlock after a lock, and keep the vault open while used.
(function () {
  "use strict";

  var V = window.Veldwijzer;
  var panel = document.getElementById("vault");
  if (!panel || !V.vault) return;
  var minutes = parseInt(panel.dataset.lockMinutes || "30", 10);
  V.vault.setLockMinutes(minutes);

  function show(part) {
    panel.hidden = !part;
    panel.querySelectorAll("[data-vault-part]").forEach(function (el) { el.hidden = el.dataset.vaultPart !== part; });
  }

  // Asked only where personal data is shown or kept: never above a flow's call buttons. The home
  // page asks for a first PIN, not for unlocking (it shows nothing personal).
  var personal = document.body.hasAttribute("data-personal") || document.body.hasAttribute("data-offline-clients");
  var asks = personal || document.body.hasAttribute("data-vault-prompt");

  function refresh() {
    return V.vault.status().then(function (status) {
      var online = document.documentElement.dataset.connection !== "offline";
      document.documentElement.dataset.vault = status;
      if (!asks) { show(null); return; }
      if (status === "open") show(null);
      else if (status === "locked") show(!personal || dismissed ? null : (online ? "unlock" : "offline"));
      else show(panel.dataset.canSetup === "true" && online && !dismissed ? "setup" : null);
    }, function () { show(null); });
  }

  function error(form, message) {
    var p = form.querySelector(".field-error");
    p.textContent = message || "";
    p.hidden = !message;
    var input = form.querySelector("input");
    if (message) { input.setAttribute("aria-invalid", "true"); input.focus(); } else input.removeAttribute("aria-invalid");
  }

  panel.addEventListener("submit", function (event) {
    var form = event.target;
    event.preventDefault();
    var pin = form.elements.pin.value;
    var button = form.querySelector("button");
    if (!/^[0-9]{6,12}$/.test(pin)) { error(form, "Gebruik 6 tot 12 cijfers."); return; }
    if (form.dataset.vaultForm === "setup" && pin !== form.elements.pin2.value) {
      error(form, "De twee pincodes zijn niet gelijk."); return;
    }
    error(form, null);
    button.disabled = true;
    var work = form.dataset.vaultForm === "setup" ? V.vault.setup(pin) : V.vault.unlock(pin);
    work.then(function (ok) {
      button.disabled = false;
      if (!ok) { error(form, "Deze pincode klopt niet."); return; }
      form.reset();
      refresh();
    }, function (err) {
      button.disabled = false;
      error(form, err && err.status === 401 ? "Je bent niet meer ingelogd. Log opnieuw in."
        : "Dit lukt alleen met verbinding. Probeer het zo opnieuw.");
    });
  });

  // "Later": the set-up waits until the next page; nothing personal is kept until then.
  panel.querySelectorAll("[data-vault-later]").forEach(function (button) {
    button.addEventListener("click", function () { dismissed = true; show(null); });
  });
  var dismissed = false;

  var lockButton = document.querySelector("[data-vault-lock]");
  if (lockButton) lockButton.addEventListener("click", function () { V.vault.lock(); refresh(); });

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
