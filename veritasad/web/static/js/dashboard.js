// API keys on the dashboard: create (the full key is shown once, with a copy button) and revoke.
import { api, describe } from "./api.js";

const form = document.getElementById("key-form");
const table = document.querySelector("#key-table tbody");
const newKey = document.getElementById("new-key");
const newKeyValue = document.getElementById("new-key-value");
const copyButton = document.getElementById("copy-key");
const errorBox = document.getElementById("key-error");

function fail(error) {
  errorBox.textContent = describe(error);
  errorBox.hidden = false;
}

function addRow(key) {
  const row = document.getElementById("key-row").content.firstElementChild.cloneNode(true);
  row.dataset.keyId = key.id;
  row.querySelector('[data-f="name"]').textContent = key.name || "—";
  row.querySelector('[data-f="prefix"]').textContent = `${key.prefix}…`;
  row.querySelector('[data-f="created"]').textContent = key.created_at.slice(0, 10);
  const revoke = row.querySelector("button");
  revoke.dataset.revoke = key.id;
  revoke.setAttribute("aria-label", `${revoke.textContent} ${key.name || key.prefix}`);
  table.prepend(row);
  table.querySelector("[data-empty]").hidden = true;
}

form.addEventListener("submit", async (e) => {
  e.preventDefault();
  errorBox.hidden = true;
  try {
    const key = await api("/api/v1/api-keys", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: form.elements.name.value.trim() }),
    });
    newKeyValue.textContent = key.key;
    newKey.hidden = false;
    copyButton.focus();
    addRow(key);
    form.reset();
  } catch (error) {
    fail(error);
  }
});

copyButton.addEventListener("click", async () => {
  const original = copyButton.dataset.label || copyButton.textContent;
  copyButton.dataset.label = original;
  try {
    await navigator.clipboard.writeText(newKeyValue.textContent);
  } catch {
    // No clipboard permission (plain http, old browser): select the text so Ctrl+C works.
    const range = document.createRange();
    range.selectNodeContents(newKeyValue);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
  }
  copyButton.textContent = copyButton.dataset.copied;
  setTimeout(() => (copyButton.textContent = original), 2000);
});

table.addEventListener("click", async (e) => {
  const button = e.target.closest("[data-revoke]");
  if (!button || !window.confirm(button.dataset.confirm)) return;
  try {
    await api(`/api/v1/api-keys/${button.dataset.revoke}`, { method: "DELETE" });
    button.replaceWith(document.getElementById("revoked-badge").content.firstElementChild.cloneNode(true));
  } catch (error) {
    fail(error);
  }
});
