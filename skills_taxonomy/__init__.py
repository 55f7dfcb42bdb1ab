"""The shared vocabulary: ESCO concepts, multilingual labels, indexes and normalisation.

A pure library: no database, no web. `normalize.Normalizer` is the entry point for
linking text; `model` holds the concepts and the taxonomy, `esco_import` and `starter`
fill one. Import from the modules: the package itself loads nothing, so a command that
only reads settings or manages users does not load the encoders' and the indexes'
libraries (1.3 s of every admin command's start).
"""
