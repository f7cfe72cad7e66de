"""Logging in to the replica's Instagram and Facebook: the form and the cookies.

The dataset's `logins` name one account per site. A correct form sets the site's
session cookies, whose values are fixed by the seed and the account, so a saved
browser state stays valid for the same dataset; a wrong one shows the form again
with an error. The sites ask `session_cookie` for a session's cookie, which the
"expired-session" fault profile (faults.py) hides: the browser still sends it,
the site no longer knows it, as when a saved session expires without notice.
"""

import hashlib
from dataclasses import dataclass
from html import escape

from aiohttp import web

FORM = """<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>Log in • {site}</title></head>
<body>
<main role="main">
  <h1>{site}</h1>{error}
  <form id="login_form" method="post" action="{action}">
    <input name="{user_field}" type="text" autocomplete="username">
    <input name="{password_field}" type="password" autocomplete="current-password">
    <button type="submit">Log in</button>
  </form>
</main>
</body>
</html>
"""
ERROR = '\n  <p id="login_error" role="alert">{message}</p>'
# Set on a request whose session the site no longer knows (faults.py).
SESSION_EXPIRED = "mwatch_session_expired"


def session_cookie(request: web.Request, name: str) -> str | None:
    """The value of the session cookie `name`, as the site sees it: None when
    absent, or when the session it names has expired."""
    if request.get(SESSION_EXPIRED):
        return None
    return request.cookies.get(name)


def token(seed: int, *parts: str) -> str:
    """A cookie value the replica issues, fixed by the seed and `parts`."""
    return hashlib.sha256("|".join((str(seed), *parts)).encode()).hexdigest()


@dataclass(frozen=True)
class LoginForm:
    """One site's login: its form's fields, the account and the cookies it sets."""

    site: str
    action: str
    user_field: str
    password_field: str
    account: dict | None
    cookies: dict[str, str]
    path: str
    error: str

    def page(self, error: bool = False) -> web.Response:
        html = FORM.format(
            site=self.site,
            action=self.action,
            user_field=self.user_field,
            password_field=self.password_field,
            error=ERROR.format(message=escape(self.error)) if error else "",
        )
        return web.Response(text=html, content_type="text/html", charset="utf-8")

    async def show(self, request: web.Request) -> web.Response:
        """GET: the form."""
        return self.page()

    async def submit(self, request: web.Request) -> web.StreamResponse:
        """POST: the cookies and a redirect to the site's home, or the form again."""
        form = await request.post()
        given = (form.get(self.user_field), form.get(self.password_field))
        account = self.account
        if account is None or given != (account["username"], account["password"]):
            return self.page(error=True)
        response = web.HTTPFound(self.path + "/")
        for name, value in self.cookies.items():
            response.set_cookie(name, value, path=self.path, httponly=True)
        return response
