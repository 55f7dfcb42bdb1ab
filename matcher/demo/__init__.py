"""A deterministic NRW demo data set for trying the engine: `matcher.demo.data.generate`
draws it; the other modules here are its parts."""
