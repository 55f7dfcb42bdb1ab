"""Fitting scripts: each writes a versioned artefact the engine ships (linking fusion,
lexicon, EQF text model), from ../shared/data and the project development set only."""
