// The vsh sandbox's inbox: every code the sandbox "sent", live.
//
// It reads the out-of-band endpoints like any client (GET /__sandbox/inbox for the
// account shown, /__sandbox/timeline for a session's story, and the event stream
// /__sandbox/events) and changes an account with the page's own header, X-Vsh-Account,
// never with a token: the page holds no secret. Text from the sandbox (a brand name in a
// message, say) only ever goes into the page as text, never as markup, and the server's
// Content-Security-Policy runs no script but this file.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const ui = {
    account: $("account"), filter: $("filter"), live: $("live"), clock: $("clock"),
    advanceForm: $("advance-form"), advance: $("advance"), faultForm: $("fault-form"),
    faultEndpoint: $("fault-endpoint"), faultKind: $("fault-kind"), faults: $("faults"),
    clearFaults: $("clear-faults"), seenAll: $("seen-all"), reset: $("reset"), controlsNote: $("controls-note"),
    empty: $("empty"), messages: $("messages"), omitted: $("omitted"),
    detail: $("detail"), detailTitle: $("detail-title"), detailSummary: $("detail-summary"),
    detailCopy: $("detail-copy"), expire: $("expire"), closeDetail: $("close-detail"), timeline: $("timeline"),
    toast: $("toast"),
  };

  // What the page knows. `sessions` is the account shown, by session_uuid; `cards` its list items.
  const state = {
    accounts: new Map(), // auth_id -> {auth_id, now, sessions, messages}
    current: "",
    now: "",
    sessions: new Map(),
    cards: new Map(),
    unseen: new Map(), // session_uuid -> auth_id: codes that arrived live and were not looked at yet
    open: "", // the session whose timeline is shown
    controls: true,
    stream: null,
  };

  // ---- Small helpers -------------------------------------------------------------

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    if (props) {
      for (const [key, value] of Object.entries(props)) {
        if (value === undefined || value === null || value === false) continue;
        if (key === "class") node.className = value;
        else if (key === "text") node.textContent = value;
        else if (key.startsWith("data-") || key.startsWith("aria-") || key === "role" || key === "tabindex" || key === "datetime") node.setAttribute(key, value);
        else node[key] = value;
      }
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  const ms = (iso) => Date.parse(iso);
  // The sandbox's times are UTC on a virtual clock: shown as such, to the second.
  const clockTime = (iso) => (iso ? iso.slice(11, 19) : "–");
  const clockDateTime = (iso) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : "–");

  function span(milliseconds) {
    let s = Math.max(0, Math.floor(milliseconds / 1000));
    const d = Math.floor(s / 86400); s -= d * 86400;
    const h = Math.floor(s / 3600); s -= h * 3600;
    const m = Math.floor(s / 60); s -= m * 60;
    if (d) return `${d}d ${h}h`;
    if (h) return `${h}h ${m}m`;
    if (m) return `${m}m ${String(s).padStart(2, "0")}s`;
    return `${s}s`;
  }

  function toast(text, isError) {
    ui.toast.textContent = text;
    ui.toast.classList.toggle("error", Boolean(isError));
    ui.toast.classList.add("shown");
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => ui.toast.classList.remove("shown"), 4000);
  }

  async function getJSON(path) {
    const response = await fetch(path, { headers: { Accept: "application/json" }, cache: "no-store" });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error || `${response.status}`);
    return body;
  }

  // A change to the account shown, named by the page's header (no credentials).
  async function act(method, path, body) {
    if (!state.current) throw new Error("no account yet: create a session first");
    const init = { method, headers: { Accept: "application/json", "X-Vsh-Account": state.current }, cache: "no-store" };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(answer.error || `${response.status}`);
    return answer;
  }

  function run(promise, done) {
    promise.then((answer) => done && toast(done(answer))).catch((error) => toast(error.message, true));
  }

  // ---- The list ------------------------------------------------------------------

  const isFinal = (entry) => entry.status !== "in-progress";

  function expiresText(entry) {
    if (entry.status === "verified") return "verified";
    if (entry.status === "expired") return "expired";
    const left = ms(entry.expires_at) - ms(state.now);
    return left > 0 ? `expires in ${span(left)}` : "expired";
  }

  function metaText(entry) {
    const sent = entry.delivered_at ? `sent ${clockTime(entry.delivered_at)}` : `not delivered (${entry.last_attempt_status})`;
    const attempts = `${entry.attempts} attempt${entry.attempts === 1 ? "" : "s"}`;
    const validations = `${entry.validations_used} validation${entry.validations_used === 1 ? "" : "s"} used, ${entry.validations_left} left`;
    return [sent, attempts, validations, expiresText(entry)].join(" · ");
  }

  function card(entry) {
    const unseen = state.unseen.has(entry.session_uuid);
    const copy = el("button", { type: "button", class: "copy", text: "Copy", "aria-label": `Copy code ${entry.code}` });
    copy.addEventListener("click", (event) => {
      event.stopPropagation();
      copyCode(entry.session_uuid);
    });
    const item = el(
      "li",
      {
        class: `card state-${entry.status}${unseen ? " unseen" : ""}${entry.session_uuid === state.open ? " open" : ""}`,
        tabindex: "0", "data-uuid": entry.session_uuid,
        "aria-label": `Code ${entry.code} for +${entry.recipient}, ${entry.status}${unseen ? ", new" : ""}`,
      },
      el("div", { class: "row" },
        el("span", { class: "recipient", text: `+${entry.recipient}` }),
        el("span", { class: "channel", text: entry.channel }),
        el("span", { class: `status status-${entry.status}`, text: entry.status }),
        unseen ? el("span", { class: "dot", text: "new" }) : null),
      // The sandbox knows the code; the phone may not have it yet (or ever): shown dimmed then.
      el("div", { class: "code-row" }, el("code", { class: entry.text ? "code" : "code undelivered", text: entry.code, title: entry.text ? undefined : "not on the phone" }), copy),
      entry.text ? el("p", { class: "text", text: entry.text }) : el("p", { class: "text muted", text: "No message reached the phone." }),
      el("div", { class: "meta", text: metaText(entry) }),
    );
    item.addEventListener("click", () => openTimeline(entry.session_uuid));
    return item;
  }

  // Newest first: by the latest attempt, then creation order (the server's order).
  const newer = (a, b) => (a.latest_at !== b.latest_at ? (a.latest_at > b.latest_at ? -1 : 1) : b.sequence - a.sequence);

  function matchesFilter(entry) {
    const wanted = ui.filter.value.trim();
    if (!wanted) return true;
    const digits = wanted.replace(/\D/g, "");
    return digits ? entry.recipient.includes(digits) : `+${entry.recipient}`.includes(wanted);
  }

  function renderAll() {
    const entries = [...state.sessions.values()].sort(newer);
    const fragment = document.createDocumentFragment();
    state.cards.clear();
    for (const entry of entries) {
      const item = card(entry);
      item.hidden = !matchesFilter(entry);
      state.cards.set(entry.session_uuid, item);
      fragment.append(item);
    }
    ui.messages.replaceChildren(fragment);
    ui.empty.hidden = entries.length > 0;
  }

  // One session changed: its card is replaced, and moved to its place in the order.
  function upsert(entry) {
    const previous = state.sessions.get(entry.session_uuid);
    state.sessions.set(entry.session_uuid, entry);
    const item = card(entry);
    item.hidden = !matchesFilter(entry);
    const old = state.cards.get(entry.session_uuid);
    const focused = old && document.activeElement === old;
    state.cards.set(entry.session_uuid, item);
    if (old && previous && previous.latest_at === entry.latest_at) {
      old.replaceWith(item);
    } else {
      if (old) old.remove();
      // Its place: before the first card that is older.
      let before = null;
      for (const other of ui.messages.children) {
        const otherEntry = state.sessions.get(other.dataset.uuid);
        if (otherEntry && newer(entry, otherEntry) < 0) { before = other; break; }
      }
      ui.messages.insertBefore(item, before);
    }
    if (focused) item.focus();
    ui.empty.hidden = true;
    if (entry.session_uuid === state.open) refreshTimeline();
  }

  function refreshMeta() {
    for (const [uuid, item] of state.cards) {
      const entry = state.sessions.get(uuid);
      const meta = item.querySelector(".meta");
      if (entry && meta) meta.textContent = metaText(entry);
    }
  }

  function setClock(now) {
    state.now = now;
    ui.clock.textContent = clockDateTime(now);
    ui.clock.setAttribute("datetime", now);
    refreshMeta();
  }

  function updateTitle() {
    const count = state.unseen.size;
    document.title = count ? `(${count}) vsh inbox` : "vsh inbox";
    for (const option of ui.account.options) {
      const summary = state.accounts.get(option.value);
      if (!summary) continue;
      let fresh = 0;
      for (const owner of state.unseen.values()) if (owner === option.value) fresh += 1;
      option.textContent = `${summary.auth_id} · ${summary.sessions} session${summary.sessions === 1 ? "" : "s"}${fresh ? ` · ${fresh} new` : ""}`;
    }
  }

  function markSeen(uuid) {
    if (!state.unseen.delete(uuid)) return;
    const item = state.cards.get(uuid);
    const entry = state.sessions.get(uuid);
    if (item && entry) {
      const replacement = card(entry);
      replacement.hidden = item.hidden;
      const focused = document.activeElement === item;
      item.replaceWith(replacement);
      state.cards.set(uuid, replacement);
      if (focused) replacement.focus();
    }
    updateTitle();
  }

  // ---- Accounts ------------------------------------------------------------------

  function renderAccounts() {
    const options = [...state.accounts.keys()].map((id) => el("option", { value: id, text: id }));
    if (!options.length) options.push(el("option", { value: "", text: "none yet" }));
    ui.account.replaceChildren(...options);
    ui.account.value = state.current;
    updateTitle();
  }

  function renderFaults(faults) {
    ui.faults.textContent = faults.length
      ? `Armed: ${faults.map((f) => `${f.id} ${f.endpoint} → ${describeFault(f)} ×${f.remaining}`).join(", ")}`
      : "";
    ui.clearFaults.hidden = faults.length === 0;
  }

  function describeFault(fault) {
    if (fault.status) return String(fault.status);
    if (fault.drop) return "drop";
    if (fault.reset) return "reset";
    if (fault.body) return `${fault.body} body`;
    if (fault.delay) return `delay ${fault.delay}`;
    return "fault";
  }

  function renderControls() {
    const off = !state.controls;
    for (const node of ui.advanceForm.elements) node.disabled = off;
    for (const node of ui.faultForm.elements) node.disabled = off;
    ui.reset.disabled = off;
    ui.clearFaults.disabled = off;
    ui.expire.disabled = off || !state.open || isFinal(state.sessions.get(state.open) || { status: "expired" });
    ui.controlsNote.hidden = !off;
    ui.controlsNote.textContent = off
      ? "This server was started with its own --token: the page shows everything but changes nothing. Change an account with its credentials (docs/sandbox.md)."
      : "";
  }

  // One load at a time: a burst of events asking for one (the first account appearing) reads once.
  let loading = null;
  function load(account) {
    if (!loading) loading = loadNow(account).finally(() => { loading = null; });
    return loading;
  }

  async function loadNow(account) {
    const query = account ? `?account=${encodeURIComponent(account)}` : "";
    const inbox = await getJSON(`/__sandbox/inbox${query}`);
    state.controls = inbox.controls;
    state.accounts = new Map(inbox.accounts.map((summary) => [summary.auth_id, summary]));
    const shown = inbox.account;
    state.current = shown ? shown.auth_id : "";
    state.sessions = new Map((shown ? shown.sessions : []).map((entry) => [entry.session_uuid, entry]));
    setClock(shown ? shown.now : inbox.now);
    renderFaults(shown ? shown.faults : []);
    ui.omitted.hidden = !shown || !shown.omitted;
    ui.omitted.textContent = shown && shown.omitted ? `${shown.omitted} older sessions are not shown.` : "";
    renderAccounts();
    renderAll();
    renderControls();
    if (state.open && !state.sessions.has(state.open)) closeTimeline();
    return inbox.sequence;
  }

  // ---- The event stream ------------------------------------------------------------

  function follow(after) {
    if (state.stream) state.stream.close();
    const stream = new EventSource(`/__sandbox/events?after=${after}`);
    state.stream = stream;
    stream.onopen = () => setLive(true);
    stream.onerror = () => setLive(false);
    // The browser keeps the last event's id and sends it when it reconnects (Last-Event-ID),
    // which the server prefers to the `after` of this URL: nothing is replayed.
    const on = (type, handler) => stream.addEventListener(type, (event) => handler(JSON.parse(event.data)));
    on("session", (data) => {
      const uuid = data.session.session_uuid;
      let summary = state.accounts.get(data.auth_id);
      if (!summary) {
        summary = { auth_id: data.auth_id, now: data.session.created_at, sessions: 0, messages: 0 };
        state.accounts.set(data.auth_id, summary);
        renderAccounts();
      }
      const isNew = data.auth_id === state.current ? !state.sessions.has(uuid) : !elsewhere.has(uuid);
      if (data.auth_id !== state.current) elsewhere.add(uuid);
      if (isNew) summary.sessions += 1;
      if (!state.current) {
        // The first account the page sees: shown whole, as the server has it.
        load(data.auth_id).catch((error) => toast(error.message, true));
        return;
      }
      if (data.auth_id === state.current) upsert(data.session);
      updateTitle();
    });
    on("message", (data) => {
      state.unseen.set(data.session_uuid, data.auth_id);
      const summary = state.accounts.get(data.auth_id);
      if (summary) summary.messages += 1;
      const entry = data.auth_id === state.current && state.sessions.get(data.session_uuid);
      if (entry) upsert(entry);
      updateTitle();
    });
    on("callback", (data) => {
      if (data.session_uuid === state.open) refreshTimeline();
    });
    on("clock", (data) => {
      const summary = state.accounts.get(data.auth_id);
      if (summary) summary.now = data.now;
      if (data.auth_id === state.current) setClock(data.now);
    });
    on("faults", (data) => {
      if (data.auth_id === state.current) renderFaults(data.faults);
    });
    on("reset", (data) => {
      for (const [uuid, owner] of state.unseen) if (owner === data.auth_id) state.unseen.delete(uuid);
      const summary = state.accounts.get(data.auth_id);
      if (summary) Object.assign(summary, { sessions: 0, messages: 0, now: data.now });
      if (data.auth_id === state.current) {
        state.sessions.clear();
        closeTimeline();
        setClock(data.now);
        renderFaults([]);
        renderAll();
      }
      updateTitle();
    });
    on("resync", () => {
      load(state.current).catch((error) => toast(error.message, true));
    });
  }

  // Sessions of other accounts are not held, only their uuids, to count each one once.
  const elsewhere = new Set();

  function setLive(live) {
    ui.live.textContent = live ? "live" : "reconnecting…";
    ui.live.classList.toggle("on", live);
  }

  // ---- A session's timeline ----------------------------------------------------------

  function timelineText(event) {
    switch (event.kind) {
      case "created": return `Session created (${event.channel})`;
      case "attempt": {
        const error = event.error_code ? ` (error ${event.error_code})` : "";
        return `Attempt ${event.sequence} by ${event.channel}: ${event.status}${error}${event.pending ? " — still to come on the clock" : ""}`;
      }
      case "validation":
        if (event.result === "verified") return "Validation: right code — verified";
        if (event.result === "incorrect") return "Validation: wrong code (incorrect otp)";
        return `Validation refused: ${event.error}`;
      case "callback": {
        const tries = event.tries.map((t, i) => `try ${i + 1} at ${clockTime(t.at)}: ${t.status_code ?? t.error}`).join("; ");
        const what = event.session_status === "in-progress" ? event.channel_status : `session ${event.session_status}`;
        return `Callback ${event.method} ${event.url} (${what}): ${event.state}${tries ? ` — ${tries}` : ""}`;
      }
      case "expired": return "Code expired";
      default: return event.text || event.kind;
    }
  }

  function renderTimeline(story) {
    const entry = story.session;
    state.sessions.set(entry.session_uuid, entry);
    ui.detailTitle.textContent = `+${entry.recipient}`;
    ui.detailSummary.replaceChildren(
      el("code", { class: "code big", text: entry.code }),
      el("dl", null,
        el("dt", { text: "Status" }), el("dd", { class: `status status-${entry.status}`, text: entry.status }),
        el("dt", { text: "Session" }), el("dd", { class: "uuid", text: entry.session_uuid }),
        el("dt", { text: "Account" }), el("dd", { text: entry.auth_id }),
        el("dt", { text: "Validations" }), el("dd", { text: `${entry.validations_used} used, ${entry.validations_left} left` }),
        el("dt", { text: "Expiry" }), el("dd", { text: `${clockDateTime(entry.expires_at)} (${expiresText(entry)})` })),
      entry.text ? el("p", { class: "text", text: entry.text }) : null,
    );
    ui.timeline.replaceChildren(...story.events.map((event) =>
      el("li", { class: `step step-${event.kind}${event.pending ? " pending" : ""}${event.result ? ` result-${event.result}` : ""}` },
        el("time", { datetime: event.at, text: clockTime(event.at) }),
        el("span", { text: timelineText(event) }))));
    renderControls();
  }

  async function openTimeline(uuid) {
    state.open = uuid;
    markSeen(uuid);
    for (const [other, item] of state.cards) item.classList.toggle("open", other === uuid);
    ui.detail.hidden = false;
    try {
      renderTimeline(await getJSON(`/__sandbox/timeline?session_uuid=${encodeURIComponent(uuid)}`));
    } catch (error) {
      toast(error.message, true);
    }
  }

  function refreshTimeline() {
    clearTimeout(refreshTimeline.timer);
    // Several events of one change (an attempt, its message, its callbacks) read the story once.
    refreshTimeline.timer = setTimeout(() => {
      if (!state.open) return;
      getJSON(`/__sandbox/timeline?session_uuid=${encodeURIComponent(state.open)}`).then(renderTimeline).catch(() => {});
    }, 50);
  }

  function closeTimeline() {
    const was = state.open;
    state.open = "";
    ui.detail.hidden = true;
    for (const item of state.cards.values()) item.classList.remove("open");
    const item = was && state.cards.get(was);
    if (item) item.focus();
    renderControls();
  }

  // ---- Copying -------------------------------------------------------------------------

  async function copyCode(uuid) {
    const entry = state.sessions.get(uuid);
    if (!entry) return;
    markSeen(uuid);
    let copied = false;
    try {
      await navigator.clipboard.writeText(entry.code);
      copied = true;
    } catch {
      // No clipboard API (an insecure origin, a denied permission): the old way.
      const area = el("textarea", { value: entry.code, readOnly: true, class: "offscreen" });
      document.body.append(area);
      area.select();
      copied = document.execCommand("copy");
      area.remove();
    }
    // What a test (or an assistive tool) can read back, whatever the clipboard allowed.
    document.body.dataset.copied = entry.code;
    toast(copied ? `Copied ${entry.code}` : `Select and copy: ${entry.code}`, !copied);
  }

  // ---- Controls ------------------------------------------------------------------------

  ui.account.addEventListener("change", () => {
    closeTimeline();
    load(ui.account.value).catch((error) => toast(error.message, true));
  });
  ui.filter.addEventListener("input", () => {
    for (const [uuid, item] of state.cards) item.hidden = !matchesFilter(state.sessions.get(uuid));
  });
  ui.advanceForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const advance = ui.advance.value.trim();
    run(act("POST", "/__sandbox/clock", { advance }), (answer) => `Clock advanced by ${advance}: now ${clockDateTime(answer.now)}`);
  });
  ui.faultForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const [kind, value] = ui.faultKind.value.split(":");
    const body = { endpoint: ui.faultEndpoint.value };
    if (kind === "status") body.status = Number(value);
    else if (kind === "body") body.body = value;
    else if (kind === "delay") body.delay = value;
    else body[kind] = true;
    run(act("POST", "/__sandbox/faults", body), (answer) => `Armed ${answer.fault.id} for the next ${body.endpoint} request`);
  });
  ui.clearFaults.addEventListener("click", () => run(act("DELETE", "/__sandbox/faults"), (answer) => `Cleared ${answer.cleared} fault(s)`));
  ui.reset.addEventListener("click", () => {
    if (!confirm(`Reset ${state.current}? Its sessions, codes, faults and clock are forgotten.`)) return;
    run(act("POST", "/__sandbox/reset"), () => `Account ${state.current} reset`);
  });
  ui.seenAll.addEventListener("click", () => {
    for (const uuid of [...state.unseen.keys()]) markSeen(uuid);
  });
  ui.expire.addEventListener("click", () => {
    if (!state.open) return;
    run(act("POST", "/__sandbox/expire", { session_uuid: state.open }), () => "Session expired");
  });
  ui.detailCopy.addEventListener("click", () => state.open && copyCode(state.open));
  ui.closeDetail.addEventListener("click", closeTimeline);

  // ---- Keyboard ------------------------------------------------------------------------

  function visibleCards() {
    return [...ui.messages.children].filter((item) => !item.hidden);
  }

  function move(step) {
    const cards = visibleCards();
    if (!cards.length) return;
    const index = cards.indexOf(document.activeElement);
    const next = index < 0 ? (step > 0 ? 0 : cards.length - 1) : Math.min(cards.length - 1, Math.max(0, index + step));
    cards[next].focus();
    cards[next].scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement || event.target instanceof HTMLTextAreaElement;
    if (event.key === "Escape") {
      if (typing && event.target === ui.filter && ui.filter.value) {
        ui.filter.value = "";
        ui.filter.dispatchEvent(new Event("input"));
      } else if (!ui.detail.hidden) {
        closeTimeline();
      } else if (typing) {
        event.target.blur();
      }
      return;
    }
    if (typing) return;
    const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.uuid : undefined;
    switch (event.key) {
      case "j": case "ArrowDown": move(1); break;
      case "k": case "ArrowUp": move(-1); break;
      case "Enter": if (focused) openTimeline(focused); else return; break;
      case "c": if (focused || state.open) copyCode(focused || state.open); else return; break;
      case "e": if (state.open && !ui.expire.disabled) ui.expire.click(); else return; break;
      case "/": ui.filter.focus(); break;
      default: return;
    }
    event.preventDefault();
  });

  // ---- Start ---------------------------------------------------------------------------

  load("")
    .then((sequence) => follow(sequence))
    .catch((error) => {
      toast(`The sandbox did not answer: ${error.message}`, true);
      setLive(false);
    });
})();
