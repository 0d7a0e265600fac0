"""The contract report, section by section: each function shows one section's tables, figures and findings.

The notebook calls these in order; the analyses come from :mod:`.analysis`, the figures from :mod:`.figures`,
the sentences from :mod:`.wording`. Every source line cites a document by its title, never a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import catalog, sources
from ..published.facts import outside_fact
from .. import formatting as fmt
from ..reporting import Report, fmt_num
from . import analysis, figures, wording
from .inputs import contracts_for
from .model import Contract, period_table
from .montecarlo import MonteCarloResult, simulate
from .reconcile import reconcile
from .scenarios import break_even_points
from .sensitivity import one_way, sobol

SEED = sources.cite("rr3_final_report_2021", "Part two, Competing for services: Contract values and volumes")


@dataclass
class ContractReport:
    """The report's state: its contracts, their sources, and the Monte Carlo runs later sections reuse."""

    report: Report
    contract_file: str
    seed: int
    lots: dict[str, Contract] = field(default_factory=dict)
    uncertain: dict[str, Contract] = field(default_factory=dict)
    mc: dict[str, MonteCarloResult] = field(default_factory=dict)
    facts: pd.DataFrame | None = None

    def __post_init__(self) -> None:
        self.lots = contracts_for(self.contract_file or None)
        self.facts = catalog.load("contract_facts")

    @property
    def user_file(self) -> bool:
        return bool(self.contract_file)

    @property
    def basis(self) -> str:
        return ("your contract file (its values as labelled in the table of every value the model uses)" if self.user_file
                else "illustrative lot: scale from the published facts, other values labelled illustrative in the table of every value the model uses")

    @property
    def model(self) -> str:
        return f"contract model of this project; {self.basis}"

    def fact(self, fact_id: str):
        return outside_fact(self.facts, fact_id)


def start(report: Report, contract_file: str, seed: int) -> ContractReport:
    """Load the contracts; say at once when the report models a user's file rather than the built-in lots."""
    ctx = ContractReport(report, contract_file, seed)
    if ctx.user_file:
        report.caveat("This report models your contract file, not the built-in illustrative lots. Its values are "
                      "user-supplied unless the file labels them published or illustrative (see each contract's table of values); the "
                      "published facts are shown only for comparison.")
    return ctx


def published_facts(ctx: ContractReport) -> None:
    """Table 1 (the published facts, each cited) and Table 1b (each contract's scale against the average contract)."""
    value = ctx.fact("day_one_value_three_years")
    ctx.report.table(analysis.facts_display(ctx.facts), "Published facts on the commissioned rehabilitative services contracts",
                     source="transcribed by hand; each row's document and section as shown",
                     note="A fact from outside the seed documents is used only with a transcription citing its publisher, "
                          "and is cited the same way in every report.")
    contracts = ctx.fact("day_one_contracts")
    ctx.report.table(analysis.formatted(analysis.scale_table(ctx.lots, ctx.facts)),
                     f"Each contract's value against the average day-one contract ({fmt.money(value.value)} over three years "
                     f"across {fmt_num(contracts.value)} contracts)",
                     source=f"{ctx.basis}; average from {value.source}",
                     formats={"years": "{:g}", "ratio to the average": "{:.2f}"})


def contracts_modelled(ctx: ContractReport) -> None:
    """Tables 2 and 3 for each contract: every value and its basis; the model period by period at the profile."""
    for c in ctx.lots.values():
        ctx.report.table(analysis.provenance_display(c), f"{c.title}: every value the model uses, and where it comes from",
                         source=ctx.basis if ctx.user_file else "the contract's own description in this project; published facts as cited in the first table")
        ctx.report.table(analysis.period_display(c), f"{c.title}: income, cost and staffing per period at the profiled volume (£, people, FTE)",
                         source=ctx.model)


def volumes(ctx: ContractReport, high_volume_factor: float, actual_referral_rate: float, expected_referral_rate: float,
            volume_low: float, volume_high: float, grid_points: int) -> None:
    """Section 1: scenarios (Table 4), surplus against volume by payment mechanism, and the finding."""
    referral = ctx.fact("tr_actual_referral_rate")
    for c in ctx.lots.values():
        table = analysis.scenarios(c, high_volume_factor, actual_referral_rate, expected_referral_rate)
        ctx.report.table(analysis.formatted(table), f"{c.title}: totals over the contract under each scenario (£, people, FTE)",
                         source=f"{ctx.model}; referral rates from {referral.source}")
        sweep = analysis.mechanism_sweep(c, volume_low, volume_high, grid_points)
        ctx.report.figure(figures.lines(sweep, "volume factor", "surplus (£)", "mechanism",
                                        f"{c.title}\nSurplus over the contract by real volume and payment mechanism (£)",
                                        "Real volume as a multiple of the profile (× profile)", "Total surplus over the contract (£)",
                                        source=ctx.model))
        ctx.report.finding(wording.scenario(c, table, high_volume_factor), source=f"{SEED}; {ctx.model}", key=True)


def staffing(ctx: ContractReport) -> None:
    """Section 2: staff needed and funded per period, and the redundancies-then-rehiring finding."""
    for c in ctx.lots.values():
        t = period_table(c)
        ctx.report.figure(figures.staffing(t, c.input("initial_staff"),
                                           f"{c.title}\nStaff needed and funded, hires and redundancies per period (FTE)",
                                           source=ctx.model))
        ctx.report.finding(wording.turnover(c, t["period"].iloc[0], analysis.staff_turnover(c)), source=f"{SEED}; {ctx.model}",
                           key=len(ctx.lots) == 1)  # one contract: three key findings, not two


