// The analysis page: live progress over SSE while it runs; afterwards the player, the ad timeline
// (click a marker to seek), the segment list and the evidence frames.
import { refreshSession } from "./api.js";

const FINISHED = new Set(["done", "failed"]);

function followProgress(section) {
  const id = section.dataset.analysisId;
  const bar = section.querySelector("progress");
  const percentText = section.querySelector("[data-percent]");
  const stageEl = section.querySelector("[data-stage]");
  const warning = section.querySelector("[data-stream-error]");
  const stageNames = [...section.querySelectorAll("[data-stage-name]")];
  let refreshed = false;

  const names = section.querySelector("#stage-names").content;
  const label = (stage) => names.querySelector(`[data-name="${CSS.escape(stage)}"]`)?.textContent || stage;

  const show = (data) => {
    if (typeof data.percent === "number") {
      const percent = Math.max(Number(bar.value), Math.min(100, data.percent));
      bar.value = percent;
      percentText.textContent = String(Math.round(percent));
    }
    if (data.stage) {
      stageEl.textContent = label(data.stage);
      const index = stageNames.findIndex((li) => li.dataset.stageName === data.stage);
      if (index >= 0) {
        stageNames.forEach((li, i) => {
          li.classList.toggle("done", i < index);
          li.classList.toggle("current", i === index);
        });
      }
    }
  };

  // The server renders the finished page (the report, or the failure in plain words); reload once the
  // stored status says finished, so a reload can never land on the running page again.
  const finish = async (name) => {
    if (name === "done") {
      show({ percent: 100, stage: "done" });
      for (const li of stageNames) {
        li.classList.remove("current");
        li.classList.add("done");
      }
    }
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        const res = await fetch(`/api/v1/analyses/${id}/status`, { credentials: "same-origin" });
        if (res.ok && FINISHED.has((await res.json()).status)) break;
      } catch {
        /* try again */
      }
      await new Promise((ok) => setTimeout(ok, 500));
    }
    window.location.reload();
  };

  const open = () => {
    const source = new EventSource(`/api/v1/analyses/${id}/stream`);
    source.addEventListener("progress", (e) => show(JSON.parse(e.data)));
    for (const name of FINISHED) {
      source.addEventListener(name, () => {
        source.close();
        finish(name);
      });
    }
    source.onopen = () => (warning.hidden = true);
    source.onerror = async () => {
      if (source.readyState !== EventSource.CLOSED) return; // the browser reconnects by itself
      warning.hidden = false;
      if (!refreshed && (await refreshSession())) {
        refreshed = true;
        open();
      }
    };
  };
  open();
}

function initTimeline(video, timeline) {
  const markers = [...timeline.querySelectorAll(".marker")];
  const playhead = timeline.querySelector(".playhead");
  const duration = () => (video && Number.isFinite(video.duration) && video.duration) || Number(timeline.dataset.duration) || 0;

  const layout = () => {
    const total = duration();
    if (!total) return;
    for (const m of markers) {
      const start = Number(m.dataset.start);
      const end = Number(m.dataset.end);
      m.style.left = `${(start / total) * 100}%`;
      m.style.width = `${Math.max(((end - start) / total) * 100, 0.8)}%`;
    }
  };

  const seek = (seconds) => {
    if (!video) return;
    video.currentTime = seconds;
    video.focus({ preventScroll: true });
  };

  for (const m of markers) m.addEventListener("click", () => seek(Number(m.dataset.start)));
  for (const b of document.querySelectorAll("[data-seek]")) {
    b.addEventListener("click", () => {
      seek(Number(b.dataset.seek));
      video?.scrollIntoView({ behavior: "smooth", block: "center" });
    });
  }

  if (video) {
    video.addEventListener("loadedmetadata", layout);
    video.addEventListener("timeupdate", () => {
      const total = duration();
      if (total) playhead.style.left = `${(video.currentTime / total) * 100}%`;
      for (const m of markers) {
        const inside = video.currentTime >= Number(m.dataset.start) && video.currentTime < Number(m.dataset.end);
        document.getElementById(`seg-${m.dataset.segment}`)?.classList.toggle("active", inside);
      }
    });
  }
  layout();
}

// Evidence frames are cut from the video itself: a second, hidden video seeks to each time and the
// frame is drawn onto a canvas (same origin, so the canvas may be read back).
async function captureFrames(src) {
  const figures = [...document.querySelectorAll("[data-frame-at]")];
  if (!src || !figures.length) return;
  const probe = document.createElement("video");
  probe.muted = true;
  probe.preload = "auto";
  probe.src = src;
  await new Promise((ok, fail) => {
    probe.addEventListener("loadeddata", ok, { once: true });
    probe.addEventListener("error", fail, { once: true });
  });
  const canvas = document.createElement("canvas");
  for (const fig of figures) {
    probe.currentTime = Number(fig.dataset.frameAt) + 0.05;
    await new Promise((ok) => probe.addEventListener("seeked", ok, { once: true }));
    canvas.width = 320;
    canvas.height = Math.round((320 * probe.videoHeight) / (probe.videoWidth || 320)) || 180;
    canvas.getContext("2d").drawImage(probe, 0, 0, canvas.width, canvas.height);
    const img = fig.querySelector("img");
    img.src = canvas.toDataURL("image/jpeg", 0.8);
    img.hidden = false;
  }
  probe.removeAttribute("src");
  probe.load();
}

const live = document.getElementById("live");
if (live) followProgress(live);

const timeline = document.getElementById("timeline");
const video = document.getElementById("player");
if (timeline) initTimeline(video, timeline);
if (video) captureFrames(video.currentSrc || video.src).catch(() => {});

