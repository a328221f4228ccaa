"""Recording the official average-wage table (职工平均工资表) in the log, and reading it.

The rows come from a file (:mod:`hub.wage_tables`) or from ``POST /wages``. The whole table is
checked before anything is written, and written in one atomic save: a bad row leaves the log
as it was.
"""

from __future__ import annotations

from typing import Any

from domain.errors import InvalidValue
from domain.wages import WageFigure
from hub.commands.base import HubBase
from hub.wage_tables import WageRow


class WageCommands(HubBase):
    def load_wages(self, rows: list[WageRow], recorded_by: str) -> dict[str, int]:
        """Records each figure (new, revised or unchanged) in one atomic save."""
        changed: list[WageFigure] = []
        seen: set[tuple[str, int]] = set()
        counts = {"recorded": 0, "revised": 0, "unchanged": 0}
        for row in rows:
            if (row.region_code, row.year) in seen:
                raise InvalidValue(f"line {row.line}: {row.region_code} {row.year} is listed twice")
            seen.add((row.region_code, row.year))
            try:
                figure_id = WageFigure.id_for(row.region_code, row.year)
                if self.exists(figure_id):
                    figure = self.load(WageFigure, figure_id)
                    revised = figure.revise(
                        monthly_wage_fen=row.monthly_wage_fen,
                        yearly_wage_fen=row.yearly_wage_fen,
                        source=row.source,
                        recorded_by=recorded_by,
                    )
                    counts["revised" if revised else "unchanged"] += 1
                    if revised:
                        changed.append(figure)
                else:
                    changed.append(
                        WageFigure.record(
                            region_code=row.region_code,
                            year=row.year,
                            monthly_wage_fen=row.monthly_wage_fen,
                            yearly_wage_fen=row.yearly_wage_fen,
                            source=row.source,
                            recorded_by=recorded_by,
                        )
                    )
                    counts["recorded"] += 1
            except InvalidValue as error:
                raise InvalidValue(f"line {row.line}: {error.message}") from None
        if changed:
            self.save(*changed)
        return counts

    def get_wage(self, region_code: str, year: int) -> dict[str, Any]:
        figure_id = WageFigure.id_for(region_code, year)
        return self.load(WageFigure, figure_id).as_dict()
