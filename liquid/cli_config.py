"""Configuration files and ``--grid`` options of the ``liquid`` command, read within bounds.

A configuration is a few dozen settings; anything far larger is a mistake or an
attack, and is refused before it costs minutes or gigabytes: a file over
``MAX_CONFIG_BYTES``, a YAML document whose aliases expand to more than
``MAX_CONFIG_NODES`` values (a "billion laughs"), a grid of more than
``MAX_CONFIGS`` combinations or a cross-validation of more than ``MAX_FITS``
fits.
"""
from __future__ import annotations

import json
from math import prod
from pathlib import Path

from ._limits import check_memory


class CLIError(Exception):
    """A user error: printed as one line, exit code 2."""


#: Largest configuration file read (bytes).
MAX_CONFIG_BYTES = 1 << 20
#: Most values (scalars, lists and tables, aliases expanded) a YAML configuration may hold.
MAX_CONFIG_NODES = 100_000
#: Most model configurations a grid may expand to.
MAX_CONFIGS = 10_000
#: Most fits (configurations x folds x repeats) one ``liquid cv`` may run.
MAX_FITS = 100_000


def read_config(path: Path) -> dict:
    """The table of parameters in a .json, .toml or .yaml file; CLIError naming the file otherwise."""
    if not path.is_file():
        raise CLIError(f"no such config file: {path}")
    size = path.stat().st_size
    if size > MAX_CONFIG_BYTES:
        raise CLIError(f"config file {path} is {size:,} bytes; a configuration holds at most "
                       f"{MAX_CONFIG_BYTES:,} (is it the right file?)")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise CLIError(f"config file {path} is not UTF-8 text ({error.reason} at byte {error.start})") from None
    except OSError as error:
        raise CLIError(f"cannot read config file {path}: {error.strerror or error}") from None
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            config = json.loads(text)
        elif suffix == ".toml":
            try:
                import tomllib
            except ImportError:  # Python 3.10
                import tomli as tomllib
            config = tomllib.loads(text)
        elif suffix in (".yaml", ".yml"):
            config = _read_yaml(text, path)
        else:
            raise CLIError(f"config file must be .json, .toml or .yaml, got {path.name!r}")
    except CLIError:
        raise
    except RecursionError:
        raise CLIError(f"malformed config {path.name}: nested too deeply") from None
    except Exception as error:  # each parser raises its own error type
        raise CLIError(f"malformed config {path.name}: {error}".replace("\n", " ")) from None
    if not isinstance(config, dict):
        raise CLIError(f"malformed config {path.name}: expected a table of parameters at the top level")
    return config


def _read_yaml(text: str, path: Path):
    """YAML's safe subset, with the document's size counted (aliases expanded) before it is built."""
    try:
        import yaml
    except ImportError:
        raise CLIError("reading YAML needs PyYAML: pip install pyyaml (or use .json / .toml)") from None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        size = _expanded_size(node, {}, set())
        if size > MAX_CONFIG_NODES:
            raise CLIError(f"config {path.name} expands to {size:,} values (aliases repeated), more than the "
                           f"{MAX_CONFIG_NODES:,} a configuration may hold")
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _expanded_size(node, sizes: dict, open_nodes: set) -> int:
    """Values under a YAML node with every alias expanded; shared nodes are counted once per use, computed
    once (so a billion laughs costs its few nodes, not its billion values). A node that contains itself is
    refused: its expansion has no end."""
    key = id(node)
    if key in sizes:
        return sizes[key]
    if key in open_nodes:
        raise CLIError("malformed config: a YAML alias refers to a node that contains it")
    open_nodes.add(key)
    children = node.value if isinstance(node.value, list) else []
    total = 1
    for child in children:
        for item in child if isinstance(child, tuple) else (child,):  # a table's (key, value) pairs
            total += _expanded_size(item, sizes, open_nodes)
            if total > MAX_CONFIG_NODES:
                break
    open_nodes.discard(key)
    sizes[key] = total
    return total


def parse_grid(items: list[str]) -> dict[str, list]:
    """``--grid PARAM=V1,V2`` options as ``{param: [values]}``; a parameter given twice is refused."""
    grid: dict[str, list] = {}
    for item in items:
        name, sep, values = item.partition("=")
        if not sep or not name or not values:
            raise CLIError(f"--grid expects PARAM=V1,V2,..., got {item!r}")
        name = name.replace("-", "_")
        if name in grid:
            raise CLIError(f"--grid {name} is given twice; give all its values in one option ({name}=V1,V2,...)")
        grid[name] = [_scalar(v) for v in values.split(",")]
    return grid


def _scalar(text: str):
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return text


def check_grid_size(grid: dict) -> int:
    """The number of configurations a grid expands to, refused above ``MAX_CONFIGS`` before expansion."""
    for name, values in grid.items():
        if not isinstance(values, list) or not values:
            raise CLIError(f"grid values for {name!r} must be a non-empty list, got {values!r}")
    n_configs = prod(len(values) for values in grid.values())
    if n_configs > MAX_CONFIGS:
        sizes = " x ".join(str(len(values)) for values in grid.values())
        raise CLIError(f"the grid has {sizes} = {n_configs:,} configurations; at most {MAX_CONFIGS:,} are supported")
    return n_configs


def check_fits(n_configs: int, n_splits: int, n_samples: int) -> None:
    """Refuse a cross-validation of more than ``MAX_FITS`` fits, or whose folds' index arrays the machine
    cannot hold, before its folds are drawn."""
    fits = n_configs * n_splits
    if fits > MAX_FITS:
        raise CLIError(f"{n_configs:,} configuration(s) x {n_splits:,} folds is {fits:,} fits; at most {MAX_FITS:,} "
                       "are supported in one run: use fewer --repeats, --folds or grid values")
    check_memory(f"the index arrays of {n_splits:,} folds of {n_samples:,} samples", 8.0 * n_splits * n_samples)
