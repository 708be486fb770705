"""Record linkage: find the records that describe the same person, within and across data sets.

prepare -> train -> predict -> cluster (-> evaluate); link_files wraps it for CSV/parquet files.
Runs on DuckDB by default and on Spark (engine="spark") with the same trained model.
"""

from .cluster import cluster
from .evaluate import Evaluation, evaluate
from .files import link_files
from .model import DEFAULT_THRESHOLD, FAMILY_CAP, LinkageModel, blocking_rules, contributions, predict, train
from .prepare import CANONICAL, prepare

__all__ = [
    "CANONICAL",
    "DEFAULT_THRESHOLD",
    "FAMILY_CAP",
    "Evaluation",
    "LinkageModel",
    "blocking_rules",
    "cluster",
    "contributions",
    "evaluate",
    "link_files",
    "predict",
    "prepare",
    "train",
]
