"""Nominal prioritisation (the "top 20"): network position, offending and markers, explained and stress-tested.

read_inputs (file mode) -> prioritise(inputs, model=load_model()) -> Ranking(rows, summary, zero_score_ids).
Pure Python with numpy, pandas and igraph; no Django. The model is versioned YAML (``reference/default.yaml``
is SOC Hub's own open default, not official MoRiLE).
"""

from .components import IntelligenceReport, Membership, intelligence_values, ocg_values, reweight
from .inputs import InputError, Inputs, read_edges, read_inputs, read_nodes, read_offences
from .model import DEFAULT_MODEL, ModelError, PrioritisationModel, load_model, model_fingerprint, parse_model
from .network import NetworkResult, network_measures
from .scoring import Ranking, log_scale, prioritise

__all__ = [
    "DEFAULT_MODEL",
    "InputError",
    "Inputs",
    "IntelligenceReport",
    "Membership",
    "ModelError",
    "NetworkResult",
    "PrioritisationModel",
    "Ranking",
    "intelligence_values",
    "load_model",
    "log_scale",
    "model_fingerprint",
    "network_measures",
    "ocg_values",
    "parse_model",
    "prioritise",
    "read_edges",
    "read_inputs",
    "read_nodes",
    "read_offences",
    "reweight",
]
