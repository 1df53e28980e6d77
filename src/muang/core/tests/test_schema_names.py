"""Two API schemas may not share a name: the OpenAPI document names each component by its class name, so a
second `PersonOut` silently replaces the first and the published schema describes the wrong answer (this
happened when kpi's, waste's and care's schemas collided with core's and billing's)."""

import typing
from collections import defaultdict

from pydantic import BaseModel

from muang.api import api


def _models_in(annotation, found: set[type[BaseModel]]) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found:
            return
        found.add(annotation)
        for field in annotation.model_fields.values():
            _models_in(field.annotation, found)
        return
    for argument in typing.get_args(annotation):
        _models_in(argument, found)


def _api_models() -> set[type[BaseModel]]:
    found: set[type[BaseModel]] = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in [*operation.response_models.values(), *operation.models]:
                    _models_in(model, found)
    return found


def _wrappers(model: type[BaseModel]) -> bool:
    """django-ninja's own per-operation wrappers (abc.NinjaResponseSchema, abc.QueryParams, ...): not components."""
    return model.__module__ == "abc"


def test_every_api_schema_name_is_used_by_one_class():
    by_name = defaultdict(set)
    for model in _api_models():
        if not _wrappers(model):
            by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    assert len(by_name) > 50  # the walk reaches the schemas, so an empty result cannot pass by accident
    clashes = {name: sorted(classes) for name, classes in by_name.items() if len(classes) > 1}
    assert not clashes, f"rename one of each pair (the OpenAPI keeps only one): {clashes}"


def test_the_check_sees_a_clash():
    from ninja import Schema

    def make():
        class PersonOut(Schema):
            name: str

        return PersonOut

    first, second = make(), make()

    class Both(Schema):
        a: first
        b: list[second]

    found: set[type[BaseModel]] = set()
    _models_in(Both, found)
    assert [m.__name__ for m in found].count("PersonOut") == 2
