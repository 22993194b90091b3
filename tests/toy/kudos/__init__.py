"""`/kudos`: thank the group for something, and see how many thanks it has had.

A toy that exists to prove the shape of a feature (docs/adding-a-feature.md). `package`
declares it to the registry; this file stays light."""
