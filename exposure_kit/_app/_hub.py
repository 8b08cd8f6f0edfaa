"""The classroom server as a JupyterHub single-user server (``make hub``, docs/hub.md).

JupyterHub starts one per learner with its settings in the environment (the address to listen
on, the URL prefix ``/user/NAME/``, the OAuth client); this reads them and runs the same
:class:`ClassroomVoila` as ``make app``, with the hub's login instead of Voila's token::

    python -m exposure_kit._app._hub build/app [Voila options ...]

The hub user is the learner: the instructor's view shows their hub name, the same on every
device they log in from. Run as a hub service (the instructor's view for the hub's admins),
``JUPYTERHUB_USER`` is unset and the server serves no lesson kernels of its own.
"""

from __future__ import annotations

import hashlib
import os
import sys
from urllib.parse import urlparse

from jupyter_server.utils import url_path_join
from jupyterhub.singleuser.extension import JupyterHubIdentityProvider

from ._server import ClassroomVoila


def learner_id(hub_user: str) -> str:
    """The learner id (24 hex digits, as the cookie's) that stands for a hub user.

    Examples
    --------
    >>> import re
    >>> ada = learner_id("ada")
    >>> bool(re.fullmatch("[0-9a-f]{24}", ada)), ada == learner_id("ada"), ada == learner_id("bob")
    (True, True, False)
    """
    return hashlib.sha256(f"exposure-kit hub user {hub_user}".encode()).hexdigest()[:24]


def hub_arguments(env: dict[str, str]) -> list[str]:
    """Voila's options for the address and prefix JupyterHub gave this server.

    Examples
    --------
    >>> hub_arguments({"JUPYTERHUB_SERVICE_URL": "http://127.0.0.1:51234/user/ada/",
    ...                "JUPYTERHUB_SERVICE_PREFIX": "/user/ada/"})[:3]
    ['--Voila.ip=127.0.0.1', '--port=51234', '--Voila.base_url=/user/ada/']
    """
    url = urlparse(env["JUPYTERHUB_SERVICE_URL"])
    return [f"--Voila.ip={url.hostname}", f"--port={url.port}",
            f"--Voila.base_url={env['JUPYTERHUB_SERVICE_PREFIX']}", "--Voila.port_retries=0",
            f"--Voila.identity_provider_class={__name__}.HubIdentity"]


class HubIdentity(JupyterHubIdentityProvider):
    """JupyterHub's login for Voila: Voila passes a token and a login page it does not need."""

    def __init__(self, token=None, login_handler_class=None, **kwargs):
        super().__init__(**kwargs)

    def get_handlers(self):
        # Voila adds these without its prefix; the hub calls back to /user/NAME/oauth_callback
        return [(url_path_join(self.parent.base_url, pattern), *rest)
                for pattern, *rest in super().get_handlers()]


class HubClassroomVoila(ClassroomVoila):
    """:class:`ClassroomVoila` whose learner is the hub user it was started for."""

    def init_settings(self):
        settings = super().init_settings()
        user = os.environ.get("JUPYTERHUB_USER", "")
        if user:
            settings["exposure_hub_learner"] = (learner_id(user), user)
        return settings


def main(argv: list[str] | None = None) -> None:
    """Start the server with the hub's settings after the given options."""
    argv = sys.argv[1:] if argv is None else argv
    HubClassroomVoila.launch_instance(argv + hub_arguments(dict(os.environ)))


if __name__ == "__main__":
    main()
