@echo off
rem avisa-receiver [run^|status]: the receiver installed by the Avisa Receiver MSI.
if not defined AVISA_RECEIVER_CONFIG set "AVISA_RECEIVER_CONFIG=%ProgramData%\Avisa\avisa-receiver.json"
"%~dp0node.exe" "%~dp0avisa-receiver.js" %*
