// The member app's page script (党员之家, /m/). No inline scripts: the CSP forbids them.
//  - registers the service worker (scope /m/) and shows the offline banner when the page
//    comes from its cache (data-from-cache="1" on <main>) or the phone is offline;
//  - the offline queue: a leave request or a commitment draft is kept in localStorage with when
//    it was made, shown as 待发送, and sent on page load, when the network comes back and on
//    "现在发送"; what the server refuses stays in 未能提交 with its message until deleted;
//  - logging out clears the caches and the queue (after a warning if it is not empty).
"use strict";

(function () {
  const main = document.querySelector("main[data-rendered-at]");
  // One queue per account: on a shared phone, another member's items are neither shown nor
  // sent with the wrong login (an expired session keeps them until the same member is back).
  const KEY = "dangjian-m-queue-" + (main?.dataset.owner || "");
  const sent = []; // shown as 已送达 until the page is left
  let sending = false;

  // ---- queue storage -------------------------------------------------------------------------
  function load() {
    try {
      const q = JSON.parse(localStorage.getItem(KEY) || "[]");
      return Array.isArray(q) ? q : [];
    } catch (e) {
      return [];
    }
  }
  function save(q) {
    if (q.length) localStorage.setItem(KEY, JSON.stringify(q));
    else localStorage.removeItem(KEY);
  }

  function when(iso) {
    const d = new Date(iso);
    if (isNaN(d)) return iso;
    const pad = (n) => String(n).padStart(2, "0");
    return `${d.getMonth() + 1}月${d.getDate()}日 ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }

  function csrf() {
    const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    return document.querySelector("meta[name=csrf-token]")?.content || "";
  }

  // ---- rendering -----------------------------------------------------------------------------
  function item(text, note, extra) {
    const li = document.createElement("li");
    li.className = "m-queue-item";
    const t = document.createElement("div");
    t.className = "fw-bold";
    t.textContent = text;
    const n = document.createElement("div");
    n.className = "m-note";
    n.textContent = note;
    li.append(t, n);
    if (extra) li.append(extra);
    return li;
  }

  function render() {
    const box = document.getElementById("m-queue");
    if (!box) return;
    const q = load();
    const pending = q.filter((x) => x.state !== "failed");
    const failed = q.filter((x) => x.state === "failed");
    const lists = {
      pending: document.getElementById("m-queue-pending"),
      failed: document.getElementById("m-queue-failed"),
      sent: document.getElementById("m-queue-sent"),
    };
    lists.pending.replaceChildren(
      ...pending.map((x) =>
        item(x.label, `待发送（联网后自动发送） · ${when(x.at)}填写${x.note ? " · " + x.note : ""}`)
      )
    );
    lists.failed.replaceChildren(
      ...failed.map((x) => {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "btn btn-outline-danger m-btn mt-2";
        b.textContent = "删除";
        b.dataset.drop = x.id;
        return item(x.label, `未能提交：${x.message} · ${when(x.at)}填写`, b);
      })
    );
    lists.sent.replaceChildren(...sent.map((x) => item(x.label, `已送达：${x.message}`)));
    document.getElementById("m-queue-pending-box").hidden = !pending.length;
    document.getElementById("m-queue-failed-box").hidden = !failed.length;
    document.getElementById("m-queue-sent-box").hidden = !sent.length;
    box.hidden = !(pending.length || failed.length || sent.length);
    const logout = document.getElementById("m-logout");
    if (logout) {
      if (q.length) {
        logout.dataset.confirm = `还有 ${q.length} 条未发送或未能提交的请假、承诺，退出后将被清除。确定退出吗？`;
      } else {
        delete logout.dataset.confirm;
      }
    }
  }

  // ---- sending -------------------------------------------------------------------------------
  async function sendOne(x) {
    let r;
    try {
      r = await fetch(x.url, {
        method: "POST",
        credentials: "same-origin",
        redirect: "manual",
        headers: {
          Accept: "application/json",
          "X-CSRFToken": csrf(),
          "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8",
        },
        body: new URLSearchParams(x.data).toString(),
      });
    } catch (e) {
      return { keep: true, note: "" }; // no network: stays in the queue
    }
    if (r.type === "opaqueredirect" || r.status === 0) {
      return { keep: true, note: "登录已过期，请重新登录后发送" };
    }
    let body = null;
    try {
      body = await r.json();
    } catch (e) {
      body = null;
    }
    if (r.status === 200 && body && body.ok) return { done: true, message: body.message };
    if (body && [400, 404, 409].includes(r.status)) return { failed: true, message: body.message };
    if (r.status === 403) return { keep: true, note: "页面已过期，请刷新页面后点“现在发送”" };
    return { keep: true, note: "服务器暂时无法处理，稍后自动重试" };
  }

  async function flush() {
    if (sending) return;
    sending = true;
    try {
      for (const x of load().filter((y) => y.state !== "failed")) {
        const res = await sendOne(x);
        const q = load();
        const i = q.findIndex((y) => y.id === x.id);
        if (i < 0) continue;
        if (res.done) {
          q.splice(i, 1);
          sent.push({ label: x.label, message: res.message });
        } else if (res.failed) {
          q[i].state = "failed";
          q[i].message = res.message;
        } else {
          q[i].note = res.note;
          save(q);
          render();
          if (!res.note) break; // offline: the others would fail the same way
          continue;
        }
        save(q);
        render();
      }
    } finally {
      sending = false;
      render();
    }
  }

  // ---- forms ---------------------------------------------------------------------------------
  document.addEventListener("submit", (e) => {
    const form = e.target;
    if (form.id === "m-logout") {
      e.preventDefault();
      const msg = form.dataset.confirm;
      if (msg && !window.confirm(msg)) return;
      try { localStorage.clear(); sessionStorage.clear(); } catch (err) { /* ignore */ }
      const done = () => form.submit();
      if (window.caches) {
        caches.keys().then((keys) => Promise.all(keys.map((k) => caches.delete(k)))).then(done, done);
      } else {
        done();
      }
      return;
    }
    if (!form.matches("form[data-sync-url]")) return;
    e.preventDefault();
    const data = {};
    for (const [k, v] of new FormData(form)) {
      if (k !== "csrfmiddlewaretoken") data[k] = String(v);
    }
    const q = load();
    q.push({
      id: `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
      url: form.dataset.syncUrl,
      label: form.dataset.label || "",
      data: data,
      at: new Date().toISOString(),
      state: "pending",
    });
    save(q);
    form.reset();
    form.closest("details")?.removeAttribute("open");
    render();
    document.getElementById("m-queue")?.scrollIntoView({ block: "nearest" });
    flush();
  });

  document.addEventListener("click", (e) => {
    const drop = e.target.closest("[data-drop]");
    if (drop) {
      save(load().filter((x) => x.id !== drop.dataset.drop));
      render();
    }
    if (e.target.closest("#m-send-now")) flush();
  });

  // ---- offline banner ------------------------------------------------------------------------
  function banner() {
    const b = document.getElementById("m-offline");
    if (!b || !main) return;
    const cached = main.dataset.fromCache === "1";
    if (cached || !navigator.onLine) {
      b.textContent = `离线：显示的是 ${when(main.dataset.renderedAt)} 的内容`;
      b.hidden = false;
    } else {
      b.hidden = true;
    }
  }

  window.addEventListener("online", () => { banner(); flush(); });
  window.addEventListener("offline", banner);

  if ("serviceWorker" in navigator && main?.dataset.sw) {
    navigator.serviceWorker.register(main.dataset.sw, { scope: main.dataset.scope }).catch(() => {});
  }
  banner();
  render();
  flush();
})();
