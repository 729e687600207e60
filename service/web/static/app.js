// SoHoa web pages: drag-and-drop upload, live batch progress, and the keyboard-first
// review workstation. No framework: a few listeners over server-rendered pages.
"use strict";
const csrf = () => document.querySelector('meta[name="csrf-token"]').content;

async function post(url, body) {
  const res = await fetch(url, {
    method: "POST", credentials: "same-origin",
    headers: {"Content-Type": "application/json", "Accept": "application/json",
              "X-CSRF-Token": csrf()},
    body: JSON.stringify(body || {}),
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.detail || data.title || res.statusText);
  return data;
}

// --- upload -----------------------------------------------------------------------------
function setupUpload() {
  const form = document.getElementById("upload-form");
  if (!form) return;
  const drop = document.getElementById("drop"), input = document.getElementById("files");
  const list = document.getElementById("picked"), status = document.getElementById("upload-status");
  let picked = [];
  const show = () => {
    list.innerHTML = "";
    for (const f of picked) {
      const li = document.createElement("li");
      li.textContent = `${f.name} (${Math.ceil(f.size / 1024)} KB)`;
      list.appendChild(li);
    }
  };
  input.addEventListener("change", () => { picked = picked.concat([...input.files]); show(); });
  ["dragenter", "dragover"].forEach(e => drop.addEventListener(e, ev => {
    ev.preventDefault(); drop.classList.add("over"); }));
  ["dragleave", "drop"].forEach(e => drop.addEventListener(e, ev => {
    ev.preventDefault(); drop.classList.remove("over"); }));
  drop.addEventListener("drop", ev => { picked = picked.concat([...ev.dataTransfer.files]); show(); });
  form.addEventListener("submit", async ev => {
    ev.preventDefault();
    if (!picked.length) { status.textContent = "Choose or drop some files first."; return; }
    const data = new FormData(form);
    data.delete("files");
    for (const f of picked) data.append("files", f, f.name);
    status.textContent = `Sending ${picked.length} file(s)…`;
    const res = await fetch("/upload", {method: "POST", body: data, credentials: "same-origin",
                                        headers: {"Accept": "application/json"}});
    const out = await res.json().catch(() => ({}));
    if (!res.ok) { status.textContent = "Upload refused: " + (out.detail || res.statusText); return; }
    window.location = out.url;
  });
}

// --- batch progress ---------------------------------------------------------------------
function setupProgress() {
  const box = document.getElementById("progress");
  if (!box) return;
  const tick = async () => {
    const res = await fetch(box.dataset.url, {credentials: "same-origin"});
    if (!res.ok) return;
    const p = await res.json();
    for (const k of ["received", "processed", "verified", "needs_review", "rejected", "failed"])
      document.getElementById("c-" + k).textContent = p[k];
    document.getElementById("bar-fill").style.width = `${Math.round(100 * p.processed / (p.files || 1))}%`;
    const st = document.getElementById("run-state");
    st.textContent = p.state; st.className = "state " + p.state;
    document.getElementById("run-error").textContent = p.error || "";
    document.getElementById("batches").textContent = p.batches.join(", ");
    box.dataset.state = p.state;
    const rows = document.getElementById("records");
    rows.querySelectorAll("tr:not(:first-child)").forEach(r => r.remove());
    for (const r of p.records) {
      const tr = rows.insertRow();
      tr.innerHTML = `<td><a href="/records/${r.record_id}"></a></td><td></td><td><span class="state ${r.status}"></span></td>`;
      tr.cells[0].firstChild.textContent = r.filename;
      tr.cells[1].textContent = r.doc_type || "";
      tr.cells[2].firstChild.textContent = r.status;
    }
    const shownFailures = document.querySelectorAll("#failures tr:not(.none)").length - 1;
    const shownRejections = Math.max(0, document.querySelectorAll("#rejections tr").length - 1);
    if (p.finished && (p.failures.length !== shownFailures || p.rejections.length !== shownRejections)) {
      window.location.reload();  // the failed list (with retry buttons) is server-rendered
      return;
    }
    if (!p.finished) setTimeout(tick, 1000);
  };
  setTimeout(tick, 500);
}

// --- review workstation -----------------------------------------------------------------
function setupWorkstation() {
  const ws = document.getElementById("ws");
  if (!ws) return;
  const rid = ws.dataset.record;
  const message = document.getElementById("ws-message");
  const fields = [...document.querySelectorAll(".field")];
  const say = (text, bad) => { message.textContent = text; message.className = bad ? "error" : "hint"; };
  let busy = false;

  const highlight = (key) => {
    document.querySelectorAll("rect.box").forEach(r => r.classList.toggle("current", r.dataset.key === key));
    fields.forEach(f => f.classList.toggle("current", f.dataset.key === key));
    const rect = document.querySelector(`rect.box[data-key="${key}"]`);
    if (rect) rect.closest(".page").scrollIntoView({block: "nearest"});
  };
  const nextTodo = (after) => {
    const todo = fields.filter(f => f.classList.contains("todo"));
    const i = todo.findIndex(f => f.dataset.key === after);
    return todo.find((f, j) => j > i) || todo[0];
  };
  const focusField = (f) => {
    if (!f) { document.getElementById("approve").focus(); highlight(null); return; }
    const inp = f.querySelector("input.val");
    inp.focus(); inp.select();
  };

  async function decide(f) {
    if (busy) return;
    busy = true;
    const inp = f.querySelector("input.val"), key = f.dataset.key;
    const typed = inp.value === f.dataset.shown ? null : inp.value;
    try {
      const out = await post(`/review/${rid}/fields/${encodeURIComponent(key)}`, {typed});
      const shown = out.value === null ? "" : String(out.value);
      f.dataset.shown = shown; inp.value = shown;
      f.className = `field ${out.state}`;
      f.querySelector(".fstate").textContent = out.state;
      const norm = f.querySelector(".norm"); if (norm) norm.textContent = shown || "blank";
      f.querySelector(".issues").innerHTML = out.issues.map(i => `<span class="tag"></span>`).join("");
      f.querySelectorAll(".issues .tag").forEach((t, i) => t.textContent = out.issues[i]);
      for (const [k, issues] of Object.entries(out.changed)) {
        const other = document.getElementById("f-" + k);
        if (!other) continue;
        other.querySelector(".issues").innerHTML = "";
        for (const i of issues) { const t = document.createElement("span"); t.className = "tag"; t.textContent = i; other.querySelector(".issues").appendChild(t); }
      }
      document.querySelectorAll(`rect.box[data-key="${key}"]`).forEach(r => r.setAttribute("class", `box ${out.state}`));
      document.getElementById("flagged-left").textContent = out.flagged_left;
      document.getElementById("persons-left").textContent = out.persons_left;
      say(`${key}: ${out.state}${out.issues.length ? " — check: " + out.issues.join(", ") : ""}`, out.issues.length > 0);
      focusField(nextTodo(key));
    } catch (err) {
      say(`${key}: ${err.message}`, true);
    } finally { busy = false; }
  }

  fields.forEach(f => {
    const inp = f.querySelector("input.val");
    inp.addEventListener("focus", () => highlight(f.dataset.key));
    inp.addEventListener("keydown", ev => {
      if (ev.key === "Enter" && !ev.altKey && !ev.ctrlKey) { ev.preventDefault(); decide(f); }
      if (ev.key === "Escape") { inp.value = f.dataset.shown; inp.select(); }
    });
  });
  document.querySelectorAll("rect.box").forEach(r => r.addEventListener("click", () => {
    const f = document.getElementById("f-" + r.dataset.key); if (f) focusField(f);
  }));
  document.addEventListener("keydown", ev => {
    if (!ev.altKey) return;
    const k = ev.key.toLowerCase();
    if (k === "a") { ev.preventDefault(); document.getElementById("approve-form").requestSubmit(); }
    if (k === "r") { ev.preventDefault(); document.getElementById("reject-reason").focus(); }
  });
  if (ws.dataset.claimed === "1") focusField(nextTodo(null));
}

// Alt+N: the next record to review, from the workstation or a record's page
function setupNextKey() {
  document.addEventListener("keydown", ev => {
    const form = document.getElementById("next-form");
    if (form && ev.altKey && ev.key.toLowerCase() === "n") { ev.preventDefault(); form.requestSubmit(); }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  setupUpload(); setupProgress(); setupWorkstation(); setupNextKey();
});
