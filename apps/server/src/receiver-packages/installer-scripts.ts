/** What a site's installer carries; every value is checked by InstallerService before it reaches a script. */
export interface InstallerValues {
  serverUrl: string;
  site: string;
  key: string;
  caPem: string;
  /** SHA-1 of the pinned certificate's DER, upper-case hex, as Windows' GetCertHashString() gives it. */
  caThumbprint: string;
  packageName: string;
  packageSha256: string;
  version: string;
  madeAt: string;
}

const PACKAGES_PATH = '/api/v1/receiver-packages';

/** The config the packaged receiver reads on Linux; the package's postinst leaves an existing one alone. */
function linuxConfig(v: InstallerValues): string {
  return JSON.stringify(
    {
      serverUrl: v.serverUrl,
      name: v.site,
      key: v.key,
      ca: '/etc/avisa-receiver/server.crt',
      dataDir: '/var/lib/avisa-receiver',
      logDir: '/var/log/avisa-receiver',
    },
    null,
    2,
  );
}

function windowsConfig(v: InstallerValues): string {
  return JSON.stringify(
    { serverUrl: v.serverUrl, name: v.site, key: v.key, ca: 'server.crt', dataDir: 'data', logDir: 'logs' },
    null,
    2,
  );
}

/** A POSIX sh script for Debian and Ubuntu: fetch the .deb over the pinned certificate, check it, install, start. */
export function linuxInstaller(v: InstallerValues): string {
  return `#!/bin/sh
# Avisa receiver installer for the site "${v.site}", made ${v.madeAt} by ${v.serverUrl}
# Run it once on the site's PC, as root:   sudo sh ${linuxInstallerName(v.site)}
# Optional: AVISA_DESKTOP_USER=<account> names the desktop account that sees the alerts
# (default: the account that ran sudo). This file holds the site's key: delete it once installed.
set -eu
SERVER='${v.serverUrl}'
PACKAGE='${v.packageName}'
PACKAGE_SHA256='${v.packageSha256}'

if [ "$(id -u)" -ne 0 ]; then
  echo "Run this installer as root: sudo sh $0" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/server.crt" <<'AVISA_CERTIFICATE'
${v.caPem.trim()}
AVISA_CERTIFICATE

echo "Downloading $PACKAGE from $SERVER"
if command -v curl >/dev/null 2>&1; then
  curl -fsS --proto '=https' --cacert "$work/server.crt" -o "$work/$PACKAGE" "$SERVER${PACKAGES_PATH}/$PACKAGE"
else
  wget -q --https-only --ca-certificate="$work/server.crt" -O "$work/$PACKAGE" "$SERVER${PACKAGES_PATH}/$PACKAGE"
fi
echo "$PACKAGE_SHA256  $work/$PACKAGE" | sha256sum -c - >/dev/null || {
  echo "The downloaded package does not match its SHA-256; nothing was installed" >&2
  exit 1
}

umask 027
mkdir -p /etc/avisa-receiver
install -m 0640 "$work/server.crt" /etc/avisa-receiver/server.crt
cat > /etc/avisa-receiver/config.json.new <<'AVISA_CONFIG'
${linuxConfig(v)}
AVISA_CONFIG
mv /etc/avisa-receiver/config.json.new /etc/avisa-receiver/config.json

dpkg -i "$work/$PACKAGE"
chgrp -R avisa-receiver /etc/avisa-receiver
desktop_user="\${AVISA_DESKTOP_USER:-\${SUDO_USER:-}}"
if [ -n "$desktop_user" ] && [ "$desktop_user" != root ]; then
  avisa-receiver-setup --desktop-user "$desktop_user"
else
  avisa-receiver-setup || echo "No desktop account chosen: run avisa-receiver-setup --desktop-user <account> to show alerts on its desktop"
fi
if [ -d /run/systemd/system ]; then
  systemctl restart avisa-receiver
  echo "Avisa receiver ${v.version} installed for the site ${v.site}; check it with: avisa-receiver status"
else
  echo "Avisa receiver ${v.version} installed for the site ${v.site}; systemd is not running, start it with: avisa-receiver run"
fi
`;
}

/** PowerShell for Windows: the same steps with the MSI, the server's certificate pinned by its thumbprint. */
export function windowsInstaller(v: InstallerValues): string {
  return `# Avisa receiver installer for the site "${v.site}", made ${v.madeAt} by ${v.serverUrl}
# Run it once on the site's PC, in PowerShell as administrator:
#   powershell -ExecutionPolicy Bypass -File ${windowsInstallerName(v.site)}
# This file holds the site's key: delete it once installed.
$ErrorActionPreference = 'Stop'
$Server = '${v.serverUrl}'
$Package = '${v.packageName}'
$PackageSha256 = '${v.packageSha256}'
$Thumbprint = '${v.caThumbprint}'

$principal = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())
if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
  throw 'Run this installer in PowerShell as administrator'
}
[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12
# Only the Avisa server's own certificate is accepted for the download.
[Net.ServicePointManager]::ServerCertificateValidationCallback = { param($s, $certificate) $certificate.GetCertHashString() -eq $Thumbprint }

$config = Join-Path $env:ProgramData 'Avisa'
New-Item -ItemType Directory -Force -Path $config | Out-Null
# The receiver runs as whoever logs on: every user writes its state and logs, none changes the config.
foreach ($folder in 'data', 'logs') {
  $path = Join-Path $config $folder
  New-Item -ItemType Directory -Force -Path $path | Out-Null
  icacls $path /grant '*S-1-5-32-545:(OI)(CI)M' | Out-Null
}
Set-Content -Path (Join-Path $config 'server.crt') -Encoding ascii -Value @'
${v.caPem.trim()}
'@
Set-Content -Path (Join-Path $config 'avisa-receiver.json') -Encoding ascii -Value @'
${windowsConfig(v)}
'@

$msi = Join-Path $env:TEMP $Package
Write-Host "Downloading $Package from $Server"
Invoke-WebRequest -UseBasicParsing -Uri "$Server${PACKAGES_PATH}/$Package" -OutFile $msi
if ((Get-FileHash -Algorithm SHA256 -Path $msi).Hash.ToLower() -ne $PackageSha256) {
  Remove-Item $msi
  throw 'The downloaded package does not match its SHA-256; nothing was installed'
}
$install = Start-Process -FilePath msiexec.exe -ArgumentList @('/i', "\`"$msi\`"", '/qn', '/norestart') -Wait -PassThru
Remove-Item $msi
if ($install.ExitCode -ne 0) { throw "msiexec failed with code $($install.ExitCode)" }
Start-Process -FilePath wscript.exe -ArgumentList @('//B', '//Nologo', "\`"$env:ProgramFiles\\Avisa\\Receiver\\run-hidden.vbs\`"")
Write-Host 'Avisa receiver ${v.version} installed for the site ${v.site}: running now, and at every logon.'
`;
}

export const linuxInstallerName = (site: string) => `avisa-install-${site}.sh`;
export const windowsInstallerName = (site: string) => `avisa-install-${site}.ps1`;
