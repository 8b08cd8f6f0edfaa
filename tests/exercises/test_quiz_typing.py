"""What a trader types into a quiz card (learner read finding 11): "12.75x" for a leverage,
"86.2%" for a ratio asked as a fraction; and the progress line counts the latest answer."""

from __future__ import annotations

from exposure_kit.exercises import quiz


def card(lesson: str, title: str):
    q = quiz(lesson)
    return q, next(c for c in q.cards if c.question.title == title)


def test_a_leverage_typed_with_its_x_is_read():
    # lesson 06 q1: gross $765,000 over $60,000 of equity = 12.75x
    _, c = card("06", "Gross leverage")
    c.input.value = "12.75x"
    assert c.check().correct
    c.input.value = "12.75 X"
    assert c.check().correct


def test_a_percent_sign_makes_a_fraction_question_read_a_percent():
    # lesson 03 q2: a $150,000 short against 3 BTC at $58,000 = $174,000: 150 / 174 = 0.862
    _, c = card("03", "The hedge ratio")
    for typed in ("86.2%", "86.2 %", "0.862"):
        c.input.value = typed
        assert c.check().correct, typed
    c.input.value = "86.2"          # no sign: still named as a percent given for a fraction
    result = c.check()
    assert not result.correct and "percent" in result.message


def test_progress_counts_the_latest_answer():
    q, c = card("03", "The hedge ratio")
    c.input.value = "0.862"
    c.check()
    assert q.progress_text().startswith("Your progress: 1 of")
    c.input.value = "0.5"
    c.check()
    assert q.progress_text().startswith("Your progress: 0 of")


def test_a_sell_size_given_negative_is_named_as_the_sign_slip():
    # lesson 10 q4: calls 0.4187 x 12 x $60,000 = $301,496 less the $150,000 perp short: sell
    # about $151,496 more; -151,496 is the right size with the wrong sign
    from exposure_kit.exercises import lesson10
    result = lesson10.q4.check(-151_496)
    assert not result.correct and "wrong sign" in result.message
    assert lesson10.q4.check(151_496).correct


def test_venue_c_is_named_as_largest_net_with_its_gross_no_larger():
    # lesson 12's CSV: VenueC holds only shorts, 500,000 + 130,500 = $630,500: its net in size
    # is its gross; VenueA's gross is 744,000 + 366,000 = $1,110,000, the largest
    from exposure_kit.exercises import lesson12
    result = lesson12.q2.check("c")
    assert not result.correct and "largest net" in result.message
    assert "point one way" in result.message
    assert lesson12.q2.check("a").correct
