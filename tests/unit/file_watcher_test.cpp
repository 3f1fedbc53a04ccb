#include "dev/file_watcher.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "temp_folder.hpp"

namespace strata::dev {
namespace {

using std::chrono::milliseconds;
using Changes = std::set<std::string>;

TEST(FileWatcher, ReportsEditedSourcesProjectFileAndMigrations) {
  testing::TempFolder app;
  std::filesystem::create_directories(app.path() / "functions");
  std::filesystem::create_directories(app.path() / "migrations");
  FileWatcher watcher(app.path());
  app.write("functions/get.cpp", "// edited");
  app.write("strata.json", "{}");
  app.write("migrations/V2__more.sql", "SELECT 1;");
  app.write("CMakeLists.txt", "");
  EXPECT_EQ(watcher.read_changes(milliseconds(50)),
            (Changes{"CMakeLists.txt", "functions/get.cpp", "migrations/V2__more.sql", "strata.json"}));
  EXPECT_EQ(watcher.read_changes(milliseconds(20)), Changes{});
}

TEST(FileWatcher, IgnoresBuildFoldersHiddenFoldersAndEditorFiles) {
  testing::TempFolder app;
  std::filesystem::create_directories(app.path() / "build");
  app.write("build/CMakeCache.txt", "");
  std::filesystem::create_directories(app.path() / ".strata");
  FileWatcher watcher(app.path());
  app.write("build/main.cpp", "");
  app.write(".strata/app.db", "");
  app.write(".get.cpp.swp", "");
  app.write("notes.txt", "");
  app.write("get.cpp~", "");
  EXPECT_EQ(watcher.read_changes(milliseconds(50)), Changes{});
}

TEST(FileWatcher, WatchesAFolderCreatedAfterItStarted) {
  testing::TempFolder app;
  FileWatcher watcher(app.path());
  std::filesystem::create_directories(app.path() / "functions" / "admin");
  app.write("functions/admin/ban.cpp", "");
  EXPECT_EQ(watcher.read_changes(milliseconds(50)), Changes{"functions/admin/ban.cpp"});
  app.write("functions/admin/ban.cpp", "// again");
  EXPECT_EQ(watcher.read_changes(milliseconds(50)), Changes{"functions/admin/ban.cpp"});
}

}  // namespace
}  // namespace strata::dev
