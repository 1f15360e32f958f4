Attribute VB_Name = "XlTools"
' Ribbon callback of the xl_tools template (.xlsm) and add-in (.xlam).
' Every button of the ribbon tab (ribbon.xml) calls OnAction; the button's id
' names what to do, and Python does it: xl_tools.ribbon.run(id), started by
' xlwings' RunPython (module xlwings in this project).
' Keep this file ASCII: VBA source is stored in the project's code page, so
' the Chinese labels and messages live in ribbon.xml and in Python.
Option Explicit

Public Sub OnAction(control As IRibbonControl)
    RunPython "import xl_tools.ribbon as r; r.run('" & control.Id & "')"
End Sub
