from __future__ import annotations

import pandas as pd
import pytest

from sochub.engine.linkage import LinkageModel, cluster, predict
from sochub.engine.linkage.spark import java_available, local_spark_session

pytestmark = pytest.mark.skipif(not java_available(), reason="Spark needs Java (no java on PATH or JAVA_HOME)")


def test_spark_gives_the_same_clusters_as_duckdb(records: pd.DataFrame, model: LinkageModel, tmp_path) -> None:
    small = records.iloc[:1500].reset_index(drop=True)
    spark = local_spark_session(str(tmp_path))
    try:
        on_spark = predict(small, model, engine="spark", threshold=0.5, spark=spark)
    finally:
        spark.stop()
    on_duckdb = predict(small, model, threshold=0.5)
    assert len(on_spark) == len(on_duckdb) > 0
    merged = on_duckdb.merge(on_spark, on=["unique_id_l", "unique_id_r"])
    assert len(merged) == len(on_duckdb)
    assert (merged["match_probability_x"] - merged["match_probability_y"]).abs().max() < 1e-9
    a = cluster(small["unique_id"], on_duckdb, threshold=0.9).sort_values("unique_id").reset_index(drop=True)
    b = cluster(small["unique_id"], on_spark, threshold=0.9).sort_values("unique_id").reset_index(drop=True)
    assert a["cluster_id"].tolist() == b["cluster_id"].tolist()
