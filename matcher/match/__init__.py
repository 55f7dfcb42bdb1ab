"""Matching: the score (`scoring`), explanations, course plans and advice, and the
`Matcher` that orchestrates them over what `matcher.store.retrieval` shortlists."""
