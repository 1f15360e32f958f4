"""What tests share: builders, sample generators, paths and the ``xl-tools`` runner. Test modules import
from here (``from tests.helpers.cli import xl``), never from each other."""
