"""Toolkit for 预算绩效自评 (budget performance self-evaluation) workbooks.

The Python API: one function per command, each returning typed results::

    import xl_tools as xt
    r = xt.score("渝中区.xlsx")
    r.valid, r.projects, r.findings.errors, r.projects_frame()

The names (listed in ``__init__.pyi``) load on first use, so ``import xl_tools`` and the ribbon's entry point
stay cheap.
"""

import lazy_loader

__version__ = "0.1.0"

__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
__all__ = ["__version__", *__all__]
