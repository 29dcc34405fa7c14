"""SupportWorker: a Mesa agent for one worker, a view of row `row` of model.workforce."""

from __future__ import annotations

import mesa
import numpy as np

from ..vocabulary import SupportState


class SupportWorker(mesa.Agent):
    def __init__(self, model, row: int):
        super().__init__(model)
        self.row = row

    @property
    def skill(self) -> float:
        return float(self.model.workforce.skill[self.row])

    @property
    def digital_confidence(self) -> float:
        return float(self.model.workforce.digital_confidence[self.row])

    @digital_confidence.setter
    def digital_confidence(self, value: float) -> None:
        self.model.workforce.digital_confidence[self.row] = value

    @property
    def trained(self) -> bool:
        return self.model.workforce.trained

    @property
    def delivery_mode(self) -> str:
        return self.model.sc.support.delivery_mode

    @property
    def caseload(self) -> list[int]:
        """Rows of the citizens this worker supports now."""
        pop = self.model.pop
        return np.flatnonzero((pop.worker == self.row) & (pop.support == SupportState.ON_CASELOAD)).tolist()

    @property
    def load(self) -> int:
        return int(self.model.workforce.load[self.row])

    def step(self) -> None:
        """Workers act through the support mechanism (sim/mechanisms/support.py)."""
