"""The classroom server behind `make app`: Voila with guards, seats, a warm pool and a front page.

One job a module: ``_frames`` checks kernel websocket frames, ``_sanitize`` takes tracebacks out
of what kernels send, ``_seats`` counts the kernels each visitor holds, ``_catalogue`` reads the
lessons' titles for the front page, ``_pages`` writes the pages the server makes itself,
``_handlers`` are the Tornado handlers and ``_server`` wires them into Voila (with the template in
``templates/``). ``_probe`` is a scripted visitor for the tests and ``benchmarks/classroom.py``.
The instructor's view of the class's answers: ``_instructor`` (handlers, learner cookie),
``_class_view`` (the figures), ``_class_pages`` (the HTML); ``_learner_probe`` answers a quiz
as a browser does (``benchmarks/class_answers.py``). The store is ``_store``.
Start the server with ``python -m exposure_kit.app_server``.
"""

import sys

# rfc3987-syntax 1.1.0 compiles an Earley grammar when it is imported (about 0.9 s of CPU), and
# jsonschema imports it only to check the "iri" formats, which no Jupyter or Voila schema uses.
# Marked absent before Jupyter loads, jsonschema skips that one format and every classroom or hub
# server starts that much sooner (benchmarks/hub.py).
sys.modules.setdefault("rfc3987_syntax", None)
