"""A JupyterHub login for a classroom: a class code and a nickname, no personal data.

Learners type the code the instructor gives out (on the board, for one class) and a nickname of
their choosing; instructors type the instructor's code instead and become the hub's admins. No
e-mail, no real name, no password of a learner's own is asked for or kept: the hub stores the
nickname as its user name, and the class store records answers under it.

A nickname is held by its learner while their server runs, or was used within
``ClassCodeAuthenticator.nickname_hold_hours``: another learner typing the same nickname is
refused and picks another; the browser that took it gets it back (a signed cookie). Nicknames of
the hub's admins are never given to a learner.

A university's own login instead (no class code): ``pip install oauthenticator`` and, in
``jupyterhub_config.py``, ``c.JupyterHub.authenticator_class = "generic-oauth"`` (or
``"azuread"``, ``"google"``, ``"cilogon"``) with the client id, secret and URLs the
university's identity team issues, ``c.Authenticator.admin_users`` for the instructors and
``c.OAuthenticator.allowed_groups`` (or ``allow_all``) for the class; see docs/hub.md. The
hub user names are then the university's ids: personal data, which the class store keeps.
"""

from __future__ import annotations

import hmac
import re
from datetime import datetime, timedelta, timezone

from jupyterhub.auth import Authenticator
from traitlets import Float, Unicode, default

#: What a nickname may be (it becomes a URL path and a hub user name).
NICKNAME = re.compile(r"[a-z0-9][a-z0-9_-]{1,23}")
#: The browser's claim on the nickname it took.
CLAIM_COOKIE = "ek-class-nickname"


def _same(given: str, expected: str) -> bool:
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


class ClassCodeAuthenticator(Authenticator):
    """A class code and a nickname; the instructor's code makes an admin."""

    class_code = Unicode("", config=True, help="The code learners type to join the class "
                         "(give it out in the room). Empty: no learner can log in.")
    instructor_code = Unicode("", config=True, help="The code that logs an instructor in as "
                              "one of the hub's admins (who see the instructor's view). Keep it "
                              "apart from the class code.")
    nickname_hold_hours = Float(12.0, config=True, help="Hours a nickname stays held for the "
                                "learner who used it last, while their server is stopped.")

    @default("allow_all")
    def _allow_all(self):
        return True     # anyone with the class code is in the class

    @default("auto_login")
    def _auto_login(self):
        return False

    @default("allow_existing_users")
    def _allow_existing(self):
        return True

    def normalize_username(self, username: str) -> str:
        return " ".join(str(username).split()).lower()

    def validate_username(self, username: str) -> bool:
        return bool(NICKNAME.fullmatch(username))

    async def authenticate(self, handler, data: dict) -> dict | None:
        name = self.normalize_username(data.get("username", ""))
        code = str(data.get("password", ""))
        admin = _same(code, self.instructor_code)
        if not (admin or _same(code, self.class_code)) or not self.validate_username(name):
            self.log.info("refused a login: wrong code or a nickname outside %s",
                          NICKNAME.pattern)
            return None
        claim = handler.get_secure_cookie(CLAIM_COOKIE, max_age_days=1)
        if not admin and self._held_by_another(handler, name, claim):
            self.log.info("refused nickname %r: held by another learner", name)
            return None
        handler.set_secure_cookie(CLAIM_COOKIE, name, expires_days=1, httponly=True,
                                  samesite="Lax")
        return {"name": name, "admin": admin}

    def _held_by_another(self, handler, name: str, claim: bytes | None) -> bool:
        user = handler.find_user(name)
        if user is None or (claim or b"").decode() == name and not user.admin:
            return False
        if user.admin:
            return True
        last = user.orm_user.last_activity
        if last is not None and last.tzinfo is None:
            last = last.replace(tzinfo=timezone.utc)
        recent = last is not None and datetime.now(timezone.utc) - last < timedelta(
            hours=self.nickname_hold_hours)
        return user.active or recent
