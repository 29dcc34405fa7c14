"""Mesa's own SolaraViz drives BelongingModel: its keyword arguments are the model's
parameters, its plots read the DataCollector (the dashboard has its own pages; this
checks that the standard Mesa shell still works on the model)."""

import pytest
import solara
from mesa.visualization import SolaraViz, make_plot_component
from mesa.visualization.user_param import Slider

from sim import BelongingModel


@pytest.mark.parametrize("citizens", [300, pytest.param(100_000, marks=pytest.mark.slow)])
def test_solaraviz_renders_and_steps_the_model(citizens):
    model = BelongingModel("platform_with_support", citizens=citizens, weeks=6, seed=3)
    page = SolaraViz(
        model,
        components=[make_plot_component({"lonely_share": "tab:red", "belonging": "tab:blue"})],
        model_params={"citizens": Slider("Citizens", 300, 100, 1000, 100), "seed": 3},
        name="Belonging",
    )
    box, rc = solara.render(page, handle_error=False)
    assert model.week == 0
    model.step()
    model.step()
    assert model.week == 2
    df = model.datacollector.get_model_vars_dataframe()
    assert len(df) == 3 and {"lonely_share", "belonging", "platform_active"} <= set(df.columns)
    # every SolaraViz parameter is a keyword of the model
    rebuilt = BelongingModel(citizens=200, seed=3, scenario="platform_with_support", weeks=2)
    assert rebuilt.sc.run.citizens == 200
