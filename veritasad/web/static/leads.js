// Saler pages: drag a card (or pick a stage in its menu) to move a lead on the board; save a lead's
// fields and timeline entries; preview and run a CSV import. Everything goes through /api/v1/leads.
import { api, describe } from "/static/js/api.js";

// Texts in the page's language live in <template id="leads-text"> (its content is not in the document).
const texts = () => document.getElementById("leads-text")?.content;

const text = (key, values = {}) => {
  const node = texts()?.querySelector(`[data-key="${key}"]`);
  let out = node ? node.textContent : key;
  for (const [name, value] of Object.entries(values)) out = out.replace(`{${name}}`, value);
  return out;
};

function show(id, message) {
  const node = document.getElementById(id);
  if (!node) return;
  node.textContent = message || "";
  node.hidden = !message;
}

// --- board -------------------------------------------------------------------------------------

function refreshColumn(column) {
  const count = column.querySelectorAll(".lead-card").length;
  column.querySelector("[data-count]").textContent = count;
  column.querySelector(".board-empty").hidden = count > 0;
}

async function moveCard(card, stage) {
  const from = card.closest(".board-column");
  const to = document.querySelector(`.board-column[data-stage="${CSS.escape(stage)}"]`);
  if (!to || from === to) return;
  const previous = card.nextElementSibling;
  to.querySelector("[data-dropzone]").prepend(card);  // move at once; undo if the server refuses
  refreshColumn(from);
  refreshColumn(to);
  show("board-error", "");
  try {
    await api(`/api/v1/leads/${card.dataset.leadId}`, {
      method: "PATCH",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ stage }),
    });
    card.dataset.stage = stage;
    card.querySelector("[data-move]").value = stage;
    show("board-status", text("moved", { stage }));
  } catch (error) {
    from.querySelector("[data-dropzone]").insertBefore(card, previous);
    card.querySelector("[data-move]").value = card.dataset.stage;
    refreshColumn(from);
    refreshColumn(to);
    show("board-error", text("move_failed", { reason: describe(error) }));
  }
}

function setUpBoard(board) {
  board.addEventListener("dragstart", (event) => {
    const card = event.target.closest(".lead-card");
    if (!card) return;
    event.dataTransfer.setData("text/plain", card.dataset.leadId);
    event.dataTransfer.effectAllowed = "move";
    card.classList.add("dragging");
  });
  board.addEventListener("dragend", (event) => event.target.closest(".lead-card")?.classList.remove("dragging"));
  for (const column of board.querySelectorAll(".board-column")) {
    column.addEventListener("dragover", (event) => {
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      column.classList.add("drop-target");
    });
    column.addEventListener("dragleave", (event) => {
      if (!column.contains(event.relatedTarget)) column.classList.remove("drop-target");
    });
    column.addEventListener("drop", (event) => {
      event.preventDefault();
      column.classList.remove("drop-target");
      const id = event.dataTransfer.getData("text/plain");
      const card = board.querySelector(`.lead-card[data-lead-id="${CSS.escape(id)}"]`);
      if (card) moveCard(card, column.dataset.stage);
    });
  }
  board.addEventListener("change", (event) => {
    if (event.target.matches("[data-move]")) moveCard(event.target.closest(".lead-card"), event.target.value);
  });
}

// --- one lead ----------------------------------------------------------------------------------

function leadChanges(form) {
  const data = new FormData(form);
  const when = data.get("next_follow_up_at");
  return {
    stage: data.get("stage"),
    owner_id: data.get("owner_id") ? Number(data.get("owner_id")) : null,
    next_follow_up_at: when ? `${when}:00Z` : null,
    lost_reason: data.get("lost_reason") || null,
    tags: String(data.get("tags") || "").split(",").map((t) => t.trim()).filter(Boolean),
    notes: data.get("notes") || "",
  };
}

function setUpLead(root) {
  const id = root.dataset.lead;
  const send = async (url, method, body) => {
    show("lead-error", "");
    try {
      await api(url, { method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      window.location.reload();
    } catch (error) {
      show("lead-error", describe(error));
    }
  };
  root.querySelector("[data-lead-form]").addEventListener("submit", (event) => {
    event.preventDefault();
    send(`/api/v1/leads/${id}`, "PATCH", leadChanges(event.target));
  });
  root.querySelector("[data-activity-form]").addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(event.target);
    send(`/api/v1/leads/${id}/activities`, "POST", { kind: data.get("kind"), body: data.get("body") });
  });
}

