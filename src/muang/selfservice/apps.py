from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from muang.core.contract import AppContract, DemoLoader, MenuEntry, Mount


class SelfserviceConfig(AppConfig):
    name = "muang.selfservice"
    verbose_name = _("Taxpayer self-service")

    def contract(self) -> AppContract:
        return AppContract(
            urls=[Mount("my-tax/", "muang.selfservice.urls")],
            api=["muang.selfservice.api.router"],
            public_menu=[MenuEntry(_("My taxes"), "selfservice:choose", order=40)],
            # ภ.ด.ส.5 photos (/files/use-change/...): the taxpayer who filed, and registry readers.
            file_readers={"use-change": "muang.selfservice.files.read_use_change_photo"},
            public_home_panels=["muang.selfservice.views.home_panel"],  # pay my tax
            demo=[
                # One taxpayer with an unpaid bill for the self-service pages (after the demo payments).
                DemoLoader(
                    "selfservice.taxpayer",
                    "muang.selfservice.demo.load_demo_taxpayer",
                    after=("property.tax_map", "billing.payments"),
                )
            ],
            demo_logins=["muang.selfservice.demo.login_lines"],
        )
