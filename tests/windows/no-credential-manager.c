/* Test-only: makes Wine's Credential Manager refuse every credential with
 * ERROR_NO_SUCH_LOGON_SESSION (1312), as Windows does in a session that has none: an SSH or
 * remote PowerShell session, a service or scheduled task without the user's profile loaded.
 *
 * Wine keeps credentials under HKCU\Software\Wine\Credential Manager, a non-volatile key, and
 * answers with ERROR_NO_SUCH_LOGON_SESSION when it cannot open or create that key
 * (dlls/advapi32/cred.c, open_cred_mgr_key). Windows refuses to create a non-volatile key under
 * a volatile one (ERROR_CHILD_MUST_BE_VOLATILE), and so does Wine: this program replaces
 * HKCU\Software\Wine by an empty volatile key, so the programs under test meet the real error
 * through the real API. A volatile key lives as long as the prefix's wineserver, which the
 * tests keep running. Used by tests/support/windows.rs; never shipped. */
#include <windows.h>
#include <stdio.h>

int main(void)
{
    HKEY key;
    LONG rc = RegDeleteTreeW(HKEY_CURRENT_USER, L"Software\\Wine");
    if (rc != ERROR_SUCCESS && rc != ERROR_FILE_NOT_FOUND) {
        fprintf(stderr, "no-credential-manager: cannot delete HKCU\\Software\\Wine (%ld)\n", rc);
        return 1;
    }
    rc = RegCreateKeyExW(HKEY_CURRENT_USER, L"Software\\Wine", 0, NULL, REG_OPTION_VOLATILE,
                         KEY_ALL_ACCESS, NULL, &key, NULL);
    if (rc != ERROR_SUCCESS) {
        fprintf(stderr, "no-credential-manager: cannot create a volatile HKCU\\Software\\Wine (%ld)\n", rc);
        return 1;
    }
    RegCloseKey(key);
    return 0;
}