// --- a new lead (list page) ---------------------------------------------------------------------

function setUpNewLead(form) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = Object.fromEntries([...new FormData(form)].filter(([, value]) => String(value).trim()));
    body.source = "manual";
    show("new-lead-error", "");
    try {
      const saved = await api("/api/v1/leads", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      window.location.assign(`/leads/${saved.lead.id}`);  // a duplicate opens the lead it merged into
    } catch (error) {
      const fields = (error.details?.fields || []).map((f) => `${f.field.replace("body.", "")}: ${f.message}`);
      show("new-lead-error", [describe(error), ...fields].join(" · "));
    }
  });
}

// --- CSV import --------------------------------------------------------------------------------

function mappingSelects(container, mapping) {
  const fields = [...(texts()?.querySelectorAll("[data-field]") || [])].map((n) => n.dataset.field);
  container.replaceChildren();
  Object.entries(mapping).forEach(([column, field], i) => {
    const wrap = document.createElement("div");
    wrap.className = "field";
    const label = document.createElement("label");
    label.htmlFor = `map-${i}`;
    label.textContent = column;
    const select = document.createElement("select");
    select.id = `map-${i}`;
    select.dataset.column = column;
    for (const value of ["", ...fields]) {
      const option = new Option(value || text("ignore"), value, false, value === (field || ""));
      select.append(option);
    }
    wrap.append(label, select);
    container.append(wrap);
  });
}

function currentMapping(container) {
  const selects = container.querySelectorAll("select[data-column]");
  if (!selects.length) return null;
  return Object.fromEntries([...selects].map((s) => [s.dataset.column, s.value || null]));
}

function showErrors(errors) {
  const wrap = document.getElementById("import-errors");
  const body = wrap.querySelector("tbody");
  body.replaceChildren(...errors.map((e) => {
    const row = document.createElement("tr");
    for (const value of [e.row, e.column, e.error]) {
      const cell = document.createElement("td");
      cell.textContent = value;
      row.append(cell);
    }
    return row;
  }));
  wrap.hidden = errors.length === 0;
}

function setUpImport(form) {
  const fieldset = form.querySelector("[data-mapping]");
  const container = form.querySelector("[data-mapping-fields]");
  const importButton = form.querySelector('[data-action="import"]');
  form.querySelector('input[type="file"]').addEventListener("change", () => {
    container.replaceChildren();
    fieldset.hidden = true;
    importButton.disabled = true;
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const action = event.submitter?.dataset.action || "preview";
    const data = new FormData();
    data.append("file", form.querySelector('input[type="file"]').files[0]);
    data.append("encoding", form.querySelector('select[name="encoding"]').value);
    const mapping = currentMapping(container);
    if (mapping) data.append("mapping", JSON.stringify(mapping));
    show("import-error", "");
    show("import-summary", "");
    try {
      if (action === "import") {
        const result = await api("/api/v1/leads/import", { method: "POST", body: data });
        show("import-summary", text("done", result));
        importButton.disabled = true;
        showErrors([]);
        return;
      }
      const preview = await api("/api/v1/leads/import/preview", { method: "POST", body: data });
      mappingSelects(container, preview.mapping);
      fieldset.hidden = false;
      show("import-summary", text("summary", {
        total: preview.total_rows, create: preview.would_create, merge: preview.would_merge.length,
        errors: preview.error_count,
      }));
      showErrors(preview.errors);
      importButton.disabled = preview.error_count > 0;
    } catch (error) {
      show("import-error", describe(error));
      showErrors(error.details?.errors || []);
    }
  });
}

const board = document.querySelector("[data-board]");
if (board) setUpBoard(board);
const lead = document.querySelector("[data-lead]");
if (lead) setUpLead(lead);
const newLead = document.querySelector("[data-new-lead]");
if (newLead) setUpNewLead(newLead);
const importForm = document.querySelector("[data-import-form]");
if (importForm) setUpImport(importForm);
