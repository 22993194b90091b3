"""A toy feature, written the way docs/adding-a-feature.md says: one feature package,
one storage package and one registry line (tests/features/test_adding_a_feature.py)."""
