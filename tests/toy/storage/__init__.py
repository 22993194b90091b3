"""The toy features' storage packages, laid out as `storage/` is."""
