"""LINE message objects (plain dicts the outbox stores and line-bot-sdk validates) for the report conversation.

Texts are English msgids wrapped in gettext and rendered in the citizen's language (Thai by default).
Postback data is a short `key=value` string that `parse_postback` reads back.
"""

from urllib.parse import parse_qsl, urlencode

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from muang.cases.models import Case, CaseCategory

MAX_LABEL = 20  # LINE's limit for a quick reply / action label
MAX_QUICK_REPLIES = 13
MAX_TEXT = 5000
# The public tracking page (owned by the web intake); if it is not routed yet, a query-string form is used.
TRACKING_URL_NAME = "reports:track"


def label(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def postback_data(**values: str) -> str:
    return urlencode(values)


def parse_postback(data: str) -> dict[str, str]:
    return dict(parse_qsl(data or "", keep_blank_values=True))


def postback_item(text: str, **values: str) -> dict:
    return {
        "type": "action",
        "action": {
            "type": "postback",
            "label": label(text),
            "data": postback_data(**values),
            "displayText": text,
        },
    }


def text(message: str, quick_replies: list[dict] | None = None) -> dict:
    out: dict = {"type": "text", "text": message[:MAX_TEXT]}
    if quick_replies:
        out["quickReply"] = {"items": quick_replies[:MAX_QUICK_REPLIES]}
    return out


def cancel_item() -> dict:
    return postback_item(_("Cancel"), action="cancel")


def greeting(organization_name: str) -> dict:
    return text(
        _("Hello, this is %(org)s. To report a problem, please send its location first.")
        % {"org": organization_name},
        [
            {"type": "action", "action": {"type": "location", "label": label(_("Send location"))}},
            cancel_item(),
        ],
    )


def ask_location_again(reason: str) -> dict:
    return text(
        reason,
        [
            {"type": "action", "action": {"type": "location", "label": label(_("Send location"))}},
            cancel_item(),
        ],
    )


def routed_elsewhere(here: str, there: str) -> dict:
    return text(
        _("This place is looked after by %(there)s, not %(here)s. We will file your report with %(there)s.")
        % {"there": there, "here": here}
    )


def ask_description() -> dict:
    return text(_("Please describe the problem in a few words."), [cancel_item()])


def ask_category(categories: list[CaseCategory], suggested: CaseCategory | None) -> dict:
    items = []
    ordered = ([suggested] if suggested else []) + [
        c for c in categories if suggested is None or c.pk != suggested.pk
    ]
    for c in ordered[: MAX_QUICK_REPLIES - 1]:
        items.append(postback_item(c.name_th, action="category", code=c.code))
    items.append(cancel_item())
    if suggested is not None:
        prompt = _("Which kind of problem is it? We think it is “%(name)s”.") % {"name": suggested.name_th}
    else:
        prompt = _("Which kind of problem is it?")
    return text(prompt, items)


def ask_photos(count: int, maximum: int) -> dict:
    if count:
        prompt = _("Photo %(n)s of %(max)s received. Send another, or tap “Done”.") % {
            "n": count,
            "max": maximum,
        }
    else:
        prompt = _("You may send up to %(max)s photos of the problem, or skip this step.") % {"max": maximum}
    return text(
        prompt,
        [
            postback_item(_("Done") if count else _("Skip"), action="photos_done"),
            cancel_item(),
        ],
    )


def confirm(*, organization_name: str, category_name: str, description: str, photos: int) -> dict:
    summary = _(
        "Please check your report:\nTo: %(org)s\nKind: %(category)s\nDetails: %(description)s\nPhotos: %(photos)s"
    ) % {"org": organization_name, "category": category_name, "description": description, "photos": photos}
    return text(
        summary,
        [
            postback_item(_("Send report"), action="confirm"),
            cancel_item(),
        ],
    )


def tracking_link(base_url: str, code: str) -> str:
    try:
        path = reverse(TRACKING_URL_NAME, kwargs={"code": code})
    except NoReverseMatch:
        path = "/r/track/?" + urlencode({"code": code})
    return base_url.rstrip("/") + path


def filed(case: Case, link: str) -> dict:
    return text(
        _(
            "Thank you. Your report was received by %(org)s.\nTracking code: %(code)s\n"
            "Follow it here: %(link)s\nType “status” or the code at any time to see its progress."
        )
        % {"org": case.organization.name_th, "code": case.tracking_code, "link": link}
    )


def cancelled() -> dict:
    return text(_("Cancelled. Send any message when you want to report a problem."))


def status_line(case: Case) -> str:
    return _("%(code)s (%(category)s): %(status)s") % {
        "code": case.tracking_code,
        "category": case.category.name_th,
        "status": case.status.name_th,
    }


def statuses(cases: list[Case]) -> dict:
    if not cases:
        return text(_("You have no reports with us yet."))
    return text("\n".join([_("Your reports:"), *[status_line(c) for c in cases]]))


def no_such_case(code: str) -> dict:
    return text(_("We found no report with the code %(code)s.") % {"code": code})


def status_changed(case: Case, link: str) -> dict:
    message = _("Update on your report %(code)s: it is now “%(status)s”.\n%(link)s") % {
        "code": case.tracking_code,
        "status": case.status.name_th,
        "link": link,
    }
    if case.is_open or case.resolved_at is None or case.rating is not None:
        return text(message)
    # Resolved: ask for a rating with one tap (case_rate_by_citizen checks it is the reporter's case).
    stars = [
        postback_item("★" * n, action="rate", code=case.tracking_code, stars=str(n)) for n in range(5, 0, -1)
    ]
    return text(message + "\n" + _("How satisfied are you with the result? Tap 1 to 5 stars."), stars)


def rated(stars: int) -> dict:
    return text(_("Thank you for rating: %(stars)s") % {"stars": "★" * stars})


def problem(message: str) -> dict:
    return text(message)
