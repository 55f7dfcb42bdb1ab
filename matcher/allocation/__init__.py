"""Cohort allocation (issue 16): scarce places given across a whole cohort so that the
expected number of placements is the largest, under capacities, hard gates, candidates'
preferences and optional fairness shares; each assignment explained against what the
person would have got greedily."""
