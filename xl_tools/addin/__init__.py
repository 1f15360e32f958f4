"""The Excel ribbon (绩效自评 tab): its text sources and the builder of the .xlsm template and .xlam add-in.

The names below are what the installer and `doctor` need too; they live here, where importing them costs nothing
(the builder itself loads lxml and openpyxl)."""

TEMPLATE_NAME = "绩效自评模板.xlsm"
ADDIN_NAME = "xl_tools.xlam"
CONFIG_NAME = "xl_tools"
"""xlwings' PROJECT_NAME: its settings come from %USERPROFILE%\\.xl_tools\\xl_tools.conf or a sheet xl_tools.conf."""
