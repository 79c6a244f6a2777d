"""The Read and Ask-git stages of a check: they build a project's facts before any rule runs.

``read.read`` parses every artifact the project's phase requires; ``ask_git.ask`` then asks
git every question about them. The engine freezes the result (``Project.facts``) and judges
it (SPEC section 11; ``CONTRIBUTING.md`` shows the whole flow).
"""
