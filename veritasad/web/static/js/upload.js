// The analyse page: choose or drop a file (or paste a link), pick options, upload with a real progress
// bar (XMLHttpRequest reports upload progress; fetch does not), then go to the analysis page.
import { ApiError, api, csrfToken, describe } from "./api.js";

const form = document.getElementById("analyze-form");
const fileInput = document.getElementById("file");
const dropzone = document.getElementById("dropzone");
const fileName = document.getElementById("file-name");
const errorBox = document.getElementById("analyze-error");
const statusBox = document.getElementById("upload-status");
const bar = document.getElementById("upload-progress");
const percentText = document.getElementById("upload-percent");
const submit = document.getElementById("analyze-submit");
const tabs = [...form.querySelectorAll('[role="tab"]')];
let chosen = null;

function selectTab(tab) {
  for (const t of tabs) {
    const selected = t === tab;
    t.setAttribute("aria-selected", String(selected));
    t.tabIndex = selected ? 0 : -1;
    document.getElementById(t.getAttribute("aria-controls")).hidden = !selected;
  }
}
tabs.forEach((tab, i) => {
  tab.addEventListener("click", () => selectTab(tab));
  tab.addEventListener("keydown", (e) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
    if (!step) return;
    const next = tabs[(i + step + tabs.length) % tabs.length];
    selectTab(next);
    next.focus();
  });
});
const mode = () => (tabs[0].getAttribute("aria-selected") === "true" ? "file" : "url");

function choose(file) {
  chosen = file || null;
  if (chosen) fileName.textContent = `${chosen.name} · ${(chosen.size / 1048576).toFixed(1)} MB`;
  hideError();
}
fileInput.addEventListener("change", () => choose(fileInput.files[0]));
for (const name of ["dragenter", "dragover"]) {
  dropzone.addEventListener(name, (e) => {
    e.preventDefault();
    dropzone.classList.add("dragover");
  });
}
for (const name of ["dragleave", "drop"]) {
  dropzone.addEventListener(name, () => dropzone.classList.remove("dragover"));
}
dropzone.addEventListener("drop", (e) => {
  e.preventDefault();
  if (e.dataTransfer.files.length) choose(e.dataTransfer.files[0]);
});
// The label opens the file chooser on click; make it answer Enter and Space too.
dropzone.tabIndex = 0;
dropzone.addEventListener("keydown", (e) => {
  if (e.key === "Enter" || e.key === " ") {
    e.preventDefault();
    fileInput.click();
  }
});

function showError(error) {
  errorBox.textContent = describe(error);
  errorBox.hidden = false;
  statusBox.hidden = true;
  submit.disabled = false;
}
function hideError() {
  errorBox.hidden = true;
}

function options() {
  const data = new FormData(form);
  return {
    language: data.get("language"),
    ocr: data.has("ocr"),
    qr: data.has("qr"),
    regimes: data.getAll("regimes"),
  };
}

function setProgress(percent) {
  bar.value = percent;
  percentText.textContent = `${Math.round(percent)} %`;
}

function upload(file, opts) {
  return new Promise((resolve, reject) => {
    const body = new FormData();
    body.append("file", file, file.name);
    body.append("options", JSON.stringify(opts));
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v1/analyses");
    xhr.setRequestHeader("X-CSRF-Token", csrfToken());
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) setProgress((e.loaded / e.total) * 100);
    });
    xhr.addEventListener("load", () => {
      let payload = {};
      try {
        payload = JSON.parse(xhr.responseText || "{}");
      } catch {
        /* keep {} */
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(payload);
      else reject(new ApiError(xhr.status, payload.error_code || `HTTP_${xhr.status}`, payload.message || xhr.statusText));
    });
    xhr.addEventListener("error", () => reject(new ApiError(0, "NETWORK", "Network error")));
    xhr.send(body);
  });
}

form.addEventListener("submit", async (e) => {
  e.preventDefault();
  hideError();
  const opts = options();
  if (!opts.regimes.length) return showError({ code: "NO_REGIME" });
  const url = form.elements.url.value.trim();
  if (mode() === "file" && !chosen) return showError({ code: "NO_FILE" });
  if (mode() === "url" && !url) return showError({ code: "NO_URL" });
  if (mode() === "file" && chosen.size > Number(form.dataset.maxBytes)) return showError({ code: "TOO_BIG" });
  submit.disabled = true;
  try {
    await api("/api/v1/auth/me"); // refreshes an expired session before the bytes are sent
    let created;
    if (mode() === "file") {
      statusBox.hidden = false;
      setProgress(0);
      created = await upload(chosen, opts);
      setProgress(100);
      document.getElementById("upload-label").textContent =
        document.getElementById("upload-texts").content.querySelector("[data-done]").textContent;
    } else {
      created = await api("/api/v1/analyses", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ url, options: opts }),
      });
    }
    window.location.assign(`/analysis/${created.id}`);
  } catch (error) {
    showError(error);
  }
});
