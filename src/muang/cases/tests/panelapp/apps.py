from django.apps import AppConfig

from muang.core.contract import AppContract


class PanelAppConfig(AppConfig):
    name = "muang.cases.tests.panelapp"
    label = "panelapp"

    def contract(self) -> AppContract:
        return AppContract(
            case_panels=["muang.cases.tests.panelapp.desk.pole_panel"],
            category_suggesters=["muang.cases.tests.panelapp.desk.always_road"],
        )
