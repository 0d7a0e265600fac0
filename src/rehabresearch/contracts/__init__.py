"""Contract volume sensitivity: are commissioned contracts viable when real volumes differ from the profile?

Modules: ``model`` (the contract model, vectorised over draws), ``inputs`` (contract YAML/CSV files and
the built-in lots in ``defaults/``), ``scenarios`` (scenarios and break-even), ``sensitivity`` (tornado,
two-way grids, Sobol indices), ``montecarlo`` (seeded Monte Carlo), ``analysis`` (the report's analyses)
and ``figures`` (the report's figures). See docs/contracts.md.
"""
