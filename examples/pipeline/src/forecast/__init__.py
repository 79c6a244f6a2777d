"""Daily demand forecast per warehouse site."""
