"""A worker writes a case note: the wording check warns as they type, terms of the life explain
themselves on hover and on keyboard focus, and the note saves anyway. Accessible throughout."""

from __future__ import annotations

from playwright.sync_api import expect

NOTE = "Staff called her a child prostitute. She said she worked on “the track” with her wife-in-law."


def test_case_note_with_live_language_check(page, live_url, demo, sign_in, axe_check):
    sign_in(page, "worker")
    page.goto(f"{live_url}/guidance/youth/{demo.youth.pk}/notes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Case notes")

    box = page.get_by_label("Case note")
    box.fill(NOTE)
    findings = page.locator(".sh-language-findings")
    # the stigmatizing term gets a warning and its victim-centred alternative
    expect(findings).to_contain_text("“child prostitute”", timeout=20_000)
    expect(findings).to_contain_text("commercially sexually exploited child")
    expect(findings).to_contain_text("quote: the youth's own words")
    expect(findings).to_contain_text("the_life_lingo")

    # hovering a term of the life shows its meaning
    term = findings.get_by_role("button", name="the track", exact=True)
    tip_id = term.get_attribute("aria-describedby")
    assert tip_id
    tip = page.locator(f"#{tip_id}")
    expect(tip).to_be_hidden()
    term.hover()
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("sold for sex")
    # ... and so does keyboard focus; Escape dismisses it
    page.mouse.move(0, 0)
    other = findings.get_by_role("button", name="wife-in-law")
    other.focus()
    other_tip = page.locator(f"#{other.get_attribute('aria-describedby')}")
    expect(other_tip).to_be_visible()
    page.keyboard.press("Escape")
    expect(other_tip).to_be_hidden()
    axe_check(page, context="on the case-note form with findings")

    # the check never blocks: the note saves with its findings
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_role("status")).to_contain_text("Note saved")
    saved = page.locator(".sh-note").first
    expect(saved).to_contain_text("child prostitute")
    saved_term = saved.get_by_role("button", name="the track", exact=True)
    saved_term.hover()
    expect(page.locator(f"#{saved_term.get_attribute('aria-describedby')}")).to_be_visible()
    axe_check(page, context="on the case notes with a saved note")


def _seed_guidance(agency) -> None:
    """The demo agency's own copy of the default guidance content (the pages also make it on first use)."""
    from safeharbor.guidance.services import guidance_defaults_ensure

    guidance_defaults_ensure(agency=agency)


def test_check_my_wording_page_and_glossary(page, live_url, demo, sign_in, axe_check):
    _seed_guidance(demo.agency)
    sign_in(page, "partner")
    page.goto(f"{live_url}/guidance/check/")
    page.get_by_label("Your wording").fill("People said she was fast. She calls him Daddy.")
    findings = page.locator(".sh-language-findings")
    expect(findings).to_contain_text("“fast”", timeout=20_000)
    expect(findings.get_by_role("button", name="Daddy")).to_be_visible()
    axe_check(page, context="on the wording check page")
    page.goto(f"{live_url}/guidance/handbook/")
    expect(page.get_by_role("heading", name="Table of contents")).to_be_visible()
    axe_check(page, context="on the policy handbook")
