// Calls to /api/v1 from pages: the cookie session plus the CSRF header, one silent refresh when the
// 15-minute access token has run out, and errors as {code, message} objects.

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

function cookie(name) {
  const found = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
  return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
}

// The cookie is fresher than the meta tag after a refresh.
export function csrfToken() {
  return cookie("csrf_token") || document.querySelector('meta[name="csrf-token"]')?.content || "";
}

export async function refreshSession() {
  const res = await fetch("/api/v1/auth/refresh", {
    method: "POST",
    credentials: "same-origin",
    headers: { "X-CSRF-Token": csrfToken() },
  });
  return res.ok;
}

export async function errorFrom(res) {
  let body = {};
  try {
    body = await res.json();
  } catch {
    /* not JSON: keep the status text */
  }
  return new ApiError(res.status, body.error_code || "HTTP_" + res.status, body.message || res.statusText, body.details);
}

export async function api(url, options = {}, retried = false) {
  const headers = { Accept: "application/json", "X-CSRF-Token": csrfToken(), ...(options.headers || {}) };
  const res = await fetch(url, { credentials: "same-origin", ...options, headers });
  if (res.status === 401 && !retried && (await refreshSession())) return api(url, options, true);
  if (!res.ok) throw await errorFrom(res);
  return res.status === 204 ? null : res.json();
}

// Error messages in the page's language: <template id="error-messages"> holds data-code → text.
export function describe(error) {
  const messages = document.getElementById("error-messages");
  const node = messages?.content.querySelector(`[data-code="${CSS.escape(error.code)}"]`);
  return node ? node.textContent : error.message;
}
