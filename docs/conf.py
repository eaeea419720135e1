"""Sphinx configuration: the user guide (Markdown pages, through MyST) and the API reference built from
the numpy-style docstrings.

Build locally: python -m sphinx -W -b html docs docs/_build/html
"""
import liquid

project = "liquid"
author = "liquid developers"
release = liquid.__version__
extensions = ["myst_parser", "sphinx.ext.autodoc", "sphinx.ext.autosummary", "sphinx.ext.napoleon",
              "sphinx.ext.viewcode"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
# Guide pages link to each other and to the examples by file name, as they do on the repository's page.
myst_heading_anchors = 3
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
autodoc_default_options = {
    "members": True,
    "member-order": "bysource",
    # scikit-learn's own machinery, documented there.
    "exclude-members": "set_fit_request, set_score_request, set_predict_request, set_transform_request, "
                       "set_partial_fit_request, set_output, set_params, get_params, get_metadata_routing",
}
autodoc_typehints = "none"
autosummary_generate = False
exclude_patterns = ["_build"]
html_theme = "alabaster"
# sklearn's BaseEstimator methods (get_params, set_params, ...) are documented by scikit-learn.
autodoc_inherit_docstrings = False
