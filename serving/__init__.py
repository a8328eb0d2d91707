"""Online prediction: models by tag, online features, prediction log."""
