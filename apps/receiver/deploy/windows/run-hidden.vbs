' Runs the Avisa receiver with no console window, in the session of the user who logged on, and starts it again
' 30 s after it stops with an error (Task Scheduler's "restart on failure" does not look at exit codes).
' Exit code 0 (stopped on purpose) and 2 (another instance already runs on this PC) end the loop.
'   wscript.exe //B //Nologo run-hidden.vbs [config.json] [node.exe]
Option Explicit
Dim shell, fso, receiverDir, bin, config, node, code
Set shell = CreateObject("WScript.Shell")
Set fso = CreateObject("Scripting.FileSystemObject")

receiverDir = fso.GetParentFolderName(fso.GetParentFolderName(fso.GetParentFolderName(WScript.ScriptFullName)))
bin = receiverDir & "\bin\avisa-receiver.js"
config = shell.ExpandEnvironmentStrings("%ProgramData%") & "\Avisa\avisa-receiver.json"
node = shell.ExpandEnvironmentStrings("%ProgramFiles%") & "\nodejs\node.exe"
If WScript.Arguments.Count > 0 Then config = WScript.Arguments(0)
If WScript.Arguments.Count > 1 Then node = WScript.Arguments(1)

Do
  code = shell.Run("""" & node & """ """ & bin & """ --config """ & config & """", 0, True)
  If code = 0 Or code = 2 Then Exit Do
  WScript.Sleep 30000
Loop
WScript.Quit code
