// Shared page behaviour: the remembered theme toggle and the phone-width menu.
// The theme lives in a cookie so the server renders it on the first paint (no flash, no inline script).

const THEME_COOKIE = "theme";
const YEAR = 60 * 60 * 24 * 365;

function systemTheme() {
  return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

export function currentTheme() {
  return document.documentElement.dataset.theme || systemTheme();
}

export function setTheme(theme) {
  document.documentElement.dataset.theme = theme;
  document.cookie = `${THEME_COOKIE}=${theme}; Path=/; Max-Age=${YEAR}; SameSite=Lax`;
  updateThemeLabel();
}

function updateThemeLabel() {
  const button = document.querySelector("[data-theme-toggle]");
  if (button) button.setAttribute("aria-pressed", String(currentTheme() === "dark"));
}

function initTheme() {
  const button = document.querySelector("[data-theme-toggle]");
  if (!button) return;
  updateThemeLabel();
  button.addEventListener("click", () => setTheme(currentTheme() === "dark" ? "light" : "dark"));
}

function initMenu() {
  const toggle = document.querySelector("[data-nav-toggle]");
  const nav = document.getElementById("site-nav");
  if (!toggle || !nav) return;
  toggle.addEventListener("click", () => {
    const open = nav.classList.toggle("open");
    toggle.setAttribute("aria-expanded", String(open));
  });
}

// Sign-out: the API call revokes the refresh token (its cookie is scoped to /api/v1/auth, so only that
// path sees it); the form's own POST then clears the page cookies. Without script the form still works.
function initLogout() {
  for (const form of document.querySelectorAll('form[action="/logout"]')) {
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const token = form.elements.csrf_token.value;
      try {
        await fetch("/api/v1/auth/logout", { method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": token } });
      } finally {
        form.submit();
      }
    });
  }
}

initTheme();
initMenu();
initLogout();
