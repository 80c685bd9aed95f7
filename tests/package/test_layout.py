"""The package's layering: every import in snn_ipu/ (module-level or inside a
function) goes from a layer to the same layer or a lower one, so there is no
import cycle, and the library never imports its command line.

Lowest first: helpers with no snn_ipu imports above them; the backends'
loaders; runtime settings; the LIF op's internals; the public op; the neuron
runners; nn; fuse; the command line; the package's entry points.
"""
import ast
from pathlib import Path

import snn_ipu

PACKAGE = Path(snn_ipu.__file__).resolve().parent

LAYERS = [
    ["snn_ipu._compat", "snn_ipu._counts", "snn_ipu._warn", "snn_ipu.surrogates"],
    ["snn_ipu._backends.*"],
    ["snn_ipu.runtime"],
    ["snn_ipu._lif.*"],
    ["snn_ipu.ops"],
    ["snn_ipu._neurons.*"],
    ["snn_ipu.nn"],
    ["snn_ipu.fuse"],
    ["snn_ipu.cli.*"],
    ["snn_ipu", "snn_ipu.__main__"],
]


def _modules():
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        found[".".join(parts)] = (path, is_package)
    return found


def _imports(name, path, is_package, modules):
    """The snn_ipu modules `name` imports, anywhere in its source."""
    package = name if is_package else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            # `from .. import x` runs the enclosing packages' __init__ as any
            # import of a submodule does: not an edge of its own.
            if not (name + ".").startswith(base + "."):
                targets.add(base)
            # `from package import submodule` imports the submodule.
            targets.update(f"{base}.{alias.name}" for alias in node.names)
    return {t for t in targets if t in modules and t != name}


def _layer(name):
    for index, layer in enumerate(LAYERS):
        for pattern in layer:
            if name == pattern or (pattern.endswith(".*") and
                                   (name + ".").startswith(pattern[:-1])):
                return index
    raise AssertionError(f"{name} is in no layer of tests/package/test_layout.py: "
                         f"place it there")


def test_every_import_goes_down_the_layers():
    modules = _modules()
    upward = []
    for name, (path, is_package) in sorted(modules.items()):
        for target in sorted(_imports(name, path, is_package, modules)):
            # A package's __init__ may re-export its own submodules.
            if target.startswith(name + ".") and is_package:
                continue
            if _layer(target) > _layer(name):
                upward.append(f"{name} imports {target}")
    assert not upward, "imports against the layers:\n" + "\n".join(upward)


def test_no_import_cycle():
    modules = _modules()
    graph = {name: _imports(name, path, is_package, modules)
             for name, (path, is_package) in modules.items()}
    # Implicit: importing a submodule runs its package's __init__ first, and
    # an __init__ that imports its own submodules is not a cycle.
    for name in graph:
        graph[name] = {t for t in graph[name] if not t.startswith(name + ".")}
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                cycle = stack[stack.index(target):] + [target]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_the_layer_check_sees_an_upward_import(tmp_path, monkeypatch):
    """The checks above can fail: an ops module that imports the command line."""
    fake = tmp_path / "snn_ipu"
    (fake / "cli").mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "cli" / "__init__.py").write_text("")
    (fake / "cli" / "bench.py").write_text("from .. import ops\n")
    (fake / "ops.py").write_text("def f():\n    from .cli import bench\n")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", fake)
    modules = _modules()
    assert _imports("snn_ipu.ops", *modules["snn_ipu.ops"], modules) == {
        "snn_ipu.cli", "snn_ipu.cli.bench"}
    try:
        test_no_import_cycle()
    except AssertionError as err:
        assert "snn_ipu.cli.bench -> snn_ipu.ops" in str(err)
    else:
        raise AssertionError("the cycle ops -> cli.bench -> ops was not found")
