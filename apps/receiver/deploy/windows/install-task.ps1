<#
  Registers the Avisa receiver as a Scheduled Task run at every logon (run in an elevated PowerShell):
    powershell -ExecutionPolicy Bypass -File install-task.ps1 -Config C:\ProgramData\Avisa\avisa-receiver.json
  Remove it with: Unregister-ScheduledTask -TaskPath '\Avisa\' -TaskName 'Receptor' -Confirm:$false
#>
param(
  [string]$Config = (Join-Path $env:ProgramData 'Avisa\avisa-receiver.json'),
  [string]$Checkout = (Resolve-Path (Join-Path $PSScriptRoot '..\..\..\..')).Path,
  [switch]$StartNow
)
$ErrorActionPreference = 'Stop'

if (-not (Test-Path $Config)) { throw "Config file $Config not found (start from apps\receiver\avisa-receiver.example.json)" }
if (-not (Test-Path (Join-Path $Checkout 'apps\receiver\bin\avisa-receiver.js'))) { throw "$Checkout is not an Avisa checkout (apps\receiver\bin\avisa-receiver.js missing)" }

$configDir = Split-Path -Parent $Config
$xml = Get-Content -Raw -Encoding UTF8 (Join-Path $PSScriptRoot 'avisa-receiver-task.xml')
# Passed as a string the XML is UTF-16 already; a declaration saying UTF-8 makes Task Scheduler refuse it.
$xml = $xml -replace '^\s*<\?xml[^>]*\?>', ''
$xml = $xml.Replace('C:\Avisa\apps\', (Join-Path $Checkout 'apps\'))
$xml = $xml.Replace('C:\ProgramData\Avisa\avisa-receiver.json', $Config)
$xml = $xml.Replace('C:\ProgramData\Avisa', $configDir)

Register-ScheduledTask -TaskPath '\Avisa\' -TaskName 'Receptor' -Xml $xml -Force | Out-Null
Write-Host "Registered task \Avisa\Receptor: starts at every user logon."
if ($StartNow) { Start-ScheduledTask -TaskPath '\Avisa\' -TaskName 'Receptor' }
