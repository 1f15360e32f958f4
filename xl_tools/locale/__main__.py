"""python -m xl_tools.locale: write the .mo file of the Chinese catalogue of Click's messages."""

from . import CLICK_ZH, MO_FILE, mo_bytes

MO_FILE.parent.mkdir(parents=True, exist_ok=True)
MO_FILE.write_bytes(mo_bytes(CLICK_ZH))
print(MO_FILE)
