"""Build output is shown as its author wrote it, minus anything that could drive the terminal."""

from gok_tui.domain.build import clean_text


def test_build_output_keeps_tabs_and_newlines_and_drops_colours() -> None:
    assert clean_text("step 1\tok\n\x1b[31mfailed\x1b[0m\x07") == "step 1\tok\nfailed"


def test_a_bidi_override_in_build_output_is_shown_as_an_escape_not_obeyed() -> None:
    # RUN echo "tests passed \u202e02 deliaf" would read as "tests passed failed 20"
    shown = clean_text("tests passed \u202e02 deliaf\u2029next")
    assert shown == "tests passed \\u202e02 deliaf next"
