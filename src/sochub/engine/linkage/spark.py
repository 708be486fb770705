"""A local Spark session able to run Splink models (for engine="spark" and for tests).

Bound to loopback with the UI off so it needs no network and opens no ports to others; the Splink
similarity jar is loaded because Spark has no Jaro-Winkler of its own.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any


def java_available() -> bool:
    """True when a Java runtime is on PATH or JAVA_HOME (Spark needs one)."""
    home = os.environ.get("JAVA_HOME")
    return bool(shutil.which("java") or (home and os.path.exists(os.path.join(home, "bin", "java"))))


def local_spark_session(tmpdir: str | None = None, *, cores: int = 2) -> Any:
    """SparkSession local[cores] on 127.0.0.1 with Splink's jar, small shuffles and a checkpoint dir."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    work = tmpdir or tempfile.mkdtemp(prefix="sochub-spark-")
    spark = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("sochub-linkage")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(max(2, cores * 2)))
        .config("spark.default.parallelism", str(max(2, cores * 2)))
        .config("spark.driver.memory", "2g")
        .config("spark.local.dir", work)
        .config("spark.sql.warehouse.dir", os.path.join(work, "warehouse"))
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.setCheckpointDir(os.path.join(work, "checkpoints"))
    return spark
