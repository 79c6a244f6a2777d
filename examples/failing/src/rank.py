"""Score candidate items for one user session."""


def rank(candidates: list[str], popularity: dict[str, float]) -> list[str]:
    return sorted(candidates, key=lambda item: popularity.get(item, 0.0), reverse=True)