def unit_costs(ctx: ContractReport, high_volume_factor: float, volume_low: float, volume_high: float, grid_points: int,
               service_years: float) -> None:
    """Section 3: surplus over volume and funded unit cost, and the unit-cost finding compared per person a year."""
    nao = ctx.fact("nao_supervision_cost")
    for c in ctx.lots.values():
        grid, costs_axis = analysis.unit_cost_grid(c, volume_low, volume_high, grid_points)
        ctx.report.figure(figures.heatmap(grid, f"{c.title}\nSurplus over the contract (£) by real volume and funded unit cost",
                                          "Real volume as a multiple of the profile (× profile)", "Funded unit cost (£ per person referred)",
                                          source=ctx.model, y_values=costs_axis, y_money=True))
        text = wording.unit_costs(c, analysis.break_even_unit_costs(c, high_volume_factor),
                                  analysis.unit_cost_comparison(c, nao.value, service_years), high_volume_factor)
        ctx.report.finding(text, source=f"{SEED}; {nao.source}; {ctx.model}")


def break_even(ctx: ContractReport) -> None:
    """Section 4: break-even volume, price and caseload (Table 5) and the break-even volume in words."""
    for c in ctx.lots.values():
        be = break_even_points(c)
        ctx.report.table(analysis.break_even_display(be), f"{c.title}: break-even points (all other inputs as assumed)",
                         source=ctx.model)
        ctx.report.finding(wording.break_even(c, be.set_index("break-even").loc["volume"]), source=ctx.model)


def monte_carlo(ctx: ContractReport, draws: int, reserve_level: float, rng: np.random.Generator,
                scheduler: str | None = None) -> None:
    """Section 5: Monte Carlo percentiles (Table 6), the probability of deficit, and why it differs from the profile."""
    source = f"contract model of this project, seed {ctx.seed}; {ctx.basis}"
    for name, c in ctx.lots.items():
        ctx.uncertain[name], generic = analysis.with_uncertainty(c)
        if generic:
            ctx.report.caveat(f"{c.title} declares no input distributions; illustrative ±20% uniform spreads were used.")
        mc = ctx.mc[name] = simulate(ctx.uncertain[name], draws, rng, scheduler=scheduler)
        ctx.report.table(analysis.formatted(mc.summary()), f"{c.title}: Monte Carlo percentiles over {fmt_num(draws)} draws (£, FTE)",
                         source=source)
        rec = reconcile(ctx.uncertain[name])
        ctx.report.finding(wording.deficit(c, mc, draws, rec), source=source, key=True)
        ctx.report.finding(wording.reconcile(c, rec, mc), source=source)
        ctx.report.finding(wording.reserve(c, mc, reserve_level), source=source)


def what_matters(ctx: ContractReport, sobol_n: int, sobol_resamples: int, rng: np.random.Generator) -> None:
    """Section 6: tornado figure, Sobol indices (Table 7) and the inputs that matter most."""
    for name, c in ctx.lots.items():
        tornado = one_way(ctx.uncertain[name])
        ctx.report.figure(figures.tornado(tornado, f"{c.title}\nChange in surplus over the contract as each input moves (£)",
                                          source=ctx.model))
        sob = sobol(ctx.uncertain[name], sobol_n, rng, n_resamples=sobol_resamples)
        source = f"contract model of this project, {fmt_num(sobol_n)} base samples, seed {ctx.seed}; {ctx.basis}"
        ctx.report.table(analysis.sobol_display(sob), f"{c.title}: share of the variance of total surplus explained by each uncertain input (95% intervals)",
                         source=source)
        ctx.report.finding(wording.sobol(c, sob, tornado), source=source)


def headlines(ctx: ContractReport, high_volume_factor: float, reserve_level: float) -> None:
    """The headline numbers of each contract, for the closing table and results.json."""
    r, basis = ctx.report, ctx.basis
    for name, c in ctx.lots.items():
        h = analysis.headlines(c, ctx.mc[name], high_volume_factor, reserve_level)
        r.result(f"{name}_surplus", round(h.surplus), label=f"{c.title}: surplus over the contract at the profile", unit="£", source=basis)
        r.result(f"{name}_surplus_high_volume", round(h.surplus_high_volume),
                 label=f"{c.title}: surplus with volume {high_volume_factor:g} × profile", unit="£", source=basis)
        r.result(f"{name}_year_one_redundancies", round(h.year_one_redundancies, 1), label=f"{c.title}: FTE made redundant in the first period",
                 unit="FTE", source=basis)
        r.result(f"{name}_probability_of_deficit", round(100 * h.probability_of_deficit, 1), label=f"{c.title}: probability of ending in deficit",
                 unit="%", source=basis)
        r.result(f"{name}_reserve_needed", round(h.reserve_needed), label=f"{c.title}: reserve covering {reserve_level:.0%} of draws", unit="£", source=basis)
        if h.break_even_volume is not None:
            r.result(f"{name}_break_even_volume", round(h.break_even_volume, 3), label=f"{c.title}: break-even real volume",
                     unit="× profile", source=basis)
    if not ctx.user_file:
        r.caveat("All costs, volumes, ramp-up shapes and input distributions of the built-in lots are illustrative; only their scale is published.")
