"""The PopART glue names the vertices by string (their instances, for the
perf estimators, and their fields: graph.connect(v["..."]), setInitialValue,
getFieldInfo), which no compiler checks here. Read from the sources: every
field a neuron vertex declares is connected or set by the graph function
that grows it (csrc/ops/graph/NeuronGraph.cpp, which the Opxs call), every
field it names is one the vertex declares, the host executor's description
of each vertex (csrc/ops/graph/host/NeuronVertexFields.hpp) names every
field, and the instances the glue names (NeuronCodelets.cpp: reset_delay=False
where the model has it) are those the codelets compile.
"""
import re

import pytest

from snn_ipu._lif.models import MODELS
from support.paths import CSRC

CODELETS = CSRC / "codelets"
IPU = CSRC / "ops" / "ipu"
GRAPH = CSRC / "ops" / "graph"
# Where each vertex is grown: its function in NeuronGraph.cpp, and
# NeuronLayer.cpp (what both share).
GROWN_BY = {"NeuronForward": "neuronForward", "NeuronBackward": "neuronBackward"}
pytestmark = pytest.mark.skipif(not IPU.is_dir(), reason="csrc/ is not next to the tests")

_FIELD = re.compile(r"^\s+(?:Vector<.*>|Input<.*>|Output<.*>|InOut<.*>|unsigned|S)\s+(\w+);",
                    re.M)


def _vertex_fields(vertex):
    """The public members of the vertex class: its fields."""
    text = (CODELETS / f"{vertex}.hpp").read_text()
    body = text[text.index(f"class {vertex} "):]
    public = body[body.index("public:"):body.index("void compute(")]
    return set(_FIELD.findall(public))


def _function(text, name):
    """The definition of function `name` in `text`: to the next one's start."""
    start = text.index(f" {name}(poplar::Graph &graph")
    following = [text.find(f" {other}(poplar::Graph &graph", start + 1)
                 for other in GROWN_BY.values()]
    ends = [i for i in following if i > start]
    return text[start:min(ends) if ends else len(text)]


def _named_fields(function):
    text = _function((GRAPH / "NeuronGraph.cpp").read_text(), function)
    text += (GRAPH / "NeuronLayer.cpp").read_text()
    return set(re.findall(r'v\["(\w+)"\]', text))


@pytest.mark.parametrize("vertex", sorted(GROWN_BY))
def test_the_graph_function_connects_every_field_of_its_vertex(vertex):
    fields = _vertex_fields(vertex)
    assert {"current", "params", "numSteps"} <= fields  # the parse found them
    assert _named_fields(GROWN_BY[vertex]) == fields


@pytest.mark.parametrize("vertex", sorted(GROWN_BY))
def test_the_host_executor_knows_every_field_of_its_vertex(vertex):
    text = (GRAPH / "host" / "NeuronVertexFields.hpp").read_text()
    start = text.index(f"using V = {vertex}<")
    end = text.find("using V = ", start + 1)
    described = set(re.findall(r'field\("(\w+)"', text[start:end if end > 0 else None]))
    assert described == _vertex_fields(vertex)


def test_the_perf_estimators_read_fields_both_vertices_have():
    text = (IPU / "NeuronCodelets.cpp").read_text()
    read = set(re.findall(r'getFieldInfo\("(\w+)"\)', text))
    assert read == {"numSteps", "numNeurons", "chunkNeurons"}
    for vertex in GROWN_BY:
        assert read <= _vertex_fields(vertex)


def _instantiated(source, macro):
    """The models (kModel* names) a codelet source passes to `macro`: one per
    use (the macros' own definitions pass their parameter M)."""
    return re.findall(macro + r"\((kModel\w+)", (CODELETS / source).read_text())


def test_the_codelets_compile_the_instances_the_glue_names():
    # The glue registers, for every model, every reset with reset_delay=True,
    # recording and spikes-only, and reset_delay=False where the model has it
    # (modelShape(model).hasResetDelay, which models.py mirrors).
    ids = {int(i): name for name, i in re.findall(
        r"constexpr unsigned (kModel\w+) = (\d+);", (CODELETS / "LifTypes.hpp").read_text())}
    names = {spec.name: ids[spec.id] for spec in MODELS.values()}
    with_delay = {names[s.name] for s in MODELS.values() if s.reset_delay}
    forward = _instantiated("NeuronForward.cpp", r"SNN_IPU_INSTANTIATE_NEURON_FORWARD_\w+")
    assert sorted(forward) == sorted([m for m in names.values() for _ in (True, False)]
                                     + [m for m in with_delay for _ in (True, False)])
    assert set(_instantiated("NeuronForward.cpp", "SNN_IPU_INSTANTIATE_NEURON_FORWARD_DELAY")) \
        == with_delay
    assert set(_instantiated("NeuronBackward.cpp",
                             "SNN_IPU_INSTANTIATE_NEURON_BACKWARD_DELAYED")) == with_delay
    assert set(_instantiated("NeuronBackward.cpp", r"SNN_IPU_INSTANTIATE_NEURON_BACKWARD_\w+")) \
        == set(names.values())
    glue = (IPU / "NeuronCodelets.cpp").read_text()
    assert "modelShape(model).hasResetDelay" in glue
