"""A tiny app of the test suite that fills the case desk's registries (test_desk_registries.py): a panel with a
street light's facts, and a category suggester that is always sure."""
