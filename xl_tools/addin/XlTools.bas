Attribute VB_Name = "XlTools"
' Ribbon callback of the xl_tools template (.xlsm) and add-in (.xlam).
' Every button of the ribbon tab (ribbon.xml) calls OnAction; the button's id
' names what to do, and Python does it: xl_tools.ribbon.run(id), started by
' xlwings' RunPython (module xlwings in this project).
' Keep this file ASCII: VBA source is stored in the project's code page, so
' the Chinese labels and messages live in ribbon.xml and in Python (the
' generated module XlToolsText holds the messages as UTF-16 code units).
Option Explicit

Private Checked As Boolean

Public Sub OnAction(control As IRibbonControl)
    If Not Checked Then
        If Not Ready() Then Exit Sub
        Checked = True
    End If
    RunPython "import xl_tools.ribbon as r; r.run('" & control.Id & "', addin='" & ADDIN_VERSION & "')"
End Sub

' Once per Excel session, before the first RunPython: the Python that
' `xl-tools addin install` configured exists and its xl_tools is the version
' this add-in was built for (read from the configuration file the install
' wrote, without starting Python); otherwise one message saying what to do,
' in place of xlwings' own dialogs.
Private Function Ready() As Boolean
    Dim interpreter As String, installed As String
    If ActiveWorkbook Is Nothing Then
        MsgBox Text("no_workbook"), vbExclamation, Text("title")
        Exit Function
    End If
    interpreter = GetConfig("INTERPRETER_WIN", "")
    installed = GetConfig("XL_TOOLS_VERSION", "")
    If interpreter = "" Then
        MsgBox Text("not_installed"), vbExclamation, Text("title")
    ElseIf Not FileExists(interpreter) Then
        MsgBox Replace(Text("no_python"), "{0}", interpreter), vbExclamation, Text("title")
    ElseIf installed <> ADDIN_VERSION Then
        MsgBox Replace(Replace(Text("other_version"), "{0}", ADDIN_VERSION), "{1}", installed), _
            vbExclamation, Text("title")
    Else
        Ready = True
    End If
End Function
