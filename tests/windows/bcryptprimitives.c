/* Test-only stand-in for Windows' bcryptprimitives.dll, for Debian 12's Wine 8.0, which lacks it.
 *
 * Rust's standard library (since 1.78) takes its random numbers from ProcessPrng in
 * bcryptprimitives.dll, which Windows 10 and 11 ship and Wine gained only in 8.13; without it
 * every Rust program exits with status 53 under this Wine before main. This DLL exports
 * ProcessPrng over advapi32's RtlGenRandom (SystemFunction036), which Wine 8.0 has.
 *
 * scripts/windows.sh builds it with MinGW and copies it into the test Wine prefix's system32.
 * It is never shipped and never installed on a real Windows machine. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x7fffffff ? 0x7fffffff : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
