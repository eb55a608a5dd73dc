# Build the Windows installer: dist\ketaref\ (PyInstaller onedir) -> signed ketaref.exe ->
# dist\ketaref-VERSION-x64.msi -> signed MSI. Run from a "Developer PowerShell" on Windows 10/11
# x64 with Python 3.11+, the WiX Toolset v4 (`dotnet tool install --global wix`), heat from the
# WixToolset.Heat v4 package on PATH, and signtool (Windows SDK). See README.md in this folder.
#
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build-msi.ps1 `
#       -CertificateThumbprint <SHA1 of the code-signing certificate> -TimestampUrl <CA's RFC 3161 URL>
#
# Without -CertificateThumbprint the MSI is built unsigned (for trials only: SmartScreen and
# many antivirus products distrust unsigned installers).
param(
    [string]$CertificateThumbprint = $env:KETAREF_SIGNING_CERT,
    [string]$TimestampUrl = $env:KETAREF_TIMESTAMP_URL
)
$ErrorActionPreference = "Stop"
$Root = (Resolve-Path "$PSScriptRoot\..\..").Path
Set-Location $Root

function Invoke-Checked([string]$What, [scriptblock]$Command) {
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit $LASTEXITCODE)" }
}

function Invoke-Signing([string]$Path) {
    if (-not $CertificateThumbprint) { Write-Warning "not signing $Path (no certificate given)"; return }
    Invoke-Checked "signing $Path" {
        signtool sign /sha1 $CertificateThumbprint /fd SHA256 /tr $TimestampUrl /td SHA256 `
            /d "ketaref" $Path
    }
    Invoke-Checked "verifying the signature of $Path" { signtool verify /pa /v $Path }
}

if (-not (Test-Path .venv\Scripts\python.exe)) { Invoke-Checked "venv" { py -3.11 -m venv .venv } }
Invoke-Checked "installing build tools" { .venv\Scripts\python -m pip install -q -e ".[package]" }
$Version = (.venv\Scripts\python -c "import ketaref; print(ketaref.__version__)").Trim()

Invoke-Checked "PyInstaller" {
    .venv\Scripts\python -m PyInstaller --noconfirm --clean --distpath dist `
        --workpath build\pyinstaller build.spec
}
# 1. Code signing, first place: the launcher inside the MSI, before WiX packs it.
Invoke-Signing "dist\ketaref\ketaref.exe"
Invoke-Checked "frozen self-test" { dist\ketaref\ketaref.exe self-test }

New-Item -ItemType Directory -Force build\msi | Out-Null
Invoke-Checked "harvesting dist\ketaref" {
    heat dir dist\ketaref -nologo -cg AppFiles -dr INSTALLFOLDER -srd -sreg -ag `
        -var var.SourceDir -out build\msi\appfiles.wxs
}
$Msi = "dist\ketaref-$Version-x64.msi"
Invoke-Checked "WiX build" {
    wix build packaging\windows\ketaref.wxs build\msi\appfiles.wxs -arch x64 `
        -d Version=$Version -d SourceDir=dist\ketaref `
        -d PolicyExample=packaging\policy.example.toml -o $Msi
}
# 2. Code signing, second place: the MSI itself, which is what IT deploys.
Invoke-Signing $Msi
Write-Host "built $Msi"
