"""The classroom server behind `make app`: the lessons as Voila apps, safe to share on a network.

    python -m exposure_kit.app_server build/app --Voila.ip=0.0.0.0 --port=8866 \\
        --ClassroomVoila.max_kernels=40 --ClassroomVoila.class_pool=01=10

Every Voila option works as with ``voila``; what this adds (see ``exposure_kit._app``):

- kernel websockets only for clients that speak ``v1.kernel.websocket.jupyter.org``, every
  incoming frame checked before it is decoded, no traceback ever sent to a browser;
- at most ``max_kernels`` lesson kernels (default: sized from memory) and
  ``max_kernels_per_client`` per client address, with a plain page when the class is full;
- a front page listing the lessons by number, title and description;
- lesson pages that ask no other host for anything (no Font Awesome from a CDN);
- warm kernels for the lessons a class opens together (``class_pool``).
"""

from ._app._server import ClassroomVoila, main

__all__ = ["ClassroomVoila", "main"]

if __name__ == "__main__":
    main()
