"""A learner's answer can loop forever or raise anything: every check still ends, within its
time limit, with a verdict."""

from __future__ import annotations

import signal
import sys
import threading
import time

import pytest

from exposure_kit.exercises import INCORRECT, FunctionQuestion, NumberQuestion


def net(long, short):
    return long - short


def function_question(limit: float = 1.0) -> FunctionQuestion:
    question = FunctionQuestion("Net", "Write net(long, short).", "net", net,
                                [(150_000, 100_000), (0, 5)], hints=["long - short"],
                                solution="def net(long, short):\n    return long - short")
    question.time_limit = limit
    return question


def loops_forever(long, short):
    while True:
        pass


def sleeps(long, short):
    time.sleep(60)


def timed_check(question, answer):
    start = time.monotonic()
    result = question.check(answer)
    return result, time.monotonic() - start


@pytest.mark.parametrize("answer", [loops_forever, sleeps])
def test_a_function_that_never_returns_gets_a_verdict_on_the_main_thread(answer):
    assert threading.current_thread() is threading.main_thread()   # as in a Jupyter kernel
    result, took = timed_check(function_question(1.0), answer)
    assert result.status == INCORRECT and "did not finish within 1 seconds" in result.message
    assert took < 5


def test_the_timer_is_put_back_after_a_check():
    handler = signal.getsignal(signal.SIGALRM)           # pytest-timeout's, if it is in use
    delay = signal.getitimer(signal.ITIMER_REAL)[0]
    for answer in (net, loops_forever):
        function_question(0.5).check(answer)
        assert signal.getsignal(signal.SIGALRM) == handler
        assert (signal.getitimer(signal.ITIMER_REAL)[0] > 0) == (delay > 0)
    if not delay:
        time.sleep(0.6)        # no stray alarm arrives after the check


def test_a_function_that_never_returns_gets_a_verdict_off_the_main_thread():
    box = {}
    worker = threading.Thread(target=lambda: box.update(r=timed_check(function_question(1.0),
                                                                      loops_forever)))
    worker.start()
    worker.join(10)
    result, took = box["r"]
    assert result.status == INCORRECT and "did not finish" in result.message and took < 5


@pytest.mark.parametrize("error", [SystemExit, KeyboardInterrupt, GeneratorExit])
def test_every_exception_an_answer_raises_is_a_verdict(error):
    def raises(long, short):
        raise error("stop")
    result = function_question().check(raises)
    assert result.status == INCORRECT and error.__name__ in result.message


def test_an_answer_object_that_exits_is_a_verdict_in_a_number_question():
    class Exits(float):
        def __float__(self):
            sys.exit(3)
    question = NumberQuestion("Net", "What is the net?", 50_000.0, hints=["long - short"],
                              solution="answer = 150_000 - 100_000")
    result = question.check(Exits())
    assert result.status == INCORRECT and "SystemExit" in result.message


def test_a_correct_function_is_still_correct():
    assert function_question().check(net).status == "correct"


@pytest.mark.notebook
def test_in_a_jupyter_kernel_a_looping_function_gets_a_verdict():
    """The lessons run check() in a kernel's cell, on its main thread: try it there."""
    from jupyter_client.manager import start_new_kernel
    outputs: list[dict] = []
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        code = ("from exposure_kit.exercises import FunctionQuestion\n"
                "q = FunctionQuestion('Net', 'net', 'net', lambda a, b: a - b, [(1, 2)],\n"
                "                     hints=['a - b'], solution='def net(a, b): return a - b')\n"
                "q.time_limit = 1.0\n"
                "def net(a, b):\n    while True:\n        pass\n"
                "print(q.check(net))")
        reply = client.execute_interactive(code, timeout=60, output_hook=outputs.append)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    text = "".join(m["content"].get("text", "") for m in outputs if m["msg_type"] == "stream")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert "did not finish within 1 seconds" in text, text
