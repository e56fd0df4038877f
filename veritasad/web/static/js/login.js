// The access token lives 15 minutes, the refresh token much longer, and only /api/v1/auth can see the
// refresh cookie. So a visitor sent here because the access token ran out gets the session renewed
// silently and goes back where they were going; anyone else just sees the form.
import { refreshSession } from "./api.js";

const next = document.querySelector('input[name="next"]')?.value || "/dashboard";
refreshSession().then((ok) => ok && window.location.replace(next));
