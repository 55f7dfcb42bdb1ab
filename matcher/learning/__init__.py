"""Learning from outcomes (issue 16): a simulator of outcome histories for development and
benchmarks (`simulator`), a learned ranker exported as scoring weights per kind of vacancy
(`ranker`), and the score calibrated into the probability of the next step
(`calibration`)."""
