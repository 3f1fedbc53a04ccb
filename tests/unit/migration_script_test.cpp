// Migration scripts on disk: names, versions, normalization and discovery.
#include "migrate/migration_script.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "temp_folder.hpp"

namespace strata::migrate {
namespace {

using strata::testing::TempFolder;

Version version(std::string_view text) {
  auto parsed = Version::parse(text);
  if (!parsed) throw std::invalid_argument("not a version: " + std::string(text));
  return *parsed;
}

std::vector<std::string> file_names(const std::vector<MigrationScript>& scripts) {
  std::vector<std::string> names;
  for (const MigrationScript& script : scripts) names.push_back(script.file_name);
  return names;
}

// The message of the ScriptError discover_scripts throws, or "(no error)".
std::string discover_error(const std::filesystem::path& folder, std::string_view engine) {
  try {
    discover_scripts(folder, engine);
  } catch (const ScriptError& error) {
    return error.what();
  }
  return "(no error)";
}

// ---- parse_script_name -------------------------------------------------------

TEST(ScriptName, PlainVersion) {
  auto script = parse_script_name("v1.sql");
  ASSERT_TRUE(script.has_value());
  EXPECT_EQ(script->version.text(), "1");
  EXPECT_EQ(script->description, "");
  EXPECT_EQ(script->file_name, "v1.sql");
  EXPECT_EQ(script->engine, "");
  EXPECT_EQ(script->content, "");
  EXPECT_EQ(script->checksum, "");
}

TEST(ScriptName, DescriptionHasUnderscoresAsSpaces) {
  auto script = parse_script_name("V2__add_users.sql");
  ASSERT_TRUE(script.has_value());
  EXPECT_EQ(script->version.text(), "2");
  EXPECT_EQ(script->description, "add users");
  EXPECT_EQ(script->file_name, "V2__add_users.sql");
}

TEST(ScriptName, DottedVersion) {
  auto script = parse_script_name("V1.2__x.sql");
  ASSERT_TRUE(script.has_value());
  EXPECT_EQ(script->version.text(), "1.2");
  EXPECT_EQ(script->description, "x");
  EXPECT_EQ(script->version, version("1.2"));
}

TEST(ScriptName, EngineVariant) {
  auto mysql = parse_script_name("v3.mysql.sql");
  ASSERT_TRUE(mysql.has_value());
  EXPECT_EQ(mysql->version.text(), "3");
  EXPECT_EQ(mysql->engine, "mysql");

  auto sqlite = parse_script_name("V3__seed_data.sqlite.sql");
  ASSERT_TRUE(sqlite.has_value());
  EXPECT_EQ(sqlite->version.text(), "3");
  EXPECT_EQ(sqlite->engine, "sqlite");
  EXPECT_EQ(sqlite->description, "seed data");
}

TEST(ScriptName, RejectsAnotherPrefix) { EXPECT_FALSE(parse_script_name("x1.sql").has_value()); }

TEST(ScriptName, RejectsAMissingVersion) {
  EXPECT_FALSE(parse_script_name("v.sql").has_value());
  EXPECT_FALSE(parse_script_name("V__init.sql").has_value());
}

TEST(ScriptName, RejectsAnEmptyDescription) { EXPECT_FALSE(parse_script_name("V1__.sql").has_value()); }

TEST(ScriptName, RejectsAnotherExtension) {
  EXPECT_FALSE(parse_script_name("v1.txt").has_value());
  EXPECT_FALSE(parse_script_name("v1.sql.bak").has_value());
}

TEST(ScriptName, RejectsMalformedVersions) {
  EXPECT_FALSE(parse_script_name("v1..2.sql").has_value());
  EXPECT_FALSE(parse_script_name("v1.sql.sql").has_value());
  EXPECT_FALSE(parse_script_name("v1a.sql").has_value());
  EXPECT_FALSE(parse_script_name("v-1.sql").has_value());
  EXPECT_FALSE(parse_script_name("V1_init.sql").has_value());
}

TEST(ScriptName, RejectsAnUnknownEngine) { EXPECT_FALSE(parse_script_name("v3.postgres.sql").has_value()); }

TEST(ScriptName, RejectsTwoEngineSuffixes) {
  EXPECT_FALSE(parse_script_name("v1.mysql.sqlite.sql").has_value());
  EXPECT_FALSE(parse_script_name("v1.sqlite.mysql.sql").has_value());
}

// ---- Version -----------------------------------------------------------------

TEST(Version, ParsesDigitsSeparatedBySingleDots) {
  EXPECT_TRUE(Version::parse("1").has_value());
  EXPECT_TRUE(Version::parse("1.2.3").has_value());
  EXPECT_TRUE(Version::parse("20240101").has_value());
  EXPECT_FALSE(Version::parse("").has_value());
  EXPECT_FALSE(Version::parse(".1").has_value());
  EXPECT_FALSE(Version::parse("1.").has_value());
  EXPECT_FALSE(Version::parse("1..2").has_value());
  EXPECT_FALSE(Version::parse("1,2").has_value());
}

TEST(Version, KeepsItsText) { EXPECT_EQ(version("1.02").text(), "1.02"); }

TEST(Version, RejectsPartsTooLargeForSixtyFourBits) {
  EXPECT_FALSE(Version::parse("99999999999999999999999").has_value());
}

TEST(Version, ComparesNumericallyNotAsText) {
  EXPECT_LT(version("2"), version("10"));
  EXPECT_GT(version("10"), version("9"));
}

TEST(Version, ComparesDottedPartsNumerically) {
  EXPECT_LT(version("1.2"), version("1.10"));
  EXPECT_LT(version("1.9.9"), version("2"));
}

TEST(Version, ShorterVersionSortsBeforeItsExtension) {
  EXPECT_LT(version("1"), version("1.0.1"));
  EXPECT_LT(version("1"), version("1.0"));
  EXPECT_GT(version("1.0.1"), version("1"));
}

TEST(Version, LeadingZerosDoNotChangeTheValue) { EXPECT_EQ(version("01.002"), version("1.2")); }

// ---- normalize_script --------------------------------------------------------

TEST(NormalizeScript, CrlfBecomesLf) { EXPECT_EQ(normalize_script("a;\r\nb;\r\n"), "a;\nb;\n"); }

TEST(NormalizeScript, LoneCrBecomesLf) { EXPECT_EQ(normalize_script("a;\rb;\r"), "a;\nb;\n"); }

TEST(NormalizeScript, BomIsDropped) { EXPECT_EQ(normalize_script("\xEF\xBB\xBFSELECT 1;\n"), "SELECT 1;\n"); }

TEST(NormalizeScript, BomOnlyAtTheStartIsDropped) {
  EXPECT_EQ(normalize_script("SELECT '\xEF\xBB\xBF';"), "SELECT '\xEF\xBB\xBF';");
}

TEST(NormalizeScript, LfTextIsUnchanged) { EXPECT_EQ(normalize_script("a;\n\nb;"), "a;\n\nb;"); }

TEST(NormalizeScript, CrCrLfIsTwoLineBreaks) { EXPECT_EQ(normalize_script("a\r\r\nb"), "a\n\nb"); }

// ---- discover_scripts --------------------------------------------------------

TEST(DiscoverScripts, ScriptsComeInNumericVersionOrder) {
  TempFolder folder;
  folder.write("v10.sql", "SELECT 10;");
  folder.write("v2.sql", "SELECT 2;");
  folder.write("V1__init.sql", "SELECT 1;");
  folder.write("v1.10.sql", "SELECT 1.10;");
  folder.write("v1.2.sql", "SELECT 1.2;");
  auto scripts = discover_scripts(folder.path(), "sqlite");
  EXPECT_EQ(file_names(scripts),
            (std::vector<std::string>{"V1__init.sql", "v1.2.sql", "v1.10.sql", "v2.sql", "v10.sql"}));
}

TEST(DiscoverScripts, ScriptsCarryTheirContent) {
  TempFolder folder;
  folder.write("v1.sql", "CREATE TABLE a (id INT);\r\n");
  auto scripts = discover_scripts(folder.path(), "sqlite");
  ASSERT_EQ(scripts.size(), 1u);
  EXPECT_EQ(scripts[0].content, "CREATE TABLE a (id INT);\r\n");
  EXPECT_EQ(scripts[0].checksum.size(), 64u);
}

TEST(DiscoverScripts, CrlfAndLfFilesHaveEqualChecksums) {
  TempFolder lf, crlf, bom, edited;
  lf.write("v1.sql", "CREATE TABLE a (id INT);\nINSERT INTO a VALUES (1);\n");
  crlf.write("v1.sql", "CREATE TABLE a (id INT);\r\nINSERT INTO a VALUES (1);\r\n");
  bom.write("v1.sql", "\xEF\xBB\xBF" "CREATE TABLE a (id INT);\nINSERT INTO a VALUES (1);\n");
  edited.write("v1.sql", "CREATE TABLE a (id INT);\nINSERT INTO a VALUES (2);\n");
  std::string checksum = discover_scripts(lf.path(), "sqlite").at(0).checksum;
  EXPECT_EQ(discover_scripts(crlf.path(), "sqlite").at(0).checksum, checksum);
  EXPECT_EQ(discover_scripts(bom.path(), "sqlite").at(0).checksum, checksum);
  EXPECT_NE(discover_scripts(edited.path(), "sqlite").at(0).checksum, checksum);
}

TEST(DiscoverScripts, ChecksumIsSha256OfTheNormalizedContent) {
  TempFolder folder;
  folder.write("v1.sql", "abc");
  // SHA-256("abc")
  EXPECT_EQ(discover_scripts(folder.path(), "sqlite").at(0).checksum,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(DiscoverScripts, TwoFilesOfOneVersionAreAnErrorNamingBoth) {
  TempFolder folder;
  folder.write("v1.sql", "SELECT 1;");
  folder.write("V1__init.sql", "SELECT 1;");
  folder.write("v2.sql", "SELECT 2;");
  std::string error = discover_error(folder.path(), "sqlite");
  EXPECT_NE(error.find("v1.sql"), std::string::npos) << error;
  EXPECT_NE(error.find("V1__init.sql"), std::string::npos) << error;
  EXPECT_NE(error.find("version 1 "), std::string::npos) << error;
}

TEST(DiscoverScripts, SameVersionWrittenDifferentlyIsAnError) {
  TempFolder folder;
  folder.write("v1.sql", "SELECT 1;");
  folder.write("v01.sql", "SELECT 1;");
  std::string error = discover_error(folder.path(), "sqlite");
  EXPECT_NE(error.find("v1.sql"), std::string::npos) << error;
  EXPECT_NE(error.find("v01.sql"), std::string::npos) << error;
}

TEST(DiscoverScripts, TwoVariantsForOneEngineAreAnError) {
  TempFolder folder;
  folder.write("v3.sqlite.sql", "SELECT 3;");
  folder.write("V3__again.sqlite.sql", "SELECT 3;");
  std::string error = discover_error(folder.path(), "sqlite");
  EXPECT_NE(error.find("v3.sqlite.sql"), std::string::npos) << error;
  EXPECT_NE(error.find("V3__again.sqlite.sql"), std::string::npos) << error;
}

TEST(DiscoverScripts, PlainScriptAndVariantOfOneVersionAreAnError) {
  TempFolder folder;
  folder.write("v3.sql", "SELECT 3;");
  folder.write("v3.mysql.sql", "SELECT 3;");
  std::string error = discover_error(folder.path(), "sqlite");
  EXPECT_NE(error.find("v3.sql"), std::string::npos) << error;
  EXPECT_NE(error.find("v3.mysql.sql"), std::string::npos) << error;
  EXPECT_NE(error.find("keep one form"), std::string::npos) << error;
}

TEST(DiscoverScripts, VariantForAnotherEngineIsSkipped) {
  TempFolder folder;
  folder.write("v1.sql", "SELECT 1;");
  folder.write("v2.mysql.sql", "SELECT 'mysql';");
  folder.write("v2.sqlite.sql", "SELECT 'sqlite';");
  folder.write("v3.mysql.sql", "SELECT 'only mysql';");
  auto sqlite = discover_scripts(folder.path(), "sqlite");
  EXPECT_EQ(file_names(sqlite), (std::vector<std::string>{"v1.sql", "v2.sqlite.sql"}));
  ASSERT_EQ(sqlite.size(), 2u);
  EXPECT_EQ(sqlite[1].content, "SELECT 'sqlite';");
  auto mysql = discover_scripts(folder.path(), "mysql");
  EXPECT_EQ(file_names(mysql), (std::vector<std::string>{"v1.sql", "v2.mysql.sql", "v3.mysql.sql"}));
}

TEST(DiscoverScripts, MisnamedSqlFileIsAnErrorNamingIt) {
  TempFolder folder;
  folder.write("v1.sql", "SELECT 1;");
  folder.write("create_users.sql", "SELECT 2;");
  std::string error = discover_error(folder.path(), "sqlite");
  EXPECT_NE(error.find("create_users.sql"), std::string::npos) << error;
  EXPECT_NE(error.find("not a migration name"), std::string::npos) << error;
}

TEST(DiscoverScripts, NonSqlFilesAndFoldersAreIgnored) {
  TempFolder folder;
  folder.write("v1.sql", "SELECT 1;");
  folder.write("README.md", "notes");
  folder.write("v2.sql.orig", "SELECT 2;");
  folder.write(".DS_Store", "");
  std::filesystem::create_directory(folder.path() / "v3.sql");
  EXPECT_EQ(file_names(discover_scripts(folder.path(), "sqlite")), (std::vector<std::string>{"v1.sql"}));
}

TEST(DiscoverScripts, EmptyFolderHasNoScripts) {
  TempFolder folder;
  EXPECT_TRUE(discover_scripts(folder.path(), "sqlite").empty());
}

TEST(DiscoverScripts, MissingFolderIsAnError) {
  TempFolder folder;
  std::string error = discover_error(folder.path() / "absent", "sqlite");
  EXPECT_NE(error.find("absent"), std::string::npos) << error;
  EXPECT_NE(error.find("not found"), std::string::npos) << error;
}

}  // namespace
}  // namespace strata::migrate
