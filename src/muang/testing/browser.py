"""Helpers for the Chromium tests (Playwright pages)."""

import re


def click_menu(page, href: str) -> None:
    """Follow the main menu's entry to `href` as a person would: when the menu is grouped (a long one, see
    core/contract.py MENU_GROUPS) open the heading that holds it first."""
    link = page.locator(f'nav.main a[href="{href}"]')
    link.wait_for(state="attached")  # the page that holds the menu has loaded (e.g. after signing in)
    group = page.locator("nav.main details.menu-group", has=page.locator(f'a[href="{href}"]'))
    if group.count() and not link.is_visible():
        group.locator("summary").click()
    link.click()


def sign_in_by_code(page, sms, *, field: str, value: str, on_code_page=None) -> dict[str, str]:
    """A citizen signs in by SMS code on the sign-in page `page` shows, as a person would: `value` typed in the
    form's `field` (e.g. "#id_tax_id", "#id_phone"), "send the code", the code read off the message the SMS
    gateway's stand-in got (`sms`: the `sms_gateway` fixture), typed, "verify". `on_code_page(page)` checks the
    code page before the code is typed. Returns the SMS's form (who it went to, the text); the caller waits
    for the page the sign-in leads to."""
    page.wait_for_selector("#sign-in-form")
    page.fill(field, value)
    page.click("#send-code")
    page.wait_for_selector("#code-form")
    if on_code_page is not None:
        on_code_page(page)
    message = sms.requests[-1].form
    page.fill("#id_code", re.search(r"\d{6}", message["message"]).group())
    page.click("#verify")
    return message
