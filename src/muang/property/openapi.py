"""Stable OpenAPI operation ids for the property routers.

Ninja names an operation after its module (``muang_property_api_parcels_list``). The routers moved into the
app's sub-packages (``registry/api.py``, ``assessment/api.py``, issue 9); their operations keep the ids they
were published with, so generated API clients keep working.
"""

from ninja import Router


def keep_operation_ids(router: Router, published_module: str) -> None:
    """Give every operation of ``router`` without an explicit id the one it had under ``published_module``."""
    prefix = published_module.replace(".", "_")
    for path_view in router.path_operations.values():
        for operation in path_view.operations:
            if operation.operation_id is None:
                operation.operation_id = f"{prefix}_{operation.view_func.__name__}"
