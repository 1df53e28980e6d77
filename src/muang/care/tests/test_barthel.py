import pytest

from muang.care import barthel
from muang.care.barthel import Group


@pytest.mark.parametrize(
    ("total", "group"),
    [
        (0, Group.BED),
        (4, Group.BED),
        (5, Group.HOME),
        (11, Group.HOME),
        (12, Group.SOCIAL),
        (20, Group.SOCIAL),
    ],
)
def test_the_department_of_healths_groups_at_their_borders(total, group):
    assert barthel.group_of(total) == group


def test_the_ten_items_and_their_exact_ranges():
    assert barthel.ITEMS == {
        "feeding": 2, "grooming": 1, "transfer": 3, "toilet": 2, "mobility": 3,
        "dressing": 2, "stairs": 2, "bathing": 1, "bowels": 2, "bladder": 2,
    }  # fmt: skip
    assert barthel.MAX_TOTAL == 20


def test_an_item_out_of_its_range_is_named_with_its_highest_score():
    items = dict.fromkeys(barthel.ITEMS, 0) | {"grooming": 2, "transfer": -1, "stairs": True}
    del items["bladder"]
    assert barthel.out_of_range(items) == {"grooming": 1, "transfer": 3, "stairs": 2, "bladder": 2}
    with pytest.raises(ValueError, match="grooming"):
        barthel.score(items)


def test_a_score_adds_up():
    result = barthel.score(dict.fromkeys(barthel.ITEMS, 1))
    assert (result.total, result.group) == (10, Group.HOME)
