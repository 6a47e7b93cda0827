' Runs the Avisa receiver with no console window, in the session of the user who logged on, and starts it again
' when it stops: at once after exit code 3 (it installed an update), 30 s after any other error.
' Exit code 0 (stopped on purpose) and 2 (another instance already runs on this PC) end the loop.
' Started at every logon by the installer's HKLM Run value:  wscript.exe //B //Nologo run-hidden.vbs
Option Explicit
Dim shell, fso, dir, config, code
Set shell = CreateObject("WScript.Shell")
Set fso = CreateObject("Scripting.FileSystemObject")

dir = fso.GetParentFolderName(WScript.ScriptFullName)
config = shell.ExpandEnvironmentStrings("%ProgramData%") & "\Avisa\avisa-receiver.json"
If WScript.Arguments.Count > 0 Then config = WScript.Arguments(0)

Do
  code = shell.Run("""" & dir & "\node.exe"" """ & dir & "\avisa-receiver.js"" run --config """ & config & """", 0, True)
  If code = 0 Or code = 2 Then Exit Do
  If code <> 3 Then WScript.Sleep 30000
Loop
WScript.Quit code
