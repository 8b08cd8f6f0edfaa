"""The onboarding assessment's papers: rebuilt exactly from (candidate, seed), different for
another candidate, and one paper marked with its numbers worked by hand here."""

from __future__ import annotations

import math
import re

import pytest

from exposure_kit._errors import InputError
from exposure_kit.exercises import _assessment as a


def _asked(p: a.Paper) -> list[tuple]:
    return [(q.source, q.variant_seed, q.question.prompt, q.question.setup,
             q.question.expected(), q.question.working) for q in p.questions]


def test_the_same_candidate_and_seed_give_the_same_paper():
    first, again = a.paper("Ana Ruiz", 2026), a.paper("  ana   ruiz ", 2026)
    assert _asked(first) == _asked(again)
    assert a.paper_questions("Ana Ruiz", 2026)[0][1] == first.questions[0].variant_seed


def test_every_topic_is_asked_in_lesson_order():
    p = a.paper("ana", 7)
    assert p.topics() == ["net vs gross", "hedging", "cross hedges and beta",
                          "margin and leverage", "inverse contracts",
                          "stress and false neutrality", "options delta", "funding and basis"]
    assert [q.number for q in p.questions] == list(range(1, 15))
    lessons = [q.module for q in p.questions]
    assert lessons == sorted(lessons)


def test_no_question_keeps_fixed_numbers_after_a_drawn_one_of_its_lesson():
    # "those calls", "the same short": a fixed question after a drawn one would ask about
    # numbers the candidate was not shown
    p = a.paper("ana", 7)
    for before, after in zip(p.questions, p.questions[1:]):
        if before.module == after.module and before.drawn and not after.drawn:
            assert not re.search(r"\b(same|those|these|that one|above)\b",
                                 after.question.prompt, re.IGNORECASE), after.source


def test_another_candidate_or_another_sitting_gets_other_numbers():
    ana, ben, later = a.paper("ana", 7), a.paper("ben", 7), a.paper("ana", 8)
    drawn = [i for i, q in enumerate(ana.questions) if q.drawn]
    # Drawn numbers in every question of every topic: none keeps its fixed numbers.
    assert {ana.questions[i].topic for i in drawn} == set(ana.topics())
    assert [q.source for q in ana.questions if not q.drawn] == []
    assert len(drawn) == len(ana.questions) == 14
    for other in (ben, later):
        for i in drawn:
            mine, theirs = ana.questions[i].question, other.questions[i].question
            assert mine.prompt != theirs.prompt, ana.questions[i].source
            assert mine.expected() != theirs.expected(), ana.questions[i].source


def test_questions_of_a_lesson_share_their_seed_so_the_same_book_is_the_same():
    p = a.paper("ana", 7)
    net, gross = p.questions[0], p.questions[1]
    assert net.variant_seed == gross.variant_seed != 0
    # the book of "the same book": gross and net from the same two legs
    long_, short = net.question.values["long"], net.question.values["short"]
    assert gross.question.values == net.question.values
    assert gross.question.expected() == pytest.approx(long_ + short)


def test_a_paper_is_refused_for_no_candidate_or_a_bad_seed():
    with pytest.raises(InputError, match="candidate"):
        a.paper("   ", 7)
    for seed in (-1, 1.5, "7", True):
        with pytest.raises(InputError, match="seed"):
            a.paper("ana", seed)


def test_one_paper_marked_with_its_numbers_worked_by_hand():
    p = a.paper("ana", 2026)
    values = p.questions[0].question.values
    net = values["long"] - values["short"]                     # net = long - short
    # Lesson 04's one-for-one hedge with the numbers its question states (drawn for this
    # candidate); the residual volatility per dollar is sqrt(sE^2 + sH^2 - 2 rho sE sH)
    cross = p.questions[4].question.values
    s_e, s_h, rho = cross["vol_btc"], cross["vol_eth"], cross["correlation"]
    assert f"volatility {100 * s_e:.0f}%" in p.questions[4].question.prompt
    assert f"correlation is {rho:g}" in p.questions[4].question.prompt
    residual = math.sqrt(s_e ** 2 + s_h ** 2 - 2 * rho * s_e * s_h)
    lev_q = p.questions[6]
    assert lev_q.topic == "margin and leverage"
    v = lev_q.question.values
    gross_leverage = (v["long"] + v["short"]) / v["equity"]   # gross / equity
    typed = {
        1: f"${net:,.0f}",                     # right, typed with $ and commas
        2: f"{net:,.0f}",                      # the net where the gross was asked: a named slip
        5: f"{100 * residual:.3f}%",           # a fraction asked, typed as a percent: right
        6: "1.7M",                             # no slip the check knows: wrong
        7: f"{gross_leverage:.3f}x",           # right, typed as traders write it
        8: "twelve",                           # not a number
    }
    marked = a.mark(p, typed, started=1_000.0, submitted=1_000.0 + 23 * 60 + 10)
    verdicts = [m.verdict for m in marked.answers]
    assert verdicts[:8] == ["correct", "slip", "not answered", "not answered", "correct",
                            "incorrect", "correct", "incorrect"]
    assert verdicts[8:] == ["not answered"] * 6
    assert marked.answers[1].message.startswith("that is the net exposure, not the gross")
    assert marked.answers[7].message == "not a number."
    assert not any("hint" in m.message.lower() for m in marked.answers)
    assert marked.by_topic() == {"net vs gross": (1, 2), "hedging": (0, 2),
                                 "cross hedges and beta": (1, 2),
                                 "margin and leverage": (1, 2), "inverse contracts": (0, 2),
                                 "stress and false neutrality": (0, 1),
                                 "options delta": (0, 1), "funding and basis": (0, 2)}
    assert marked.score() == (3, 14)
    assert marked.seconds == 1390 and marked.on_time     # untimed: 23 min 10 s noted


def test_a_paper_after_its_time_limit_is_marked_but_not_scored():
    p = a.paper("ana", 2026)
    net = p.questions[0].question.values["long"] - p.questions[0].question.values["short"]
    on_time = a.mark(p, {1: str(net)}, started=0.0, submitted=20 * 60 + 25, time_limit=20 * 60)
    late = a.mark(p, {1: str(net)}, started=0.0, submitted=20 * 60 + 31, time_limit=20 * 60)
    assert on_time.on_time and on_time.score() == (1, 14)     # within the 30 s grace
    assert not late.on_time and late.score() == (0, 14)
    assert late.answers[0].verdict == "correct"               # still marked, to discuss


def test_the_answer_key_holds_each_question_with_its_working():
    text = a.answer_key("ana", 2026)
    p = a.paper("ana", 2026)
    for item in p.questions:
        assert item.question.prompt in text
        assert (item.question.working.splitlines() or [""])[0] in text
    assert text.count("drawn from seed") == sum(q.drawn for q in p.questions)


def test_the_command_prints_a_candidates_key_and_wants_the_sittings_seed(capsys):
    from exposure_kit.exercises.assessment import main

    assert main(["--seed", "2026", "--candidate", " Ana  Ruiz"]) == 0
    assert capsys.readouterr().out == a.answer_key("ana ruiz", 2026) + "\n"
    assert main(["--seed", "0", "--candidate", "ana"]) == 2      # SEED left out of make
    assert "give the sitting's seed" in capsys.readouterr().err
