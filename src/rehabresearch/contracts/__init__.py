"""Contract volume sensitivity: are commissioned contracts viable when real volumes differ from the profile?

Modules: ``model`` (the contract model, vectorised over draws), ``inputs`` (contract YAML/CSV files and
the built-in lots in ``defaults/``), ``scenarios`` (scenarios and break-even), ``sensitivity`` (tornado,
two-way grids, Sobol indices), ``montecarlo`` (seeded Monte Carlo), ``reconcile`` (why the surplus at the
profile and the Monte Carlo deficit probability differ), ``analysis`` (the report's analyses), and the
presentation: ``labels``, ``figures``, ``wording`` and ``sections``. See docs/contracts.md.
"""
