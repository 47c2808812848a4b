; The Windows installer of xero-connect, built by scripts/package-windows with Debian's makensis
; (NSIS 3, 64-bit Unicode stubs).
;
; Per user, without administrator rights: the programs go to %LOCALAPPDATA%\Programs\<FOLDER>,
; with a Start-menu entry named after the window's title, and an uninstaller registered under
; HKCU so it appears in Settings > Apps. The user's connections (settings in
; %APPDATA%\xero-connect, secrets in Credential Manager) belong to the user, not to the program:
; the uninstaller leaves them unless asked, by the tick on its page or /REMOVECONNECTIONS with /S.
; Then every connection is disconnected at Xero first (xero-connect remove --all --yes); if one
; cannot be, nothing is uninstalled and the uninstaller says why.
;
; Defines given by scripts/package-windows (makensis -D…):
;   VERSION        the program's version, e.g. 0.1.0
;   TITLE          the window's title: "Connect to Xero", or "Connect PRODUCT to Xero"
;   FOLDER         the install folder's and the uninstall entry's name, e.g. xero-connect
;   APP_ID         the window's identifier (tauri.conf.json), which names its own folders:
;                  %APPDATA%\APP_ID (an unfinished setup, the window's place) and
;                  %LOCALAPPDATA%\APP_ID (WebView2's data)
;   STAGE          the folder holding the files to install
;   OUTFILE        the installer to write
;   PROFILE        (optional) a vendor profile, installed as profile.toml beside the programs
;   WEBVIEW2_SETUP (optional) Microsoft's WebView2 "Evergreen Bootstrapper", run when the
;                  runtime is missing (README, "On Windows": it cannot be downloaded here)

Unicode true
Target amd64-unicode
RequestExecutionLevel user
SetCompressor /SOLID lzma
ManifestDPIAware true

!include MUI2.nsh
!include nsDialogs.nsh
!include LogicLib.nsh
!include FileFunc.nsh

!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${FOLDER}"
; Microsoft's documented check for an installed WebView2 Runtime: the "pv" value of its client
; key, per machine (64-bit Windows keeps it under WOW6432Node) or per user.
!define WEBVIEW2_CLIENT "Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"

Name "${TITLE}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${FOLDER}"
BrandingText "${TITLE} ${VERSION}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${TITLE}"
VIAddVersionKey "FileDescription" "${TITLE} setup"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "LegalCopyright" "The xero-connect authors (MIT licence)"

!define MUI_ICON "${STAGE}\icon.ico"
!define MUI_UNICON "${STAGE}\icon.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\xero-connect-wizard.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Start ${TITLE} now"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
UninstPage custom un.ConnectionsPage un.ConnectionsPageLeave
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "English"

Var RemoveConnections
Var RemoveCheckbox

Section "Install"
    SetShellVarContext current
    SetOutPath "$INSTDIR"
    File "${STAGE}\xero-connect.exe"
    File "${STAGE}\xero-connect-wizard.exe"
!if /FileExists "${STAGE}\WebView2Loader.dll"
    ; The GNU build loads WebView2's loader from beside the program (an MSVC build links it in).
    File "${STAGE}\WebView2Loader.dll"
!endif
!ifdef PROFILE
    File "/oname=profile.toml" "${PROFILE}"
!endif
    WriteUninstaller "$INSTDIR\uninstall.exe"
    CreateShortcut "$SMPROGRAMS\${TITLE}.lnk" "$INSTDIR\xero-connect-wizard.exe" "" "$INSTDIR\xero-connect-wizard.exe" 0

    WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${TITLE}"
    WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
    WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "The xero-connect authors"
    WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\xero-connect-wizard.exe"
    WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
    WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
    WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
    WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
    WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
    ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
    WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" $0

!ifdef WEBVIEW2_SETUP
    Call InstallWebView2IfMissing
!endif
SectionEnd

!ifdef WEBVIEW2_SETUP
Function InstallWebView2IfMissing
    SetRegView 64
    ReadRegStr $0 HKLM "SOFTWARE\WOW6432Node\${WEBVIEW2_CLIENT}" "pv"
    ${If} $0 == ""
    ${OrIf} $0 == "0.0.0.0"
        ReadRegStr $0 HKCU "Software\${WEBVIEW2_CLIENT}" "pv"
    ${EndIf}
    ${If} $0 == ""
    ${OrIf} $0 == "0.0.0.0"
        DetailPrint "Installing the Microsoft Edge WebView2 Runtime…"
        InitPluginsDir
        File "/oname=$PLUGINSDIR\MicrosoftEdgeWebview2Setup.exe" "${WEBVIEW2_SETUP}"
        ExecWait '"$PLUGINSDIR\MicrosoftEdgeWebview2Setup.exe" /silent /install' $1
        ${If} $1 != 0
            MessageBox MB_OK|MB_ICONEXCLAMATION "The Microsoft Edge WebView2 Runtime could not be installed (code $1). The window needs it; the command line works without it. Install it from https://developer.microsoft.com/microsoft-edge/webview2/ and start ${TITLE} again." /SD IDOK
        ${EndIf}
    ${EndIf}
FunctionEnd
!endif

Function un.onInit
    ${GetParameters} $R0
    ClearErrors
    ${GetOptions} $R0 "/REMOVECONNECTIONS" $R1
    ${IfNot} ${Errors}
        StrCpy $RemoveConnections 1
    ${EndIf}
    ; Silent: no page asks, so connections are removed here, before anything is uninstalled.
    ${If} ${Silent}
    ${AndIf} $RemoveConnections == 1
        Call un.RemoveConnections
        ${If} $0 != 0
            SetErrorLevel 3
            Quit
        ${EndIf}
    ${EndIf}
FunctionEnd

Function un.ConnectionsPage
    !insertmacro MUI_HEADER_TEXT "Your saved connections" "They stay on this computer unless you ask."
    nsDialogs::Create 1018
    Pop $0
    ${NSD_CreateLabel} 0 0 100% 40u "Your connections to Xero (their settings, and their secrets in Windows Credential Manager) are kept, so that installing ${TITLE} again finds them, and the programs that use them keep working."
    Pop $0
    ${NSD_CreateCheckbox} 0 48u 100% 24u "Also disconnect my saved connections from Xero and delete them from this computer"
    Pop $RemoveCheckbox
    nsDialogs::Show
FunctionEnd

Function un.ConnectionsPageLeave
    ${NSD_GetState} $RemoveCheckbox $0
    ${If} $0 == ${BST_CHECKED}
        StrCpy $RemoveConnections 1
        Call un.RemoveConnections
        ; Stay on this page: the tick can be taken off, or the uninstall cancelled.
        ${If} $0 != 0
            Abort
        ${EndIf}
    ${EndIf}
FunctionEnd

; Disconnects and deletes every saved connection with the installed command line; $0 is its
; exit code. If one could not be disconnected (Xero unreachable), the uninstall does not go on:
; the program stays, so it can be tried again, and nothing is half-removed.
Function un.RemoveConnections
    nsExec::Exec '"$INSTDIR\xero-connect.exe" remove --all --yes'
    Pop $0
    ${If} $0 != 0
        MessageBox MB_OK|MB_ICONEXCLAMATION "Some connections could not be disconnected from Xero (is this computer online?), so nothing was uninstalled. Try again when this computer can reach Xero, or uninstall without removing the connections." /SD IDOK
    ${EndIf}
FunctionEnd

Section "Uninstall"
    SetShellVarContext current
    Delete "$SMPROGRAMS\${TITLE}.lnk"
    Delete "$INSTDIR\xero-connect.exe"
    Delete "$INSTDIR\xero-connect-wizard.exe"
    Delete "$INSTDIR\WebView2Loader.dll"
    Delete "$INSTDIR\profile.toml"
    Delete "$INSTDIR\uninstall.exe"
    RMDir "$INSTDIR"
    ; Asked to delete the connections: what the window remembers goes with them (an unfinished
    ; setup's name and Client ID, its place on the screen, WebView2's data). Kept otherwise, as
    ; the connections are.
    ${If} $RemoveConnections == 1
        RMDir /r "$APPDATA\${APP_ID}"
        RMDir /r "$LOCALAPPDATA\${APP_ID}"
    ${EndIf}
    DeleteRegKey HKCU "${UNINSTALL_KEY}"
SectionEnd
