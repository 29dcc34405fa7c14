"""Export buttons: tables as CSV (the chart and scenario exports live with their components)."""

from __future__ import annotations

import pandas as pd
import solara


@solara.component
def CsvDownload(df: pd.DataFrame, filename: str, label: str | None = None):
    solara.FileDownload(lambda: df.to_csv(index=False), filename=filename, label=label or f"CSV: {filename}",
                        mime_type="text/csv")
