#pragma once
// Exit codes of every command, as --help and the README document them.
namespace strata::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;             // anything not listed below
inline constexpr int kExitUsage = 2;             // bad command line or project file
inline constexpr int kExitValidation = 3;        // migrate validate found a problem
inline constexpr int kExitMigrationFailed = 4;   // a migration's statement failed
inline constexpr int kExitLockTimeout = 5;       // another migrator held the lock too long

inline constexpr const char* kExitCodesHelp =
    "Exit codes: 0 ok, 1 error, 2 usage or project-file error, 3 validation failed, "
    "4 migration failed, 5 migration lock timeout.";

}  // namespace strata::cli
