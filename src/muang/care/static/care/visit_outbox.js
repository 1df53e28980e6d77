/* The visit form's outbox: a filled form is first kept on this phone (IndexedDB), then sent; it leaves the
   outbox only when the server has answered. Each form carries a UUID made on the phone, so a form sent twice
   (the answer lost on a dropping signal, the outbox retrying) is stored once by the server.
   Also registers the service worker that serves the visit pages from the cache when offline.
   A phone is often shared: each form is kept with the account that filled it, and a page only shows and sends
   the signed-in account's forms (another account's wait for that account to sign in again: never sent under
   someone else's name, nor shown). When the session has ended (expired, or she signed out) the server answers
   a send with a redirect to the sign-in page: that is not success. The form stays, the page says how many
   visits wait for sign-in, and they are sent (with the new session's CSRF token) once she signs in again.
   Signing out keeps them (the server's Clear-Site-Data no longer clears the storage; core/base.js drops the
   cached pages). */
(function () {
  "use strict";
  const DB_NAME = "muang-care-visits";
  const STORE = "outbox";
  const status = document.getElementById("visit-outbox");
  if (!status) return;
  const text = document.getElementById("visit-outbox-text");
  const errorList = document.getElementById("visit-outbox-errors");
  const form = document.getElementById("visit-form");
  const user = status.dataset.user || "";
  const msg = (name) => status.dataset["msg" + name[0].toUpperCase() + name.slice(1)] || "";
  let flushing = null;

  function say(message, state) {
    text.textContent = message;
    status.dataset.state = state || "";
  }

  // --- IndexedDB: one object store, keyed by the form's UUID ---------------------------------------------------
  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "uuid" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  function tx(mode, fn) {
    return openDb().then((db) => new Promise((resolve, reject) => {
      const t = db.transaction(STORE, mode);
      const result = fn(t.objectStore(STORE));
      t.oncomplete = () => { db.close(); resolve(result && "result" in result ? result.result : undefined); };
      t.onerror = () => { db.close(); reject(t.error); };
      t.onabort = () => { db.close(); reject(t.error); };
    }));
  }
  const put = (item) => tx("readwrite", (s) => s.put(item));
  const remove = (uuid) => tx("readwrite", (s) => s.delete(uuid));
  // Only the signed-in account's forms: another account's are neither shown nor sent from this page.
  const all = () => tx("readonly", (s) => s.getAll()).then((items) => items.filter((i) => i.user === user));

  function newUuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // --- sending -------------------------------------------------------------------------------------------------
  function showErrors(item, body) {
    errorList.textContent = "";
    for (const e of (body && body.errors) || [{ message: (body && body.detail) || "" }]) {
      const li = document.createElement("li");
      li.textContent = `${item.label}: ${e.message}`;
      errorList.appendChild(li);
      if (form && e.field) {
        const slot = form.querySelector(`.field-error[data-for="${e.field}"]`);
        if (slot) slot.textContent = e.message;
      }
    }
  }

  // The token of this page's session: a form kept from a session that has ended carries a token the new
  // session refuses (Django rotates it at sign-in), so the kept one is only the fallback.
  const csrfNow = () => status.dataset.csrf || "";

  function sendOne(item) {
    const csrf = csrfNow() || item.csrf;
    const body = new FormData();
    for (const [k, v] of item.fields) body.append(k, k === "csrfmiddlewaretoken" ? csrf : v);
    if (item.photo) body.append("photo", item.photo, item.photoName || "photo.jpg");
    return fetch(item.url, {
      method: "POST",
      body,
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-CSRFToken": csrf, Accept: "application/json" },
    }).then((response) => {
      if (response.status === 201) {
        return response.json().then((answer) => remove(item.uuid).then(() => ({ sent: true, answer })));
      }
      if (response.status === 422 || response.status === 409) {
        // Refused for what it says: sending it again would not change that. Shown, then dropped.
        return response.json().then((answer) => remove(item.uuid).then(() => ({ refused: true, answer })));
      }
      if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
        // The session has ended (the redirect goes to the sign-in page, which is not followed: nothing is
        // posted there) or this account may not send: kept until the caregiver signs in again.
        return { signIn: true };
      }
      return { retry: true }; // the server could not answer now (5xx, a proxy's error page): kept, tried again
    });
  }

  // A form kept while a round is sending was not among the forms that round read: one more round follows it at
  // once (without this, the form would wait for the retry timer, 20 s).
  let again = false;
  function flush() {
    if (flushing) {
      again = true;
      return flushing;
    }
    flushing = all()
      .then(async (items) => {
        let last = null;
        for (const item of items.sort((a, b) => a.createdAt - b.createdAt)) {
          let outcome;
          try {
            outcome = await sendOne(item);
          } catch (e) {
            return { offline: true, last };
          }
          if (outcome.signIn) return { signIn: true, last };
          if (outcome.retry) return { offline: true, last };
          if (outcome.refused) showErrors(item, outcome.answer);
          last = { item, ...outcome };
        }
        return { last };
      })
      .then((result) => report(result))
      .finally(() => {
        flushing = null;
        status.dataset.attempts = String(Number(status.dataset.attempts || 0) + 1);
        if (again) {
          again = false;
          if (navigator.onLine) flush();
        }
      });
    return flushing;
  }

  // While forms wait and the phone says it is online (a weak signal drops requests), try again now and then.
  let retry = null;
  function scheduleRetry(left) {
    if (retry || !left) return;
    retry = setTimeout(() => { retry = null; if (navigator.onLine) flush(); }, 20000);
  }

  function report(result) {
    return all().then((left) => {
      scheduleRetry(left.length);
      if (result.signIn) return say(msg("signin").replace("{n}", left.length), "signin");
      if (left.length) return say(`${msg("kept")} ${msg("waiting").replace("{n}", left.length)}`, "kept");
      const last = result.last;
      if (last && last.sent) {
        const a = last.answer;
        const parts = [msg("sent")];
        if (a.group_label) parts.push(`${msg("group")} ${a.group_label}`);
        if (a.needs_care_plan) parts.push(msg("plan"));
        if (a.near_home === false) parts.push(msg("far"));
        say(parts.join(" "), "sent");
        status.dataset.group = a.group || "";
        const badge = document.getElementById("visit-group");
        if (badge && a.group_label && form && String(last.item.fields.find(([k]) => k === "person_id")[1]) === form.elements.person_id.value) {
          badge.textContent = a.group_label;
          badge.className = `badge group-${a.group}`;
        }
        status.dataset.needsPlan = a.needs_care_plan ? "1" : "0";
      } else if (last && last.refused) {
        say(`${msg("refused")} ${last.answer.detail || ""}`, "refused");
      } else if (!navigator.onLine) {
        say(msg("offline"), "offline");
      }
    });
  }

  // --- the form ------------------------------------------------------------------------------------------------
  function freshForm() {
    if (!form) return;
    form.querySelector("#visit-uuid").value = newUuid();
    if (navigator.geolocation) {
      navigator.geolocation.getCurrentPosition(
        (p) => {
          form.querySelector("#visit-lat").value = p.coords.latitude.toFixed(6);
          form.querySelector("#visit-lon").value = p.coords.longitude.toFixed(6);
        },
        () => {},
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    }
  }

  if (form) {
    freshForm();
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      for (const slot of form.querySelectorAll(".field-error")) slot.textContent = "";
      errorList.textContent = "";
      form.querySelector("#visit-done-at").value = new Date().toISOString();
      const data = new FormData(form);
      const photo = data.get("photo");
      data.delete("photo");
      const item = {
        uuid: data.get("client_uuid"),
        url: form.action,
        csrf: data.get("csrfmiddlewaretoken"),
        label: form.dataset.personName || "",
        fields: Array.from(data.entries()),
        photo: photo && photo.size ? photo : null,
        photoName: photo && photo.name,
        createdAt: Date.now(),
        user,
      };
      // Kept on the phone first: whatever happens to the signal now, the form is not lost.
      put(item)
        .then(() => {
          form.reset();
          freshForm();
          say(msg("kept"), "kept");
          return navigator.onLine ? flush() : report({});
        })
        .catch((e) => say(`${msg("refused")} ${e}`, "refused"));
    });
  }

  window.addEventListener("online", () => flush());
  window.addEventListener("offline", () => report({}));
  window.muangCareOutbox = { flush, count: () => all().then((items) => items.length) };

  if ("serviceWorker" in navigator && status.dataset.sw) {
    navigator.serviceWorker
      .register(status.dataset.sw, { scope: status.dataset.scope })
      .then(() => navigator.serviceWorker.ready)
      .then(() => status.setAttribute("data-sw-ready", "1"))
      .catch(() => {});
  }
  // Forms kept from an earlier visit page: send them now if there is a signal.
  (navigator.onLine ? flush() : report({})).catch(() => {});
})();
