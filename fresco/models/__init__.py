"""Model configs, the shared feature-vector assembly, artifacts."""
