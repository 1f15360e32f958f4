"""Toolkit for 预算绩效自评 (budget performance self-evaluation) workbooks."""

__version__ = "0.1.0"
