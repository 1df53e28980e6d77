"""Helpers for the Chromium tests (Playwright pages)."""


def click_menu(page, href: str) -> None:
    """Follow the main menu's entry to `href` as a person would: when the menu is grouped (a long one, see
    core/contract.py MENU_GROUPS) open the heading that holds it first."""
    link = page.locator(f'nav.main a[href="{href}"]')
    link.wait_for(state="attached")  # the page that holds the menu has loaded (e.g. after signing in)
    group = page.locator("nav.main details.menu-group", has=page.locator(f'a[href="{href}"]'))
    if group.count() and not link.is_visible():
        group.locator("summary").click()
    link.click()
